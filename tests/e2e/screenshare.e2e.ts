/**
 * Screen sharing, end to end: a therapist and two patients (one on a phone)
 * in the demo's live group. The therapist shares their screen (Chromium picks
 * the whole screen: --auto-select-desktop-capture-source); both patients'
 * pages decode frames from the large `screen-video`, with the tiles in a
 * strip; the therapist sees that they share and stops with one click; the
 * share (and its sound: the fake capture gives an audio track) is gone on
 * both pages. A patient cannot share until the therapist
 * allows it, and then the therapist sees their screen.
 */
import type { Browser, Page } from 'playwright-core';
import { eventually, gatherTrio, PHONE, receivedFrom, screenshot, signInTrio, startRoomTest, type Person, type RoomTest } from './room.support';

jest.setTimeout(240_000);

const screenVideo = (page: Page, userId: string) => page.locator(`video[data-testid="screen-video"][data-user-id="${userId}"]`);
const screenFrames = (page: Page, userId: string) =>
  screenVideo(page, userId).evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);

/**
 * The share's sound reaches `viewer` on its own <audio> (headless Chromium's
 * fake capture gives getDisplayMedia an audio track): bytes of the
 * `screenAudio` consumer arrive, apart from the microphone's, and keep coming.
 */
async function expectScreenSound(viewer: Person, from: Person): Promise<void> {
  await viewer.page.locator(`audio[data-testid="screen-audio"][data-user-id="${from.userId}"]`).waitFor({ state: 'attached', timeout: 30_000 });
  const bytes = () => receivedFrom(viewer.page, from.userId).then((s) => s.screenAudioBytesReceived);
  const first = await eventually(bytes, (n) => n > 0, `${viewer.email} first screen sound`, 30_000);
  await eventually(bytes, (n) => n > first, `${viewer.email} screen sound keeps coming`, 30_000);
}

/** The shared screen reaches `viewer`: frames decoded, and more of them a moment later. */
async function expectScreenFrames(viewer: Person, from: Person): Promise<void> {
  await screenVideo(viewer.page, from.userId).waitFor({ state: 'attached', timeout: 30_000 });
  const first = await eventually(() => screenFrames(viewer.page, from.userId), (n) => n > 0, `${viewer.email} first screen frame`, 30_000);
  await eventually(() => screenFrames(viewer.page, from.userId), (n) => n > first, `${viewer.email} screen frames keep coming`, 30_000);
}

describe('screen sharing in real browsers', () => {
  let room: RoomTest;
  let hearth: RoomTest['hearth'];
  let browser: Browser;
  let sessionId: string;
  let therapist: Person;
  let alex: Person; // patient1, desktop
  let blake: Person; // patient2, phone

  beforeAll(async () => {
    room = await startRoomTest({}, 180_000);
    ({ hearth, browser, sessionId } = room);
    const trio = await signInTrio(browser, hearth.url, { blake: PHONE });
    ({ therapist, alex, blake } = trio);
    await gatherTrio(trio, sessionId);
  });

  afterAll(() => room?.stop());

  it('the therapist shares: both patients decode the screen, large with tiles in a strip; one click stops it everywhere', async () => {
    const share = therapist.page.getByTestId('share-screen');
    await share.click();
    await therapist.page.getByTestId('screen-sharing-banner').waitFor();
    expect(await share.getAttribute('aria-pressed')).toBe('true');

    await Promise.all([expectScreenFrames(alex, therapist), expectScreenFrames(blake, therapist)]);
    await Promise.all([expectScreenSound(alex, therapist), expectScreenSound(blake, therapist)]);
    expect(await therapist.page.getByTestId('screen-sharing-banner').textContent()).toContain('and its sound');
    // The strip settles once the share's layout has rendered (on a loaded machine a moment after the first frame).
    for (const viewer of [alex, blake]) {
      await eventually(() => viewer.page.locator('.room-grid--strip [data-testid="participant-tile"]').count(), (n) => n === 3, `${viewer.email} three tiles in the strip`);
    }
    // The sharer does not get their own screen back.
    expect(await therapist.page.getByTestId('screen-video').count()).toBe(0);
    await screenshot(alex.page, 'screenshare-desktop');
    await screenshot(blake.page, 'screenshare-phone');

    await share.click();
    for (const viewer of [alex, blake]) {
      await eventually(() => viewer.page.getByTestId('screen-video').count(), (n) => n === 0, `${viewer.email} screen gone`);
      await eventually(() => viewer.page.getByTestId('screen-audio').count(), (n) => n === 0, `${viewer.email} screen sound gone`);
    }
    await eventually(() => share.getAttribute('aria-pressed'), (v) => v === 'false', 'therapist share button off');
    expect(await therapist.page.getByTestId('screen-sharing-banner').count()).toBe(0);
  });

  it('a patient shares only once the therapist allows it', async () => {
    // Not allowed yet: no share button at all in Alex's bar.
    const alexShare = alex.page.getByTestId('share-screen');
    expect(await alexShare.count()).toBe(0);

    // The box shows what the server holds: it ticks once the server has the permission, not on the click itself.
    const allow = therapist.page.locator(`[data-testid="screen-allow"][data-user-id="${alex.userId}"]`);
    await allow.click();
    await eventually(() => allow.isChecked(), Boolean, 'alex allowed on the therapist page');
    await eventually(() => alexShare.count(), (n) => n === 1, 'alex may share: the button appears');
    await alexShare.click();
    await alex.page.getByTestId('screen-sharing-banner').waitFor();
    await expectScreenFrames(therapist, alex);

    // The therapist stops Alex's share from their side.
    await therapist.page.getByTestId('screen-stop-other').click();
    await eventually(() => therapist.page.getByTestId('screen-video').count(), (n) => n === 0, 'alex screen gone for therapist');
    await eventually(() => alex.page.getByTestId('screen-sharing-banner').count(), (n) => n === 0, 'alex told the share stopped');
  });
});
