/**
 * Helpers for the live-room browser tests: sign in through the login page,
 * open the in-progress group session, and probe media flowing in a page.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { REPO_ROOT, startHearth, type RunningHearth } from './support/app';
import { launchChromium } from './support/browser';

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 375, height: 812 };
export type Viewport = { width: number; height: number };
export const ARTIFACTS = path.join(REPO_ROOT, 'tests/artifacts');
/** Where review screenshots go: HEARTH_SHOTS when set, else tests/artifacts. */
export const SHOTS = process.env.HEARTH_SHOTS ?? ARTIFACTS;
/** The review's viewports: a 1366 px laptop and a 390 px phone. */
export const REVIEW_WIDE = { width: 1366, height: 768 };
export const REVIEW_PHONE = { width: 390, height: 844 };

/** A review screenshot of the page as it is, once the grid's ResizeObserver has settled. */
export async function reviewShot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.waitForTimeout(300); // the grid's ResizeObserver settles
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

export interface Person {
  email: string;
  userId: string;
  context: BrowserContext;
  page: Page;
}

interface LoginBody {
  accessToken: string;
  user: { id: string; role: string; displayName: string };
}

/** Signs in over HTTP (for ids and the session list; the browser signs in through the form). */
export async function apiLogin(baseUrl: string, email: string): Promise<LoginBody> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'hearth-demo' }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  return (await res.json()) as LoginBody;
}

/** The cohort's group session that is in progress right now (the demo seed always has one). */
export async function liveGroupSessionId(baseUrl: string, token: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/me/sessions`, { headers: { authorization: `Bearer ${token}` } });
  const sessions = (await res.json()) as { id: string; kind: string; startsAt: string; endsAt: string; status?: string }[];
  const now = Date.now();
  const live = sessions.find(
    (s) => s.kind === 'group' && s.status !== 'cancelled' && Date.parse(s.startsAt) <= now && Date.parse(s.endsAt) > now,
  );
  if (!live) throw new Error(`no group session in progress in ${JSON.stringify(sessions)}`);
  return live.id;
}

/** The tokens and user the page's app keeps after signing in (sessionStorage, authStorage.ts). */
export async function pageAuth(page: Page): Promise<LoginBody> {
  const raw = await page.evaluate(() => window.sessionStorage.getItem('hearth.auth'));
  if (!raw) throw new Error('the page holds no sign-in');
  return JSON.parse(raw) as LoginBody;
}

/** A fresh browser context (its own sign-in), signed in through the login page; the user id is the one the page got. */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  email: string,
  viewport = DESKTOP,
): Promise<Person> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(baseUrl);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill('hearth-demo');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('session-card').first().waitFor();
  const { user } = await pageAuth(page);
  return { email, userId: user.id, context, page };
}

/** Clicks "Join session" on that session's card and waits for the pre-join check. */
export async function openJoinPage(page: Page, sessionId: string): Promise<void> {
  await page.locator(`[data-testid="session-card"][data-session-id="${sessionId}"] [data-testid="join-session"]`).click();
  await page.getByTestId('device-check').waitFor();
}

/** Fills the patient's safety check and consent the way a person would. */
export async function passSafetyCheck(page: Page, location: string, callbackNumber: string): Promise<void> {
  await page.getByTestId('safety-location').fill(location);
  await page.getByTestId('safety-callback').fill(callbackNumber);
  await page.getByTestId('consent-accept').check();
}

export const remoteVideo = (page: Page, userId: string) =>
  page.locator(`video[data-testid="remote-video"][data-user-id="${userId}"]`);
export const tile = (page: Page, userId: string) =>
  page.locator(`[data-testid="participant-tile"][data-user-id="${userId}"]`);

/** Polls `probe` until `ok` holds, or fails with the last value seen. */
export async function eventually<T>(
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
    last = await probe();
  }
  return last;
}

/** Frames the remote <video> of `userId` has presented so far. */
export function framesShown(page: Page, userId: string): Promise<number> {
  return remoteVideo(page, userId).evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);
}

interface Counters {
  audioBytesReceived: number;
  /** A shared screen's sound, apart from the microphone. */
  screenAudioBytesReceived: number;
  videoBytesReceived: number;
  videoFramesDecoded: number;
}

/** What this page's RoomClient has received from `userId` (window.__hearthRoom.getInboundStats). */
export function receivedFrom(page: Page, userId: string): Promise<Counters> {
  return page.evaluate(async (id) => {
    const room = (window as unknown as { __hearthRoom?: { getInboundStats(): Promise<{ byUser: Record<string, Counters> }> } })
      .__hearthRoom;
    if (!room) throw new Error('no window.__hearthRoom');
    const stats = await room.getInboundStats();
    return stats.byUser[id] ?? { audioBytesReceived: 0, screenAudioBytesReceived: 0, videoBytesReceived: 0, videoFramesDecoded: 0 };
  }, userId);
}

/**
 * Media from `from` reaches `viewer` and keeps coming: the remote <video>
 * presents more frames over two seconds and more audio bytes arrive.
 */
export async function expectMediaFlowing(viewer: Person, from: Person, timeoutMs = 30_000): Promise<void> {
  const label = `${viewer.email} receiving ${from.email}`;
  try {
    await remoteVideo(viewer.page, from.userId).waitFor({ state: 'attached', timeout: timeoutMs });
    await eventually(() => framesShown(viewer.page, from.userId), (n) => n > 0, `${label}: first video frame`, timeoutMs);
    await eventually(() => receivedFrom(viewer.page, from.userId), (s) => s.audioBytesReceived > 0, `${label}: first audio`, timeoutMs);
  } catch (e) {
    // Where the media stopped, for whoever reads the failure: the sender's producers and the viewer's consumers.
    const [sent, received] = await Promise.all([mediaDiagnosis(from.page, null), mediaDiagnosis(viewer.page, from.userId)]);
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n  sender ${from.email}: ${sent}\n  viewer ${viewer.email}: ${received}`);
  }
  // Sampled over two seconds, again until the deadline: right after a reconnect or fail-over the
  // media may be set up once more (a new consumer, a new track: the counters start again).
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frames0 = await framesShown(viewer.page, from.userId);
    const stats0 = await receivedFrom(viewer.page, from.userId);
    await viewer.page.waitForTimeout(2_000);
    const frames1 = await framesShown(viewer.page, from.userId);
    const stats1 = await receivedFrom(viewer.page, from.userId);
    if (frames1 > frames0 && stats1.audioBytesReceived > stats0.audioBytesReceived) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${label}: media not flowing: video frames ${frames0} → ${frames1}, audio bytes ${stats0.audioBytesReceived} → ${stats1.audioBytesReceived}`,
      );
    }
  }
}

/**
 * A page's media as its RoomClient holds it (window.__hearthRoom): its producers
 * (`ofUserId` null) or its consumers of one user, each with its pause flags,
 * its track and its RTP counters. For failure messages only.
 */
async function mediaDiagnosis(page: Page, ofUserId: string | null): Promise<string> {
  return page
    .evaluate(async (userId) => {
      type Handle = { id: string; kind: string; paused: boolean; closed: boolean; track: MediaStreamTrack | null; getStats(): Promise<RTCStatsReport> };
      const room = (window as unknown as { __hearthRoom?: Record<string, unknown> }).__hearthRoom as
        | { state: Record<string, unknown>; producers: Map<string, Handle>; consumers: Map<string, { consumer: Handle; userId: string; kind: string }> }
        | undefined;
      if (!room) return 'no __hearthRoom';
      const handles: [string, Handle][] =
        userId === null
          ? [...room.producers].map(([source, h]) => [source, h])
          : [...room.consumers.values()].filter((c) => c.userId === userId).map((c) => [c.kind, c.consumer]);
      const parts = await Promise.all(
        handles.map(async ([name, h]) => {
          const rtp: string[] = [];
          (await h.getStats().catch(() => new Map())).forEach((r: Record<string, unknown>) => {
            if (r.type === 'outbound-rtp') rtp.push(`out${r.rid ? ` ${String(r.rid)}` : ''} bytes ${String(r.bytesSent)} frames ${String(r.framesEncoded ?? '-')} ${String(r.qualityLimitationReason ?? '')}`);
            if (r.type === 'inbound-rtp') rtp.push(`in bytes ${String(r.bytesReceived)} packets ${String(r.packetsReceived)} frames ${String(r.framesDecoded ?? '-')}`);
          });
          const t = h.track;
          return `${name} ${h.id.slice(0, 8)} ${h.closed ? 'closed' : h.paused ? 'paused' : 'live'}, track ${t ? `${t.readyState}${t.enabled ? '' : ' disabled'}${t.muted ? ' muted' : ''}` : 'none'}, ${rtp.join('; ') || 'no rtp stats'}`;
        }),
      );
      const s = room.state;
      const remote = userId === null ? '' : ` remote ${JSON.stringify((s.remote as Record<string, unknown>)?.[userId] ? Object.fromEntries(Object.entries((s.remote as Record<string, Record<string, unknown>>)[userId]!).map(([k, v]) => [k, typeof v === 'object' ? Boolean(v) : v])) : null)}`;
      return `phase ${String(s.phase)}, connection ${String(s.connection)}, mic ${String(s.micOn)}, camera ${String(s.cameraOn)}${remote}; ${parts.join(' | ') || 'none'}`;
    }, ofUserId)
    .catch((e: unknown) => `(diagnosis failed: ${e instanceof Error ? e.message : String(e)})`);
}

/** A full-page screenshot in tests/artifacts (gitignored), at the page's current size and optionally another. */
export async function screenshot(
  page: Page,
  name: string,
  viewport?: { width: number; height: number },
  fullPage = false,
): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const before = page.viewportSize();
  if (viewport) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(400); // layout and the grid's ResizeObserver settle
  }
  // A full-page capture of a scrolled page paints the sticky header mid-page.
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
  if (viewport && before) await page.setViewportSize(before);
}

/** Checks a test makes on the way into the room (axe, screenshots, the waiting-room alert). */
export interface GatherHooks {
  /** On each pre-join page (the therapist's too) once its devices are ready, before entering. */
  atPreJoin?: (person: Person) => Promise<void>;
  /** On each patient's page once it waits in the lobby. */
  atWaiting?: (person: Person) => Promise<void>;
  /** Once the therapist sees everyone waiting, before "Admit all". */
  beforeAdmit?: () => Promise<void>;
}

/**
 * The usual start of a group test: the therapist enters the room, each patient passes
 * the safety check into the waiting room, the therapist admits everyone, and every
 * page shows a tile per person.
 */
export async function gatherInRoom(
  therapist: Person,
  patients: { person: Person; location: string; callbackNumber: string }[],
  sessionId: string,
  hooks: GatherHooks = {},
): Promise<void> {
  await openJoinPage(therapist.page, sessionId);
  await eventually(() => therapist.page.getByTestId('enter-lobby').isEnabled(), Boolean, 'therapist devices');
  await hooks.atPreJoin?.(therapist);
  await therapist.page.getByTestId('enter-lobby').click();
  await therapist.page.getByTestId('room').waitFor();
  await Promise.all(
    patients.map(async ({ person, location, callbackNumber }) => {
      await openJoinPage(person.page, sessionId);
      await passSafetyCheck(person.page, location, callbackNumber);
      await eventually(() => person.page.getByTestId('enter-lobby').isEnabled(), Boolean, `${person.email} devices`);
      await hooks.atPreJoin?.(person);
      await person.page.getByTestId('enter-lobby').click();
      await person.page.getByTestId('lobby-waiting').waitFor();
      await hooks.atWaiting?.(person);
    }),
  );
  for (const { person } of patients) {
    await therapist.page.locator(`[data-testid="admit-user"][data-user-id="${person.userId}"]`).waitFor();
  }
  await hooks.beforeAdmit?.();
  await therapist.page.getByTestId('admit-all').click();
  for (const { person } of patients) await person.page.getByTestId('room').waitFor();
  const everyone = [therapist, ...patients.map((p) => p.person)];
  for (const viewer of everyone) {
    await eventually(() => viewer.page.getByTestId('participant-tile').count(), (n) => n === everyone.length, `${viewer.email} tiles`);
  }
}

/** Leaves the room the way a person does: "Leave", then confirming in the dialog. */
export async function leaveRoom(page: Page): Promise<void> {
  await page.getByTestId('leave-room').click();
  await page.getByTestId('leave-room-confirm').click();
}

/** The therapist ends the session for everyone: "End for all", then confirming. */
export async function endSessionForAll(page: Page): Promise<void> {
  await page.getByTestId('end-session').click();
  await page.getByTestId('end-session-confirm').click();
}

/** One server and one browser for a browser-test file, and the demo's group session in progress. */
export interface RoomTest {
  hearth: RunningHearth;
  browser: Browser;
  sessionId: string;
  stop(): Promise<void>;
}

export async function startRoomTest(env: Record<string, string> = {}, timeoutMs = 180_000): Promise<RoomTest> {
  const hearth = await startHearth(env, timeoutMs);
  const browser = await launchChromium().catch(async (e: unknown) => {
    await hearth.stop();
    throw e;
  });
  const stop = async () => {
    await browser.close();
    await hearth.stop();
  };
  try {
    const { accessToken } = await apiLogin(hearth.url, 'patient1@hearth.test');
    return { hearth, browser, sessionId: await liveGroupSessionId(hearth.url, accessToken), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The demo's usual group: the therapist, Alex (patient1) and Blake (patient2). */
export interface Trio {
  therapist: Person;
  alex: Person;
  blake: Person;
}
export const ALEX_SAFETY = { location: 'Home, 12 Palm St, Tempe', callbackNumber: '+1 480 555 0134' };
export const BLAKE_SAFETY = { location: 'My apartment, 4 Elm Ave, Mesa', callbackNumber: '+1 480 555 0177' };

/** The three sign in at once, each in a context of their own. */
export async function signInTrio(
  browser: Browser,
  baseUrl: string,
  viewports: { therapist?: Viewport; alex?: Viewport; blake?: Viewport } = {},
): Promise<Trio> {
  const [therapist, alex, blake] = await Promise.all([
    signIn(browser, baseUrl, 'therapist@hearth.test', viewports.therapist),
    signIn(browser, baseUrl, 'patient1@hearth.test', viewports.alex),
    signIn(browser, baseUrl, 'patient2@hearth.test', viewports.blake),
  ]);
  return { therapist, alex, blake };
}

/** gatherInRoom for the trio, with Alex's and Blake's safety checks. */
export function gatherTrio({ therapist, alex, blake }: Trio, sessionId: string, hooks?: GatherHooks): Promise<void> {
  return gatherInRoom(therapist, [{ person: alex, ...ALEX_SAFETY }, { person: blake, ...BLAKE_SAFETY }], sessionId, hooks);
}

/** Every page shows Alex holding the floor. */
async function expectAlexHoldsFloor(trio: Trio, what: string): Promise<void> {
  for (const viewer of [trio.therapist, trio.alex, trio.blake]) {
    const holder = viewer.page.getByTestId('floor-holder');
    await eventually(() => holder.getAttribute('data-user-id'), (id) => id === trio.alex.userId, `${viewer.email} ${what}`);
  }
}

/** The therapist turns the talking stick on and gives Alex the floor; every page shows it; Alex's and the therapist's media flow. */
export async function giveAlexTheFloor(trio: Trio): Promise<void> {
  const stick = trio.therapist.page.getByTestId('talking-stick-toggle');
  await stick.click();
  await eventually(() => stick.getAttribute('aria-pressed'), (v) => v === 'true', 'talking stick on');
  await trio.therapist.page.locator(`[data-testid="grant-floor"][data-user-id="${trio.alex.userId}"]`).click();
  await expectAlexHoldsFloor(trio, 'floor holder');
  await expectMediaFlowing(trio.blake, trio.alex);
  await expectMediaFlowing(trio.alex, trio.therapist);
}

/**
 * After a reconnect: media flows again on every page, and Blake's camera reaches Alex
 * again but not Blake's voice: the talking stick still holds it.
 */
export async function expectMediaBackUnderStick({ therapist, alex, blake }: Trio, timeoutMs = 60_000): Promise<void> {
  await expectMediaFlowing(therapist, alex, timeoutMs);
  await expectMediaFlowing(blake, alex, timeoutMs);
  await expectMediaFlowing(alex, therapist, timeoutMs);
  await eventually(() => framesShown(alex.page, blake.userId).catch(() => 0), (n) => n > 0, 'alex sees blake again', timeoutMs);
  const a0 = await receivedFrom(alex.page, blake.userId);
  await alex.page.waitForTimeout(2_500);
  const a1 = await receivedFrom(alex.page, blake.userId);
  expect(a1.videoFramesDecoded).toBeGreaterThan(a0.videoFramesDecoded);
  expect(a1.audioBytesReceived - a0.audioBytesReceived).toBe(0);
}

/** After a reconnect: Alex still holds the floor on every page and the stick is still on. */
export async function expectFloorKept(trio: Trio, what: string): Promise<void> {
  await expectAlexHoldsFloor(trio, `floor holder ${what}`);
  expect(await trio.therapist.page.getByTestId('talking-stick-toggle').getAttribute('aria-pressed')).toBe('true');
}
