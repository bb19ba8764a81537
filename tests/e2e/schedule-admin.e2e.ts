import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT, startHearth, type RunningHearth } from './support/app';
import { launchChromium } from './support/browser';

jest.setTimeout(300_000);

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 375, height: 812 };
const ARTIFACTS = path.join(REPO_ROOT, 'tests/artifacts/schedule');
const ZONE = 'America/Phoenix';
const PASSWORD = 'calm-harbor-2031';

/** The wall clock in the program's zone now: date and whole hour. */
function phoenixNow(): { date: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit' })
      .formatToParts(new Date())
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}
const hh = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

async function signIn(page: Page, url: string, email: string, password: string) {
  await page.goto(url);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('current-user').waitFor({ timeout: 15_000 });
}

/** Full-page screenshots at the desktop and the phone size, back at desktop afterwards. */
async function shoot(page: Page, name: string) {
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-375.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-1440.png`), fullPage: true });
}

interface WeekBody {
  patients: { patientId: string; name: string; flags: string[] }[];
}

describe('scheduling from the staff pages', () => {
  let hearth: RunningHearth;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    hearth = await startHearth();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.stop();
  });

  it('an admin sets up a program, people, a cohort, an enrollment and a series; its therapist sees who lacks a 1:1 until one is booked', async () => {
    const suffix = Date.now().toString(36);
    const robinEmail = `robin.${suffix}@hearth.test`;
    const caseyEmail = `casey.${suffix}@hearth.test`;
    const { date: today, hour } = phoenixNow();

    // ---- Admin
    const admin = await browser.newPage({ viewport: DESKTOP });
    await signIn(admin, hearth.url, 'admin@hearth.test', 'hearth-demo');
    await admin.getByTestId('nav-programs').click();
    await admin.getByTestId('program-row').first().waitFor();
    expect(await admin.getByTestId('program-row').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Evening Adult IOP')]));

    // A program: the weekly target follows the specialty.
    await admin.getByTestId('program-name').fill('Weekend Teen IOP');
    await admin.getByTestId('program-specialty').selectOption('adolescent');
    expect(await admin.getByTestId('program-weekly-hours').inputValue()).toBe('6');
    await admin.getByTestId('program-time-zone').selectOption(ZONE);
    await admin.getByTestId('program-name-policy').selectOption('initials');
    await shoot(admin, '01-programs');
    await admin.getByTestId('create-program-submit').click();
    await admin.getByTestId('create-program-done').getByRole('link', { name: 'Weekend Teen IOP' }).click();
    await admin.getByTestId('program-title').waitFor();

    // Tracks: the program runs its specialty's (Adolescents); the admin adds LGBTQ+.
    const trackSections = () => admin.getByTestId('program-track-section').evaluateAll((els) => els.map((e) => e.getAttribute('data-track')));
    await admin.getByTestId('program-track-section').first().waitFor();
    expect(await trackSections()).toEqual(['adolescents']);
    await admin.getByText('Change the tracks this program runs').click();
    await admin.locator('[data-testid="program-track"][value="lgbtq"]').check();
    await admin.getByTestId('program-tracks-submit').click();
    await admin.getByTestId('program-tracks-done').waitFor();
    expect(await trackSections()).toEqual(['adolescents', 'lgbtq']);

    // Two accounts: a therapist and a patient. A short password is refused by the form, not lost.
    await admin.getByText('Create an account').click();
    await admin.getByTestId('member-first-name').fill('Robin');
    await admin.getByTestId('member-last-name').fill('Hale');
    await admin.getByTestId('member-email').fill(robinEmail);
    await admin.getByTestId('member-role').selectOption('therapist');
    await admin.getByTestId('member-password').fill('short');
    await admin.getByTestId('create-member-submit').click();
    expect(await admin.getByTestId('create-member-error').textContent()).toMatch(/correct the fields/);
    expect(await admin.getByTestId('member-email').inputValue()).toBe(robinEmail);
    await admin.getByTestId('member-password').fill(PASSWORD);
    await admin.getByTestId('create-member-submit').click();
    await admin.getByTestId('create-member-done').waitFor();
    await admin.getByTestId('member-first-name').fill('Casey');
    await admin.getByTestId('member-last-name').fill('Nguyen');
    await admin.getByTestId('member-email').fill(caseyEmail);
    await admin.getByTestId('member-role').selectOption('patient');
    await admin.getByTestId('member-password').fill(PASSWORD);
    await admin.getByTestId('create-member-submit').click();
    await admin.getByTestId('create-member-done').getByText(/Casey Nguyen/).waitFor();
    // The same e-mail twice: the server's message, next to the form.
    await admin.getByTestId('member-first-name').fill('Casey');
    await admin.getByTestId('member-last-name').fill('Again');
    await admin.getByTestId('member-email').fill(caseyEmail);
    await admin.getByTestId('member-password').fill(PASSWORD);
    await admin.getByTestId('create-member-submit').click();
    expect(await admin.getByTestId('create-member-error').textContent()).toMatch(/already exists/);
    // The admin who made the program, Robin and Casey.
    expect(await admin.getByTestId('member-row').count()).toBe(3);

    // A cohort led by Robin.
    await admin.getByText('Create a cohort').click();
    await admin.getByTestId('cohort-name').fill('Teen A');
    await admin.getByTestId('cohort-track').selectOption('lgbtq');
    await admin.getByTestId('cohort-lead').selectOption({ label: 'Robin Hale' });
    await admin.getByTestId('create-cohort-submit').click();
    // Listed under its track.
    await admin.locator('[data-testid="program-track-section"][data-track="lgbtq"] [data-testid="cohort-row"]').getByText('Teen A').waitFor();
    await shoot(admin, '02-program-detail');
    await admin.getByTestId('create-cohort-done').getByRole('link', { name: 'Teen A' }).click();
    await admin.getByTestId('cohort-title').waitFor();

    // Casey enrolled from today.
    await admin.getByText('Enroll a patient').click();
    await admin.getByTestId('enroll-patient-select').selectOption({ label: `Casey Nguyen (${caseyEmail})` });
    await admin.getByTestId('enroll-start').fill(today);
    await admin.getByTestId('enroll-patient-submit').click();
    await admin.getByTestId('cohort-roster-row').waitFor();
    const caseyId = await admin.getByTestId('cohort-roster-row').getAttribute('data-user-id');
    expect(caseyId).toBeTruthy();

    // A daily series, twelve hours away from the 1:1 booked below so they never overlap.
    await admin.getByText('Add a recurring series').click();
    await admin.getByTestId('series-title').fill('Teen group');
    for (const box of await admin.getByTestId('series-weekday').all()) await box.check();
    await admin.getByTestId('series-start-date').fill(today);
    await admin.getByTestId('series-start-time').fill(hh((hour + 12) % 24));
    await admin.getByTestId('series-duration').fill('50');
    await admin.getByTestId('series-themes').fill('Coping strategies\nStress management');
    expect(await admin.getByTestId('series-rule').textContent()).toContain('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU');
    await admin.getByTestId('create-series-submit').click();
    await admin.getByTestId('series-preview').waitFor();
    expect(await admin.getByTestId('series-preview-item').count()).toBeGreaterThan(0);
    // Themes rotate by occurrence; which one comes first depends on whether today's has passed.
    const previewed = await admin.getByTestId('series-preview-item').allTextContents();
    expect(previewed[0]).toMatch(/Coping strategies|Stress management/);
    if (previewed.length > 1) expect(previewed.slice(0, 2).join(' ')).toMatch(/Coping strategies[\s\S]*Stress management|Stress management[\s\S]*Coping strategies/);
    await shoot(admin, '03-cohort-admin');

    // ---- Therapist Robin
    const therapist = await browser.newPage({ viewport: DESKTOP });
    await signIn(therapist, hearth.url, robinEmail, PASSWORD);
    await therapist.getByTestId('nav-my-cohorts').click();
    const caseyRow = therapist.locator(`[data-testid="week-hours-row"][data-user-id="${caseyId}"]`);
    await caseyRow.waitFor();
    expect(await caseyRow.getAttribute('data-flag')).toBe('no-individual');
    expect(await caseyRow.textContent()).toContain('No 1:1 this week');

    // Every row agrees with the server's flags.
    const { accessToken } = (await (
      await fetch(`${hearth.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: robinEmail, password: PASSWORD }),
      })
    ).json()) as { accessToken: string };
    const cohorts = (await (await fetch(`${hearth.url}/api/me/cohorts`, { headers: { authorization: `Bearer ${accessToken}` } })).json()) as {
      programId: string;
    }[];
    const week = (await (
      await fetch(`${hearth.url}/api/programs/${cohorts[0]?.programId}/week`, { headers: { authorization: `Bearer ${accessToken}` } })
    ).json()) as WeekBody;
    for (const p of week.patients) {
      const row = therapist.locator(`[data-testid="week-hours-row"][data-user-id="${p.patientId}"]`);
      expect(await row.getAttribute('data-flag')).toBe(p.flags.includes('no_individual_session') ? 'no-individual' : p.flags.includes('below_target') ? 'below-target' : null);
    }
    await shoot(therapist, '04-therapist-week-flagged');

    // Robin books a 1:1 with Casey this hour; the flag goes.
    await therapist.getByTestId('therapist-cohort-row').getByRole('link').click();
    await therapist.getByTestId('cohort-roster-row').waitFor();
    await therapist.getByTestId('book-patient').selectOption(caseyId!);
    await therapist.getByTestId('book-date').fill(today);
    await therapist.getByTestId('book-time').fill(hh(hour));
    // Two hours from the top of this hour: still running even if the hour turned during the test.
    await therapist.getByTestId('book-duration').fill('120');
    await therapist.getByTestId('book-individual-submit').click();
    await therapist.getByTestId('book-individual-done').waitFor();
    // The same slot again: refused as a double booking, said plainly.
    await therapist.getByTestId('book-individual-submit').click();
    expect(await therapist.getByTestId('book-individual-error').textContent()).toMatch(/That time is already taken/);
    await shoot(therapist, '05-therapist-cohort');

    await therapist.getByTestId('nav-my-cohorts').click();
    await caseyRow.waitFor();
    await therapist.waitForFunction(
      (id) => document.querySelector(`[data-testid="week-hours-row"][data-user-id="${id}"]`)?.getAttribute('data-flag') !== 'no-individual',
      caseyId,
    );
    expect(await caseyRow.textContent()).not.toContain('No 1:1 this week');
    await shoot(therapist, '06-therapist-week-booked');

    // The calendar link, from the nav.
    await therapist.getByTestId('nav-calendar').click();
    await therapist.getByTestId('calendar-link-create').click();
    const link = await therapist.getByTestId('calendar-link').inputValue();
    expect(link).toMatch(/\/api\/calendar\/.+\.ics$/);
    const ics = await fetch(link.replace(/^https?:\/\/[^/]+/, hearth.url));
    expect(ics.status).toBe(200);
    expect(await ics.text()).toContain('BEGIN:VCALENDAR');
    await shoot(therapist, '07-calendar');
    await therapist.getByTestId('calendar-link-revoke').click();
    await therapist.getByTestId('calendar-link-inactive').waitFor();

    // Casey's schedule shows times in the program's zone when the browser is elsewhere.
    const patientContext = await browser.newContext({ viewport: DESKTOP, timezoneId: 'America/New_York' });
    const patient = await patientContext.newPage();
    await signIn(patient, hearth.url, caseyEmail, PASSWORD);
    await patient.getByTestId('session-card').first().waitFor();
    expect(await patient.getByTestId('session-card').first().textContent()).toContain('(Phoenix time)');
    await shoot(patient, '08-patient-schedule');
    await patientContext.close();
  });
});
