import { z } from 'zod';
import { roleSchema } from './auth';
import { LATE_AFTER_MINUTES } from './attendance-marks';

/**
 * Programs, cohorts, enrollments and sessions: every HTTP body, query and
 * response of the scheduling API. Times on the wire are ISO 8601 instants with
 * an offset; calendar dates (`YYYY-MM-DD`) and wall-clock times (`HH:MM`) are
 * in the program's time zone.
 */

// ---------------------------------------------------------------- primitives

export const uuidSchema = z.string().uuid();

/** True when the runtime's Intl knows this IANA zone (same check in Node and browsers). */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine(isValidTimeZone, (zone) => ({ message: `unknown time zone "${zone}" (use an IANA name such as America/Phoenix)` }));

/** An instant with an explicit offset, e.g. `2025-03-10T18:00:00-07:00`; impossible dates are refused. */
export const instantSchema = z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset, e.g. 2025-03-10T18:00:00-07:00' });

/** A calendar date `YYYY-MM-DD`; impossible dates (2025-02-30) are refused. */
export const localDateSchema = z.string().date('must be a real calendar date YYYY-MM-DD');

/** A wall-clock time `HH:MM` (24 h). */
export const localTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM (00:00–23:59)');

const title = z.string().trim().min(1).max(120);
const theme = z.string().trim().min(1).max(200);

// ---------------------------------------------------------------- enums

export const programSpecialtySchema = z.enum(['adult', 'adolescent', 'young_adult', 'women', 'men', 'lgbtq', 'veterans', 'other']);
export type ProgramSpecialty = z.infer<typeof programSpecialtySchema>;

/**
 * The specialised tracks a program may run (programs → tracks → cohorts). A
 * program picks which it runs; every cohort belongs to one of them.
 */
export const programTrackSchema = z.enum(['adults', 'adolescents', 'women', 'men', 'lgbtq', 'veterans']);
export type ProgramTrack = z.infer<typeof programTrackSchema>;
export const PROGRAM_TRACKS = programTrackSchema.options;

/** A track in the clinic's words. */
export const PROGRAM_TRACK_LABELS: Record<ProgramTrack, string> = {
  adults: 'Adults',
  adolescents: 'Adolescents',
  women: 'Women',
  men: 'Men',
  lgbtq: 'LGBTQ+',
  veterans: 'Veterans',
};

/** The track a program of this specialty runs unless its admin picks others. */
export function defaultTrackFor(specialty: ProgramSpecialty): ProgramTrack {
  switch (specialty) {
    case 'adolescent':
      return 'adolescents';
    case 'women':
    case 'men':
    case 'lgbtq':
    case 'veterans':
      return specialty;
    default:
      return 'adults';
  }
}

/** A set of tracks: no repeats, at least one, in the canonical order. */
const trackSetSchema = z
  .array(programTrackSchema)
  .min(1, 'a program runs at least one track')
  .max(PROGRAM_TRACKS.length)
  .refine((t) => new Set(t).size === t.length, 'must not repeat a track')
  .transform((t) => PROGRAM_TRACKS.filter((x) => t.includes(x)));

/** How a patient's name is shown to other patients of the program. */
export const displayNamePolicySchema = z.enum(['full_name', 'first_name', 'initials']);
export type DisplayNamePolicy = z.infer<typeof displayNamePolicySchema>;

export const sessionKindSchema = z.enum(['group', 'individual']);
export type SessionKind = z.infer<typeof sessionKindSchema>;

/**
 * The kind a session is shown as: a 1:1 or group whose format is `family` is a
 * family session (family members may be invited to it as guests).
 */
export const sessionViewKindSchema = z.enum(['group', 'individual', 'family']);
export type SessionViewKind = z.infer<typeof sessionViewKindSchema>;

/** Computed once here so the server and the client agree on what a family session is. */
export function sessionViewKindOf(kind: SessionKind, format: SessionFormat): SessionViewKind {
  return format === 'family' ? 'family' : kind;
}

/** The type shown on the schedule, in the clinic's words, per format. */
export const SESSION_TYPE_LABELS: Record<SessionFormat, string> = {
  group_therapy: 'Process group',
  psychoeducation: 'Psychoeducation workshop',
  life_skills: 'Life-skills training',
  individual_therapy: 'Individual session',
  family: 'Family session',
};

/** What happens in the session. Group sessions use the first four; 1:1 sessions `individual_therapy` or `family`. */
export const sessionFormatSchema = z.enum(['group_therapy', 'psychoeducation', 'life_skills', 'family', 'individual_therapy']);
export type SessionFormat = z.infer<typeof sessionFormatSchema>;
export const groupFormatSchema = z.enum(['group_therapy', 'psychoeducation', 'life_skills', 'family']);
export const individualFormatSchema = z.enum(['individual_therapy', 'family']);

export const sessionStatusSchema = z.enum(['scheduled', 'cancelled']);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

/** The caller's part in a session. */
export const sessionRoleSchema = z.enum(['therapist', 'patient', 'guest', 'admin']);
export type SessionRole = z.infer<typeof sessionRoleSchema>;

export const facilitatorRoleSchema = z.enum(['lead', 'co']);
export type FacilitatorRole = z.infer<typeof facilitatorRoleSchema>;

// ---------------------------------------------------------------- limits

export const SCHEDULING_LIMITS = {
  /** Shortest and longest single session. */
  minSessionMinutes: 10,
  maxSessionMinutes: 8 * 60,
  /** Widest range a schedule query may ask for. */
  maxRangeDays: 92,
  /** A series is materialised this far ahead when it is created. */
  seriesHorizonWeeks: 12,
  maxCoTherapists: 4,
} as const;

// ---------------------------------------------------------------- programs

const lateAfterMinutesSchema = z.number().int().min(LATE_AFTER_MINUTES.min).max(LATE_AFTER_MINUTES.max);

export const createProgramBodySchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    specialty: programSpecialtySchema,
    timeZone: timeZoneSchema,
    /** Default: 6 h for adolescent programs, 9 h otherwise. */
    weeklyHoursTarget: z.number().min(1).max(40).multipleOf(0.25).optional(),
    displayNamePolicy: displayNamePolicySchema.default('first_name'),
    /** How early the join button opens before a session starts. */
    joinWindowMinutesBefore: z.number().int().min(0).max(120).default(15),
    /** A patient arriving this many minutes or more after the start is marked late (a grace period above 1). */
    lateAfterMinutes: lateAfterMinutesSchema.default(LATE_AFTER_MINUTES.default),
    /** The tracks it runs; default: the one its specialty suggests (defaultTrackFor). */
    tracks: trackSetSchema.optional(),
  })
  .strict();
export type CreateProgramBody = z.infer<typeof createProgramBodySchema>;

export const updateProgramBodySchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    weeklyHoursTarget: z.number().min(1).max(40).multipleOf(0.25),
    displayNamePolicy: displayNamePolicySchema,
    joinWindowMinutesBefore: z.number().int().min(0).max(120),
    lateAfterMinutes: lateAfterMinutesSchema,
    /** Every track it runs from now on; one that still has cohorts cannot be dropped (409). */
    tracks: trackSetSchema,
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'name at least one field to change');
export type UpdateProgramBody = z.infer<typeof updateProgramBodySchema>;

export const programSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  specialty: programSpecialtySchema,
  timeZone: z.string(),
  weeklyHoursTarget: z.number(),
  displayNamePolicy: displayNamePolicySchema,
  joinWindowMinutesBefore: z.number().int(),
  /** Arriving this many minutes or more after the start marks a patient late (attendance-marks.ts). */
  lateAfterMinutes: z.number().int(),
  /** The tracks it runs, in PROGRAM_TRACKS order. */
  tracks: z.array(programTrackSchema),
  createdAt: z.string(),
});
export type Program = z.infer<typeof programSchema>;

// ---------------------------------------------------------------- members (accounts in a program)

export const createMemberBodySchema = z
  .object({
    email: z.string().trim().toLowerCase().email().max(254),
    firstName: z.string().trim().min(1).max(80),
    lastName: z.string().trim().min(1).max(80),
    role: roleSchema,
    /** Initial password, handed over out of band. */
    password: z.string().min(12, 'must be at least 12 characters').max(256),
  })
  .strict();
export type CreateMemberBody = z.infer<typeof createMemberBodySchema>;

export const memberSchema = z.object({
  id: uuidSchema,
  email: z.string(),
  role: roleSchema,
  firstName: z.string(),
  lastName: z.string(),
});
export type Member = z.infer<typeof memberSchema>;

// ---------------------------------------------------------------- cohorts and enrollments

export const createCohortBodySchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    /** One of the program's tracks; may be left out when the program runs only one. */
    track: programTrackSchema.optional(),
    therapistId: uuidSchema,
    coTherapistIds: z.array(uuidSchema).max(SCHEDULING_LIMITS.maxCoTherapists).default([]),
  })
  .strict()
  .refine((b) => !b.coTherapistIds.includes(b.therapistId), { path: ['coTherapistIds'], message: 'must not repeat the lead therapist' })
  .refine((b) => new Set(b.coTherapistIds).size === b.coTherapistIds.length, { path: ['coTherapistIds'], message: 'must not repeat a therapist' });
export type CreateCohortBody = z.infer<typeof createCohortBodySchema>;

export const cohortTherapistSchema = z.object({ userId: uuidSchema, displayName: z.string(), role: facilitatorRoleSchema });

export const cohortSchema = z.object({
  id: uuidSchema,
  programId: uuidSchema,
  programName: z.string(),
  name: z.string(),
  track: programTrackSchema,
  timeZone: z.string(),
  therapists: z.array(cohortTherapistSchema),
  activePatientCount: z.number().int(),
});
export type Cohort = z.infer<typeof cohortSchema>;

export const createEnrollmentBodySchema = z
  .object({
    patientId: uuidSchema,
    startDate: localDateSchema,
    endDate: localDateSchema.optional(),
  })
  .strict()
  .refine((b) => !b.endDate || b.endDate >= b.startDate, { path: ['endDate'], message: 'must not be before startDate' });
export type CreateEnrollmentBody = z.infer<typeof createEnrollmentBodySchema>;

/** Discharge (set an end date) or re-open (null). */
export const updateEnrollmentBodySchema = z.object({ endDate: localDateSchema.nullable() }).strict();
export type UpdateEnrollmentBody = z.infer<typeof updateEnrollmentBodySchema>;

export const enrollmentSchema = z.object({
  id: uuidSchema,
  cohortId: uuidSchema,
  patientId: uuidSchema,
  startDate: z.string(),
  endDate: z.string().nullable(),
});
export type Enrollment = z.infer<typeof enrollmentSchema>;

/** One line of a cohort roster. Patients see other patients' names per the display-name policy, and no e-mails or dates. */
export const rosterEntrySchema = z.object({
  userId: uuidSchema,
  role: z.enum(['therapist', 'patient']),
  displayName: z.string(),
  facilitatorRole: facilitatorRoleSchema.optional(),
  /** Staff view only. */
  email: z.string().optional(),
  enrollment: enrollmentSchema.optional(),
});
export type RosterEntry = z.infer<typeof rosterEntrySchema>;

export const cohortRosterSchema = z.object({ cohort: cohortSchema, members: z.array(rosterEntrySchema) });
export type CohortRoster = z.infer<typeof cohortRosterSchema>;

// ---------------------------------------------------------------- series and sessions

/**
 * A recurring group session. `rrule` is an RFC 5545 RRULE without DTSTART
 * (e.g. `FREQ=WEEKLY;BYDAY=MO,WE,TH`); the first occurrence is `startDate` at
 * `startTime` in the program's time zone and every occurrence keeps that wall-clock time.
 */
export const createSeriesBodySchema = z
  .object({
    title,
    format: groupFormatSchema,
    rrule: z.string().trim().min(6).max(500),
    startDate: localDateSchema,
    startTime: localTimeSchema,
    durationMinutes: z.number().int().min(SCHEDULING_LIMITS.minSessionMinutes).max(SCHEDULING_LIMITS.maxSessionMinutes),
    /** Given to occurrences in turn (1st theme → 1st session, …, then from the start again). */
    themes: z.array(theme).max(100).optional(),
  })
  .strict();
export type CreateSeriesBody = z.infer<typeof createSeriesBodySchema>;

export const seriesSchema = z.object({
  id: uuidSchema,
  programId: uuidSchema,
  cohortId: uuidSchema,
  title: z.string(),
  format: groupFormatSchema,
  rrule: z.string(),
  startDate: z.string(),
  startTime: z.string(),
  durationMinutes: z.number().int(),
  timeZone: z.string(),
  /** Occurrences exist up to here. */
  materialisedUntil: z.string(),
});
export type Series = z.infer<typeof seriesSchema>;

const timesRefinement = <T extends { startsAt: string; endsAt: string }>(b: T, ctx: z.RefinementCtx) => {
  const minutes = (Date.parse(b.endsAt) - Date.parse(b.startsAt)) / 60_000;
  if (minutes <= 0) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  else if (minutes < SCHEDULING_LIMITS.minSessionMinutes || minutes > SCHEDULING_LIMITS.maxSessionMinutes) {
    ctx.addIssue({
      code: 'custom',
      path: ['endsAt'],
      message: `a session lasts between ${SCHEDULING_LIMITS.minSessionMinutes} minutes and ${SCHEDULING_LIMITS.maxSessionMinutes / 60} hours`,
    });
  }
};

export const createGroupSessionBodySchema = z
  .object({
    kind: z.literal('group'),
    cohortId: uuidSchema,
    format: groupFormatSchema,
    title,
    theme: theme.optional(),
    startsAt: instantSchema,
    endsAt: instantSchema,
  })
  .strict();

export const createIndividualSessionBodySchema = z
  .object({
    kind: z.literal('individual'),
    programId: uuidSchema,
    therapistId: uuidSchema,
    patientId: uuidSchema,
    format: individualFormatSchema.default('individual_therapy'),
    title: title.optional(),
    theme: theme.optional(),
    startsAt: instantSchema,
    endsAt: instantSchema,
  })
  .strict();

/** A one-off group session for a cohort, or a 1:1 between a therapist and a patient. */
export const createSessionBodySchema = z
  .discriminatedUnion('kind', [createGroupSessionBodySchema, createIndividualSessionBodySchema])
  .superRefine(timesRefinement);
export type CreateSessionBody = z.infer<typeof createSessionBodySchema>;

/** Edit one occurrence: its theme, title, format, or reschedule it (startsAt and endsAt together). */
export const updateSessionBodySchema = z
  .object({
    title,
    theme: theme.nullable(),
    format: sessionFormatSchema,
    startsAt: instantSchema,
    endsAt: instantSchema,
  })
  .partial()
  .strict()
  .superRefine((b, ctx) => {
    if (Object.keys(b).length === 0) ctx.addIssue({ code: 'custom', path: [], message: 'name at least one field to change' });
    if ((b.startsAt === undefined) !== (b.endsAt === undefined)) {
      ctx.addIssue({ code: 'custom', path: [b.startsAt === undefined ? 'startsAt' : 'endsAt'], message: 'give startsAt and endsAt together' });
    } else if (b.startsAt !== undefined && b.endsAt !== undefined) {
      timesRefinement({ startsAt: b.startsAt, endsAt: b.endsAt }, ctx);
    }
  });
export type UpdateSessionBody = z.infer<typeof updateSessionBodySchema>;

export const cancelSessionBodySchema = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();
export type CancelSessionBody = z.infer<typeof cancelSessionBodySchema>;

/** Invite a family member (role `family`, member of the program) to a family session. */
export const addSessionGuestBodySchema = z.object({ userId: uuidSchema }).strict();
export type AddSessionGuestBody = z.infer<typeof addSessionGuestBodySchema>;

/** One session as the caller sees it (`GET /api/me/sessions` and friends). */
export const sessionViewSchema = z.object({
  id: uuidSchema,
  programId: uuidSchema,
  seriesId: uuidSchema.nullable(),
  cohortId: uuidSchema.nullable(),
  cohortName: z.string().nullable(),
  /** The cohort's track (group sessions); null for 1:1 sessions. */
  track: programTrackSchema.nullable(),
  /** `family` for any session whose format is family (see sessionViewKindOf). */
  kind: sessionViewKindSchema,
  format: sessionFormatSchema,
  title: z.string(),
  theme: z.string().nullable(),
  status: sessionStatusSchema,
  cancelledReason: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  /** The program's zone, for showing local times. */
  timeZone: z.string(),
  /** The join button is on from joinOpensAt until endsAt. */
  joinOpensAt: z.string(),
  /** The server's view at the time of the response. */
  joinable: z.boolean(),
  therapistNames: z.array(z.string()),
  /** The caller's part in it. */
  myRole: sessionRoleSchema,
});
export type SessionView = z.infer<typeof sessionViewSchema>;

export const sessionListSchema = z.array(sessionViewSchema);
export const nextSessionResponseSchema = z.object({ session: sessionViewSchema.nullable() });
export type NextSessionResponse = z.infer<typeof nextSessionResponseSchema>;

export const createSeriesResponseSchema = z.object({ series: seriesSchema, sessions: sessionListSchema });
export type CreateSeriesResponse = z.infer<typeof createSeriesResponseSchema>;

/** Who takes part in a session; patients are named per the program's display-name policy. */
export const sessionParticipantSchema = z.object({
  userId: uuidSchema,
  role: z.enum(['therapist', 'patient', 'guest']),
  displayName: z.string(),
});
export type SessionParticipant = z.infer<typeof sessionParticipantSchema>;

export const sessionDetailSchema = z.object({ session: sessionViewSchema, participants: z.array(sessionParticipantSchema) });
export type SessionDetail = z.infer<typeof sessionDetailSchema>;

// ---------------------------------------------------------------- queries

/** `?from=…&to=…`; default from one day ago to 14 days ahead; at most 92 days. */
export const sessionRangeQuerySchema = z
  .object({ from: instantSchema.optional(), to: instantSchema.optional() })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.to) > Date.parse(q.from), { path: ['to'], message: 'must be after from' })
  .refine((q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= SCHEDULING_LIMITS.maxRangeDays * 86_400_000, {
    path: ['to'],
    message: `a range spans at most ${SCHEDULING_LIMITS.maxRangeDays} days`,
  });
export type SessionRangeQuery = z.infer<typeof sessionRangeQuerySchema>;

/** `?weekOf=YYYY-MM-DD`: any day of the week wanted (weeks start on Monday, program time zone); default this week. */
export const weekQuerySchema = z.object({ weekOf: localDateSchema.optional() }).strict();
export type WeekQuery = z.infer<typeof weekQuerySchema>;

// ---------------------------------------------------------------- week view

export const weekFlagSchema = z.enum(['below_target', 'no_individual_session']);
export type WeekFlag = z.infer<typeof weekFlagSchema>;

export const patientWeekSchema = z.object({
  patientId: uuidSchema,
  name: z.string(),
  cohortNames: z.array(z.string()),
  scheduledMinutes: z.number().int(),
  targetMinutes: z.number().int(),
  individualSessions: z.number().int(),
  flags: z.array(weekFlagSchema),
});
export type PatientWeek = z.infer<typeof patientWeekSchema>;

export const weekHoursSchema = z.object({
  programId: uuidSchema,
  timeZone: z.string(),
  /** Monday and Sunday of the week, program time zone. */
  weekStart: z.string(),
  weekEnd: z.string(),
  targetMinutes: z.number().int(),
  patients: z.array(patientWeekSchema),
});
export type WeekHours = z.infer<typeof weekHoursSchema>;

// ---------------------------------------------------------------- calendar feed

/** Returned once, when the link is made; the server keeps only a hash of its token. */
export const calendarLinkSchema = z.object({ url: z.string().url(), createdAt: z.string() });
export type CalendarLink = z.infer<typeof calendarLinkSchema>;

export const calendarLinkStatusSchema = z.object({ active: z.boolean(), createdAt: z.string().nullable() });
export type CalendarLinkStatus = z.infer<typeof calendarLinkStatusSchema>;
