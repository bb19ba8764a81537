import { z } from 'zod';
import { attendanceCountsSchema, attendanceMarkSchema } from './attendance-marks';

/**
 * Clinical records: attendance computed from the room's join/leave segments,
 * group notes (draft → signed, then addenda only), and the audit log.
 * HTTP only; patients never receive any of this.
 */

export const RECORDS_LIMITS = {
  narrativeMax: 20_000,
  memberTextMax: 8_000,
  addendumMax: 8_000,
  reasonMin: 3,
  reasonMax: 500,
  /** Draft autosave after this long without typing. */
  autosaveMs: 1_500,
} as const;

export enum RecordsErrorCode {
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  NoteSigned = 'note_signed',
  NoteNotSigned = 'note_not_signed',
  WrongPassword = 'wrong_password',
  /** Signing without a password needs a password sign-in within the last 15 minutes. */
  PasswordNeeded = 'password_needed',
  AlreadyCosigned = 'already_cosigned',
  CannotCosignOwn = 'cannot_cosign_own',
  StaleNote = 'stale_note',
  NotAMember = 'not_a_member',
}

const iso = z.string().datetime({ offset: true });

/** One participant's attendance in one session. Minutes are whole minutes in the room, clipped to the scheduled window. */
export const attendanceRowSchema = z.object({
  userId: z.string().uuid(),
  name: z.string(),
  role: z.enum(['therapist', 'patient', 'guest']),
  minutes: z.number().int().min(0),
  /**
   * Patients and guests: when they first checked in for this session (the pre-join safety check
   * and consent, sent as they enter the waiting room); null for therapists and before any check-in.
   */
  checkedInAt: iso.nullable(),
  firstJoinedAt: iso.nullable(),
  lastLeftAt: iso.nullable(),
  /**
   * Minutes after the scheduled start of the arrival: the check-in or the first time in the room,
   * whichever came first, so waiting to be admitted is not lateness (0 when on time or absent).
   */
  lateMinutes: z.number().int().min(0),
  /** Minutes before the scheduled end of the last departure (0 when stayed or absent). */
  leftEarlyMinutes: z.number().int().min(0),
  segments: z.number().int().min(0),
  /** Still in the room (an open segment). */
  present: z.boolean(),
  correction: z
    .object({ minutes: z.number().int().min(0), reason: z.string(), byUserId: z.string().uuid(), at: iso })
    .nullable(),
  /** Patients: attended / late / no-show (attendance-marks.ts); null for therapists and guests. */
  mark: attendanceMarkSchema.nullable(),
});
export type AttendanceRow = z.infer<typeof attendanceRowSchema>;

export const noteMemberSchema = z.object({
  userId: z.string().uuid(),
  name: z.string(),
  text: z.string(),
});
export type NoteMember = z.infer<typeof noteMemberSchema>;

export const noteAddendumSchema = z.object({
  id: z.string().uuid(),
  text: z.string(),
  authorUserId: z.string().uuid(),
  authorName: z.string(),
  at: iso,
});
export type NoteAddendum = z.infer<typeof noteAddendumSchema>;

export const sessionNoteSchema = z.object({
  status: z.enum(['draft', 'signed']),
  /** Never saved yet: the fields hold Hearth's prefill. */
  prefilled: z.boolean(),
  narrative: z.string(),
  members: z.array(noteMemberSchema),
  version: z.number().int().min(0),
  updatedAt: iso.nullable(),
  signedByUserId: z.string().uuid().nullable(),
  signedByName: z.string().nullable(),
  signedAt: iso.nullable(),
  cosignedByUserId: z.string().uuid().nullable(),
  cosignedByName: z.string().nullable(),
  cosignedAt: iso.nullable(),
  addenda: z.array(noteAddendumSchema),
});
export type SessionNote = z.infer<typeof sessionNoteSchema>;

export const sessionRecordSchema = z.object({
  session: z.object({
    id: z.string().uuid(),
    title: z.string(),
    kind: z.enum(['group', 'individual', 'family']),
    startsAt: iso,
    endsAt: iso,
    timeZone: z.string(),
    endedAt: iso.nullable(),
  }),
  /** What the caller may do: therapists of the session write and sign; admins read. */
  access: z.enum(['therapist', 'admin']),
  attendance: z.array(attendanceRowSchema),
  note: sessionNoteSchema,
  canCosign: z.boolean(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

export const saveNoteBodySchema = z
  .object({
    narrative: z.string().max(RECORDS_LIMITS.narrativeMax),
    members: z
      .array(z.object({ userId: z.string().uuid(), text: z.string().max(RECORDS_LIMITS.memberTextMax) }).strict())
      .max(100),
    /** The version the edit started from; a newer one on the server answers `stale_note`. */
    version: z.number().int().min(0).optional(),
  })
  .strict();
export type SaveNoteBody = z.infer<typeof saveNoteBodySchema>;

/**
 * Signing attests the signer's identity: with the password re-entered, or — within
 * SIGN_WITHOUT_PASSWORD_MINUTES of a password sign-in (the idle logoff's window) —
 * with the sign-in itself. Older sign-ins get `password_needed`.
 */
export const signNoteBodySchema = z.object({ password: z.string().min(1).max(200).optional() }).strict();
export const SIGN_WITHOUT_PASSWORD_MINUTES = 15;
export type SignNoteBody = z.infer<typeof signNoteBodySchema>;

export const addendumBodySchema = z.object({ text: z.string().trim().min(1).max(RECORDS_LIMITS.addendumMax) }).strict();
export type AddendumBody = z.infer<typeof addendumBodySchema>;

export const attendanceCorrectionBodySchema = z
  .object({
    userId: z.string().uuid(),
    minutes: z.number().int().min(0),
    reason: z.string().trim().min(RECORDS_LIMITS.reasonMin).max(RECORDS_LIMITS.reasonMax),
  })
  .strict();
export type AttendanceCorrectionBody = z.infer<typeof attendanceCorrectionBodySchema>;

/** A therapist's recent session with the state of its note (home page list). */
export const recentRecordSchema = z.object({
  sessionId: z.string().uuid(),
  title: z.string(),
  kind: z.enum(['group', 'individual', 'family']),
  startsAt: iso,
  endsAt: iso,
  noteStatus: z.enum(['none', 'draft', 'signed']),
  /** The program's IANA zone: the times read as the group's clock, like the schedule's cards. */
  timeZone: z.string(),
  /** The patients on the roster by attendance mark (attendance-marks.ts). */
  attendance: attendanceCountsSchema,
});
export type RecentRecord = z.infer<typeof recentRecordSchema>;
export const recentRecordListSchema = z.array(recentRecordSchema);

// ------------------------------------------------------------------ audit

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: iso,
  actorUserId: z.string().uuid().nullable(),
  /** The actor's full name (the admin's view); null for the system or a user id that no longer resolves. */
  actorName: z.string().nullable(),
  action: z.string(),
  subjectUserId: z.string().uuid().nullable(),
  /** The patient's full name; null when there is none. */
  subjectName: z.string().nullable(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  purpose: z.string().nullable(),
  outcome: z.enum(['ok', 'refused', 'failed']),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export const auditEntryListSchema = z.array(auditEntrySchema);

export const auditQuerySchema = z
  .object({
    subjectUserId: z.string().uuid().optional(),
    actorUserId: z.string().uuid().optional(),
    /** Part of the patient's or the actor's name (first and last, any case), at least two characters. */
    subjectName: z.string().trim().min(2).max(80).optional(),
    actorName: z.string().trim().min(2).max(80).optional(),
    action: z.string().max(60).optional(),
    from: iso.optional(),
    to: iso.optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditVerifySchema = z.union([
  z.object({ ok: z.literal(true), entries: z.number().int() }),
  z.object({ ok: z.literal(false), firstBrokenId: z.number().int(), entries: z.number().int(), reason: z.string() }),
]);
export type AuditVerifyResult = z.infer<typeof auditVerifySchema>;

// ------------------------------------------------------------------ program week (attended, not scheduled)

/** H0015-style days need at least this many minutes. */
export const BILLABLE_DAY_MINUTES = 180;

export const attendanceWeekSchema = z.object({
  programId: z.string().uuid(),
  timeZone: z.string(),
  weekStart: z.string(),
  weekEnd: z.string(),
  /** The seven local dates, Monday first. */
  days: z.array(z.string()).length(7),
  targetMinutes: z.number().int(),
  patients: z.array(
    z.object({
      patientId: z.string().uuid(),
      name: z.string(),
      /** Attended minutes per day (a correction replaces the computed minutes of its session). */
      minutesByDay: z.array(z.number().int().min(0)).length(7),
      totalMinutes: z.number().int().min(0),
      flags: z.array(z.enum(['below_target', 'short_day'])),
    }),
  ),
});
export type AttendanceWeek = z.infer<typeof attendanceWeekSchema>;
