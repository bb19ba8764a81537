/**
 * A multi-family group (real app, both databases): the demo's live group
 * turned into a family-format group, where two patients each have a family
 * member invited. Each patient's consent covers only their own guest; each
 * guest reaches only that session (no other session, schedule or API), and
 * both are in its room under their "Name (relationship of Patient)" names.
 */
import { type GuestInviteView, type JoinResult, type RedeemGuestLinkResponse } from '@hearth/protocol';
import { CONSENT, nextEvent } from '../helpers/room-helpers';
import { connectSocket, request, type TestSocket } from '../helpers/socket';
import { api, login, startTestApp, type TestApp } from '../helpers/test-app';
import { DB_KINDS } from '../helpers/test-db';

jest.setTimeout(90_000);

const tokenOf = (url: string) => decodeURIComponent(url.slice(url.indexOf('/guest/') + '/guest/'.length));
type Who = { token: string; id: string };

describe.each(DB_KINDS)('a multi-family group on %s', (kind) => {
  let app: TestApp;
  let groupId: string; // the demo's live group, as a family group
  let oneToOneFamilyId: string; // the demo's 1:1 family session of patient1
  let therapist: Who;
  let alex: Who; // patient1
  let jordan: Who; // patient2
  let casey: Who; // patient3 (Sam), in the group: no guest in the first tests
  const sockets: TestSocket[] = [];
  /** Set by the second test: the therapist's socket in the room, and the admitted guests. */
  let therapistSocket: TestSocket;
  let admittedGuests: { id: string; name: string; socket: TestSocket }[] = [];

  const invite = (body: unknown) => api<GuestInviteView>(app, 'POST', `/api/sessions/${groupId}/guest-invites`, { token: therapist.token, body });
  const invites = async () => (await api<GuestInviteView[]>(app, 'GET', `/api/sessions/${groupId}/guest-invites`, { token: therapist.token })).body;
  const consents = async (who: Who) => (await api<{ id: string; guestName: string }[]>(app, 'GET', '/api/me/guest-consents', { token: who.token })).body;
  const decide = (id: string, who: Who, decision: 'approve' | 'decline' = 'approve') =>
    api<unknown>(app, 'POST', `/api/guest-invites/${id}/consent`, { token: who.token, body: { decision } });
  const redeem = (url: string) =>
    api<RedeemGuestLinkResponse & { code?: string }>(app, 'POST', '/api/guest-links/redeem', { body: { token: tokenOf(url) } });
  const socketFor = async (token: string) => {
    const s = await connectSocket(app.baseUrl, { token });
    sockets.push(s);
    return s;
  };
  const as = async (email: string): Promise<Who> => {
    const r = await login(app, email);
    return { token: r.accessToken, id: r.user.id };
  };

  beforeAll(async () => {
    app = await startTestApp(kind);
    groupId = app.seeded!.schedule!.liveGroupSessionId;
    oneToOneFamilyId = app.seeded!.schedule!.familySessionId;
    // This database is the test's own: its live group becomes a multi-family group.
    await app.dataSource.query(`UPDATE sessions SET format = 'family' WHERE id = $1`, [groupId]);
    therapist = await as('therapist@hearth.test');
    alex = await as('patient1@hearth.test');
    jordan = await as('patient2@hearth.test');
    casey = await as('patient3@hearth.test');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.stop();
  });

  it('each patient is asked about their own guest only, and their consent covers only that guest', async () => {
    const sessions = (await api<{ id: string; kind: string }[]>(app, 'GET', '/api/me/sessions', { token: jordan.token })).body;
    expect(sessions.find((s) => s.id === groupId)).toMatchObject({ kind: 'family' });

    const dana = (await invite({ name: 'Dana', relationship: 'sister', patientId: alex.id })).body;
    const riley = (await invite({ name: 'Riley', relationship: 'father', patientId: jordan.id })).body;
    expect(dana).toMatchObject({ patientId: alex.id, displayName: 'Dana (sister of Alex)', status: 'awaiting_consent', joinUrl: null });
    expect(riley).toMatchObject({ patientId: jordan.id, displayName: 'Riley (father of Jordan)', status: 'awaiting_consent', joinUrl: null });

    // Each patient sees only the request about their own family member; a third patient sees none.
    expect((await consents(alex)).map((c) => c.guestName)).toEqual(['Dana']);
    expect((await consents(jordan)).map((c) => c.guestName)).toEqual(['Riley']);
    expect(await consents(casey)).toEqual([]);
    // Nobody answers for another patient's guest.
    expect((await decide(riley.id, alex)).status).toBe(403);
    expect((await decide(dana.id, jordan)).status).toBe(403);
    expect((await decide(dana.id, casey)).status).toBe(403);

    // Alex's consent opens Dana's link, not Riley's.
    expect((await decide(dana.id, alex)).status).toBe(200);
    const afterAlex = await invites();
    expect(afterAlex.find((i) => i.id === dana.id)).toMatchObject({ status: 'approved', joinUrl: expect.stringMatching(/\/guest\//) });
    expect(afterAlex.find((i) => i.id === riley.id)).toMatchObject({ status: 'awaiting_consent', joinUrl: null });
    expect(await consents(alex)).toEqual([]);
    expect((await consents(jordan)).map((c) => c.guestName)).toEqual(['Riley']);

    // Jordan declines at first: Riley stays out, and Dana's approval is untouched.
    expect((await decide(riley.id, jordan, 'decline')).status).toBe(200);
    const afterJordan = await invites();
    expect(afterJordan.find((i) => i.id === riley.id)).toMatchObject({ status: 'declined', joinUrl: null });
    expect(afterJordan.find((i) => i.id === dana.id)).toMatchObject({ status: 'approved' });

    // Each decision is in that patient's own accounting of disclosures, and only there.
    const audited: { subject_user_id: string; object_id: string; action: string }[] = await app.dataSource.query(
      `SELECT subject_user_id, object_id, action FROM audit_log WHERE object_id = ANY($1) ORDER BY id`,
      [[dana.id, riley.id]],
    );
    expect(audited.map((a) => [a.subject_user_id, a.object_id, a.action])).toEqual([
      [alex.id, dana.id, 'guest.consent_approved'],
      [jordan.id, riley.id, 'guest.consent_declined'],
    ]);
  });

  it('with both consents, each guest reaches only this session, and both are in its room under their names', async () => {
    const sam = (await invite({ name: 'Robin', relationship: 'brother', patientId: jordan.id })).body;
    expect((await decide(sam.id, jordan)).status).toBe(200);
    const all = await invites();
    const danaInvite = all.find((i) => i.name === 'Dana')!;
    const samInvite = all.find((i) => i.id === sam.id)!;

    const guests = [];
    for (const inv of [danaInvite, samInvite]) {
      const res = await redeem(inv.joinUrl!);
      expect(res.status).toBe(200);
      expect(res.body.sessionId).toBe(groupId);
      guests.push({ invite: inv, id: res.body.user.id, token: res.body.accessToken, name: res.body.user.displayName });
    }
    expect(guests.map((g) => g.name)).toEqual(['Dana (sister of Alex)', 'Robin (brother of Jordan)']);

    const t = await socketFor(therapist.token);
    therapistSocket = t;
    expect(await request<JoinResult>(t, 'room:join', { sessionId: groupId })).toMatchObject({ ok: true, data: { status: 'admitted' } });
    // Said before any guest came (see the chat test below).
    expect(await request(t, 'chat:send', { sessionId: groupId, text: 'Before any guest' })).toMatchObject({ ok: true });

    for (const g of guests) {
      // Nothing outside this session: no schedule, no other session (Alex's own family 1:1 included), no invites.
      for (const path of ['/api/me/sessions', '/api/me/cohorts', `/api/sessions/${oneToOneFamilyId}`, `/api/sessions/${groupId}`, `/api/sessions/${groupId}/guest-invites`]) {
        expect([g.name, path, (await api(app, 'GET', path, { token: g.token })).status]).toEqual([g.name, path, 403]);
      }
      const s = await socketFor(g.token);
      expect(await request(s, 'room:join', { sessionId: oneToOneFamilyId, consent: CONSENT })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await request<JoinResult>(s, 'room:join', { sessionId: groupId, consent: CONSENT })).toMatchObject({ ok: true, data: { status: 'waiting' } });
      const admitted = nextEvent(s, 'room:admitted');
      expect(await request(t, 'lobby:admit', { sessionId: groupId, userIds: [g.id] })).toMatchObject({ ok: true });
      const { room } = await admitted;
      expect(room.participants.find((p) => p.userId === g.id)).toMatchObject({ displayName: g.name });
      admittedGuests.push({ id: g.id, name: g.name, socket: s });
    }
    // The therapist's room holds both guests, each named for whom they came with.
    const state = await request<JoinResult>(t, 'room:join', { sessionId: groupId });
    const names = state.ok && state.data.status === 'admitted' ? state.data.room.participants.map((p) => p.displayName) : [];
    expect(names).toEqual(expect.arrayContaining(['Dana (sister of Alex)', 'Robin (brother of Jordan)']));

    // Riley's declined link still admits no one.
    const riley = all.find((i) => i.name === 'Riley')!;
    expect(riley.joinUrl).toBeNull();
  });

  it('a guest reads and writes the group chat from their admission on, under their name, and has no private messages', async () => {
    const t = therapistSocket;
    const [dana] = admittedGuests;
    type History = { messages: { text: string; fromDisplayName: string; toUserId: string | null }[] };
    const texts = async (s: TestSocket) => {
      const h = await request<History>(s, 'chat:history', { sessionId: groupId });
      if (!h.ok) throw new Error(JSON.stringify(h));
      return h.data.messages.map((m) => m.text);
    };
    // Said before Pat (patient3's mother) comes; a private word between therapist and patient, never a guest's.
    expect(await request(t, 'chat:send', { sessionId: groupId, text: 'Before Pat came' })).toMatchObject({ ok: true });
    expect(await request(t, 'chat:send', { sessionId: groupId, text: 'Just for Dana', toUserId: dana!.id })).toMatchObject({
      ok: false,
      error: { code: 'chat_recipient_not_allowed' },
    });
    // Dana came after "Before any guest": she reads from her admission on.
    expect(await texts(dana!.socket)).toEqual(['Before Pat came']);

    const pat = (await invite({ name: 'Pat <b>', relationship: 'mother', patientId: casey.id })).body;
    expect((await decide(pat.id, casey)).status).toBe(200);
    const url = (await invites()).find((i) => i.id === pat.id)!.joinUrl!;
    const signIn = (await redeem(url)).body;
    const s = await socketFor(signIn.accessToken);
    expect(await request(s, 'room:join', { sessionId: groupId, consent: CONSENT })).toMatchObject({ ok: true, data: { status: 'waiting' } });
    const admitted = nextEvent(s, 'room:admitted');
    expect(await request(t, 'lobby:admit', { sessionId: groupId, userIds: [signIn.user.id] })).toMatchObject({ ok: true });
    await admitted;

    // Nothing from before Pat came.
    expect(await texts(s)).toEqual([]);
    // Pat writes to the group, named as who they are to whom (markup kept as text for clients to show as text).
    const atTherapist = nextEvent(t, 'chat:messageSent', (p) => p.message.fromUserId === signIn.user.id);
    const atDana = nextEvent(dana!.socket, 'chat:messageSent', (p) => p.message.fromUserId === signIn.user.id);
    const sent = await request<{ fromDisplayName: string; toUserId: string | null; text: string }>(s, 'chat:send', { sessionId: groupId, text: 'Hello <i>all</i>' });
    expect(sent).toMatchObject({ ok: true, data: { fromDisplayName: 'Pat <b> (mother of Sam)', toUserId: null, text: 'Hello <i>all</i>' } });
    expect((await atTherapist).message.fromDisplayName).toBe('Pat <b> (mother of Sam)');
    await atDana;
    // No private messages from a guest, to a patient or a therapist.
    for (const toUserId of [therapist.id, casey.id]) {
      expect(await request(s, 'chat:send', { sessionId: groupId, text: 'psst', toUserId })).toMatchObject({
        ok: false,
        error: { code: 'chat_recipient_not_allowed' },
      });
    }
    // Pat still cannot delete or change the chat's rules.
    expect(await request(s, 'chat:setPatientPrivateChat', { sessionId: groupId, allowed: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await texts(s)).toEqual(['Hello <i>all</i>']);
    expect(await texts(dana!.socket)).toEqual(['Before Pat came', 'Hello <i>all</i>']);
    // The therapist sees everything said in the group, the guest's message included.
    expect(await texts(t)).toEqual(['Before any guest', 'Before Pat came', 'Hello <i>all</i>']);
  });
});
