/**
 * The room for a real group, checked the way a reviewer walks it: axe-core over
 * the main screens (zero serious or critical WCAG 2.1 A/AA violations), the crisis
 * flow from press to resolution on both sides, and a therapist's group controls in
 * view without scrolling at 1366×768.
 */
import type { Browser, Page } from 'playwright-core';
import {
  BLAKE_SAFETY,
  eventually,
  gatherTrio,
  leaveRoom,
  screenshot,
  signInTrio,
  startRoomTest,
  type Person,
  type RoomTest,
  REVIEW_PHONE,
  REVIEW_WIDE,
} from './room.support';
import { seriousAxeViolations } from './support/axe';

jest.setTimeout(300_000);

const BLAKE_LOCATION = BLAKE_SAFETY.location;

/** True when the element's centre is on screen and nothing (no scroll clipping) hides it there. */
function inView(page: Page, testId: string): Promise<boolean> {
  return page.getByTestId(testId).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    if (r.width === 0 || x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) return false;
    const hit = document.elementFromPoint(x, y);
    return hit !== null && (el === hit || el.contains(hit));
  });
}

describe('the room for a real group: accessible, crisis readable, controls in view', () => {
  let room: RoomTest;
  let hearth: RoomTest['hearth'];
  let browser: Browser;
  let sessionId: string;
  let therapist: Person;
  let alex: Person; // patient1, phone
  let blake: Person; // patient2, laptop
  const axe: Record<string, string[]> = {};
  const check = async (name: string, page: Page) => {
    axe[name] = await seriousAxeViolations(page);
  };

  beforeAll(async () => {
    room = await startRoomTest({}, 120_000);
    ({ hearth, browser, sessionId } = room);
  });

  afterAll(() => room?.stop());

  it('login, schedule, pre-join, waiting room and the room pass axe for patients and therapists', async () => {
    const context = await browser.newContext({ viewport: REVIEW_WIDE });
    const login = await context.newPage();
    await login.goto(hearth.url);
    await login.getByTestId('login-email').waitFor();
    await check('login', login);
    await context.close();

    const trio = await signInTrio(browser, hearth.url, { therapist: REVIEW_WIDE, alex: REVIEW_PHONE, blake: REVIEW_WIDE });
    ({ therapist, alex, blake } = trio);
    await check('schedule (therapist)', therapist.page);
    await check('schedule (patient, phone)', alex.page);

    await gatherTrio(trio, sessionId, {
      atPreJoin: async (p) => {
        if (p === therapist) await check('pre-join (therapist)', therapist.page);
        if (p === alex) await check('pre-join (patient, phone)', alex.page);
      },
      atWaiting: async (p) => {
        if (p === alex) await check('waiting room (patient, phone)', alex.page);
      },
    });
    await check('room (therapist)', therapist.page);
    await check('room (patient, phone)', alex.page);
    await check('room (patient, laptop)', blake.page);
    await screenshot(therapist.page, 'ux-room-therapist-1366');
    await screenshot(alex.page, 'ux-room-patient-390');
    await screenshot(blake.page, 'ux-room-patient-1366');

    expect(axe).toEqual(Object.fromEntries(Object.keys(axe).map((k) => [k, []])));
  });

  it('a therapist’s group controls are in view at 1366×768 without scrolling', async () => {
    for (const id of ['talking-stick-toggle', 'turn-timer-minutes', 'start-go-around', 'checkin-open', 'admit-all', 'end-session', 'toggle-mic']) {
      expect([id, await inView(therapist.page, id)]).toEqual([id, true]);
    }
  });

  it('on a phone, opening the chat keeps a way back to the videos, and the mic and camera say On/Off', async () => {
    await alex.page.getByTestId('chat-tab').click();
    await eventually(() => inView(alex.page, 'chat-input'), Boolean, 'chat in view');
    await screenshot(alex.page, 'ux-phone-chat-390');
    await alex.page.getByTestId('videos-tab').click();
    await eventually(() => alex.page.getByTestId('participant-tile').first().evaluate((el) => el.getBoundingClientRect().top >= 0), Boolean, 'videos back in view');
    expect(await alex.page.getByTestId('toggle-mic').innerText()).toMatch(/On|Off/);
    expect(await alex.page.getByTestId('toggle-camera').innerText()).toMatch(/On|Off/);
  });

  it('crisis: sent → seen by the therapist → resolved for the patient; one list with an outcome for the therapist; nothing for others', async () => {
    const list = therapist.page.getByTestId('crisis-list');
    await blake.page.getByTestId('crisis-button').click();
    const status = blake.page.getByTestId('crisis-status');
    await eventually(() => status.getAttribute('data-state'), (s) => s === 'sent', 'blake sees sent');
    const card = therapist.page.locator(`[data-testid="crisis-alert"][data-user-id="${blake.userId}"]`);
    await card.waitFor();
    expect(await card.getByTestId('crisis-location').textContent()).toBe(BLAKE_LOCATION);
    await therapist.page.getByTestId('crisis-count').waitFor();
    expect(await alex.page.getByTestId('crisis-alert').count()).toBe(0);
    expect(await alex.page.getByTestId('crisis-status').count()).toBe(0);
    expect(await inView(therapist.page, 'crisis-list')).toBe(true);
    await check('room with a crisis (therapist)', therapist.page);
    await check('room with a crisis (patient)', blake.page);
    await screenshot(therapist.page, 'ux-crisis-therapist-1366');
    await screenshot(blake.page, 'ux-crisis-patient-sent-1366');

    await card.getByTestId('crisis-acknowledge').click();
    await eventually(() => status.getAttribute('data-state'), (s) => s === 'seen', 'blake sees seen');
    expect(await blake.page.getByTestId('crisis-state').textContent()).toMatch(/^Maya .* has seen your alert/);
    await screenshot(blake.page, 'ux-crisis-patient-seen-1366');

    await card.getByTestId('crisis-outcome').selectOption('safe_continuing');
    await card.getByTestId('crisis-resolve').click();
    await eventually(() => status.getAttribute('data-state'), (s) => s === 'resolved', 'blake sees resolved');
    await eventually(() => card.count(), (n) => n === 0, 'alert folded into the history');
    expect(await list.getByTestId('crisis-history').textContent()).toContain('1 earlier alert');
    await blake.page.getByTestId('crisis-dismiss').click();

    // Alex presses by mistake and takes it back: the therapist still sees that it happened.
    await alex.page.getByTestId('crisis-button').click();
    await alex.page.getByTestId('crisis-withdraw').click();
    await eventually(() => alex.page.getByTestId('crisis-status').count(), (n) => n === 0, 'alex status gone');
    const alexCard = therapist.page.locator(`[data-testid="crisis-alert"][data-user-id="${alex.userId}"]`);
    await eventually(() => alexCard.getAttribute('data-withdrawn'), (v) => v === 'true', 'therapist sees the withdrawal');
    await screenshot(alex.page, 'ux-crisis-patient-withdrawn-390');

    // Alex presses again and leaves: the alert says so.
    await alex.page.getByTestId('crisis-button').click();
    await eventually(() => alexCard.getAttribute('data-withdrawn'), (v) => v === null, 'a new, open alert');
    await leaveRoom(alex.page);
    await eventually(() => alexCard.getAttribute('data-left'), (v) => v === 'true', 'alert marked: left the session');
    await screenshot(therapist.page, 'ux-crisis-therapist-left-1366');

    expect(axe).toEqual(Object.fromEntries(Object.keys(axe).map((k) => [k, []])));
  });
});
