import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { MetadataScanner } from '@nestjs/core';
import { MESSAGE_MAPPING_METADATA, MESSAGE_METADATA } from '@nestjs/websockets/constants';
import { CLIENT_EVENTS, clientEventSchemas, GUEST_SOCKET_EVENTS, type ClientEventName } from '@hearth/protocol';
import { ChatGateway } from '../../src/modules/realtime/chat.gateway';
import { CheckinsGateway } from '../../src/modules/realtime/checkins.gateway';
import { CrisisGateway } from '../../src/modules/realtime/crisis.gateway';
import { FacilitationStateGateway } from '../../src/modules/realtime/facilitation-state.gateway';
import { RealtimeGateway } from '../../src/modules/realtime/realtime.gateway';
import { RoleplayGateway } from '../../src/modules/realtime/roleplay.gateway';
import { RoomsGateway } from '../../src/modules/realtime/rooms.gateway';
import { ScreenShareGateway } from '../../src/modules/realtime/screenshare.gateway';
import { TurnsGateway } from '../../src/modules/realtime/turns.gateway';
import { addGuests, buildCast, CALLERS, GUEST_CALLERS, restoreCast, restoreGuests, type Caller, type Cast, type GuestCaller, type Guests } from '../helpers/cast';
import { connectSocket, request } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { arbitraryFor } from '../helpers/zod-arbitrary';

jest.setTimeout(300_000);

/**
 * Every client → server event × every kind of caller, generated from the
 * protocol's event list: a new event without a row here fails the first test.
 * A caller is *allowed* when the server does not refuse it for who it is
 * (it may still refuse for the state of things, e.g. no check-in open);
 * *refused* means one of the authorization codes below. A bad token never
 * gets a socket at all. (HTTP routes: scheduling-authz.test.ts and
 * http-authz-matrix.test.ts.)
 *
 * Family guests are callers too: `guest` (admitted to the demo family session)
 * aims each event at its own session, `otherGuest` (a guest of that family
 * session) at the group session.
 */
type MatrixCaller = Caller | GuestCaller;
const P = 'patient';
const W = 'waiting';
const C = 'cotherapist';
const G = 'guest';
const ALL: MatrixCaller[] = [...CALLERS, ...GUEST_CALLERS];
const ALL_BUT_GUESTS: MatrixCaller[] = [...CALLERS];

/** Who may use each event on its session (the group's; a `guest`'s own family session). Everyone else must be refused. */
const ALLOWED: Record<ClientEventName, MatrixCaller[]> = {
  'system:ping': ALL,
  'room:join': [P, W, C, G],
  'room:leave': [...ALL_BUT_GUESTS, G], // leaving what you are not in is a no-op; a guest names only its own session
  'room:end': [C],
  'room:react': [P, C, G], // anyone in the room; a waiting patient is not in it
  'room:setReactionsAllowed': [C],
  'lobby:admit': [C],
  'moderation:mute': [C],
  'moderation:unlockMic': [C],
  'moderation:remove': [C],
  'media:setRtpCapabilities': [P, C, G],
  'media:createTransport': [P, C, G],
  'media:connectTransport': [P, W, C, G], // a waiting patient's media is prepared in the lobby (sent only once admitted)
  'media:restartIce': [P, W, C, G], // a waiting patient's media is prepared in the lobby (sent only once admitted)
  'media:produce': [P, W, C, G], // mic and camera are prepared in the lobby (paused until admission); a screen needs the room
  'media:resumeConsumer': [P, C, G],
  'media:setPreferredLayers': [P, C, G],
  'media:setSelf': [P, C, G],
  'chat:send': [P, C, G], // a family guest chats with the group from their admission on
  'chat:delete': [C],
  'chat:history': [P, C, G], // a guest's history starts at their admission
  'chat:setPatientPrivateChat': [C],
  'turn:state': [P, C],
  'turn:raiseHand': [P, C],
  'turn:lowerHand': [C], // the payload names someone else's hand: therapists only
  'turn:grant': [C],
  'turn:grantNext': [C],
  'turn:release': [P, C],
  'turn:setTalkingStick': [C],
  'turn:setTimer': [C],
  'turn:startGoAround': [C],
  'turn:stopGoAround': [C],
  'turn:pass': [P, C],
  'checkin:open': [C],
  'checkin:submit': [P],
  'checkin:close': [C],
  'checkin:state': [P, C],
  'crisis:raise': [P, W],
  'crisis:acknowledge': [C],
  'crisis:moveToSideRoom': [C],
  'crisis:returnToGroup': [C],
  'crisis:state': [P, W, C],
  'roleplay:state': [P, C],
  'roleplay:start': [C],
  'roleplay:assign': [C],
  'roleplay:startScene': [C],
  'roleplay:pauseScene': [C],
  'roleplay:resumeScene': [C],
  'roleplay:endScene': [C],
  'roleplay:swapRoles': [C],
  'roleplay:startBreakouts': [C],
  'roleplay:joinBreakout': [C],
  'roleplay:returnEveryone': [C],
  'roleplay:submitFeedback': [P, C],
  'roleplay:showDebrief': [C],
  'roleplay:end': [C],
  'screen:state': [P, C, G],
  'screen:start': [C], // patients only once a therapist allows them
  'screen:stop': [C], // the payload names someone else's share: therapists only
  'screen:allow': [C],
  'media:capabilities': ALL, // the SFU's codecs, asked before entering: nothing about anyone
  'media:setConsumerVisible': [P, C, G],
  'media:prepare': [P, W, C, G],
  'media:warm': [P, W, C, G], // anyone who may join; an empty answer when there is nothing to warm for
  'facilitation:state': [P, C],
  'crisis:withdraw': ALL_BUT_GUESTS, // only the caller's own alert: anyone else's (or none) is not found, never withdrawn
  'crisis:resolve': [C],
  'crisis:listenToGroup': [C], // outside a side room a therapist gets crisis_not_present, not a refusal
  'moderation:muteAll': [C],
};

/** Refusals for who the caller is (not for the state of the session). */
const AUTHZ_CODES = new Set([
  'not_a_participant',
  'not_admitted',
  'not_moderator',
  'forbidden',
  'checkin_patients_only',
  'crisis_patients_only',
  'session_not_found',
  'screen_not_allowed',
]);

/** Refused callers first, so an allowed caller's side effects (a removal, the end) come last. */
const CALL_ORDER: MatrixCaller[] = ['otherGuest', 'otherPatient', 'otherTherapist', 'admin', 'waiting', 'guest', 'patient', 'cotherapist'];
/** Events that name no session: a guest of any session may use them. */
const SESSIONLESS: ClientEventName[] = ['system:ping', 'media:capabilities'];
/** Events whose allowed use changes who is where: run last, ending last of all. */
const LAST: ClientEventName[] = ['room:leave', 'room:end'];
const EVENTS_IN_ORDER = [...CLIENT_EVENTS.filter((e) => !LAST.includes(e)), ...LAST];

describe('socket authorization matrix: every event × every caller (PostgreSQL, mediasoup)', () => {
  let app: TestApp;
  let cast: Cast;
  let guests: Guests;
  const outcomes: string[] = [];
  const started = Date.now();

  beforeAll(async () => {
    app = await startTestApp('postgres', { SOCKET_RATE_LIMIT_SCALE: '100' });
    cast = await buildCast(app);
    guests = await addGuests(app, cast);
  });
  afterAll(async () => {
    if (outcomes.length) {
      process.stdout.write(
        `socket authz matrix: ${outcomes.length} calls over ${EVENTS_IN_ORDER.length} events × ${CALL_ORDER.length} callers in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    }
    if (process.env.HEARTH_AUTHZ_REPORT) writeFileSync(process.env.HEARTH_AUTHZ_REPORT, outcomes.join('\n'));
    const people = [...Object.values(cast?.callers ?? {}), cast?.therapist, cast?.bystander, ...Object.values(guests?.guests ?? {}), guests?.familyTherapist];
    for (const p of people) p?.socket.close();
    await app?.stop();
  });

  it('has a row for every event of the protocol, and the server handles exactly those events', () => {
    expect(Object.keys(ALLOWED).sort()).toEqual([...CLIENT_EVENTS].sort());
    // A guest may use only the protocol's guest events, and a guest of another session only those naming no session.
    expect(CLIENT_EVENTS.filter((e) => ALLOWED[e].includes('guest') && !GUEST_SOCKET_EVENTS.includes(e))).toEqual([]);
    expect(CLIENT_EVENTS.filter((e) => ALLOWED[e].includes('otherGuest')).sort()).toEqual([...SESSIONLESS].sort());
    const scanner = new MetadataScanner();
    const handled: string[] = [];
    for (const gateway of [RealtimeGateway, RoomsGateway, ChatGateway, TurnsGateway, CheckinsGateway, CrisisGateway, RoleplayGateway, ScreenShareGateway, FacilitationStateGateway]) {
      const proto = gateway.prototype as unknown as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(proto)) {
        const fn = proto[name] as object;
        if (Reflect.getMetadata(MESSAGE_MAPPING_METADATA, fn)) handled.push(Reflect.getMetadata(MESSAGE_METADATA, fn) as string);
      }
    }
    expect(handled.sort()).toEqual([...CLIENT_EVENTS].sort());
  });

  it('gives a bad, forged or signed-out token no socket at all', async () => {
    await expect(connectSocket(app.baseUrl, { token: 'not-a-token' })).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
    const forged = `${cast.callers.patient.token.split('.').slice(0, 2).join('.')}.AAAA`;
    await expect(connectSocket(app.baseUrl, { token: forged })).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
    await expect(connectSocket(app.baseUrl, {})).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
  });

  it.each(EVENTS_IN_ORDER)('%s', async (event) => {
    expect(await restoreCast(cast)).toBe(true);
    await restoreGuests(guests);
    const seen: { caller: MatrixCaller; refused: boolean; code: string }[] = [];
    for (const caller of CALL_ORDER) {
      const isGuest = caller === 'guest' || caller === 'otherGuest';
      const socket = isGuest ? guests.guests[caller].socket : cast.callers[caller].socket;
      const target = caller === 'guest' ? { ...cast, sessionId: guests.familySessionId } : cast;
      const ack = (await request<unknown>(socket, event, payloadFor(event, target), 15_000)) as {
        ok: boolean;
        error?: { code: string };
      };
      const code = ack.ok ? 'ok' : ack.error!.code;
      expect(code).not.toBe('internal');
      seen.push({ caller, refused: AUTHZ_CODES.has(code), code });
      outcomes.push(`${event} ${caller} ${code}`);
    }
    const expected = CALL_ORDER.map((caller) => ({ caller, refused: !ALLOWED[event].includes(caller) }));
    expect(seen.map(({ caller, refused }) => ({ caller, refused }))).toEqual(expected);
  });
});

/** A valid payload for the event, aimed at the cast's session and people. */
function payloadFor(event: ClientEventName, cast: Cast): unknown {
  const schema = clientEventSchemas[event];
  const ids: Record<string, fc.Arbitrary<unknown>> = {
    sessionId: fc.constant(cast.sessionId),
    userId: fc.constant(cast.bystander.userId),
    userIds: fc.constant([cast.bystander.userId]),
    toUserId: fc.constant(cast.therapist.userId),
    therapistUserIds: fc.constant([cast.callers.cotherapist.userId]),
  };
  const arb = arbitraryFor(schema, (key) => ids[key]).filter((v) => schema.safeParse(v).success);
  const [value] = fc.sample(arb, { numRuns: 1, seed: 42 });
  return value;
}
