/**
 * The room's smaller promises, end to end in real Chromium: the therapist's tab
 * counts who waits and the waiting-room chime can be switched off; a patient's
 * phone controls say "Mic" with On/Off and offer no screen share they may not
 * use; the pre-join names the zone of its times; after the group, the record
 * page marks each patient attended / late / no-show and the therapist's recent
 * sessions count them.
 */
import type { Browser } from 'playwright-core';
import {
  DESKTOP,
  ALEX_SAFETY,
  eventually,
  gatherInRoom,
  screenshot,
  signIn,
  startRoomTest,
  type Person,
  type RoomTest,
  REVIEW_WIDE,
  REVIEW_PHONE,
} from './room.support';

jest.setTimeout(360_000);

describe('waiting-room alert, phone controls and attendance marks in a real browser', () => {
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

  it('the therapist’s tab counts who waits; the chime switch is in the waiting-room panel and stays off once turned off', async () => {
    [therapist, patient] = await Promise.all([
      signIn(browser, hearth.url, 'therapist@hearth.test', REVIEW_WIDE),
      signIn(browser, hearth.url, 'patient1@hearth.test', REVIEW_PHONE),
    ]);
    await screenshot(patient.page, 'roomrest-schedule-390');
    await gatherInRoom(therapist, [{ person: patient, ...ALEX_SAFETY }], sessionId, {
      atPreJoin: async (p) => {
        if (p !== patient) return;
        // The pre-join says whose clock its times are on.
        await eventually(() => patient.page.locator('.prejoin__header .page__lede').textContent(), (t) => /time\)$/.test(t ?? ''), 'pre-join time names its zone');
        await screenshot(patient.page, 'roomrest-prejoin-390');
      },
      beforeAdmit: async () => {
        await eventually(() => therapist.page.title(), (t) => t.startsWith('(1 waiting) '), 'waiting count in the tab title');
        const chime = therapist.page.getByTestId('arrival-chime');
        expect(await chime.isChecked()).toBe(true);
        await chime.uncheck();
        await therapist.page.reload();
        await therapist.page.getByTestId('device-check').waitFor();
        await eventually(() => therapist.page.getByTestId('enter-lobby').isEnabled(), Boolean, 'therapist devices again');
        await therapist.page.getByTestId('enter-lobby').click();
        await therapist.page.locator(`[data-testid="admit-user"][data-user-id="${patient.userId}"]`).waitFor();
        expect(await therapist.page.getByTestId('arrival-chime').isChecked()).toBe(false); // kept on this device
        await screenshot(therapist.page, 'roomrest-therapist-waiting-1366');
        await screenshot(therapist.page, 'roomrest-therapist-waiting-390', REVIEW_PHONE);
      },
    });
    await eventually(() => therapist.page.title(), (t) => !t.startsWith('('), 'no count once nobody waits');
  });

  it('a patient’s phone bar says Mic with On/Off, and offers no screen share', async () => {
    const page = patient.page;
    const mic = page.getByTestId('toggle-mic');
    await eventually(() => mic.getAttribute('aria-pressed'), (v) => v === 'true', 'mic on');
    expect(await page.locator('[data-testid="toggle-mic"] .control__label-short').isVisible()).toBe(true);
    expect(await page.locator('[data-testid="toggle-mic"] .control__label-long').isVisible()).toBe(false);
    expect(await page.locator('#toggle-mic-note').textContent()).toBe('On');
    expect(await page.locator('#toggle-camera-note').isVisible()).toBe(true);
    // The label is not cut off: its text fits its box.
    const clipped = await page.locator('[data-testid="toggle-mic"] .control__label').evaluate((el) => el.scrollWidth > el.clientWidth + 1);
    expect(clipped).toBe(false);
    expect(await page.getByTestId('share-screen').count()).toBe(0);
    await screenshot(page, 'roomrest-patient-room-390');
    await page.setViewportSize(DESKTOP);
    expect(await page.locator('[data-testid="toggle-mic"] .control__label-long').isVisible()).toBe(true);
    await page.setViewportSize(REVIEW_PHONE);
  });

  it('after the group the record marks each patient, and the recent sessions count them', async () => {
    await therapist.page.getByTestId('end-session').click();
    await therapist.page.getByTestId('end-session-confirm').click();
    await therapist.page.getByTestId('open-record').click();
    await therapist.page.waitForURL(`**/sessions/${sessionId}/record`);
    // The demo group started before anyone joined: Alex is late; the rest of the cohort never came.
    const mark = (userId: string) => therapist.page.locator(`[data-testid="attendance-row"][data-user-id="${userId}"] [data-testid="attendance-mark"]`);
    await mark(patient.userId).waitFor();
    expect(await mark(patient.userId).getAttribute('data-mark')).toBe('late');
    const noShows = await therapist.page.locator('[data-testid="attendance-mark"][data-mark="no_show"]').count();
    expect(noShows).toBeGreaterThan(0);
    const summary = await therapist.page.getByTestId('attendance-summary').textContent();
    expect(summary).toBe(`1 late · ${noShows} no-show`);
    await screenshot(therapist.page, 'roomrest-record-1366');
    await screenshot(therapist.page, 'roomrest-record-390', REVIEW_PHONE);

    await therapist.page.getByTestId('nav-my-cohorts').click();
    const card = therapist.page.locator(`[data-testid="recent-record"][data-session-id="${sessionId}"] [data-testid="record-attendance"]`);
    await card.waitFor();
    expect(await card.textContent()).toBe(summary);
    await card.scrollIntoViewIfNeeded();
    await screenshot(therapist.page, 'roomrest-home-1366');
    await screenshot(therapist.page, 'roomrest-home-390', REVIEW_PHONE);
  });
});
