/**
 * The room's layout under load (issue 13, review items 1–2), in real browsers against a
 * real server and mediasoup:
 * - a therapist at 1366×768 with a crisis alert open, two people waiting in the lobby and
 *   the chat in use still has every group control on screen without scrolling the page;
 * - on a phone (390×844) the "muted by therapist" and "audio only" notices do not move
 *   the videos;
 * - the session record reads on a phone without scrolling sideways.
 * Screenshots go to HEARTH_SHOTS when set, else tests/artifacts.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  apiLogin,
  REVIEW_PHONE as PHONE,
  REVIEW_WIDE as WIDE,
  reviewShot as shot,
  SHOTS,
  eventually,
  gatherInRoom,
  liveGroupSessionId,
  openJoinPage,
  passSafetyCheck,
  signIn,
  type Person,
} from './room.support';
import { startHearth, type RunningHearth } from './support/app';
import { seriousAxeViolations } from './support/axe';
import { launchChromium } from './support/browser';

jest.setTimeout(400_000);



/**
 * Where the first element with this test id sits: its box lies wholly inside the viewport
 * and the page itself is not scrolled, and nothing clips it there (a scrolling panel that
 * hides it, an overlay): the element at its centre is the element itself.
 */
function placement(page: Page, testId: string): Promise<string> {
  return page
    .getByTestId(testId)
    .first()
    .evaluate((el) => {
      const r = el.getBoundingClientRect();
      const vw = document.documentElement.clientWidth;
      const vh = document.documentElement.clientHeight;
      if (window.scrollY !== 0) return `page scrolled by ${window.scrollY}`;
      if (r.width === 0 || r.height === 0) return 'not rendered';
      if (r.top < 0 || r.left < 0 || r.bottom > vh + 0.5 || r.right > vw + 0.5) {
        return `outside the viewport: ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}`;
      }
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !(el === hit || el.contains(hit))) return `covered or clipped by ${hit?.className || hit?.tagName || 'nothing'}`;
      return 'in view';
    });
}

async function expectAllInView(page: Page, testIds: string[]): Promise<void> {
  const seen: Record<string, string> = {};
  for (const id of testIds) seen[id] = await placement(page, id);
  expect(seen).toEqual(Object.fromEntries(testIds.map((id) => [id, 'in view'])));
}

/** The top edge of the first video tile, in page coordinates (what the person sees move). */
function firstTileTop(page: Page): Promise<number> {
  return page
    .getByTestId('participant-tile')
    .first()
    .evaluate((el) => Math.round(el.getBoundingClientRect().top + window.scrollY));
}

describe('room layout: a therapist’s controls in view under load; phone notices and record', () => {
  let hearth: RunningHearth;
  let browser: Browser;
  let sessionId: string;
  let therapist: Person;
  let alex: Person; // patient1, phone
  let blake: Person; // patient2, laptop
  let waiting: Person[]; // patient3 and patient4, left in the lobby
  const axe: Record<string, string[]> = {};

  beforeAll(async () => {
    hearth = await startHearth({}, 180_000);
    browser = await launchChromium();
    const { accessToken } = await apiLogin(hearth.url, 'patient1@hearth.test');
    sessionId = await liveGroupSessionId(hearth.url, accessToken);
    [therapist, alex, blake] = await Promise.all([
      signIn(browser, hearth.url, 'therapist@hearth.test', WIDE),
      signIn(browser, hearth.url, 'patient1@hearth.test', PHONE),
      signIn(browser, hearth.url, 'patient2@hearth.test', WIDE),
    ]);
    await gatherInRoom(
      therapist,
      [
        { person: alex, location: 'Home, 12 Palm St, Tempe', callbackNumber: '+1 480 555 0134' },
        { person: blake, location: 'My apartment, 4 Elm Ave, Mesa', callbackNumber: '+1 480 555 0177' },
      ],
      sessionId,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await hearth?.stop();
  });

  it('1366×768 therapist: crisis alert open, two waiting, chat in use — every group control in view', async () => {
    // Two more patients wait in the lobby.
    waiting = [];
    for (const email of ['patient3@hearth.test', 'patient4@hearth.test']) {
      const p = await signIn(browser, hearth.url, email, { width: 800, height: 600 });
      waiting.push(p);
      await openJoinPage(p.page, sessionId);
      await passSafetyCheck(p.page, 'Home', '+1 480 555 0100');
      await eventually(() => p.page.getByTestId('enter-lobby').isEnabled(), Boolean, `${p.email} devices`);
      await p.page.getByTestId('enter-lobby').click();
      await p.page.getByTestId('lobby-waiting').waitFor();
    }
    await eventually(() => therapist.page.getByTestId('admit-user').count(), (n) => n === 2, 'two waiting');

    // The chat in use.
    for (const [who, text] of [
      [blake, 'Can everyone hear me?'],
      [therapist, 'Yes, loud and clear. We start with a check-in.'],
      [blake, 'Thanks'],
    ] as const) {
      await who.page.getByTestId('chat-input').fill(text);
      await who.page.getByTestId('chat-send').click();
    }
    await eventually(() => therapist.page.getByTestId('chat-message').count(), (n) => n >= 3, 'chat messages');

    // A crisis alert open.
    await blake.page.getByTestId('crisis-button').click();
    await therapist.page.locator(`[data-testid="crisis-alert"][data-user-id="${blake.userId}"]`).waitFor();
    await shot(therapist.page, 'roomlayout-therapist-crisis-lobby-1366');

    await expectAllInView(therapist.page, [
      'crisis-alert',
      'crisis-acknowledge',
      'crisis-resolve',
      'admit-all',
      'talking-stick-toggle',
      'turn-timer-minutes',
      'start-go-around',
      'checkin-open',
      'mute-all',
      'toggle-mic',
      'end-session',
      'chat-input',
    ]);
    axe['room: crisis, lobby, chat (therapist, 1366)'] = await seriousAxeViolations(therapist.page);

    // A second alert: the list stays compact and the controls stay put.
    await alex.page.getByTestId('crisis-button').click();
    await eventually(() => therapist.page.getByTestId('crisis-alert').count(), (n) => n === 2, 'two alerts');
    await shot(therapist.page, 'roomlayout-therapist-two-crises-1366');
    await expectAllInView(therapist.page, ['crisis-resolve', 'admit-all', 'talking-stick-toggle', 'start-go-around', 'checkin-open', 'mute-all', 'end-session']);

    // The therapist opens a check-in: its live rows appear and the turn controls stay in view.
    await therapist.page.getByTestId('checkin-open').click();
    await eventually(() => therapist.page.getByTestId('checkin-close').count(), (n) => n === 1, 'check-in open');
    await expectAllInView(therapist.page, ['crisis-resolve', 'admit-all', 'talking-stick-toggle', 'start-go-around', 'checkin-close', 'mute-all']);
    await shot(therapist.page, 'roomlayout-therapist-checkin-1366');

    // Back to calm for what follows.
    for (const p of [alex, blake]) {
      const card = therapist.page.locator(`[data-testid="crisis-alert"][data-user-id="${p.userId}"]`);
      await card.getByTestId('crisis-resolve').click();
      await eventually(() => card.count(), (n) => n === 0, `${p.email} alert resolved`);
    }
    await therapist.page.getByTestId('checkin-close').click();
  });

  it('phone: the "muted by the therapist" and "audio only" notices do not move the videos', async () => {
    await alex.page.evaluate(() => window.scrollTo(0, 0));
    const top0 = await firstTileTop(alex.page);
    await shot(alex.page, 'roomlayout-phone-before-notices-390');

    await therapist.page.getByTestId('mute-all').click();
    await alex.page.getByTestId('muted-by-banner').waitFor();
    expect(await firstTileTop(alex.page)).toBe(top0);
    await shot(alex.page, 'roomlayout-phone-muted-390');
    axe['room: muted by therapist (patient, phone)'] = await seriousAxeViolations(alex.page);

    await alex.page.getByTestId('more-menu').click();
    await alex.page.getByTestId('audio-only-toggle').click();
    await alex.page.keyboard.press('Escape');
    await alex.page.getByTestId('audio-only-banner').waitFor();
    expect(await firstTileTop(alex.page)).toBe(top0);
    expect(await placement(alex.page, 'audio-only-banner')).toBe('in view');
    await shot(alex.page, 'roomlayout-phone-muted-audio-only-390');
    axe['room: audio only and muted (patient, phone)'] = await seriousAxeViolations(alex.page);

    // Dismissing the notice and leaving audio only do not move them either.
    await alex.page.getByTestId('muted-by-dismiss').click();
    await eventually(() => alex.page.getByTestId('muted-by-banner').count(), (n) => n === 0, 'muted notice dismissed');
    expect(await firstTileTop(alex.page)).toBe(top0);
    await alex.page.getByTestId('audio-only-off').click();
    await eventually(() => alex.page.getByTestId('audio-only-banner').count(), (n) => n === 0, 'audio only off');
    expect(await firstTileTop(alex.page)).toBe(top0);
  });

  it('phone: the session record reads without scrolling sideways', async () => {
    const page = therapist.page;
    await page.setViewportSize(PHONE);
    await page.goto(`${hearth.url}/sessions/${sessionId}/record`);
    await eventually(() => page.getByTestId('attendance-row').count(), (n) => n >= 3, 'attendance rows');
    const widths = await page.evaluate(() =>
      [document.documentElement, ...Array.from(document.querySelectorAll<HTMLElement>('.record, .table-wrap, table'))].map((el) => ({
        what: el.className || el.tagName,
        scroll: el.scrollWidth,
        client: el.clientWidth,
      })),
    );
    expect(widths.filter((w) => w.scroll > w.client)).toEqual([]);
    // Each row still names the person and their minutes.
    const first = page.getByTestId('attendance-row').first();
    expect(await first.evaluate((el) => el.getBoundingClientRect().right <= document.documentElement.clientWidth)).toBe(true);
    expect(await first.getByTestId('attendance-minutes').isVisible()).toBe(true);
    await shot(page, 'roomlayout-record-phone-390');
    await page.screenshot({ path: path.join(SHOTS, 'roomlayout-record-phone-390-full.png'), fullPage: true });
    axe['record (therapist, phone)'] = await seriousAxeViolations(page);
  });

  it('has no serious or critical axe violations on the screens above', () => {
    expect(axe).toEqual(Object.fromEntries(Object.keys(axe).map((k) => [k, []])));
  });
});
