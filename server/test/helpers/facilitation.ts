import { MediaService } from '../../src/modules/media/media.service';
import { request } from './socket';
import { CONSENT, connectAs, inProgressGroupSession, SAFETY, type Person } from './room-helpers';
import type { TestApp } from './test-app';

type Ok<T> = { ok: true; data: T };

/** The ack's data, failing the test with the error when it is not ok. */
export function ok<T>(ack: unknown): T {
  if (!(ack as { ok?: boolean }).ok) throw new Error(`expected ok, got ${JSON.stringify(ack)}`);
  return (ack as Ok<T>).data;
}

/** Resolves after `ms` — to give a push that must NOT arrive a fair chance to. */
export const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

export interface Group {
  sessionId: string;
  therapist: Person;
  cotherapist: Person;
  patients: Person[];
  everyone: Person[];
  routerRtpCapabilities: Record<string, unknown>;
}

/** The demo group session in progress with both therapists and `patientCount` patients admitted. */
export async function admittedGroup(app: TestApp, patientCount: number): Promise<Group> {
  const therapist = await connectAs(app, 'therapist@hearth.test');
  const cotherapist = await connectAs(app, 'cotherapist@hearth.test');
  const sessionId = await inProgressGroupSession(app, therapist.token);
  const joined = ok<{ room: { routerRtpCapabilities: Record<string, unknown> } }>(
    await request(therapist.socket, 'room:join', { sessionId }),
  );
  ok(await request(cotherapist.socket, 'room:join', { sessionId }));
  const patients: Person[] = [];
  for (let i = 1; i <= patientCount; i++) {
    const p = await connectAs(app, `patient${i}@hearth.test`);
    ok(await request(p.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT }));
    patients.push(p);
  }
  ok(await request(therapist.socket, 'lobby:admit', { sessionId, userIds: 'all' }));
  return {
    sessionId,
    therapist,
    cotherapist,
    patients,
    everyone: [therapist, cotherapist, ...patients],
    routerRtpCapabilities: joined.room.routerRtpCapabilities,
  };
}

/** The live MediaRoom of a session, to check what the SFU really does. */
export function mediaRoom(app: TestApp, sessionId: string) {
  const room = app.app.get(MediaService, { strict: false }).getRoom(sessionId);
  if (!room) throw new Error('no media room');
  return room;
}
