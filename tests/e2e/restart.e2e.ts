/**
 * A deploy or crash in the middle of a group: the server process is killed
 * (kill -9) under a therapist and two patients in real Chromium, then started
 * again on the same data. Nobody touches a page: every page shows
 * "reconnecting", comes back by itself straight into the room (not the
 * lobby), media flows again, the floor holder is who it was and the talking
 * stick still holds everyone else's microphone.
 */
import type { Browser } from 'playwright-core';
import { freePort, REPO_ROOT, serverData, startServerProcess, type ServerData, type ServerProcess } from '../../server/test/helpers/server-process';
import {
  apiLogin,
  eventually,
  expectMediaFlowing,
  framesShown,
  gatherInRoom,
  liveGroupSessionId,
  receivedFrom,
  screenshot,
  signIn,
  type Person,
} from './room.support';
import { launchChromium } from './support/browser';

jest.setTimeout(300_000);

describe('the server restarts under a live group', () => {
  let data: ServerData;
  let port: number;
  let server: ServerProcess;
  let browser: Browser;
  let sessionId: string;
  let therapist: Person;
  let alex: Person; // patient1
  let blake: Person; // patient2
  const start = (nodeId: string) =>
    startServerProcess(port, { ...data.env, NODE_ID: nodeId, CLIENT_DIST: `${REPO_ROOT}/client/dist` });

  beforeAll(async () => {
    data = serverData();
    port = await freePort();
    server = await start('before');
    browser = await launchChromium();
    const { accessToken } = await apiLogin(server.baseUrl, 'patient1@hearth.test');
    sessionId = await liveGroupSessionId(server.baseUrl, accessToken);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGKILL');
    data?.cleanup();
  });

  it('everyone is in the room, Alex holds the floor under the talking stick', async () => {
    [therapist, alex, blake] = await Promise.all([
      signIn(browser, server.baseUrl, 'therapist@hearth.test'),
      signIn(browser, server.baseUrl, 'patient1@hearth.test'),
      signIn(browser, server.baseUrl, 'patient2@hearth.test'),
    ]);
    await gatherInRoom(
      therapist,
      [
        { person: alex, location: 'Home, 12 Palm St, Tempe', callbackNumber: '+1 480 555 0134' },
        { person: blake, location: 'My apartment, 4 Elm Ave, Mesa', callbackNumber: '+1 480 555 0177' },
      ],
      sessionId,
    );
    const stick = therapist.page.getByTestId('talking-stick-toggle');
    await stick.click();
    await eventually(() => stick.getAttribute('aria-pressed'), (v) => v === 'true', 'talking stick on');
    await therapist.page.locator(`[data-testid="grant-floor"][data-user-id="${alex.userId}"]`).click();
    for (const viewer of [therapist, alex, blake]) {
      const holder = viewer.page.getByTestId('floor-holder');
      await eventually(() => holder.getAttribute('data-user-id'), (id) => id === alex.userId, `${viewer.email} floor holder`);
    }
    await expectMediaFlowing(blake, alex);
    await expectMediaFlowing(alex, therapist);
  });

  it('after kill -9 and a new start, every page reconnects by itself into the room with media and the same floor', async () => {
    const oldPid = server.pid;
    await server.kill('SIGKILL');
    for (const p of [therapist, alex, blake]) {
      await eventually(() => p.page.getByTestId('connection-state').textContent(), (t) => t === 'reconnecting', `${p.email} reconnecting`, 30_000);
    }
    await screenshot(therapist.page, 'restart-reconnecting');

    const t0 = Date.now();
    server = await start('after');
    expect(server.pid).not.toBe(oldPid);
    for (const p of [therapist, alex, blake]) {
      await eventually(() => p.page.getByTestId('connection-state').textContent(), (t) => t === 'connected', `${p.email} connected`, 60_000);
      await p.page.getByTestId('room').waitFor({ timeout: 60_000 });
      expect(await p.page.getByTestId('lobby-waiting').count()).toBe(0);
      await eventually(() => p.page.getByTestId('participant-tile').count(), (n) => n === 3, `${p.email} tiles`, 60_000);
    }
    await expectMediaFlowing(therapist, alex, 60_000);
    await expectMediaFlowing(blake, alex, 60_000);
    await expectMediaFlowing(alex, therapist, 60_000);
    // Blake's camera reaches Alex again, but not Blake's voice: the talking stick still holds it.
    await eventually(() => framesShown(alex.page, blake.userId).catch(() => 0), (n) => n > 0, 'alex sees blake again', 60_000);
    const a0 = await receivedFrom(alex.page, blake.userId);
    await alex.page.waitForTimeout(2_500);
    const a1 = await receivedFrom(alex.page, blake.userId);
    expect(a1.videoFramesDecoded).toBeGreaterThan(a0.videoFramesDecoded);
    expect(a1.audioBytesReceived - a0.audioBytesReceived).toBe(0);
    process.stdout.write(`restart → media flowing again on every page: ${Date.now() - t0} ms (server start included)\n`);
    for (const viewer of [therapist, alex, blake]) {
      const holder = viewer.page.getByTestId('floor-holder');
      await eventually(() => holder.getAttribute('data-user-id'), (id) => id === alex.userId, `${viewer.email} floor holder after restart`);
    }
    expect(await therapist.page.getByTestId('talking-stick-toggle').getAttribute('aria-pressed')).toBe('true');
    await screenshot(therapist.page, 'restart-back');
  });
});
