import { admittedGroup, ok, settle, type Group } from '../helpers/facilitation';
import { collect, nextEvent, type Person } from '../helpers/room-helpers';
import { connectSocket, request, type TestSocket } from '../helpers/socket';
import { DB_KINDS } from '../helpers/test-db';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(180_000);

/**
 * Every socket of a member leaves the session's broadcast rooms when the member
 * leaves the session: after the reconnect grace of one tab expires while another
 * tab stays connected, after a removal, after leaving, after the session ends.
 */
describe.each(DB_KINDS)('socket rooms follow session membership (every tab) — %s', (kind) => {
  let app: TestApp;
  let g: Group;
  const extra: TestSocket[] = [];

  beforeAll(async () => {
    app = await startTestApp(kind, { RECONNECT_GRACE_SECONDS: '5' });
    g = await admittedGroup(app, 3);
  });
  afterAll(async () => {
    g?.everyone.forEach((p) => p.socket.close());
    extra.forEach((s) => s.close());
    await app?.stop();
  });

  /** A second tab of the same sign-in that joins the room (it takes the member's room over). */
  async function secondTab(p: Person): Promise<TestSocket> {
    const s = await connectSocket(app.baseUrl, { token: p.token });
    extra.push(s);
    ok(await request(s, 'room:join', { sessionId: g.sessionId }));
    return s;
  }

  async function groupChatReaches(sockets: TestSocket[]): Promise<boolean[]> {
    const seen = sockets.map((s) => collect(s, 'chat:messageSent'));
    const text = `probe ${Math.random()}`;
    ok(await request(g.therapist.socket, 'chat:send', { sessionId: g.sessionId, text }));
    await settle(500);
    return seen.map((list) => list.some((e) => e.message.text === text));
  }

  it('after one tab drops and its grace expires, the other tab no longer receives the group', async () => {
    const p = g.patients[0]!;
    const tabB = await secondTab(p);
    // Both tabs are in the group now.
    expect(await groupChatReaches([p.socket, tabB])).toEqual([true, true]);
    const left = nextEvent(g.therapist.socket, 'room:participantLeft', (e) => e.userId === p.userId, 30_000);
    tabB.close(); // the tab holding the room drops; the grace period starts
    await left; // grace expired: the server dropped the patient
    expect(p.socket.connected).toBe(true);
    const participants = collect(p.socket, 'room:participantUpdated');
    expect(await groupChatReaches([p.socket])).toEqual([false]);
    ok(await request(g.therapist.socket, 'media:setSelf', { sessionId: g.sessionId, source: 'camera', on: false }));
    await settle(300);
    expect(participants).toEqual([]);
  });

  it('a removed patient receives nothing on any tab', async () => {
    const p = g.patients[1]!;
    const tabB = await secondTab(p);
    ok(await request(g.therapist.socket, 'moderation:remove', { sessionId: g.sessionId, userId: p.userId }));
    expect(await groupChatReaches([p.socket, tabB])).toEqual([false, false]);
  });

  it('a patient who leaves from one tab receives nothing on the other', async () => {
    const p = g.patients[2]!;
    const tabB = await secondTab(p);
    ok(await request(tabB, 'room:leave', { sessionId: g.sessionId }));
    expect(await groupChatReaches([p.socket, tabB])).toEqual([false, false]);
  });
});
