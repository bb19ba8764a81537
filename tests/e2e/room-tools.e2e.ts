/**
 * Room tools from issue 13 item 7, in real browsers against a real server and
 * mediasoup: a therapist at 1366×768, a patient on a laptop and one on a
 * phone (390×844) in the demo's live group.
 * - Mute all: one tap mutes both patients (not the therapist), the therapist
 *   reads "2 muted", each patient is told who muted them and can unmute.
 * - Pin / speaker view: a pinned tile goes large and asks for the full
 *   simulcast layer, the strip the small one; speaker view puts someone else large.
 * - Audio only: the phone patient switches it on; their camera goes off, their
 *   tiles show initials and no more video arrives; switching back brings video back.
 *   The automatic offer is shown when the page's RoomClient is fed poor readings.
 * Screenshots go to /work/wt/shots/roomtools when HEARTH_SHOTS is set, else tests/artifacts.
 */
import type { Browser, Page } from 'playwright-core';
import { eventually, gatherTrio, receivedFrom, signInTrio, startRoomTest, tile, type Person, type RoomTest, REVIEW_PHONE as PHONE, REVIEW_WIDE as WIDE, reviewShot as shot } from './room.support';
import { seriousAxeViolations } from './support/axe';

jest.setTimeout(300_000);



/** The control is inside the viewport (no scrolling needed to reach it). */
async function inView(page: Page, testId: string): Promise<boolean> {
  const box = await page.getByTestId(testId).boundingBox();
  const vp = page.viewportSize();
  return !!box && !!vp && box.y >= 0 && box.y + box.height <= vp.height && box.x >= 0 && box.x + box.width <= vp.width;
}

describe('room tools: mute all, pin / speaker view, audio only', () => {
  let room: RoomTest;
  let hearth: RoomTest['hearth'];
  let browser: Browser;
  let sessionId: string;
  let therapist: Person;
  let alex: Person; // patient1, laptop
  let blake: Person; // patient2, phone
  const axe: Record<string, string[]> = {};

  beforeAll(async () => {
    room = await startRoomTest({}, 180_000);
    ({ hearth, browser, sessionId } = room);
    const trio = await signInTrio(browser, hearth.url, { therapist: WIDE, alex: WIDE, blake: PHONE });
    ({ therapist, alex, blake } = trio);
    await gatherTrio(trio, sessionId);
  });

  afterAll(() => room?.stop());

  it('mute all: one tap mutes every patient, not the therapist; patients see who did it and can unmute', async () => {
    for (const p of [alex, blake]) {
      await eventually(() => tile(therapist.page, p.userId).getAttribute('data-mic'), (v) => v === 'on', `${p.email} mic on at start`);
    }
    expect(await inView(therapist.page, 'mute-all')).toBe(true);
    await therapist.page.getByTestId('mute-all').click();
    await eventually(() => therapist.page.getByTestId('mute-all-result').textContent(), (t) => t?.includes('2 muted') ?? false, 'mute all result');
    for (const p of [alex, blake]) {
      await eventually(() => tile(therapist.page, p.userId).getAttribute('data-mic'), (v) => v === 'off', `${p.email} muted`);
      await p.page.getByTestId('muted-by-banner').waitFor();
      expect(await p.page.getByTestId('muted-by-banner').textContent()).toContain('You can unmute');
      expect(await p.page.getByTestId('toggle-mic').getAttribute('aria-pressed')).toBe('false');
    }
    expect(await therapist.page.getByTestId('toggle-mic').getAttribute('aria-pressed')).toBe('true');
    await shot(therapist.page, 'mute-all-therapist-wide');
    await shot(blake.page, 'mute-all-patient-phone');

    await alex.page.getByTestId('toggle-mic').click();
    await eventually(() => tile(therapist.page, alex.userId).getAttribute('data-mic'), (v) => v === 'on', 'alex unmuted again');
    expect(await alex.page.getByTestId('muted-by-banner').count()).toBe(0);
  });

  it('pin: the pinned tile goes large on the full layer, the rest to a strip on the small one; only for the one who pinned', async () => {
    await tile(alex.page, blake.userId).getByTestId('pin-tile').click();
    const stage = alex.page.getByTestId('featured-stage');
    await stage.waitFor();
    expect(await stage.getByTestId('participant-tile').getAttribute('data-user-id')).toBe(blake.userId);
    expect(await stage.getByTestId('participant-tile').getAttribute('data-layer')).toBe('2');
    expect(await alex.page.locator('.room-grid--strip [data-testid="participant-tile"]').count()).toBe(2);
    expect(await tile(alex.page, therapist.userId).getAttribute('data-layer')).toBe('0');
    // Video still reaches the large tile, and the strip.
    await eventually(() => receivedFrom(alex.page, blake.userId), (s) => s.videoFramesDecoded > 0, 'alex decodes blake');
    // Nobody else's view changed.
    expect(await therapist.page.getByTestId('featured-stage').count()).toBe(0);
    expect(await inView(alex.page, 'toggle-mic')).toBe(true);
    await shot(alex.page, 'pinned-patient-wide');
    axe['room: pinned tile (patient, 1366)'] = await seriousAxeViolations(alex.page);

    await tile(alex.page, blake.userId).getByTestId('pin-tile').click();
    await eventually(() => alex.page.getByTestId('featured-stage').count(), (n) => n === 0, 'unpinned: the grid again');
  });

  it('speaker view: someone other than yourself goes large; it works on a phone', async () => {
    await blake.page.getByTestId('more-menu').click();
    expect(await inView(blake.page, 'view-mode')).toBe(true);
    await shot(blake.page, 'more-menu-patient-phone');
    axe['room: More menu open (patient, phone)'] = await seriousAxeViolations(blake.page);
    await blake.page.getByTestId('view-mode').click();
    await blake.page.keyboard.press('Escape');
    const stage = blake.page.getByTestId('featured-stage');
    await stage.waitFor();
    expect(await stage.getAttribute('data-view')).toBe('speaker');
    expect(await stage.getByTestId('participant-tile').getAttribute('data-user-id')).not.toBe(blake.userId);
    expect(await inView(blake.page, 'toggle-mic')).toBe(true);
    expect(await inView(blake.page, 'leave-room')).toBe(true);
    await shot(blake.page, 'speaker-view-patient-phone');

    await therapist.page.getByTestId('more-menu').click();
    await therapist.page.getByTestId('view-mode').click();
    await therapist.page.keyboard.press('Escape');
    await therapist.page.getByTestId('featured-stage').waitFor();
    expect(await inView(therapist.page, 'mute-all')).toBe(true);
    expect(await inView(therapist.page, 'end-session')).toBe(true);
    await shot(therapist.page, 'speaker-view-therapist-wide');
    axe['room: speaker view (therapist, 1366)'] = await seriousAxeViolations(therapist.page);
  });

  it('audio only: offered on a poor connection; incoming video stops, own camera goes off, tiles show initials; and back', async () => {
    // The offer: the page's RoomClient fed readings of heavy loss (the detection itself is unit-tested).
    await blake.page.evaluate(() => {
      const room = (window as unknown as { __hearthRoom: { handleQualitySample(s: { packetsReceived: number; packetsLost: number }): void } }).__hearthRoom;
      for (let i = 0; i < 5; i++) room.handleQualitySample({ packetsReceived: i * 300, packetsLost: i * 100 });
    });
    await blake.page.getByTestId('audio-only-offer').waitFor();
    await shot(blake.page, 'audio-only-offer-phone');
    await blake.page.getByTestId('audio-only-accept').click();
    await blake.page.getByTestId('audio-only-banner').waitFor();
    expect(await blake.page.getByTestId('audio-only-offer').count()).toBe(0);
    expect(await blake.page.getByTestId('toggle-camera').getAttribute('aria-pressed')).toBe('false');
    await eventually(() => tile(therapist.page, blake.userId).getAttribute('data-camera'), (v) => v === 'off', 'therapist sees blake camera off');
    for (const id of [therapist.userId, alex.userId]) {
      expect(await tile(blake.page, id).getAttribute('class')).toContain('tile--no-video');
    }
    // No more video arrives (the SFU paused it); sound still does.
    let last = (await receivedFrom(blake.page, therapist.userId)).videoBytesReceived;
    await eventually(
      async () => {
        const now = (await receivedFrom(blake.page, therapist.userId)).videoBytesReceived;
        const still = now === last;
        last = now;
        await new Promise((r) => setTimeout(r, 1500));
        return still;
      },
      Boolean,
      'video to blake stopped',
      60_000,
    );
    const audio0 = (await receivedFrom(blake.page, therapist.userId)).audioBytesReceived;
    await eventually(() => receivedFrom(blake.page, therapist.userId), (s) => s.audioBytesReceived > audio0, 'audio keeps coming');
    await shot(blake.page, 'audio-only-phone');
    axe['room: audio only (patient, phone)'] = await seriousAxeViolations(blake.page);

    await blake.page.getByTestId('more-menu').click();
    await blake.page.getByTestId('audio-only-toggle').click();
    await blake.page.keyboard.press('Escape');
    await eventually(() => blake.page.getByTestId('audio-only-banner').count(), (n) => n === 0, 'audio only off');
    const video0 = (await receivedFrom(blake.page, therapist.userId)).videoBytesReceived;
    await eventually(() => receivedFrom(blake.page, therapist.userId), (s) => s.videoBytesReceived > video0, 'video comes back', 60_000);
  });

  it('has no serious or critical axe violations on the screens above', () => {
    expect(axe).toEqual(Object.fromEntries(Object.keys(axe).map((k) => [k, []])));
  });
});
