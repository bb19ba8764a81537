/**
 * Family guests against the real app (both databases): invite → the
 * patient's consent → a single-use link that signs the guest in to that one
 * session only. Real HTTP and real socket.io clients; the guest is admitted
 * from the lobby by the therapist.
 */
import { GuestErrorCode, type GuestInviteView, type JoinResult, type RedeemGuestLinkResponse } from '@hearth/protocol';
import { TOKEN_SIGNER } from '../../src/modules/auth/auth.service';
import type { TokenSigner } from '../../src/modules/auth/tokens';
import { guestLinkToken } from '../../src/modules/guests/domain/guest-invite';
import { CONSENT, nextEvent, SAFETY } from '../helpers/room-helpers';
import { connectSocket, request, type TestSocket } from '../helpers/socket';
import { api, login, startTestApp, type TestApp } from '../helpers/test-app';
import { DB_KINDS } from '../helpers/test-db';

jest.setTimeout(90_000);

const tokenOf = (url: string) => decodeURIComponent(url.slice(url.indexOf('/guest/') + '/guest/'.length));

describe.each(DB_KINDS)('family guests on %s', (kind) => {
  let app: TestApp;
  let familyId: string;
  let liveGroupId: string;
  let therapist: { token: string; id: string };
  let alex: { token: string; id: string }; // patient1, the family session's patient
  let jordan: { token: string; id: string }; // patient2
  let cotherapist: { token: string };
  const sockets: TestSocket[] = [];

  const invite = (body: unknown, token = therapist.token, sessionId = familyId) =>
    api<GuestInviteView>(app, 'POST', `/api/sessions/${sessionId}/guest-invites`, { token, body });
  const invites = async () => (await api<GuestInviteView[]>(app, 'GET', `/api/sessions/${familyId}/guest-invites`, { token: therapist.token })).body;
  const decide = (id: string, decision: 'approve' | 'decline', token = alex.token) =>
    api(app, 'POST', `/api/guest-invites/${id}/consent`, { token, body: { decision } });
  const redeem = (token: string) => api<RedeemGuestLinkResponse & { code?: string; message?: string }>(app, 'POST', '/api/guest-links/redeem', { body: { token } });
  /** The link of an invite whatever its state, made the way the server makes it (to prove refusals). */
  const linkFor = async (inviteId: string) => {
    const [row] = await app.dataSource.query(`SELECT link_nonce FROM guest_invites WHERE id = $1`, [inviteId]);
    return guestLinkToken(app.app.get<TokenSigner>(TOKEN_SIGNER).linkSecret('guest-link'), inviteId, row.link_nonce);
  };

  beforeAll(async () => {
    app = await startTestApp(kind);
    familyId = app.seeded!.schedule!.familySessionId;
    liveGroupId = app.seeded!.schedule!.liveGroupSessionId;
    const t = await login(app, 'therapist@hearth.test');
    const a = await login(app, 'patient1@hearth.test');
    const j = await login(app, 'patient2@hearth.test');
    therapist = { token: t.accessToken, id: t.user.id };
    alex = { token: a.accessToken, id: a.user.id };
    jordan = { token: j.accessToken, id: j.user.id };
    cotherapist = { token: (await login(app, 'cotherapist@hearth.test')).accessToken };
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.stop();
  });

  it('lists the demo family session as kind "family" for its patient', async () => {
    const res = await api<{ id: string; kind: string }[]>(app, 'GET', '/api/me/sessions', { token: alex.token });
    expect(res.body.find((s) => s.id === familyId)).toMatchObject({ kind: 'family' });
    expect(res.body.find((s) => s.id === liveGroupId)).toMatchObject({ kind: 'group' });
  });

  it('only the session’s therapists invite, only to family sessions, only for its patients', async () => {
    expect((await invite({ name: 'Dana', relationship: 'sister' }, alex.token)).status).toBe(403);
    expect((await invite({ name: 'Dana', relationship: 'sister' }, cotherapist.token)).status).toBe(403);
    expect((await invite({ name: 'Dana', relationship: 'sister' }, therapist.token, liveGroupId)).body).toMatchObject({
      code: GuestErrorCode.NotFamilySession,
    });
    expect((await invite({ name: 'Dana', relationship: 'sister', patientId: jordan.id })).body).toMatchObject({ code: GuestErrorCode.NotAPatient });
    expect((await invite({ name: '', relationship: 'sister' })).status).toBe(400);
  });

  it('until the patient approves, the link admits no one; then it admits one device', async () => {
    const made = await invite({ name: 'Dana', relationship: 'sister' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ status: 'awaiting_consent', joinUrl: null, patientId: alex.id, displayName: 'Dana (sister of Alex)' });
    const unconsented = await redeem(await linkFor(made.body.id));
    expect(unconsented.status).toBe(409);
    expect(unconsented.body).toMatchObject({ code: GuestErrorCode.AwaitingConsent });
    expect(unconsented.body.message).toContain('Maya Ellison');

    // The patient is asked; nobody else can answer.
    const asked = await api<{ id: string; guestName: string }[]>(app, 'GET', '/api/me/guest-consents', { token: alex.token });
    expect(asked.body.map((r) => r.id)).toContain(made.body.id);
    expect((await api<unknown[]>(app, 'GET', '/api/me/guest-consents', { token: jordan.token })).body).toEqual([]);
    expect((await decide(made.body.id, 'approve', jordan.token)).status).toBe(403);

    expect((await decide(made.body.id, 'approve')).status).toBe(200);
    expect((await decide(made.body.id, 'decline')).body).toMatchObject({ code: GuestErrorCode.AlreadyDecided });
    const approved = (await invites()).find((i) => i.id === made.body.id)!;
    expect(approved.status).toBe('approved');
    expect(approved.joinUrl).toMatch(/\/guest\//);

    const first = await redeem(tokenOf(approved.joinUrl!));
    expect(first.status).toBe(200);
    expect(first.body.sessionId).toBe(familyId);
    expect(first.body.user).toMatchObject({ role: 'family', displayName: 'Dana (sister of Alex)' });
    const second = await redeem(tokenOf(approved.joinUrl!));
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: GuestErrorCode.AlreadyUsed });
    // The patient's consent and the disclosure itself are in the patient's accounting of access.
    const audited: { action: string; actor_user_id: string }[] = await app.dataSource.query(
      `SELECT action, actor_user_id FROM audit_log WHERE subject_user_id = $1 AND object_id = $2 ORDER BY id`,
      [alex.id, made.body.id],
    );
    expect(audited.map((a) => a.action)).toEqual(['guest.consent_approved', 'guest.disclosed']);
    expect(audited[0]!.actor_user_id).toBe(alex.id);
    expect(audited[1]!.actor_user_id).toBe(first.body.user.id);
    expect((await redeem('not-a-real-link-token')).body).toMatchObject({ code: GuestErrorCode.LinkInvalid });
    expect((await redeem('short')).status).toBe(400);
    expect((await redeem(`${made.body.id}.${'x'.repeat(43)}`)).body).toMatchObject({ code: GuestErrorCode.LinkInvalid });

    // ---- the guest's sign-in reaches only that session
    const guest = first.body.accessToken;
    expect((await api(app, 'GET', '/api/auth/me', { token: guest })).body).toMatchObject({ role: 'family', displayName: 'Dana (sister of Alex)' });
    for (const path of ['/api/me/sessions', `/api/sessions/${familyId}`, `/api/sessions/${liveGroupId}`, '/api/me/guest-consents', `/api/sessions/${familyId}/guest-invites`]) {
      expect([path, (await api(app, 'GET', path, { token: guest })).status]).toEqual([path, 403]);
    }
    expect((await invite({ name: 'Eve', relationship: 'aunt' }, guest)).status).toBe(403);

    const g = await connectSocket(app.baseUrl, { token: guest });
    sockets.push(g);
    // No other session (its chat included), no check-ins, no crisis, no therapist events.
    for (const [event, payload] of [
      ['room:join', { sessionId: liveGroupId, consent: CONSENT }],
      ['chat:history', { sessionId: liveGroupId }],
      ['chat:send', { sessionId: liveGroupId, text: 'hi' }],
      ['chat:delete', { sessionId: familyId, messageId: made.body.id }],
      ['chat:setPatientPrivateChat', { sessionId: familyId, allowed: true }],
      ['checkin:state', { sessionId: familyId }],
      ['checkin:submit', { sessionId: familyId, checkinId: made.body.id, mood: 5, craving: 0 }],
      ['crisis:raise', { sessionId: familyId }],
      ['lobby:admit', { sessionId: familyId, userIds: 'all' }],
      ['room:end', { sessionId: familyId }],
      ['screen:allow', { sessionId: familyId, userId: alex.id, allowed: true }],
      ['turn:raiseHand', { sessionId: familyId }],
    ] as const) {
      expect([event, await request(g, event, payload)]).toEqual([event, { ok: false, error: expect.objectContaining({ code: 'forbidden' }) }]);
    }
    // Not in the room yet: no chat either.
    expect(await request(g, 'chat:history', { sessionId: familyId })).toMatchObject({ ok: false, error: { code: 'not_admitted' } });
    // The pre-join: consent to the group agreement (no safety check for a guest), then the lobby.
    expect(await request(g, 'room:join', { sessionId: familyId })).toMatchObject({ ok: false, error: { code: 'consent_required' } });
    const waiting = await request<JoinResult>(g, 'room:join', { sessionId: familyId, consent: CONSENT });
    expect(waiting).toMatchObject({ ok: true, data: { status: 'waiting' } });

    const t = await connectSocket(app.baseUrl, { token: therapist.token });
    sockets.push(t);
    expect(await request<JoinResult>(t, 'room:join', { sessionId: familyId })).toMatchObject({ ok: true, data: { status: 'admitted' } });
    const admitted = nextEvent(g, 'room:admitted');
    expect(await request(t, 'lobby:admit', { sessionId: familyId, userIds: [first.body.user.id] })).toMatchObject({ ok: true });
    const { room } = await admitted;
    expect(room.participants.find((p) => p.userId === first.body.user.id)).toMatchObject({ displayName: 'Dana (sister of Alex)' });

    // ---- withdrawn: the guest is signed out and the link says so
    const revoked = await api<GuestInviteView>(app, 'POST', `/api/sessions/${familyId}/guest-invites/${made.body.id}/revoke`, { token: therapist.token });
    expect(revoked.body).toMatchObject({ status: 'revoked', joinUrl: null });
    expect((await api(app, 'GET', '/api/auth/me', { token: guest })).status).toBe(401);
    expect((await redeem(tokenOf(approved.joinUrl!))).body).toMatchObject({ code: GuestErrorCode.Revoked });
    void SAFETY;
  });

  it('a declined request leaves the therapist told, and its link never works', async () => {
    const made = await invite({ name: 'Sam', relationship: 'father' });
    expect((await decide(made.body.id, 'decline')).status).toBe(200);
    expect((await invites()).find((i) => i.id === made.body.id)).toMatchObject({ status: 'declined', joinUrl: null });
    expect((await redeem(await linkFor(made.body.id))).body).toMatchObject({ code: GuestErrorCode.Declined });
  });

  it('an approved link is refused once the session is over', async () => {
    const made = await invite({ name: 'Lee', relationship: 'partner' });
    await decide(made.body.id, 'approve');
    const link = await linkFor(made.body.id);
    await app.dataSource.query(`UPDATE sessions SET starts_at = now() - interval '3 hours', ends_at = now() - interval '1 minute' WHERE id = $1`, [familyId]);
    const res = await redeem(link);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: GuestErrorCode.Expired });
    expect(res.body.message).toContain('Maya Ellison');
  });
});
