/**
 * The live room, end to end: three real Chromium contexts with fake camera and
 * microphone sign in through the login page, join the demo's group session in
 * progress, and talk through the real server and mediasoup.
 *
 * The tests share one session and run in order: the therapist and two patients
 * join, media flows, a patient's connection drops and comes back, the therapist
 * mutes and moves a patient, and finally ends the session.
 */
import type { Browser, Page } from 'playwright-core';
import {
  apiLogin,
  endSessionForAll,
  eventually,
  expectMediaFlowing,
  liveGroupSessionId,
  openJoinPage,
  passSafetyCheck,
  PHONE,
  screenshot,
  signIn,
  tile,
  type Person,
} from './room.support';
import { startHearth, type RunningHearth } from './support/app';
import { launchChromium } from './support/browser';

jest.setTimeout(300_000);

describe('live therapy room in real browsers', () => {
  let hearth: RunningHearth;
  let browser: Browser;
  let sessionId: string;
  let therapist: Person;
  let alex: Person; // patient1
  let blake: Person; // patient2, on a phone-sized window

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

  it('patients pass the safety check into the waiting room; the therapist admits all; everyone sees and hears the other two', async () => {
    [therapist, alex, blake] = await Promise.all([
      signIn(browser, hearth.url, 'therapist@hearth.test'),
      signIn(browser, hearth.url, 'patient1@hearth.test'),
      signIn(browser, hearth.url, 'patient2@hearth.test', PHONE),
    ]);

    // The therapist opens the room first: device check only, straight in.
    await openJoinPage(therapist.page, sessionId);
    expect(await therapist.page.getByTestId('safety-location').count()).toBe(0);
    await eventually(() => therapist.page.getByTestId('enter-lobby').isEnabled(), Boolean, 'devices started');
    // The microphone's level meter follows the (fake, beeping) microphone.
    await eventually(() => therapist.page.getByTestId('mic-level').getAttribute('aria-valuenow'), (v) => Number(v) > 0, 'mic level meter moves');
    await screenshot(therapist.page, 'prejoin-therapist-1440');
    // The camera preview's element becomes the room's self view (warmVideos.ts): marked here, …
    await therapist.page.getByTestId('preview-video').evaluate((v) => ((v as HTMLVideoElement & { previewMark?: boolean }).previewMark = true));
    await therapist.page.getByTestId('enter-lobby').click();
    await therapist.page.getByTestId('room').waitFor();
    // … found again in the self tile, still playing the camera, with none of the preview's attributes.
    const selfView = await therapist.page.getByTestId('self-video').evaluate((v) => {
      const video = v as HTMLVideoElement & { previewMark?: boolean };
      return { adopted: video.previewMark === true, playing: !video.paused && video.readyState >= 2, label: video.getAttribute('aria-label'), inTile: Boolean(video.closest('[data-testid="participant-tile"][data-self="true"]')) };
    });
    expect(selfView).toEqual({ adopted: true, playing: true, label: null, inTile: true });
    expect(await therapist.page.getByTestId('preview-video').count()).toBe(0);
    await eventually(() => therapist.page.getByTestId('connection-state').textContent(), (t) => t === 'connected', 'therapist connection');
    await therapist.page.getByTestId('lobby-list').waitFor();

    // Patients: the safety check and consent gate the waiting room.
    for (const [patient, location] of [
      [alex, 'Home, 12 Palm St, Tempe'],
      [blake, 'My apartment, 4 Elm Ave, Mesa'],
    ] as const) {
      await openJoinPage(patient.page, sessionId);
      const enter = patient.page.getByTestId('enter-lobby');
      expect(await enter.isDisabled()).toBe(true);
      await patient.page.getByTestId('safety-callback').fill('call me');
      await patient.page.getByTestId('safety-location').click();
      expect(await patient.page.getByText('Enter a phone number we can call you back on').isVisible()).toBe(true);
      await passSafetyCheck(patient.page, location, '+1 480 555 0134');
      expect(await enter.isEnabled()).toBe(true);
    }
    await screenshot(alex.page, 'prejoin-patient-1440', undefined, true);
    await screenshot(alex.page, 'prejoin-patient-375', PHONE, true);

    // Someone is in the room: the pre-join page has a receive transport connecting already (issue 14), …
    const recvState = (page: Page, which: 'warmRecv' | 'recvTransport'): Promise<string | null> =>
      page.evaluate((w: string) => {
        const t = (window as unknown as { __hearthRoom?: Record<string, { id: string; connectionState: string } | null> }).__hearthRoom?.[w];
        return t ? `${t.id} ${t.connectionState}` : null;
      }, which);
    const warmed = new Map<Person, string>();
    for (const patient of [alex, blake]) {
      const warm = await eventually(() => recvState(patient.page, 'warmRecv'), (t) => t?.endsWith(' connected') === true, 'pre-join receive transport connected');
      warmed.set(patient, warm!.split(' ')[0]!);
    }
    // … with the therapist's microphone and camera already set up on it, paused at the SFU: nothing
    // reaches a page that is not in the room, and it is not told whose streams they are.
    const prepared = (page: Page) =>
      page.evaluate(async () => {
        const room = (window as unknown as { __hearthRoom: { prepared: Map<string, { consumer: Promise<{ kind: string; getStats(): Promise<RTCStatsReport> } | null> }> } }).__hearthRoom;
        const out: { id: string; kind: string; packets: number }[] = [];
        for (const [id, entry] of room.prepared) {
          const c = await entry.consumer;
          if (!c) continue;
          let packets = 0;
          (await c.getStats()).forEach((r: { type: string; packetsReceived?: number }) => {
            if (r.type === 'inbound-rtp') packets += r.packetsReceived ?? 0;
          });
          out.push({ id, kind: c.kind, packets });
        }
        return out.sort((a, b) => a.kind.localeCompare(b.kind));
      });
    /** Bytes the person's microphone and camera have sent so far. */
    const bytesSent = (page: Page) =>
      page.evaluate(async () => {
        const producers = (window as unknown as { __hearthRoom: { producers: Map<string, { getStats(): Promise<RTCStatsReport> }> } }).__hearthRoom.producers;
        const out: Record<string, number> = {};
        for (const [source, p] of producers) {
          let bytes = 0;
          (await p.getStats()).forEach((r: { type: string; bytesSent?: number }) => {
            if (r.type === 'outbound-rtp') bytes += r.bytesSent ?? 0;
          });
          out[source] = bytes;
        }
        return out;
      });
    const expectSending = async (who: Person) => {
      const before = await bytesSent(who.page);
      await eventually(() => bytesSent(who.page), (now) => now.mic! > before.mic! && now.camera! > before.camera!, `${who.email} sending`);
    };
    const preparedIds = new Map<Person, string[]>();
    for (const patient of [alex, blake]) {
      const ready = await eventually(() => prepared(patient.page), (list) => list.length === 2, 'prepared consumers on the pre-join page');
      expect(ready.map((c) => [c.kind, c.packets])).toEqual([['audio', 0], ['video', 0]]);
      preparedIds.set(patient, ready.map((c) => c.id));
    }
    for (const patient of [alex, blake]) {
      await patient.page.getByTestId('enter-lobby').click();
      await patient.page.getByTestId('lobby-waiting').waitFor();
      // … which the waiting room keeps: admission will consume on a connected transport.
      expect(await recvState(patient.page, 'recvTransport')).toBe(`${warmed.get(patient)} connected`);
    }
    // Waiting is not being in the room: still nothing arrives (the therapist sends all along).
    await expectSending(therapist);
    for (const patient of [alex, blake]) expect((await prepared(patient.page)).map((c) => c.packets)).toEqual([0, 0]);
    expect(await blake.page.getByTestId('lobby-waiting').textContent()).toMatch(/therapist will let you in/);
    await screenshot(alex.page, 'lobby-patient-1440');
    await screenshot(blake.page, 'lobby-patient-375');

    // The therapist sees both waiting, in arrival order, and admits everyone.
    const lobby = therapist.page.getByTestId('lobby-list');
    for (const patient of [alex, blake]) {
      await lobby.locator(`[data-testid="admit-user"][data-user-id="${patient.userId}"]`).waitFor();
    }
    await screenshot(therapist.page, 'room-therapist-lobby-1440');
    await therapist.page.getByTestId('admit-all').click();

    for (const patient of [alex, blake]) await patient.page.getByTestId('room').waitFor();
    // Admission started the prepared consumers: the room plays those (and the other patient's, new), nothing set up twice.
    for (const patient of [alex, blake]) {
      const inUse = await patient.page.evaluate(() => [...(window as unknown as { __hearthRoom: { consumers: Map<string, unknown> } }).__hearthRoom.consumers.keys()]);
      expect(inUse).toEqual(expect.arrayContaining(preparedIds.get(patient)!));
    }
    await eventually(() => lobby.getByTestId('admit-user').count(), (n) => n === 0, 'lobby emptied');

    const everyone = [therapist, alex, blake];
    for (const viewer of everyone) {
      await eventually(() => viewer.page.getByTestId('participant-tile').count(), (n) => n === 3, `${viewer.email} tiles`);
      for (const other of everyone) {
        if (other !== viewer) await expectMediaFlowing(viewer, other);
      }
      expect(await viewer.page.getByTestId('connection-state').textContent()).toBe('connected');
      // Their own tile never plays their own video back as a remote one.
      expect(await viewer.page.locator(`video[data-testid="remote-video"][data-user-id="${viewer.userId}"]`).count()).toBe(0);
    }

    // Moderation is the therapist's alone, and never aimed at a therapist.
    expect(await therapist.page.getByTestId('end-session').count()).toBe(1);
    expect(await therapist.page.locator(`[data-testid="mute-user"][data-user-id="${therapist.userId}"]`).count()).toBe(0);
    for (const patient of [alex, blake]) {
      expect(await therapist.page.locator(`[data-testid="mute-user"][data-user-id="${patient.userId}"]`).count()).toBe(1);
      expect(await patient.page.getByTestId('end-session').count()).toBe(0);
      expect(await patient.page.getByTestId('mute-user').count()).toBe(0);
      expect(await patient.page.getByTestId('lobby-list').count()).toBe(0);
    }

    await screenshot(therapist.page, 'room-therapist-1440');
    await screenshot(therapist.page, 'room-therapist-375', PHONE);
    await screenshot(alex.page, 'room-patient-1440');
    await screenshot(blake.page, 'room-patient-375');
  });

  it('a patient reacts without speaking: everyone sees it on their tile for a moment, and hears it read out', async () => {
    await alex.page.getByTestId('more-menu').click();
    await blake.page.getByTestId('more-menu').click();
    await screenshot(blake.page, 'room-patient-react-menu-375', PHONE);
    await blake.page.getByTestId('more-menu').click();
    await alex.page.getByTestId('react-relate').click();
    const reactionOn = (page: Page) => tile(page, alex.userId).getByTestId('tile-reaction').getAttribute('data-reaction', { timeout: 100 }).catch(() => null);
    for (const [who, page] of [['therapist', therapist.page], ['blake', blake.page], ['alex', alex.page]] as const) {
      await eventually(() => reactionOn(page), (r) => r === 'relate', `${who} sees alex's "me too"`, 30_000);
    }
    expect(await therapist.page.getByTestId('reaction-announcement').textContent()).toMatch(/: Me too\.$/);
    await screenshot(therapist.page, 'room-therapist-reaction-1440');
    await screenshot(blake.page, 'room-patient-reaction-375', PHONE);
    // It goes by itself after a few seconds, for everyone.
    for (const [who, page] of [['therapist', therapist.page], ['blake', blake.page]] as const) {
      await eventually(() => reactionOn(page), (r) => r === null, `${who}: the reaction went`, 60_000);
    }
    // The therapist turns reactions off: the patients' menus offer none until they are on again.
    await therapist.page.getByTestId('more-menu').click();
    await therapist.page.getByTestId('reactions-toggle').click();
    await eventually(() => therapist.page.getByTestId('reactions-toggle').getAttribute('aria-pressed'), (v) => v === 'false', 'reactions off');
    await therapist.page.getByTestId('more-menu').click();
    await alex.page.getByTestId('more-menu').click();
    await eventually(() => alex.page.getByTestId('react-relate').count(), (n) => n === 0, 'alex is offered no reactions');
    await alex.page.getByTestId('more-menu').click();
    await therapist.page.getByTestId('more-menu').click();
    await therapist.page.getByTestId('reactions-toggle').click();
    await therapist.page.getByTestId('more-menu').click();
    await alex.page.getByTestId('more-menu').click();
    await eventually(() => alex.page.getByTestId('react-relate').count(), (n) => n === 1, 'alex is offered reactions again');
    await alex.page.getByTestId('more-menu').click();
  });

  it('a patient whose connection drops comes back into the room without being admitted again', async () => {
    const socketBefore = await alex.page.evaluate(() => window.__hearthRoom?.socket.id);
    expect(socketBefore).toBeTruthy();
    // Kill the websocket under socket.io; it reconnects by itself, here after ~3 s so the
    // in-between state can be seen on both sides.
    await alex.page.evaluate(() => {
      const manager = window.__hearthRoom?.socket.io;
      manager?.reconnectionDelay(3_000);
      manager?.reconnectionDelayMax(3_000);
      manager?.randomizationFactor(0);
      manager?.engine.close();
    });
    await eventually(() => alex.page.getByTestId('connection-state').textContent(), (t) => t === 'reconnecting', 'alex reconnecting', 3_000);
    await alex.page.getByTestId('reconnecting-banner').waitFor();
    await eventually(
      () => tile(therapist.page, alex.userId).getAttribute('data-connection'),
      (c) => c === 'reconnecting',
      'therapist sees alex reconnecting',
      3_000,
    );
    await tile(therapist.page, alex.userId).getByTestId('tile-reconnecting').waitFor();
    await screenshot(alex.page, 'room-patient-reconnecting-1440');
    await screenshot(therapist.page, 'room-therapist-sees-reconnecting-1440');

    const socketAfter = await eventually(
      () => alex.page.evaluate(() => (window.__hearthRoom?.socket.connected ? window.__hearthRoom.socket.id : null)),
      (id) => Boolean(id) && id !== socketBefore,
      'a new socket',
    );
    expect(socketAfter).not.toBe(socketBefore);
    await eventually(() => alex.page.getByTestId('connection-state').textContent(), (t) => t === 'connected', 'alex connected again');
    // Never sent back to the waiting room, and the therapist did not have to admit anyone.
    expect(await alex.page.getByTestId('lobby-waiting').count()).toBe(0);
    expect(await therapist.page.getByTestId('lobby-list').getByTestId('admit-user').count()).toBe(0);
    await alex.page.getByTestId('room').waitFor();

    await eventually(
      () => tile(therapist.page, alex.userId).getAttribute('data-connection'),
      (c) => c === 'connected',
      'therapist sees alex connected',
    );
    await expectMediaFlowing(therapist, alex);
    await expectMediaFlowing(blake, alex);
    await expectMediaFlowing(alex, therapist);
    await expectMediaFlowing(alex, blake);
  });

  it('the therapist mutes a patient, who cannot unmute until allowed again', async () => {
    await therapist.page.locator(`[data-testid="mute-user"][data-user-id="${blake.userId}"]`).click();

    const mic = blake.page.getByTestId('toggle-mic');
    await eventually(() => mic.getAttribute('aria-pressed'), (v) => v === 'false', 'blake mic off');
    expect(await mic.isDisabled()).toBe(true);
    await blake.page.getByText('The therapist has muted your microphone for now.').waitFor();
    for (const viewer of [therapist, alex]) {
      await tile(viewer.page, blake.userId).getByTestId('tile-mic-off').waitFor();
    }
    await screenshot(therapist.page, 'room-therapist-muted-patient-1440');
    await screenshot(blake.page, 'room-patient-muted-375');

    await therapist.page.locator(`[data-testid="unlock-mic"][data-user-id="${blake.userId}"]`).click();
    await eventually(() => mic.isEnabled(), Boolean, 'blake may unmute');
    await mic.click();
    await eventually(() => mic.getAttribute('aria-pressed'), (v) => v === 'true', 'blake mic on');
    await eventually(() => tile(alex.page, blake.userId).getByTestId('tile-mic-off').count(), (n) => n === 0, 'alex sees blake unmuted');
  });

  it('the therapist moves a patient back to the waiting room and admits them again', async () => {
    await therapist.page.locator(`[data-testid="remove-user"][data-user-id="${alex.userId}"]`).click();
    await alex.page.getByTestId('lobby-waiting').waitFor();
    await alex.page.getByTestId('lobby-message').getByText(/moved you back to the waiting room/).waitFor();
    await eventually(() => tile(blake.page, alex.userId).count(), (n) => n === 0, 'alex left blake’s grid');

    await therapist.page.locator(`[data-testid="admit-user"][data-user-id="${alex.userId}"]`).click();
    await alex.page.getByTestId('room').waitFor();
    await expectMediaFlowing(alex, therapist);
    await expectMediaFlowing(blake, alex);
  });

  it('the therapist ends the session after confirming, and everyone sees that it ended', async () => {
    // One stray tap ends nothing: the first click only asks.
    await therapist.page.getByTestId('end-session').click();
    await therapist.page.getByRole('button', { name: 'Keep the session going' }).click();
    expect(await alex.page.getByTestId('room').count()).toBe(1);
    await endSessionForAll(therapist.page);
    for (const person of [therapist, alex, blake]) {
      await person.page.getByText('The therapist has ended this session').waitFor();
      expect(await person.page.getByTestId('room').count()).toBe(0);
    }
    await screenshot(alex.page, 'ended-patient-1440');
  });
});

declare global {
  interface Window {
    __hearthRoom?: {
      socket: {
        id?: string;
        connected: boolean;
        io: {
          engine: { close(): void };
          reconnectionDelay(ms: number): unknown;
          reconnectionDelayMax(ms: number): unknown;
          randomizationFactor(f: number): unknown;
        };
      };
      getInboundStats(): Promise<unknown>;
    };
  }
}
export {};
