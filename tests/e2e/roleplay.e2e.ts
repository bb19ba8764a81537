/**
 * Role-play exercises, end to end: a therapist and four patients in real
 * Chromium contexts (fake camera and microphone) in the demo's live group.
 * The therapist starts a seeded two-role scenario, casts two patients; the
 * other two observe. Each player sees only their own instructions. While the
 * scene runs, the players' tiles are featured and the observers' audio stops
 * reaching the players (the players' keeps flowing); when it ends the
 * observers are heard again. Then breakout pairs: a pair stops receiving the
 * other pair's media until the therapist returns everyone.
 */
import type { Browser } from 'playwright-core';
import {
  apiLogin,
  eventually,
  gatherInRoom,
  PHONE,
  receivedFrom,
  screenshot,
  signIn,
  tile,
  startRoomTest,
  type Person,
  type RoomTest,
} from './room.support';

jest.setTimeout(360_000);

/** Audio bytes `viewer` receives from `from` over `ms`. */
async function audioGrowth(viewer: Person, from: Person, ms = 2_000): Promise<number> {
  const a = await receivedFrom(viewer.page, from.userId);
  await viewer.page.waitForTimeout(ms);
  const b = await receivedFrom(viewer.page, from.userId);
  return b.audioBytesReceived - a.audioBytesReceived;
}

/** Audio and video bytes `viewer` receives from `from` over `ms`. */
async function mediaGrowth(viewer: Person, from: Person, ms = 2_000): Promise<number> {
  const a = await receivedFrom(viewer.page, from.userId);
  await viewer.page.waitForTimeout(ms);
  const b = await receivedFrom(viewer.page, from.userId);
  return b.audioBytesReceived - a.audioBytesReceived + (b.videoBytesReceived - a.videoBytesReceived);
}

interface Scenario {
  id: string;
  title: string;
  roles: { key: string; name: string; instructions: string }[];
}

describe('role-play exercises in real browsers', () => {
  let room: RoomTest;
  let hearth: RoomTest['hearth'];
  let browser: Browser;
  let sessionId: string;
  let scenario: Scenario;
  let therapist: Person;
  let patients: Person[];
  let p1: Person, p2: Person, p3: Person, p4: Person;

  beforeAll(async () => {
    room = await startRoomTest();
    ({ hearth, browser, sessionId } = room);
    const t = await apiLogin(hearth.url, 'therapist@hearth.test');
    const res = await fetch(`${hearth.url}/api/roleplay/scenarios`, { headers: { authorization: `Bearer ${t.accessToken}` } });
    const list = (await res.json()) as Scenario[];
    scenario = list.find((s) => s.roles.length === 2)!;
    expect(scenario).toBeDefined();
  });

  afterAll(() => room?.stop());

  it('a therapist and four patients join the room', async () => {
    const signedIn = await Promise.all(
      ['therapist', 'patient1', 'patient2', 'patient3', 'patient4'].map((u) => signIn(browser, hearth.url, `${u}@hearth.test`)),
    );
    therapist = signedIn[0] as Person;
    patients = signedIn.slice(1);
    [p1, p2, p3, p4] = patients as [Person, Person, Person, Person];
    await gatherInRoom(
      therapist,
      patients.map((person, i) => ({ person, location: `Home, ${i + 1} Palm St, Tempe`, callbackNumber: `+1 480 555 01${10 + i}` })),
      sessionId,
    );
    // Everyone's audio reaches the two future players.
    for (const [viewer, from] of [[p1, p3], [p2, p3], [p1, p2], [p2, p1]] as const) {
      await eventually(() => receivedFrom(viewer.page, from.userId), (s) => s.audioBytesReceived > 0, `${viewer.email} hears ${from.email}`, 30_000);
    }
  });

  it('the therapist starts a scenario and casts two players; each sees only their own instructions', async () => {
    const t = therapist.page;
    await t.getByTestId('roleplay-open-library').click();
    await t.locator(`[data-testid="roleplay-scenario"][data-scenario-id="${scenario.id}"]`).click();
    await t.getByTestId('roleplay-preview').waitFor();
    await screenshot(t, 'roleplay-therapist-library-1440');
    await t.getByTestId('roleplay-start').click();
    for (const p of patients) await p.page.getByTestId('roleplay-title').waitFor();

    const [a, b] = scenario.roles as [Scenario['roles'][number], Scenario['roles'][number]];
    await t.locator(`[data-testid="roleplay-role-select"][data-role-id="${a.key}"]`).selectOption(p1.userId);
    await t.locator(`[data-testid="roleplay-role-select"][data-role-id="${b.key}"]`).selectOption(p2.userId);
    await t.getByTestId('roleplay-assign').click();
    await eventually(
      () => t.locator(`[data-testid="roleplay-role"][data-role-id="${a.key}"]`).getAttribute('data-user-id'),
      (id) => id === p1.userId,
      'role a cast',
    );

    const p1Text = await eventually(() => p1.page.getByTestId('roleplay-instructions').textContent(), (x) => Boolean(x?.includes(a.instructions.slice(0, 40))), 'p1 instructions');
    const p2Text = await eventually(() => p2.page.getByTestId('roleplay-instructions').textContent(), (x) => Boolean(x?.includes(b.instructions.slice(0, 40))), 'p2 instructions');
    expect(p1Text).not.toContain(b.instructions.slice(0, 40));
    expect(p2Text).not.toContain(a.instructions.slice(0, 40));
    expect(await p1.page.getByTestId('roleplay-instructions').getAttribute('data-role-id')).toBe(a.key);
    for (const obs of [p3, p4]) {
      expect(await obs.page.getByTestId('roleplay-instructions').count()).toBe(0);
      expect(await obs.page.content()).not.toContain(a.instructions.slice(0, 40));
    }
  });

  it('while the scene runs the players are featured and the observers are not heard; after it they are', async () => {
    const t = therapist.page;
    await t.getByTestId('roleplay-scene-length').selectOption('180');
    await t.getByTestId('roleplay-start-scene').click();
    for (const viewer of [therapist, ...patients]) {
      await eventually(() => viewer.page.getByTestId('roleplay-timer').textContent(), (x) => /^0[23]:[0-5]\d$/.test(x ?? ''), `${viewer.email} timer`);
      const first = await viewer.page.getByTestId('participant-tile').evaluateAll((els) => els.slice(0, 2).map((e) => e.getAttribute('data-user-id')));
      expect(new Set(first)).toEqual(new Set([p1.userId, p2.userId]));
    }
    expect(await tile(p3.page, p1.userId).getAttribute('data-spotlight')).toBe('true');
    await p3.page.getByTestId('scene-hold-banner').waitFor();
    await p3.page.getByTestId('observer-checklist').first().waitFor();

    await p1.page.waitForTimeout(1_500); // in-flight packets drain
    const [p3ToP1, p4ToP2, p2ToP1, p1ToP2] = await Promise.all([audioGrowth(p1, p3), audioGrowth(p2, p4), audioGrowth(p1, p2), audioGrowth(p2, p1)]);
    expect(p3ToP1).toBe(0);
    expect(p4ToP2).toBe(0);
    expect(p2ToP1).toBeGreaterThan(1_500);
    expect(p1ToP2).toBeGreaterThan(1_500);

    await t.getByTestId('roleplay-pause').click();
    await eventually(() => p1.page.getByTestId('roleplay-status').getAttribute('data-status'), (s) => s === 'paused', 'paused');
    await t.getByTestId('roleplay-resume').click();
    await eventually(() => p1.page.getByTestId('roleplay-status').getAttribute('data-status'), (s) => s === 'running', 'resumed');

    // An observer ticks the checklist for a player and adds a note.
    const form = p3.page.locator(`[data-testid="observer-checklist"][data-user-id="${p1.userId}"]`);
    await form.getByTestId('observer-check').first().check();
    await form.getByTestId('observer-note').fill('Clear and calm.');
    await form.getByTestId('roleplay-feedback-submit').click();
    await form.getByTestId('roleplay-feedback-saved').waitFor();

    await screenshot(t, 'roleplay-therapist-scene-1440');
    await screenshot(t, 'roleplay-therapist-scene-375', PHONE);
    await screenshot(p1.page, 'roleplay-player-scene-1440');
    await screenshot(p1.page, 'roleplay-player-scene-375', PHONE);
    await screenshot(p3.page, 'roleplay-observer-scene-1440');
    await screenshot(p3.page, 'roleplay-observer-scene-375', PHONE);

    await t.getByTestId('roleplay-end-scene').click();
    await eventually(() => p3.page.getByTestId('roleplay-status').getAttribute('data-status'), (s) => s === 'ended', 'scene ended');
    await eventually(() => audioGrowth(p1, p3, 1_000), (n) => n > 500, 'p1 hears p3 again');
    await eventually(() => audioGrowth(p2, p4, 1_000), (n) => n > 500, 'p2 hears p4 again');

    await t.getByTestId('roleplay-debrief').click();
    for (const viewer of [p1, p3]) {
      const item = viewer.page.locator(`[data-testid="roleplay-debrief-player"][data-user-id="${p1.userId}"] li[data-count="1"]`);
      await item.first().waitFor();
    }
    await screenshot(p3.page, 'roleplay-debrief-1440');
    await screenshot(p3.page, 'roleplay-debrief-375', PHONE);
    for (const viewer of [therapist, ...patients]) await viewer.page.getByTestId('roleplay-debrief-close').click();
  });

  it('breakout pairs receive only their own pair; return everyone brings the group back', async () => {
    const t = therapist.page;
    await t.getByTestId('breakout-start').click();
    await eventually(() => t.getByTestId('breakout-room').count(), (n) => n === 2, 'two rooms');
    for (const p of patients) await eventually(() => p.page.getByTestId('participant-tile').count(), (n) => n === 2, `${p.email} sees their pair`);

    // Who is paired with whom: the therapist's list of rooms.
    const groups = await t.getByTestId('breakout-room').evaluateAll((els) => els.map((e) => (e.getAttribute('data-user-ids') ?? '').split(' ')));
    const byId = (id: string) => patients.find((p) => p.userId === id)!;
    const mine = groups.find((g) => g.includes(p1.userId))!;
    const other = groups.find((g) => !g.includes(p1.userId))!;
    const partner = byId(mine.find((id) => id !== p1.userId)!);
    const stranger = byId(other[0]!);

    await p1.page.waitForTimeout(1_500); // in-flight packets drain
    const [strangerToP1, p1ToStranger, partnerToP1] = await Promise.all([
      mediaGrowth(p1, stranger),
      mediaGrowth(stranger, p1),
      mediaGrowth(p1, partner),
    ]);
    expect(strangerToP1).toBe(0);
    expect(p1ToStranger).toBe(0);
    expect(partnerToP1).toBeGreaterThan(1_500);

    const rooms = await t.getByTestId('breakout-join').evaluateAll((els) => els.map((e) => e.getAttribute('data-breakout-id')));
    await t.locator(`[data-testid="breakout-join"][data-breakout-id="${rooms[0]}"]`).click();
    await eventually(() => t.getByTestId('participant-tile').count(), (n) => n === 3, 'therapist in a pair');
    await screenshot(t, 'roleplay-therapist-breakout-1440');
    await screenshot(p1.page, 'roleplay-patient-breakout-375', PHONE);

    await t.getByTestId('breakout-return').click();
    for (const p of patients) await eventually(() => p.page.getByTestId('participant-tile').count(), (n) => n === 5, `${p.email} back`);
    await eventually(() => mediaGrowth(p1, stranger, 1_000), (n) => n > 500, 'p1 receives the other pair again');

    await t.getByTestId('roleplay-end').click();
    for (const p of patients) await eventually(() => p.page.getByTestId('roleplay-panel').count(), (n) => n === 0, `${p.email} exercise gone`);
  });
});
