import type { ChatHistory, ChatMessage } from '@hearth/protocol';
import { ChatMessageRecord } from '../../src/modules/chat/entities/chat-message.entity';
import { admittedGroup, ok, settle, type Group } from '../helpers/facilitation';
import { CONSENT, connectAs, nextEvent, SAFETY, type Person } from '../helpers/room-helpers';
import { request } from '../helpers/socket';
import { DB_KINDS } from '../helpers/test-db';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

describe.each(DB_KINDS)('group chat with real socket.io clients and PostgreSQL — %s', (kind) => {
  let app: TestApp;
  let g: Group;
  let therapist: Person;
  let p1: Person;
  let p2: Person;
  let p3: Person;
  const extra: Person[] = [];
  const sent = new Map<string, ChatMessage[]>();

  beforeAll(async () => {
    app = await startTestApp(kind);
    g = await admittedGroup(app, 3);
    ({ therapist } = g);
    [p1, p2, p3] = g.patients as [Person, Person, Person];
    for (const p of g.everyone) {
      const list: ChatMessage[] = [];
      sent.set(p.userId, list);
      p.socket.on('chat:messageSent', (e) => list.push(e.message));
    }
  });
  afterAll(async () => {
    [...g.everyone, ...extra].forEach((p) => p.socket.close());
    await app?.stop();
  });

  const texts = (p: Person) => sent.get(p.userId)!.map((m) => m.text);
  const rowCount = () => app.dataSource.getRepository(ChatMessageRecord).count();

  it('delivers a group message to everyone in the room, as the text that was typed', async () => {
    const html = '<img src=x onerror="alert(1)"> hello <b>group</b>';
    const arrivals = g.everyone.map((p) => nextEvent(p.socket, 'chat:messageSent', (e) => e.message.text === html));
    const message = ok<ChatMessage>(await request(p1.socket, 'chat:send', { sessionId: g.sessionId, text: `  ${html}  ` }));
    expect(message).toMatchObject({ fromUserId: p1.userId, toUserId: null, text: html, sessionId: g.sessionId });
    expect(message.fromDisplayName).toBeTruthy();
    for (const e of await Promise.all(arrivals)) expect(e.message.id).toBe(message.id);
  });

  it('keeps a patient’s private message to a therapist between the two of them', async () => {
    const atTherapist = nextEvent(therapist.socket, 'chat:messageSent', (e) => e.message.toUserId === therapist.userId);
    const m = ok<ChatMessage>(
      await request(p1.socket, 'chat:send', { sessionId: g.sessionId, text: 'private to you', toUserId: therapist.userId }),
    );
    expect((await atTherapist).message.id).toBe(m.id);
    const reply = ok<ChatMessage>(
      await request(therapist.socket, 'chat:send', { sessionId: g.sessionId, text: 'private reply', toUserId: p1.userId }),
    );
    expect(reply.toUserId).toBe(p1.userId);
    await settle();
    expect(texts(p1)).toEqual(expect.arrayContaining(['private to you', 'private reply']));
    for (const other of [p2, p3, g.cotherapist]) {
      expect(texts(other)).not.toContain('private to you');
      expect(texts(other)).not.toContain('private reply');
    }
  });

  it('refuses patient ↔ patient private messages until a therapist allows them', async () => {
    const before = await rowCount();
    expect(
      await request(p2.socket, 'chat:send', { sessionId: g.sessionId, text: 'psst', toUserId: p3.userId }),
    ).toMatchObject({ ok: false, error: { code: 'chat_recipient_not_allowed' } });
    expect(await rowCount()).toBe(before);

    expect(
      await request(p2.socket, 'chat:setPatientPrivateChat', { sessionId: g.sessionId, allowed: true }),
    ).toMatchObject({ ok: false, error: { code: 'not_moderator' } });
    const changed = nextEvent(p3.socket, 'chat:settingsChanged');
    ok(await request(therapist.socket, 'chat:setPatientPrivateChat', { sessionId: g.sessionId, allowed: true }));
    expect((await changed).patientPrivateChatAllowed).toBe(true);

    ok(await request(p2.socket, 'chat:send', { sessionId: g.sessionId, text: 'psst now allowed', toUserId: p3.userId }));
    await settle();
    expect(texts(p3)).toContain('psst now allowed');
    expect(texts(p1)).not.toContain('psst now allowed');
    expect(texts(therapist)).not.toContain('psst now allowed');
    ok(await request(therapist.socket, 'chat:setPatientPrivateChat', { sessionId: g.sessionId, allowed: false }));
  });

  it('gives each person the group history plus only their own private messages', async () => {
    const h2 = ok<ChatHistory>(await request(p2.socket, 'chat:history', { sessionId: g.sessionId }));
    const h2Texts = h2.messages.map((m) => m.text);
    expect(h2Texts).toContain('<img src=x onerror="alert(1)"> hello <b>group</b>');
    expect(h2Texts).toContain('psst now allowed');
    expect(h2Texts).not.toContain('private to you');
    expect(h2.patientPrivateChatAllowed).toBe(false);

    const h1 = ok<ChatHistory>(await request(p1.socket, 'chat:history', { sessionId: g.sessionId }));
    expect(h1.messages.map((m) => m.text)).toEqual([
      '<img src=x onerror="alert(1)"> hello <b>group</b>',
      'private to you',
      'private reply',
    ]);
  });

  it('sends the history to a late joiner', async () => {
    const p4 = await connectAs(app, 'patient4@hearth.test');
    extra.push(p4);
    ok(await request(p4.socket, 'room:join', { sessionId: g.sessionId, safety: SAFETY, consent: CONSENT }));
    expect(await request(p4.socket, 'chat:history', { sessionId: g.sessionId })).toMatchObject({
      ok: false,
      error: { code: 'not_admitted' }, // still in the lobby
    });
    ok(await request(therapist.socket, 'lobby:admit', { sessionId: g.sessionId, userIds: [p4.userId] }));
    const h = ok<ChatHistory>(await request(p4.socket, 'chat:history', { sessionId: g.sessionId }));
    expect(h.messages.map((m) => m.text)).toEqual(['<img src=x onerror="alert(1)"> hello <b>group</b>']);
  });

  it('lets therapists (only) delete a message for everyone', async () => {
    const m = ok<ChatMessage>(await request(p3.socket, 'chat:send', { sessionId: g.sessionId, text: 'regrettable' }));
    expect(await request(p1.socket, 'chat:delete', { sessionId: g.sessionId, messageId: m.id })).toMatchObject({
      ok: false,
      error: { code: 'not_moderator' },
    });
    const deleted = [p1, p2, p3].map((p) => nextEvent(p.socket, 'chat:messageDeleted', (e) => e.messageId === m.id));
    ok(await request(therapist.socket, 'chat:delete', { sessionId: g.sessionId, messageId: m.id }));
    await Promise.all(deleted);
    const h = ok<ChatHistory>(await request(p2.socket, 'chat:history', { sessionId: g.sessionId }));
    expect(h.messages.map((x) => x.id)).not.toContain(m.id);
    expect(await request(therapist.socket, 'chat:delete', { sessionId: g.sessionId, messageId: m.id })).toMatchObject({
      ok: false,
      error: { code: 'chat_message_not_found' },
    });
    const row = await app.dataSource.getRepository(ChatMessageRecord).findOneByOrFail({ id: m.id });
    expect(row.deletedBy).toBe(therapist.userId);
  });

  it('refuses oversized, empty and forged messages without storing anything', async () => {
    const before = await rowCount();
    const big = 'x'.repeat(2001);
    for (const payload of [
      { sessionId: g.sessionId, text: big },
      { sessionId: g.sessionId, text: '   ' },
      { sessionId: g.sessionId, text: 'as someone else', fromUserId: p2.userId },
      { sessionId: g.sessionId, text: 'to a made-up person', toUserId: 'not-a-uuid' },
    ]) {
      expect(await request(p1.socket, 'chat:send', payload)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(
      await request(p1.socket, 'chat:send', { sessionId: g.sessionId, text: 'hi', toUserId: '00000000-0000-4000-8000-000000000000' }),
    ).toMatchObject({ ok: false, error: { code: 'chat_recipient_not_found' } });
    expect(await rowCount()).toBe(before);
  });

  it('answers a flood with rate_limited and keeps serving everyone', async () => {
    const acks = await Promise.all(
      Array.from({ length: 25 }, (_, i) => request(p3.socket, 'chat:send', { sessionId: g.sessionId, text: `flood ${i}` })),
    );
    const accepted = acks.filter((a) => a.ok).length;
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThanOrEqual(10);
    expect(acks.filter((a) => !a.ok).every((a) => !a.ok && a.error.code === 'rate_limited')).toBe(true);
    ok(await request(p2.socket, 'chat:send', { sessionId: g.sessionId, text: 'others still chat' }));
    ok(await request(p3.socket, 'system:ping', {}));
  });

  it('stores messages in PostgreSQL', async () => {
    const rows: { n: number }[] = await app.dataSource.query(
      'SELECT count(*)::int AS n FROM chat_messages WHERE session_id = $1 AND to_user_id IS NOT NULL',
      [g.sessionId],
    );
    expect(rows[0]!.n).toBe(3);
  });
});
