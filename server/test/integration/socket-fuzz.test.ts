import fc from 'fast-check';
import { CLIENT_EVENTS, clientEventSchemas, ErrorCode, type ClientEventName } from '@hearth/protocol';
import { CommonErrorCode } from '../../src/common/domain-error';
import { AuthErrorCode } from '../../src/modules/auth/auth.error';
import { ChatErrorCode } from '../../src/modules/chat/chat.error';
import { CheckinErrorCode } from '../../src/modules/checkins/checkins.error';
import { CrisisErrorCode } from '../../src/modules/crisis/crisis.error';
import { RateLimitErrorCode } from '../../src/modules/limits/rate-limited.error';
import { MediaErrorCode } from '../../src/modules/media/media-error';
import { RoleplayErrorCode } from '../../src/modules/roleplay/roleplay.error';
import { RoomErrorCode } from '../../src/modules/rooms/rooms.error';
import { TurnErrorCode } from '../../src/modules/turns/turns.error';
import { ScreenShareErrorCode } from '@hearth/protocol';
import { buildCast, restoreCast, type Cast } from '../helpers/cast';
import type { Person } from '../helpers/room-helpers';
import { request } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { arbitraryFor, hostilePayload, withHostileStrings } from '../helpers/zod-arbitrary';

/** Cases per event and caller: a few hundred in `npm test`; HEARTH_FUZZ_RUNS=5000 for a long run. */
const RUNS = Number(process.env.HEARTH_FUZZ_RUNS ?? 200);
/** Requests in flight at once (a batch is one fast-check case, shrunk as a whole on failure). */
const BATCH = 20;
const SEED = process.env.HEARTH_FUZZ_SEED ? Number(process.env.HEARTH_FUZZ_SEED) : undefined;

jest.setTimeout(Math.max(300_000, RUNS * 1000));

/** Every error code an ack may carry: the protocol's and each module's enum. */
const KNOWN_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  ...Object.values(CommonErrorCode),
  ...Object.values(AuthErrorCode),
  ...Object.values(ChatErrorCode),
  ...Object.values(CheckinErrorCode),
  ...Object.values(CrisisErrorCode),
  ...Object.values(RateLimitErrorCode),
  ...Object.values(MediaErrorCode),
  ...Object.values(RoleplayErrorCode),
  ...Object.values(RoomErrorCode),
  ...Object.values(TurnErrorCode),
  ...Object.values(ScreenShareErrorCode),
]);
KNOWN_CODES.delete('internal');

/** Allowed use that changes who is where runs last; ending the session last of all. */
const LAST: ClientEventName[] = ['room:leave', 'room:end'];
const EVENTS_IN_ORDER = [...CLIENT_EVENTS.filter((e) => !LAST.includes(e)), ...LAST];

/**
 * Property-based fuzzing of every client → server event, as a patient and as
 * a therapist of a live session: payloads generated from the protocol's zod
 * schemas (aimed at real and foreign sessions and people) plus hostile shapes.
 * Properties: the server answers every request (it lives), every ack has the
 * declared shape with a known error code, never `internal`, and nothing either
 * caller receives (acks or pushes) holds another person's planted health data.
 */
describe('socket fuzzing: every event as a patient and as a therapist (PostgreSQL, mediasoup)', () => {
  let app: TestApp;
  let cast: Cast;
  let ids: { sessions: string[]; users: string[] };
  const pushes = new Map<Person, string[]>();
  let cases = 0;
  const codes = new Map<string, number>();
  const started = Date.now();

  beforeAll(async () => {
    app = await startTestApp('postgres', { SOCKET_RATE_LIMIT_SCALE: '100000', LOG_LEVEL: 'error' });
    cast = await buildCast(app);
    const people = [...Object.values(cast.callers), cast.therapist, cast.bystander];
    ids = { sessions: [cast.sessionId, cast.otherSessionId], users: people.map((p) => p.userId) };
    for (const p of [cast.callers.patient, cast.therapist]) {
      const seen: string[] = [];
      pushes.set(p, seen);
      p.socket.onAny((event: string, payload: unknown) => seen.push(`${event} ${JSON.stringify(payload)}`));
    }
  });
  afterAll(async () => {
    const s = ((Date.now() - started) / 1000).toFixed(1);
    if (cases) {
      const top = [...codes].sort((x, y) => y[1] - x[1]).map(([c, n]) => `${c} ${n}`).join(', ');
      process.stdout.write(`socket fuzz: ${cases} cases over ${EVENTS_IN_ORDER.length} events × 2 callers (${RUNS} each) in ${s} s; acks: ${top}\n`);
    }
    for (const p of [...Object.values(cast?.callers ?? {}), cast?.therapist, cast?.bystander]) p?.socket.close();
    await app?.stop();
  });

  function payloads(event: ClientEventName): fc.Arbitrary<unknown> {
    const schema = clientEventSchemas[event];
    const pick = (list: string[]) => fc.oneof(fc.constantFrom(...list), fc.uuid());
    const override = (key: string): fc.Arbitrary<unknown> | undefined => {
      if (key === 'sessionId') return pick(ids.sessions);
      if (key === 'userId' || key === 'toUserId') return pick(ids.users);
      if (key === 'userIds' || key === 'therapistUserIds') return fc.array(pick(ids.users), { minLength: 1, maxLength: 3 });
      return undefined;
    };
    const shaped = arbitraryFor(schema, override);
    return fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: withHostileStrings(shaped) }, { weight: 2, arbitrary: hostilePayload() });
  }

  function check(who: Person, event: string, payload: unknown, ack: unknown): void {
    const where = `${event} as ${who === cast.therapist ? 'therapist' : 'patient'} with ${JSON.stringify(payload)?.slice(0, 300)}`;
    const a = ack as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
    const code = a?.ok === true ? 'ok' : String(a?.error?.code);
    codes.set(code, (codes.get(code) ?? 0) + 1);
    if (a?.ok === true) {
      if (!('data' in a)) throw new Error(`ok ack without data: ${where}`);
    } else if (a?.ok === false) {
      if (typeof a.error?.code !== 'string' || typeof a.error.message !== 'string') throw new Error(`malformed error ack ${JSON.stringify(ack)}: ${where}`);
      if (a.error.code === 'internal') throw new Error(`internal error: ${where}`);
      if (!KNOWN_CODES.has(a.error.code)) throw new Error(`undeclared error code ${a.error.code}: ${where}`);
    } else {
      throw new Error(`not an ack ${JSON.stringify(ack)}: ${where}`);
    }
    const text = JSON.stringify(ack);
    if (text.includes(cast.plantedElsewhere)) throw new Error(`another cohort's health data in an ack: ${where}`);
    if (who !== cast.therapist && text.includes(cast.plantedBystander)) throw new Error(`another patient's safety check in an ack: ${where}`);
  }

  for (const role of ['patient', 'therapist'] as const) {
    it.each(EVENTS_IN_ORDER)(`%s as a ${role}`, async (event) => {
      await restoreCast(cast);
      const who = role === 'patient' ? cast.callers.patient : cast.therapist;
      await fc.assert(
        fc.asyncProperty(fc.array(payloads(event), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          const acks = await Promise.all(batch.map((p) => request<unknown>(who.socket, event, p, 20_000)));
          cases += batch.length;
          batch.forEach((p, i) => check(who, event, p, acks[i]));
        }),
        { numRuns: Math.max(1, Math.ceil(RUNS / BATCH)), seed: SEED, endOnFailure: true },
      );
      const received = pushes.get(who)!.splice(0).join('\n');
      expect(received.includes(cast.plantedElsewhere)).toBe(false);
      if (role === 'patient') expect(received.includes(cast.plantedBystander)).toBe(false);
      expect(who.socket.connected).toBe(true);
    });
  }
});
