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
  expectFloorKept,
  expectMediaBackUnderStick,
  gatherTrio,
  giveAlexTheFloor,
  liveGroupSessionId,
  screenshot,
  signInTrio,
  type Trio,
} from './room.support';
import { launchChromium } from './support/browser';

jest.setTimeout(300_000);

describe('the server restarts under a live group', () => {
  let data: ServerData;
  let port: number;
  let server: ServerProcess;
  let browser: Browser;
  let sessionId: string;
  let trio: Trio; // the therapist, Alex (patient1), Blake (patient2)
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
    trio = await signInTrio(browser, server.baseUrl);
    await gatherTrio(trio, sessionId);
    await giveAlexTheFloor(trio);
  });

  it('after kill -9 and a new start, every page reconnects by itself into the room with media and the same floor', async () => {
    const { therapist, alex, blake } = trio;
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
    await expectMediaBackUnderStick(trio);
    process.stdout.write(`restart → media flowing again on every page: ${Date.now() - t0} ms (server start included)\n`);
    await expectFloorKept(trio, 'after restart');
    await screenshot(therapist.page, 'restart-back');
  });
});
