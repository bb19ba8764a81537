/**
 * The sender layer cap end to end (issue 14: forward only what is seen), in real
 * Chromium with fake cameras against the real server and mediasoup worker:
 * - while nobody watches a patient's camera large (two people in a 1366×768 grid: the
 *   tile is under the top layer's size), the server's `media:producerMaxLayerChanged`
 *   has capped it: the top simulcast encoding is inactive and sends nothing;
 * - when the therapist pins the patient large, the push raises the cap at once and the
 *   top encoding is active and sending; unpinned, it is capped again after the hold.
 * It also checks that the grid boxes bench/sfu-rooms --realistic derives its modelled
 * laptops' and phones' layers from (bench/sfu-rooms/client-view.json) are what the
 * room really lays out at 1366×768 and 390×844, and that the server's MEDIA_KEYFRAME_LOG
 * (bench/join-time's "SFU sent the key frame" phase) names each viewer's video consumer.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { apiLogin, ARTIFACTS, eventually, gatherInRoom, liveGroupSessionId, receivedFrom, REVIEW_WIDE, signIn, tile, type Person } from './room.support';
import { REPO_ROOT, startHearth, type RunningHearth } from './support/app';
import { launchChromium } from './support/browser';

jest.setTimeout(300_000);

interface ClientView {
  laptop: { viewport: { width: number; height: number }; gridBox: { width: number; height: number } };
  phone: { viewport: { width: number; height: number }; gridBox: { width: number; height: number } };
}
const CLIENT_VIEW = JSON.parse(readFileSync(path.join(REPO_ROOT, 'bench/sfu-rooms/client-view.json'), 'utf8')) as ClientView;

interface CameraSender {
  /** Per simulcast encoding, lowest first: RTCRtpSender.getParameters().encodings[i].active. */
  active: boolean[];
  /** Per encoding (by rid), bytes sent so far (outbound-rtp). */
  bytesSent: Record<string, number>;
  rids: string[];
}

/** The patient's camera sender as the browser has it, through the page's RoomClient. */
function cameraSender(page: Page): Promise<CameraSender> {
  return page.evaluate(async () => {
    type Producer = { closed: boolean; rtpSender?: RTCRtpSender };
    const room = (window as unknown as { __hearthRoom?: { producers: Map<string, Producer> } }).__hearthRoom;
    const sender = room?.producers.get('camera')?.rtpSender;
    if (!sender) throw new Error('no camera sender');
    const encodings = sender.getParameters().encodings;
    const bytesSent: Record<string, number> = {};
    (await sender.getStats()).forEach((s: { type: string; rid?: string; bytesSent?: number }) => {
      if (s.type === 'outbound-rtp' && s.rid) bytesSent[s.rid] = s.bytesSent ?? 0;
    });
    return { active: encodings.map((e) => e.active !== false), bytesSent, rids: encodings.map((e) => e.rid ?? '') };
  });
}

/** The `media:producerMaxLayerChanged` pushes the page has received since `recordCapPushes`. */
function capPushes(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __capPushes?: number[] }).__capPushes ?? []);
}

/** Starts recording the cap pushes on the page's one socket. */
async function recordCapPushes(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as {
      __capPushes?: number[];
      __hearthRoom?: { socket: { on(event: string, handler: (p: { spatialLayer: number }) => void): void } };
    };
    if (!w.__hearthRoom) throw new Error('no window.__hearthRoom');
    w.__capPushes = [];
    w.__hearthRoom.socket.on('media:producerMaxLayerChanged', (p) => w.__capPushes!.push(p.spatialLayer));
  });
}

/** The grid's content box (what the room's ResizeObserver feeds gridLayout). */
function gridBox(page: Page): Promise<{ width: number; height: number }> {
  return page.locator('#room-people').evaluate((el) => {
    const cs = getComputedStyle(el);
    const px = (v: string) => parseFloat(v) || 0;
    return {
      width: el.clientWidth - px(cs.paddingLeft) - px(cs.paddingRight),
      height: el.clientHeight - px(cs.paddingTop) - px(cs.paddingBottom),
    };
  });
}

describe('sender layer cap: a camera nobody watches large stops sending its top layer', () => {
  let hearth: RunningHearth;
  let browser: Browser;
  let therapist: Person;
  let alex: Person; // patient1, laptop
  const keyFrameLog = path.join(mkdtempSync(path.join(tmpdir(), 'hearth-keyframes-')), 'keyframes.log');

  beforeAll(async () => {
    hearth = await startHearth({ MEDIA_KEYFRAME_LOG: keyFrameLog }, 180_000);
    browser = await launchChromium();
    const { accessToken } = await apiLogin(hearth.url, 'patient1@hearth.test');
    const sessionId = await liveGroupSessionId(hearth.url, accessToken);
    [therapist, alex] = await Promise.all([
      signIn(browser, hearth.url, 'therapist@hearth.test', REVIEW_WIDE),
      signIn(browser, hearth.url, 'patient1@hearth.test', REVIEW_WIDE),
    ]);
    await gatherInRoom(therapist, [{ person: alex, location: 'Home, 12 Palm St, Tempe', callbackNumber: '+1 480 555 0134' }], sessionId);
    await recordCapPushes(alex.page);
  });

  afterAll(async () => {
    await browser?.close();
    await hearth?.stop();
  });

  it('the grid boxes the SFU bench models are the ones the room lays out (patient, laptop and phone)', async () => {
    const laptop = await gridBox(alex.page);
    await alex.page.setViewportSize(CLIENT_VIEW.phone.viewport);
    await alex.page.waitForTimeout(400); // the grid's ResizeObserver settles
    const phone = await gridBox(alex.page);
    await alex.page.setViewportSize(REVIEW_WIDE);
    console.log(`grid box: laptop ${JSON.stringify(laptop)}, phone ${JSON.stringify(phone)}`);
    expect(Math.abs(laptop.width - CLIENT_VIEW.laptop.gridBox.width)).toBeLessThanOrEqual(2);
    expect(Math.abs(laptop.height - CLIENT_VIEW.laptop.gridBox.height)).toBeLessThanOrEqual(2);
    expect(Math.abs(phone.width - CLIENT_VIEW.phone.gridBox.width)).toBeLessThanOrEqual(2);
    expect(Math.abs(phone.height - CLIENT_VIEW.phone.gridBox.height)).toBeLessThanOrEqual(2);
  });

  it('top layer off while nobody watches it large, back on while the therapist pins the patient, off again after', async () => {
    // Two people in the therapist's grid at 1366×768: alex's tile is under 560 px wide, so the
    // therapist asks for a lower layer than the top, and nobody watches alex large.
    const gridLayer = Number(
      await eventually(() => tile(therapist.page, alex.userId).getAttribute('data-layer'), (v) => v !== null, 'therapist layer for alex'),
    );
    expect(gridLayer).toBeLessThan(2);
    const wantGrid = [0, 1, 2].map((i) => i <= gridLayer).join();
    const start = await eventually(() => cameraSender(alex.page), (s) => s.active.join() === wantGrid, `alex sends layers 0…${gridLayer} only`, 30_000);
    expect(start.rids).toHaveLength(3);
    const top = start.rids[2]!;
    await alex.page.waitForTimeout(1_500);
    expect(((await cameraSender(alex.page)).bytesSent[top] ?? 0) - (start.bytesSent[top] ?? 0)).toBeLessThan(5_000);
    await therapist.page.screenshot({ path: path.join(ARTIFACTS, 'sender-cap-therapist-grid.png') });

    // The therapist pins alex: watched large, the server raises the cap at once and the top layer goes out.
    await tile(therapist.page, alex.userId).getByTestId('pin-tile').click();
    await therapist.page.getByTestId('featured-stage').waitFor();
    await eventually(() => tile(therapist.page, alex.userId).getAttribute('data-layer'), (v) => v === '2', 'alex large at layer 2');
    await eventually(() => capPushes(alex.page), (p) => p.at(-1) === 2, 'the server raises alex to layer 2');
    const raised = await eventually(() => cameraSender(alex.page), (s) => s.active.every(Boolean), 'all three encodings active');
    await eventually(
      () => cameraSender(alex.page),
      (s) => (s.bytesSent[top] ?? 0) > (raised.bytesSent[top] ?? 0) + 5_000,
      'top layer sending',
    );
    await eventually(() => receivedFrom(therapist.page, alex.userId), (s) => s.videoFramesDecoded > 0, 'the large tile plays');
    await therapist.page.screenshot({ path: path.join(ARTIFACTS, 'sender-cap-therapist-pinned-patient.png') });

    // Unpinned: back in the grid; after the server's hold (2 s) the top layer stops again.
    const pushes = (await capPushes(alex.page)).length;
    await tile(therapist.page, alex.userId).getByTestId('pin-tile').click();
    await eventually(() => therapist.page.getByTestId('featured-stage').count(), (n) => n === 0, 'unpinned');
    await eventually(() => capPushes(alex.page), (p) => p.length > pushes && p.at(-1) === gridLayer, `the server caps alex at ${gridLayer} again`, 30_000);
    const capped = await eventually(() => cameraSender(alex.page), (s) => s.active.join() === wantGrid, 'top encoding inactive again');
    await alex.page.waitForTimeout(1_500);
    expect(((await cameraSender(alex.page)).bytesSent[top] ?? 0) - (capped.bytesSent[top] ?? 0)).toBeLessThan(5_000);
    const frames = (await receivedFrom(therapist.page, alex.userId)).videoFramesDecoded;
    await eventually(() => receivedFrom(therapist.page, alex.userId), (s) => s.videoFramesDecoded > frames + 10, 'the grid tile still plays');
  });

  it('MEDIA_KEYFRAME_LOG: the SFU notes when each viewer’s video consumer got its first key frame after a start or resume, and nothing else', async () => {
    const videoConsumerOf = (page: Page, userId: string) =>
      page.evaluate((id) => {
        type Entry = { userId: string; kind: string; consumer: { id: string } };
        const room = (window as unknown as { __hearthRoom?: { consumers: Map<string, Entry> } }).__hearthRoom;
        return [...(room?.consumers.values() ?? [])].find((c) => c.userId === id && c.kind === 'video')?.consumer.id ?? null;
      }, userId);
    const ids = [await videoConsumerOf(therapist.page, alex.userId), await videoConsumerOf(alex.page, therapist.userId)];
    expect(ids.every(Boolean)).toBe(true);
    await eventually(() => receivedFrom(therapist.page, alex.userId), (st) => st.videoFramesDecoded > 0, 'therapist decodes alex');
    await eventually(() => receivedFrom(alex.page, therapist.userId), (st) => st.videoFramesDecoded > 0, 'alex decodes the therapist');
    const lines = await eventually(
      async () => (existsSync(keyFrameLog) ? readFileSync(keyFrameLog, 'utf8').trim().split('\n') : []),
      (ls: string[]) => ids.every((id) => ls.some((l) => l.endsWith(` keyframe ${id}`))),
      'a key frame line for both consumers',
    );
    for (const line of lines) {
      const [at, what, id] = line.split(' ');
      expect(what).toBe('keyframe');
      expect(Math.abs(Number(at) - Date.now())).toBeLessThan(10 * 60_000);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
    // One line per start or resume, not one per key frame: the pin above switched the therapist's
    // consumer of alex to the top layer and back (new key frames each time) without a resume.
    expect(lines.filter((l) => l.endsWith(` keyframe ${ids[0]}`))).toHaveLength(1);
  });
});
