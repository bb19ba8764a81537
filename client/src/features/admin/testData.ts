import type { Cohort, Member, Program, PublicUser, SessionView } from '@hearth/protocol';

/** Fixtures shared by the staff pages' tests. */
export const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const adminUser: PublicUser = { id: uuid(900), role: 'admin', displayName: 'Sam Okafor' };
export const therapistUser: PublicUser = { id: uuid(901), role: 'therapist', displayName: 'Dana Whitfield' };

export const program: Program = {
  id: uuid(1),
  name: 'Evening Adult IOP',
  specialty: 'adult',
  timeZone: 'America/Phoenix',
  weeklyHoursTarget: 9,
  displayNamePolicy: 'first_name',
  joinWindowMinutesBefore: 15,
  lateAfterMinutes: 1,
  tracks: ['adults'],
  createdAt: '2025-11-01T00:00:00.000Z',
};

export const cohort: Cohort = {
  id: uuid(2),
  programId: program.id,
  programName: program.name,
  name: 'Evening A',
  track: 'adults',
  timeZone: 'America/Phoenix',
  therapists: [{ userId: therapistUser.id, displayName: 'Dana Whitfield', role: 'lead' }],
  activePatientCount: 1,
};

export const members: Member[] = [
  { id: therapistUser.id, email: 'therapist@hearth.test', role: 'therapist', firstName: 'Dana', lastName: 'Whitfield' },
  { id: uuid(902), email: 'co@hearth.test', role: 'therapist', firstName: 'Lee', lastName: 'Moreno' },
  { id: uuid(11), email: 'patient1@hearth.test', role: 'patient', firstName: 'Alex', lastName: 'Rivera' },
  { id: uuid(12), email: 'patient2@hearth.test', role: 'patient', firstName: 'Jordan', lastName: 'Lee' },
];

export function sessionView(overrides: Partial<SessionView> = {}): SessionView {
  return {
    id: uuid(50),
    programId: program.id,
    seriesId: null,
    cohortId: cohort.id,
    cohortName: cohort.name,
    track: cohort.track,
    kind: 'group',
    format: 'group_therapy',
    title: 'Evening group',
    theme: null,
    status: 'scheduled',
    cancelledReason: null,
    startsAt: '2030-01-07T18:00:00-07:00',
    endsAt: '2030-01-07T21:00:00-07:00',
    timeZone: 'America/Phoenix',
    joinOpensAt: '2030-01-07T17:45:00-07:00',
    joinable: false,
    therapistNames: ['Dana Whitfield'],
    myRole: 'admin',
    ...overrides,
  };
}
