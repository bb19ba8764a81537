import { randomBytes } from 'node:crypto';
import { ok } from './facilitation';
import { connectAs, CONSENT, inProgressGroupSession, SAFETY, type Person } from './room-helpers';
import { createCohort, createMember, createOneToOne, createProgram, enroll, expectStatus } from './scheduling';
import { connectSocket, request } from './socket';
import { api, type TestApp } from './test-app';

/** Every kind of caller of a live session's socket events. */
export const CALLERS = ['patient', 'waiting', 'otherPatient', 'cotherapist', 'otherTherapist', 'admin'] as const;
export type Caller = (typeof CALLERS)[number];

export interface Cast {
  sessionId: string;
  /** A live 1:1 session of another cohort holding planted health data. */
  otherSessionId: string;
  /** Lead therapist of the session (admits people; not itself a matrix caller). */
  therapist: Person;
  /** Another admitted patient, the target of events naming a user. */
  bystander: Person;
  callers: Record<Caller, Person>;
  /** Strings planted as health data no caller may ever receive (other cohort). */
  plantedElsewhere: string;
  /** The bystander's safety-check location: therapists may see it, patients never. */
  plantedBystander: string;
}

/**
 * The demo group in progress with: its lead therapist, co-therapist, an
 * admitted patient, a waiting patient and a bystander; a patient and a
 * therapist of another program's cohort (in a live 1:1 of their own, with a
 * planted location and chat); and a program admin.
 */
export async function buildCast(app: TestApp): Promise<Cast> {
  const tag = randomBytes(4).toString('hex');
  const plantedElsewhere = `PLANTED-ELSEWHERE-${tag}`;
  const plantedBystander = `PLANTED-BYSTANDER-${tag}`;
  const therapist = await connectAs(app, 'therapist@hearth.test');
  const cotherapist = await connectAs(app, 'cotherapist@hearth.test');
  const patient = await connectAs(app, 'patient1@hearth.test');
  const waiting = await connectAs(app, 'patient2@hearth.test');
  const bystander = await connectAs(app, 'patient3@hearth.test');
  const admin = await connectAs(app, 'admin@hearth.test');
  const sessionId = await inProgressGroupSession(app, therapist.token);

  ok(await request(therapist.socket, 'room:join', { sessionId }));
  ok(await request(cotherapist.socket, 'room:join', { sessionId }));
  ok(await request(patient.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT }));
  ok(await request(bystander.socket, 'room:join', { sessionId, safety: { ...SAFETY, location: plantedBystander }, consent: CONSENT }));
  ok(await request(therapist.socket, 'lobby:admit', { sessionId, userIds: [patient.userId, bystander.userId] }));
  ok(await request(waiting.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT }));

  // Another program: its own admin-made cohort, therapist and patient, in a live 1:1.
  const program = await createProgram(app, admin.token, { timeZone: 'America/Phoenix' });
  const otherT = await createMember(app, admin.token, program.id, 'therapist');
  const otherP = await createMember(app, admin.token, program.id, 'patient');
  const cohort = await createCohort(app, admin.token, program.id, otherT.id);
  await enroll(app, admin.token, cohort.id, otherP.id, new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10));
  const oneToOne = expectStatus(
    await createOneToOne(app, otherT.token, { programId: program.id, therapistId: otherT.id, patientId: otherP.id, startsAt: new Date(Date.now() - 60_000), minutes: 120 }),
    201,
  );
  const otherTherapist = await personFor(app, otherT);
  const otherPatient = await personFor(app, otherP);
  const otherSessionId = oneToOne.id;
  ok(await request(otherTherapist.socket, 'room:join', { sessionId: otherSessionId }));
  ok(await request(otherPatient.socket, 'room:join', { sessionId: otherSessionId, safety: { ...SAFETY, location: plantedElsewhere }, consent: CONSENT }));
  ok(await request(otherTherapist.socket, 'lobby:admit', { sessionId: otherSessionId, userIds: 'all' }));
  ok(await request(otherPatient.socket, 'chat:send', { sessionId: otherSessionId, text: plantedElsewhere }));

  return {
    sessionId,
    otherSessionId,
    therapist,
    bystander,
    callers: { patient, waiting, otherPatient, cotherapist, otherTherapist, admin },
    plantedElsewhere,
    plantedBystander,
  };
}

async function personFor(app: TestApp, m: { id: string; email: string; token: string }): Promise<Person> {
  const socket = await connectSocket(app.baseUrl, { token: m.token });
  return { email: m.email, userId: m.id, token: m.token, socket };
}

/**
 * Puts everyone back where the cast started (events under test may remove,
 * move or end things): therapists and the patient and bystander admitted,
 * the waiting patient in the lobby. Resolves false when the session has ended.
 */
export async function restoreCast(cast: Cast): Promise<boolean> {
  const { sessionId, therapist, bystander, callers } = cast;
  const t = (await request<unknown>(therapist.socket, 'room:join', { sessionId })) as { ok: boolean; error?: { code: string } };
  if (!t.ok) return false;
  await request(callers.cotherapist.socket, 'room:join', { sessionId });
  for (const p of [callers.patient, bystander, callers.waiting]) {
    await request(p.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT });
  }
  await request(therapist.socket, 'lobby:admit', { sessionId, userIds: [callers.patient.userId, bystander.userId] });
  return true;
}


/**
 * Family guests of the demo family session (patient1's, led by the cast's therapist):
 * `guest` acts on its own session, `otherGuest` (another guest of it) on the cast's
 * group session — a guest of another session.
 */
export const GUEST_CALLERS = ['guest', 'otherGuest'] as const;
export type GuestCaller = (typeof GUEST_CALLERS)[number];

export interface Guests {
  familySessionId: string;
  /** The family session's therapist on a socket of its own (admits the guest there). */
  familyTherapist: Person;
  guests: Record<GuestCaller, Person>;
}

/** Invites, has the patient approve, and redeems two guest links; `guest` is admitted to the family session. */
export async function addGuests(app: TestApp, cast: Cast): Promise<Guests> {
  const familySessionId = app.seeded!.schedule!.familySessionId;
  const patient = cast.callers.patient; // patient1: the family session's patient
  const guestFor = async (name: string): Promise<Person> => {
    const made = expectStatus(
      await api<{ id: string }>(app, 'POST', `/api/sessions/${familySessionId}/guest-invites`, {
        token: cast.therapist.token,
        body: { name, relationship: 'sister' },
      }),
      201,
    );
    expectStatus(await api(app, 'POST', `/api/guest-invites/${made.id}/consent`, { token: patient.token, body: { decision: 'approve' } }), 200);
    const list = await api<{ id: string; joinUrl: string | null }[]>(app, 'GET', `/api/sessions/${familySessionId}/guest-invites`, { token: cast.therapist.token });
    const url = list.body.find((i) => i.id === made.id)!.joinUrl!;
    const linkToken = decodeURIComponent(url.slice(url.indexOf('/guest/') + '/guest/'.length));
    const redeemed = expectStatus(
      await api<{ accessToken: string; user: { id: string } }>(app, 'POST', '/api/guest-links/redeem', { body: { token: linkToken } }),
      200,
    );
    const socket = await connectSocket(app.baseUrl, { token: redeemed.accessToken });
    return { email: '', userId: redeemed.user.id, token: redeemed.accessToken, socket };
  };
  const guest = await guestFor('Dana');
  const otherGuest = await guestFor('Robin');
  const familyTherapist: Person = { ...cast.therapist, socket: await connectSocket(app.baseUrl, { token: cast.therapist.token }) };
  const g: Guests = { familySessionId, familyTherapist, guests: { guest, otherGuest } };
  await restoreGuests(g);
  return g;
}

/** The guest back in its family session's room (events under test may have taken it out). */
export async function restoreGuests(g: Guests): Promise<void> {
  const sessionId = g.familySessionId;
  ok(await request(g.familyTherapist.socket, 'room:join', { sessionId }));
  await request(g.guests.guest.socket, 'room:join', { sessionId, consent: CONSENT });
  await request(g.familyTherapist.socket, 'lobby:admit', { sessionId, userIds: [g.guests.guest.userId] });
}
