/**
 * Group facilitation, end to end: a therapist and two patients in real
 * Chromium contexts (fake camera and microphone) in the demo's live group.
 * Hands go up in order, the therapist turns the talking stick on and gives
 * the floor to one patient: the other patient's audio stops reaching the
 * room while the holder's keeps flowing. Then a private chat message, a
 * check-in and a crisis alert reach only the people they are meant for.
 */
import type { Page } from 'playwright-core';
import {
  apiLogin,
  DESKTOP,
  eventually,
  expectMediaFlowing,
  gatherInRoom,
  liveGroupSessionId,
  PHONE,
  receivedFrom,
  screenshot,
  signIn,
  tile,
  type Person,
} from './room.support';
import { startHearth, type RunningHearth } from './support/app';
import { launchChromium } from './support/browser';
import type { Browser } from 'playwright-core';

jest.setTimeout(360_000);

const BLAKE_LOCATION = 'My apartment, 4 Elm Ave, Mesa';
const BLAKE_CALLBACK = '+1 480 555 0177';

const queueOrder = (page: Page) =>
  page.getByTestId('hand-queue-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-user-id')));

/** Audio bytes `viewer` receives from `from` over `ms`. */
async function audioGrowth(viewer: Person, from: Person, ms = 2_500): Promise<number> {
  const a = await receivedFrom(viewer.page, from.userId);
  await viewer.page.waitForTimeout(ms);
  const b = await receivedFrom(viewer.page, from.userId);
  return b.audioBytesReceived - a.audioBytesReceived;
}

describe('group facilitation in real browsers', () => {
  let hearth: RunningHearth;
  let browser: Browser;
  let sessionId: string;
  let therapist: Person;
  let alex: Person; // patient1
  let blake: Person; // patient2

  beforeAll(async () => {
    hearth = await startHearth();
    browser = await launchChromium();
    const { accessToken } = await apiLogin(hearth.url, 'patient1@hearth.test');
    sessionId = await liveGroupSessionId(hearth.url, accessToken);
  });

  afterAll(async () => {
    await browser?.close();
    await hearth?.stop();
  });

  it('everyone joins the room and hears each other', async () => {
    [therapist, alex, blake] = await Promise.all([
      signIn(browser, hearth.url, 'therapist@hearth.test'),
      signIn(browser, hearth.url, 'patient1@hearth.test'),
      signIn(browser, hearth.url, 'patient2@hearth.test'),
    ]);
    await gatherInRoom(
      therapist,
      [
        { person: alex, location: 'Home, 12 Palm St, Tempe', callbackNumber: '+1 480 555 0134' },
        { person: blake, location: BLAKE_LOCATION, callbackNumber: BLAKE_CALLBACK },
      ],
      sessionId,
    );
    await expectMediaFlowing(therapist, blake);
    await expectMediaFlowing(alex, blake);
    await expectMediaFlowing(therapist, alex);
    await expectMediaFlowing(blake, alex);
  });

  it('hands queue in the order raised; with the talking stick on and the floor with Alex, only Alex is heard', async () => {
    await alex.page.getByTestId('raise-hand').click();
    await alex.page.getByTestId('lower-hand').waitFor();
    await blake.page.getByTestId('raise-hand').click();
    await blake.page.getByTestId('lower-hand').waitFor();

    for (const viewer of [therapist, alex, blake]) {
      await eventually(() => queueOrder(viewer.page), (ids) => ids.join() === [alex.userId, blake.userId].join(), `${viewer.email} queue`);
    }
    expect(await blake.page.getByTestId('lower-hand').textContent()).toContain('number 2');
    expect(await blake.page.getByTestId('grant-floor').count()).toBe(0);

    const stick = therapist.page.getByTestId('talking-stick-toggle');
    expect(await stick.getAttribute('aria-pressed')).toBe('false');
    await stick.click();
    await eventually(() => stick.getAttribute('aria-pressed'), (v) => v === 'true', 'talking stick on');
    await therapist.page.locator(`[data-testid="grant-floor"][data-user-id="${alex.userId}"]`).click();

    for (const viewer of [therapist, alex, blake]) {
      const holder = viewer.page.getByTestId('floor-holder');
      await eventually(() => holder.getAttribute('data-user-id'), (id) => id === alex.userId, `${viewer.email} floor holder`);
      await eventually(() => queueOrder(viewer.page), (ids) => ids.join() === blake.userId, `${viewer.email} queue after grant`);
    }
    expect(await tile(therapist.page, alex.userId).getAttribute('data-floor')).toBe('true');

    // Blake cannot speak, and is told why; Alex's microphone is live again.
    const blakeMic = blake.page.getByTestId('toggle-mic');
    await eventually(() => blakeMic.isDisabled(), Boolean, 'blake mic disabled');
    expect(await blakeMic.textContent()).toContain('Only the person holding the floor can speak');
    await eventually(() => alex.page.getByTestId('toggle-mic').getAttribute('aria-pressed'), (v) => v === 'true', 'alex mic on again');
    expect(await alex.page.getByTestId('toggle-mic').isEnabled()).toBe(true);

    // Blake's audio stops reaching the therapist and Alex; Alex's keeps flowing.
    await therapist.page.waitForTimeout(1_500); // in-flight packets drain
    const [blakeToTherapist, blakeToAlex, alexToTherapist, alexToBlake] = await Promise.all([
      audioGrowth(therapist, blake),
      audioGrowth(alex, blake),
      audioGrowth(therapist, alex),
      audioGrowth(blake, alex),
    ]);
    expect(blakeToTherapist).toBe(0);
    expect(blakeToAlex).toBe(0);
    expect(alexToTherapist).toBeGreaterThan(2_000);
    expect(alexToBlake).toBeGreaterThan(2_000);

    // Everyone sees a countdown once the therapist sets a turn length.
    await therapist.page.getByTestId('turn-timer-minutes').selectOption('3');
    for (const viewer of [therapist, alex, blake]) {
      await eventually(() => viewer.page.getByTestId('turn-timer').textContent(), (t) => /^0[23]:[0-5]\d$/.test(t ?? ''), `${viewer.email} timer`);
    }

    await screenshot(therapist.page, 'facilitation-therapist-1440');
    await screenshot(therapist.page, 'facilitation-therapist-375', PHONE);
    await screenshot(blake.page, 'facilitation-patient-stick-1440');
    await screenshot(blake.page, 'facilitation-patient-stick-375', PHONE);
  });

  it('a private message to the therapist is not shown to the other patient', async () => {
    const text = `Private for the therapist ${Date.now()}`;
    await alex.page.getByTestId('chat-recipient').selectOption(therapist.userId);
    await alex.page.getByTestId('chat-input').fill(text);
    await alex.page.getByTestId('chat-send').click();

    const onTherapist = therapist.page.getByTestId('chat-message').filter({ hasText: text });
    await onTherapist.waitFor();
    expect(await onTherapist.getAttribute('data-from-user-id')).toBe(alex.userId);
    expect(await onTherapist.getAttribute('data-private')).toBe('true');

    const group = `Hello everyone ${Date.now()}`;
    await blake.page.getByTestId('chat-input').fill(group);
    await blake.page.getByTestId('chat-input').press('Enter');
    for (const viewer of [therapist, alex, blake]) await viewer.page.getByTestId('chat-message').filter({ hasText: group }).waitFor();
    expect(await blake.page.getByTestId('chat-message').filter({ hasText: text }).count()).toBe(0);
    expect(await blake.page.locator('[data-testid="chat-message"][data-private="true"]').count()).toBe(0);
  });

  it('check-in answers reach the therapist only', async () => {
    await therapist.page.getByTestId('checkin-open').click();
    for (const patient of [alex, blake]) await patient.page.getByTestId('checkin-mood').waitFor();
    await alex.page.getByTestId('checkin-mood').fill('6');
    await alex.page.getByTestId('checkin-craving').fill('3');
    await alex.page.getByTestId('checkin-submit').click();
    const row = therapist.page.locator(`[data-testid="checkin-row"][data-user-id="${alex.userId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Mood\s*6.*Craving\s*3/);
    expect(await blake.page.getByTestId('checkin-row').count()).toBe(0);
    await screenshot(alex.page, 'facilitation-patient-checkin-375', PHONE);
  });

  it('a crisis alert reaches only the therapist, with the stated location', async () => {
    await blake.page.getByTestId('crisis-button').click();
    await blake.page.getByText('Your therapists have been alerted').waitFor();
    expect(await blake.page.getByTestId('crisis-status').textContent()).toContain('988');

    const alert = therapist.page.locator(`[data-testid="crisis-alert"][data-user-id="${blake.userId}"]`);
    await alert.waitFor();
    expect(await alert.textContent()).toContain(BLAKE_LOCATION);
    expect(await alert.textContent()).toContain(BLAKE_CALLBACK);
    await alex.page.waitForTimeout(1_000);
    expect(await alex.page.getByTestId('crisis-alert').count()).toBe(0);
    expect(await alex.page.getByText(BLAKE_LOCATION).count()).toBe(0);
    await screenshot(therapist.page, 'facilitation-therapist-crisis-1440');
    await screenshot(therapist.page, 'facilitation-therapist-crisis-375', PHONE);
    await screenshot(blake.page, 'facilitation-patient-crisis-375', PHONE);

    await alert.getByTestId('crisis-acknowledge').click();
    await blake.page.getByText(/has seen your alert/).waitFor();
    // The talking stick off again, so Alex's microphone is live whoever holds the floor.
    const stick = therapist.page.getByTestId('talking-stick-toggle');
    if ((await stick.getAttribute('aria-pressed')) === 'true') {
      await stick.click();
      await eventually(() => stick.getAttribute('aria-pressed'), (v) => v === 'false', 'talking stick off');
    }
    await alert.getByTestId('crisis-move').click();
    await blake.page.getByTestId('side-room').waitFor();
    // The only therapist is in the side room: the group is told, and the therapist no longer hears it…
    await alex.page.getByTestId('therapist-away').waitFor();
    await eventually(() => audioGrowth(therapist, alex, 1_500), (n) => n === 0, 'the side room does not hear the group');
    // …until she chooses to keep hearing the group: Alex's audio reaches her, and still nothing of the side room reaches Alex.
    // The box shows what the server holds: it ticks once the server has turned listening on.
    const listen = therapist.page.getByTestId('listen-to-group');
    await listen.click();
    await eventually(() => listen.isChecked(), Boolean, 'listening on');
    await eventually(() => audioGrowth(therapist, alex, 1_500), (n) => n > 1_000, 'the therapist hears the group from the side room');
    expect(await audioGrowth(alex, therapist)).toBe(0);
    expect(await audioGrowth(blake, alex)).toBe(0);
    await screenshot(therapist.page, 'facilitation-therapist-listening-1366', { width: 1366, height: 768 });
    await screenshot(alex.page, 'facilitation-patient-therapist-away-390', { width: 390, height: 844 });
    await alert.getByTestId('crisis-return').click();
    await eventually(() => blake.page.getByTestId('side-room').count(), (n) => n === 0, 'blake back in the group');
    await therapist.page.setViewportSize(DESKTOP);
  });
});
