import { z } from 'zod';
import type { CrisisOutcome } from './crisis-resolution';
import { idSchema } from './room';

// ---------------------------------------------------------------------------
// Crisis flag: a patient's "I need help now" reaches only the session's
// therapists, with the location and callback number from that session's
// safety check. A therapist acknowledges it (the patient is told help is
// coming) and can move the patient into a private side room with a therapist
// (default: the one who moves them). People in a side room see and hear only
// each other; nobody else in the session receives their media, nor do they
// receive the group's. Every alert is recorded (who, when, acknowledged by
// whom, moved when and back when).
//
// Error codes: bad_request, not_a_participant (not on this session), not_moderator,
// crisis_patients_only, crisis_alert_not_found, crisis_not_present,
// crisis_already_in_side_room, crisis_not_in_side_room.
// ---------------------------------------------------------------------------

export interface CrisisAlertView {
  id: string;
  sessionId: string;
  /** The patient in crisis. */
  userId: string;
  displayName: string;
  /** Who raised it: the patient, or a therapist who moved them without an alert. */
  raisedByUserId: string;
  raisedAt: string;
  /** From the session's safety check (null if none was made). */
  location: string | null;
  callbackNumber: string | null;
  acknowledgedByUserId: string | null;
  acknowledgedAt: string | null;
  /** The patient withdrew it (pressed by mistake); see crisis-resolution.ts. */
  withdrawnAt?: string | null;
  resolvedAt?: string | null;
  resolvedByUserId?: string | null;
  outcome?: CrisisOutcome | null;
}

export interface SideRoomView {
  /** The patient the side room is for. */
  patientUserId: string;
  /** Everyone in it: the patient and the therapists with them. */
  userIds: string[];
  since: string;
}

/** What `crisis:state` answers. */
export interface CrisisState {
  /** Therapists: this session's alerts, newest first. Patients: their own unresolved alert, if any. */
  alerts: CrisisAlertView[];
  /** Therapists: every side room. Patients: the one they are in, if any. */
  sideRooms: SideRoomView[];
  /**
   * Patients in the main room while every therapist is in a side room: those
   * therapists' names (as `crisis:therapistAway` tells the ones already there).
   * Absent or null otherwise.
   */
  therapistsAway?: string[] | null;
  /** Therapists: whether they keep hearing the group from a side room (`crisis:listenToGroup`). */
  listeningToGroup?: boolean;
}

export const crisisSessionSchema = z.object({ sessionId: idSchema }).strict();
export const crisisAlertRefSchema = z.object({ sessionId: idSchema, alertId: idSchema }).strict();
export const crisisMoveSchema = z
  .object({
    sessionId: idSchema,
    /** The patient to move. */
    userId: idSchema,
    /** Therapists who go with them (default: the caller). */
    therapistUserIds: z.array(idSchema).min(1).max(4).optional(),
  })
  .strict();
export const crisisReturnSchema = z.object({ sessionId: idSchema, userId: idSchema }).strict();
