/**
 * Clinical records, end to end in real Chromium: a short group (therapist and
 * one patient admitted through the lobby, fake camera and microphone), the
 * therapist ends it, opens the session's record from the "ended" screen,
 * sees the patient's attendance row (minutes consistent with the recorded
 * segment), writes the narrative and the patient's field, saves, signs with
 * the password (the note locks), adds an addendum, and downloads the CSV.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { ALEX_SAFETY, eventually, expectMediaFlowing, gatherInRoom, pageAuth, PHONE, screenshot, signIn, startRoomTest, type Person, type RoomTest } from './room.support';

jest.setTimeout(360_000);

interface RecordBody {
  attendance: { userId: string; minutes: number; segments: number; firstJoinedAt: string | null; lastLeftAt: string | null }[];
}

describe('session record in a real browser', () => {
  let room: RoomTest;
  let hearth: RoomTest['hearth'];
  let browser: Browser;
  let sessionId: string;
  let therapist: Person;
  let patient: Person;

  beforeAll(async () => {
    room = await startRoomTest({}, 180_000);
    ({ hearth, browser, sessionId } = room);
  });

  afterAll(() => room?.stop());

  it('a short group runs and the therapist ends it', async () => {
    [therapist, patient] = await Promise.all([
      signIn(browser, hearth.url, 'therapist@hearth.test'),
      signIn(browser, hearth.url, 'patient1@hearth.test'),
    ]);
    await gatherInRoom(therapist, [{ person: patient, ...ALEX_SAFETY }], sessionId);
    await expectMediaFlowing(therapist, patient);
    await therapist.page.getByTestId('end-session').click();
    const confirm = therapist.page.getByTestId('end-session-confirm');
    if (await confirm.isVisible().catch(() => false)) await confirm.click();
    await patient.page.getByText('The therapist has ended this session').waitFor();
    expect(await patient.page.getByTestId('open-record').count()).toBe(0);
  });

  it('the therapist opens the record and sees attendance that matches the segments', async () => {
    const page = therapist.page;
    await page.getByTestId('open-record').click();
    await page.waitForURL(`**/sessions/${sessionId}/record`);
    const row = page.locator(`[data-testid="attendance-row"][data-user-id="${patient.userId}"]`);
    await row.waitFor();
    const shown = Number(await row.getAttribute('data-minutes'));

    const { accessToken } = await pageAuth(page); // the token the therapist's page holds
    const res = await fetch(`${hearth.url}/api/sessions/${sessionId}/record`, { headers: { authorization: `Bearer ${accessToken}` } });
    const body = (await res.json()) as RecordBody;
    const mine = body.attendance.find((a) => a.userId === patient.userId)!;
    expect(mine.segments).toBe(1);
    const stayed = Date.parse(mine.lastLeftAt!) - Date.parse(mine.firstJoinedAt!);
    expect(stayed).toBeGreaterThan(0);
    expect(shown).toBe(Math.floor(stayed / 60_000));
    expect(shown).toBe(mine.minutes);
    await expect(page.getByTestId('note-status').textContent()).resolves.toBe('draft');
  });

  it('writes, saves and signs the note; it locks; an addendum is added', async () => {
    const page = therapist.page;
    await page.getByTestId('note-narrative').fill('Theme: urges as waves. Interventions: urge surfing, DBT TIPP.');
    const member = page.locator(`[data-testid="note-member"][data-user-id="${patient.userId}"] [data-testid="note-member-text"]`);
    await member.fill('Participation: shared a recent trigger. Risk: denies SI. Progress: practising urge surfing.');
    await page.getByTestId('note-save').click();
    await eventually(() => page.getByTestId('note-save-state').textContent(), (t) => t === 'Draft saved', 'draft saved');
    await screenshot(page, 'record-draft-1440', undefined, true);

    // Signed in minutes ago: one click signs (an older sign-in is asked for the password —
    // covered by the records integration and page tests).
    await page.getByTestId('note-sign').click();
    await eventually(() => page.getByTestId('note-status').textContent(), (t) => t === 'signed', 'note signed');
    expect(await page.getByTestId('note-sign-dialog').count()).toBe(0);

    expect(await page.getByTestId('note-narrative').isEditable()).toBe(false);
    expect(await member.isEditable()).toBe(false);
    expect(await page.getByTestId('note-save').count()).toBe(0);
    expect(await page.getByTestId('note-narrative').inputValue()).toContain('urge surfing');

    await page.getByTestId('note-addendum').fill('Phoned the patient the next morning: safe, plans to attend Wednesday.');
    await page.getByTestId('note-addendum-submit').click();
    await page.getByTestId('note-addendum-item').filter({ hasText: 'Phoned the patient' }).waitFor();

    // After a reload the note is still signed, with the text and the addendum.
    await page.reload();
    await eventually(() => page.getByTestId('note-status').textContent(), (t) => t === 'signed', 'still signed');
    expect(await page.getByTestId('note-member-text').first().inputValue()).toContain('denies SI');
    expect(await page.getByTestId('note-addendum-item').count()).toBe(1);
    await screenshot(page, 'record-signed-1440', undefined, true);
    await screenshot(page, 'record-signed-phone', PHONE, true);
  });

  it('downloads the attendance CSV in the browser', async () => {
    const page = therapist.page;
    const shown = await page.locator(`[data-testid="attendance-row"][data-user-id="${patient.userId}"]`).getAttribute('data-minutes');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('attendance-export').click()]);
    const file = await download.path();
    const csv = readFileSync(file!, 'utf8').trim().split(/\r?\n/);
    const header = csv[0]!.split(',');
    for (const col of ['session_id', 'user_id', 'minutes']) expect(header).toContain(col);
    const rows = csv.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
    const mine = rows.find((r) => r.user_id === patient.userId);
    expect(mine).toMatchObject({ session_id: sessionId, minutes: shown });
    expect(rows.some((r) => r.user_id === therapist.userId)).toBe(true);
  });

  it('an admin sees attended hours, exports the program’s week and verifies the audit chain', async () => {
    const admin = await signIn(browser, hearth.url, 'admin@hearth.test');
    const page = admin.page;
    await page.getByTestId('nav-programs').click();
    await page.getByTestId('program-row').first().locator('a').first().click();
    const weekRow = page.locator(`[data-testid="attendance-week-row"][data-user-id="${patient.userId}"]`);
    await weekRow.waitFor();
    const recordMinutes = await therapist.page.locator(`[data-testid="attendance-row"][data-user-id="${patient.userId}"]`).getAttribute('data-minutes');
    expect(await weekRow.getAttribute('data-total-minutes')).toBe(recordMinutes);
    expect(await weekRow.getAttribute('data-flags')).toContain('below_target');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('program-attendance-export').click()]);
    const lines = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
    const header = lines[0]!.split(',');
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
    expect(rows.find((r) => r.session_id === sessionId && r.user_id === patient.userId)).toMatchObject({ minutes: recordMinutes });
    await screenshot(page, 'program-attendance-1440', undefined, true);
    // The program's attendance rule: a 5-minute grace period, kept on the server (seen again after a reload).
    expect(await page.getByTestId('program-late-after').textContent()).toBe('1 min after the start');
    await page.getByText('Change when a patient counts as late').click();
    await page.getByTestId('program-late-after-input').fill('5');
    await page.getByTestId('program-late-after-submit').click();
    await page.getByTestId('program-late-after-done').waitFor();
    await page.reload();
    await eventually(() => page.getByTestId('program-late-after').textContent(), (t) => t === '5 min after the start (grace period)', 'the grace period after a reload');

    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-verify').click();
    const result = page.getByTestId('audit-verify-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    await page.getByTestId('audit-filter-subjectUserId').fill(patient.userId);
    await page.getByTestId('audit-filter-apply').click();
    // The filtered list replaces the unfiltered one when it arrives: wait for entries about this patient only.
    const entries = await eventually(
      () =>
        page
          .getByTestId('audit-entry')
          .evaluateAll((els) => els.map((e) => ({ action: e.getAttribute('data-action'), subject: e.getAttribute('data-subject-user-id') }))),
      (list) => list.length > 0 && list.every((e) => e.subject === patient.userId),
      'audit entries about the patient only',
      60_000,
    );
    const actions = entries.map((e) => e.action);
    for (const action of ['note.sign', 'note.read', 'attendance.export', 'auth.sign_in']) expect(actions).toContain(action);
    // People by name: the patient's on every row (the same one), and choosing the therapist's name shows what they did.
    const subjectNames = await page.getByTestId('audit-subject').allTextContents();
    expect(new Set(subjectNames).size).toBe(1);
    expect(subjectNames[0]).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    expect(await page.getByTestId('audit-filtered-by').textContent()).toContain(`about ${subjectNames[0]}`);
    const therapistName = (await page.locator(`[data-testid="audit-actor"][data-user-id="${therapist.userId}"]`).first().textContent())!;
    expect(therapistName).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    expect(therapistName).not.toBe(subjectNames[0]);
    await page.locator(`[data-testid="audit-actor"][data-user-id="${therapist.userId}"]`).first().click();
    const byTherapist = await eventually(
      () => page.getByTestId('audit-entry').evaluateAll((els) => els.map((e) => ({ actor: e.getAttribute('data-actor-user-id'), subject: e.getAttribute('data-subject-user-id') }))),
      (list) => list.length > 0 && list.every((e) => e.actor === therapist.userId) && list.some((e) => e.subject !== patient.userId),
      'audit entries by the therapist, about anyone',
      60_000,
    );
    expect(byTherapist.length).toBeGreaterThan(0);
    expect(await page.getByTestId('audit-filter-actorUserId').inputValue()).toBe(therapist.userId);
    expect(await page.getByTestId('audit-filter-subjectUserId').inputValue()).toBe('');
    expect(await page.getByTestId('audit-filtered-by').textContent()).toContain(`by ${therapistName}`);
    await screenshot(page, 'audit-log-by-actor-1440', undefined, true);
    await page.getByTestId('audit-filter-clear-people').click();
    await eventually(
      () => page.getByTestId('audit-entry').evaluateAll((els) => new Set(els.map((e) => e.getAttribute('data-actor-user-id'))).size),
      (n) => n > 1,
      'everyone again',
      60_000,
    );
    // Found again by typing their name (any case) instead of an id.
    await page.getByTestId('audit-filter-subjectUserId').fill(subjectNames[0]!.toLowerCase());
    await page.getByTestId('audit-filter-apply').click();
    await eventually(
      () => page.getByTestId('audit-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-subject-user-id'))),
      (list) => list.length > 0 && list.every((s) => s === patient.userId),
      'the patient again, by name',
      60_000,
    );
    expect(await page.getByTestId('audit-filtered-by').textContent()).toContain(`about “${subjectNames[0]!.toLowerCase()}”`);
    await screenshot(page, 'audit-log-1440', undefined, true);
    await screenshot(page, 'audit-log-phone', PHONE, true);
    await admin.context.close();
  });

  it('the therapist’s home lists the session with its signed note', async () => {
    const page = therapist.page;
    await page.getByTestId('nav-my-cohorts').click();
    const item = page.locator(`[data-testid="recent-record"][data-session-id="${sessionId}"]`);
    await item.waitFor();
    expect(await item.getAttribute('data-note-status')).toBe('signed');
  });
});
