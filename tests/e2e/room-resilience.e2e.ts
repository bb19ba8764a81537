/**
 * A real 3-hour group is not lost to a slow server or a stray tap. The server
 * answers every `media:produce` 12 s late (HEARTH_TEST_DELAY_EVENTS, test-only),
 * past the client's 10 s "slow" mark: nobody lands back on the pre-join, each
 * page shows "reconnecting" meanwhile, and media flows once the answers come.
 * Then a patient leaves by mistake and comes back without a second admission,
 * and the therapist ends the session only after confirming.
 */
import type { Browser } from 'playwright-core';
import {
  apiLogin,
  endSessionForAll,
  eventually,
  expectMediaFlowing,
  leaveRoom,
  liveGroupSessionId,
  openJoinPage,
  passSafetyCheck,
  PHONE,
  screenshot,
  signIn,
  type Person,
} from './room.support';
import { startHearth, type RunningHearth } from './support/app';
import { launchChromium } from './support/browser';

jest.setTimeout(300_000);

const PRODUCE_DELAY_MS = 12_000;

describe('a slow server and stray taps throw nobody out', () => {
  let hearth: RunningHearth;
  let browser: Browser;
  let sessionId: string;
  let therapist: Person;
  let alex: Person; // patient1, on a phone
  /** Every connection-state text each page showed, sampled in the page itself. */
  const seen = (p: Person) => p.page.evaluate(() => (window as unknown as { __seenStates?: string[] }).__seenStates ?? []);

  beforeAll(async () => {
    hearth = await startHearth({ HEARTH_TEST_DELAY_EVENTS: `media:produce:${PRODUCE_DELAY_MS}` });
    browser = await launchChromium();
    const { accessToken } = await apiLogin(hearth.url, 'patient1@hearth.test');
    sessionId = await liveGroupSessionId(hearth.url, accessToken);
  });

  afterAll(async () => {
    await browser?.close();
    await hearth?.stop();
  });

  async function watchStates(p: Person): Promise<void> {
    await p.page.evaluate(() => {
      const w = window as unknown as { __seenStates?: string[] };
      w.__seenStates = [];
      const probe = () => {
        const el = document.querySelector('[data-testid="connection-state"]');
        // "Get ready to join" counts only after the room was shown: that is being thrown out.
        const thrownOut = w.__seenStates!.length > 0 && document.querySelector('[data-testid="device-check"]');
        const text = el?.textContent ?? (thrownOut ? 'PRE-JOIN' : null);
        if (text && w.__seenStates!.at(-1) !== text) w.__seenStates!.push(text);
      };
      setInterval(probe, 100);
    });
  }

  it('answers 12 s late to every media:produce: everyone stays in the room, sees "reconnecting", then media flows', async () => {
    [therapist, alex] = await Promise.all([
      signIn(browser, hearth.url, 'therapist@hearth.test'),
      signIn(browser, hearth.url, 'patient1@hearth.test', PHONE),
    ]);

    await openJoinPage(therapist.page, sessionId);
    await eventually(() => therapist.page.getByTestId('enter-lobby').isEnabled(), Boolean, 'therapist devices');
    await watchStates(therapist);
    await therapist.page.getByTestId('enter-lobby').click();
    await therapist.page.getByTestId('room').waitFor();
    // Past the 10 s mark the microphone's produce is still unanswered: "reconnecting", still in the room.
    await eventually(
      () => therapist.page.getByTestId('connection-state').textContent(),
      (t) => t === 'reconnecting',
      'therapist sees reconnecting while the server is slow',
      30_000,
    );
    await therapist.page.getByTestId('reconnecting-banner').waitFor();
    await screenshot(therapist.page, 'slow-server-therapist-1440');
    expect(await therapist.page.getByTestId('device-check').count()).toBe(0);

    await openJoinPage(alex.page, sessionId);
    await passSafetyCheck(alex.page, 'Home, 12 Palm St, Tempe', '+1 480 555 0134');
    await eventually(() => alex.page.getByTestId('enter-lobby').isEnabled(), Boolean, 'alex devices');
    await watchStates(alex);
    await alex.page.getByTestId('enter-lobby').click();
    await alex.page.getByTestId('lobby-waiting').waitFor();
    await therapist.page.locator(`[data-testid="admit-user"][data-user-id="${alex.userId}"]`).click();
    await alex.page.getByTestId('room').waitFor();
    await eventually(
      () => alex.page.getByTestId('connection-state').textContent(),
      (t) => t === 'reconnecting',
      'alex sees reconnecting while the server is slow',
      30_000,
    );
    await screenshot(alex.page, 'slow-server-patient-375');

    // The answers arrive (two produces each, 12 s apart): connected, media both ways.
    for (const p of [therapist, alex]) {
      await eventually(() => p.page.getByTestId('connection-state').textContent(), (t) => t === 'connected', `${p.email} connected`, 90_000);
    }
    await expectMediaFlowing(therapist, alex, 60_000);
    await expectMediaFlowing(alex, therapist, 60_000);
    for (const p of [therapist, alex]) {
      const states = await seen(p);
      expect(states).toContain('reconnecting');
      expect(states).not.toContain('PRE-JOIN'); // never sent back to "Get ready to join"
      expect(await p.page.getByTestId('room').count()).toBe(1);
    }
  });

  it('a patient who leaves by mistake sees a message and comes back without being admitted again', async () => {
    await alex.page.getByTestId('leave-room').click();
    await alex.page.getByRole('alertdialog', { name: 'Leave the group?' }).waitFor();
    await screenshot(alex.page, 'leave-confirm-375');
    await alex.page.getByRole('button', { name: 'Stay' }).click();
    expect(await alex.page.getByTestId('room').count()).toBe(1);

    await leaveRoom(alex.page);
    const notice = alex.page.getByTestId('left-session-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/You left .*You can rejoin/);
    await screenshot(alex.page, 'left-session-notice-375');
    await notice.getByRole('button', { name: 'Rejoin' }).click();
    await alex.page.getByTestId('device-check').waitFor();
    // The earlier check is pre-filled; consent is asked again, then straight back in.
    await eventually(() => alex.page.getByTestId('safety-location').inputValue(), (v) => v.length > 0, 'check pre-filled');
    await alex.page.getByTestId('consent-accept').check();
    await eventually(() => alex.page.getByTestId('enter-lobby').isEnabled(), Boolean, 'alex may enter');
    await alex.page.getByTestId('enter-lobby').click();
    await alex.page.getByTestId('room').waitFor({ timeout: 60_000 });
    expect(await therapist.page.locator(`[data-testid="admit-user"][data-user-id="${alex.userId}"]`).count()).toBe(0);
    await expectMediaFlowing(therapist, alex, 90_000);
  });

  it('the therapist ends the session only after confirming', async () => {
    await therapist.page.getByTestId('end-session').click();
    await therapist.page.getByRole('alertdialog', { name: 'End the session for everyone?' }).waitFor();
    await screenshot(therapist.page, 'end-confirm-1440');
    await therapist.page.keyboard.press('Escape');
    expect(await therapist.page.getByRole('alertdialog').count()).toBe(0);
    expect(await alex.page.getByTestId('room').count()).toBe(1);
    await endSessionForAll(therapist.page);
    for (const p of [therapist, alex]) await p.page.getByText('The therapist has ended this session').waitFor();
  });
});
