import { admittedGroup, ok, settle, type Group } from '../helpers/facilitation';
import { collect, connectAs, CONSENT, nextEvent, opusSendParameters, SAFETY, type Person } from '../helpers/room-helpers';
import { request } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

type AnyAck = { ok: boolean; error?: { code: string; message: string } };
const DTLS = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }] };

function vp8SendParameters(ssrc: number) {
  return {
    mid: '1',
    codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [] }],
    headerExtensions: [],
    encodings: [{ ssrc }],
    rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
  };
}

const codes = (acks: AnyAck[]) => {
  const out: Record<string, number> = {};
  for (const a of acks) {
    const k = a.ok ? 'ok' : a.error!.code;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};

/**
 * Floods of socket events meet per-user limits (`rate_limited` acks), repeated
 * joins are idempotent, and client mistakes come back as typed codes with one
 * warn line and no stack trace — never `internal`.
 */
describe('socket floods and client mistakes (PostgreSQL, mediasoup)', () => {
  let app: TestApp;
  let g: Group;
  let p1: Person;
  let p2: Person;
  let logged: string[];
  const spies: jest.SpyInstance[] = [];

  beforeAll(async () => {
    app = await startTestApp('postgres');
    g = await admittedGroup(app, 2);
    [p1, p2] = g.patients as [Person, Person];
  });
  beforeEach(() => {
    logged = [];
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      spies.push(
        jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
          logged.push(String(chunk));
          return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
        }) as typeof stream.write),
      );
    }
  });
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()));
  afterAll(async () => {
    g?.everyone.forEach((p) => p.socket.close());
    await app?.stop();
  });

  const stackLines = () => logged.filter((l) => /\n\s+at /.test(l));

  it('500 media:setSelf: most are refused with rate_limited, and the others see at most the budget', async () => {
    const seen = collect(p2.socket, 'room:participantUpdated');
    const acks = await Promise.all(
      Array.from({ length: 500 }, (_, i) => request<unknown>(p1.socket, 'media:setSelf', { sessionId: g.sessionId, source: 'camera', on: i % 2 === 0 }, 30_000)),
    );
    const c = codes(acks as AnyAck[]);
    expect(c.ok).toBeLessThanOrEqual(20);
    expect(c.rate_limited).toBeGreaterThanOrEqual(480);
    expect(c.internal).toBeUndefined();
    await settle(500);
    expect(seen.filter((e) => e.participant.userId === p1.userId).length).toBeLessThanOrEqual(20);
    const refused = acks.find((a) => !a.ok) as AnyAck;
    expect(refused.error!.message).toMatch(/Try again/);
  });

  it('500 room:join from one socket: one safety-check row, no extra join pushes', async () => {
    const p3 = await connectAs(app, 'patient3@hearth.test');
    g.everyone.push(p3);
    ok(await request(p3.socket, 'room:join', { sessionId: g.sessionId, safety: SAFETY, consent: CONSENT }));
    const arrived = nextEvent(p2.socket, 'room:participantJoined', (e) => e.participant.userId === p3.userId);
    ok(await request(g.therapist.socket, 'lobby:admit', { sessionId: g.sessionId, userIds: [p3.userId] }));
    await arrived;
    const joined = collect(p2.socket, 'room:participantJoined');
    const acks = await Promise.all(
      Array.from({ length: 500 }, () => request<unknown>(p3.socket, 'room:join', { sessionId: g.sessionId, safety: SAFETY, consent: CONSENT }, 30_000)),
    );
    const c = codes(acks as AnyAck[]);
    expect(c.internal).toBeUndefined();
    expect(c.rate_limited).toBeGreaterThanOrEqual(490);
    await settle(500);
    const [{ n }] = await app.dataSource.query(`SELECT count(*)::int AS n FROM safety_checks WHERE session_id = $1 AND user_id = $2`, [g.sessionId, p3.userId]);
    expect(n).toBe(1);
    expect(joined).toHaveLength(0);
  });

  it('500 media:connectTransport: one connects, the repeat is a typed client error, the rest rate_limited; no stack traces', async () => {
    const send = ok<{ id: string }>(await request(p2.socket, 'media:createTransport', { sessionId: g.sessionId, direction: 'send' }));
    const acks = await Promise.all(
      Array.from({ length: 500 }, () =>
        request<unknown>(p2.socket, 'media:connectTransport', { sessionId: g.sessionId, transportId: send.id, dtlsParameters: DTLS }, 30_000),
      ),
    );
    const c = codes(acks as AnyAck[]);
    expect(c.ok).toBe(1);
    expect(c.internal).toBeUndefined();
    expect(c.media_already_connected).toBeGreaterThanOrEqual(1);
    expect(c.rate_limited).toBeGreaterThanOrEqual(490);
    expect(stackLines()).toEqual([]);
    const warns = logged.filter((l) => /WARN/.test(l));
    expect(warns.length).toBeLessThanOrEqual(12); // one per refused mistake + one for going over the limit
    expect(logged.join('').length).toBeLessThan(5000);
  });

  it('producing with a duplicate ssrc is a typed client error, one warn line, no stack', async () => {
    const send = ok<{ id: string }>(await request(g.cotherapist.socket, 'media:createTransport', { sessionId: g.sessionId, direction: 'send' }));
    ok(await request(g.cotherapist.socket, 'media:produce', { sessionId: g.sessionId, transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusSendParameters(4242) }));
    const dup = (await request(g.cotherapist.socket, 'media:produce', {
      sessionId: g.sessionId,
      transportId: send.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: vp8SendParameters(4242),
    })) as AnyAck;
    expect(dup).toMatchObject({ ok: false, error: { code: 'media_invalid_parameters' } });
    expect(stackLines()).toEqual([]);
    expect(logged.filter((l) => /WARN/.test(l))).toHaveLength(1);
  });
});
