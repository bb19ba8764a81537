import { z } from 'zod';
import { idSchema } from './room';

// ---------------------------------------------------------------------------
// Check-ins: a therapist opens one; each patient privately submits mood and
// craving (0–10) and an optional word. Only the session's therapists ever see
// individual answers (with each patient's trend over their previous sessions
// in the same program). One check-in is open at a time; a patient may change
// their answer until it closes.
//
// Error codes: bad_request, not_admitted, not_moderator, checkin_not_open,
// checkin_already_open, checkin_patients_only.
// ---------------------------------------------------------------------------

export const CHECKIN_SCALE = { min: 0, max: 10 } as const;
export const CHECKIN_WORD_MAX = 40;

export interface CheckinInfo {
  id: string;
  sessionId: string;
  openedAt: string;
  /** null while open. */
  closedAt: string | null;
}

export interface CheckinTrendPoint {
  sessionId: string;
  submittedAt: string;
  mood: number;
  craving: number;
}

/** One patient's answer, as therapists see it. */
export interface CheckinAnswerView {
  checkinId: string;
  userId: string;
  displayName: string;
  mood: number;
  craving: number;
  word: string | null;
  submittedAt: string;
  /** The patient's answers in earlier sessions of the same program, oldest first (at most 10). */
  trend: CheckinTrendPoint[];
}

/** What `checkin:state` answers. */
export interface CheckinState {
  /** The open check-in, or null. */
  open: CheckinInfo | null;
  /** Patients: their own answer to the open check-in, if any. */
  mine?: { mood: number; craving: number; word: string | null; submittedAt: string } | null;
  /** Therapists only: every answer to the open check-in (or the latest closed one). */
  answers?: CheckinAnswerView[];
}

const score = z.number().int().min(CHECKIN_SCALE.min).max(CHECKIN_SCALE.max);

export const checkinSessionSchema = z.object({ sessionId: idSchema }).strict();
export const checkinRefSchema = z.object({ sessionId: idSchema, checkinId: idSchema }).strict();
export const checkinSubmitSchema = z
  .object({
    sessionId: idSchema,
    checkinId: idSchema,
    mood: score,
    craving: score,
    word: z.string().trim().max(CHECKIN_WORD_MAX).optional(),
  })
  .strict();
