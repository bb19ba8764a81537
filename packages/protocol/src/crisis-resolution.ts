import { z } from 'zod';
import { idSchema } from './room';

// ---------------------------------------------------------------------------
// After a crisis alert: the patient can withdraw a press made by mistake (the
// therapists still see that it was raised and withdrawn), and a therapist
// resolves it with an outcome. The patient sees: sent → seen by <therapist> →
// resolved. Error codes: crisis_alert_not_found, crisis_already_closed,
// not_moderator, crisis_patients_only.
// ---------------------------------------------------------------------------

/** How a therapist closed an alert; a fixed list so that no health detail travels or is stored as free text. */
export const CRISIS_OUTCOMES = ['safe_continuing', 'followed_up_privately', 'emergency_contacted', 'pressed_by_mistake'] as const;
export const crisisOutcomeSchema = z.enum(CRISIS_OUTCOMES);
export type CrisisOutcome = z.infer<typeof crisisOutcomeSchema>;

/** Words for each outcome, for therapists' screens. */
export const CRISIS_OUTCOME_LABELS: Record<CrisisOutcome, string> = {
  safe_continuing: 'Safe, continuing in the group',
  followed_up_privately: 'Followed up privately',
  emergency_contacted: 'Emergency services contacted',
  pressed_by_mistake: 'Pressed by mistake',
};

export const crisisWithdrawSchema = z.object({ sessionId: idSchema, alertId: idSchema }).strict();
export const crisisResolveSchema = z.object({ sessionId: idSchema, alertId: idSchema, outcome: crisisOutcomeSchema }).strict();

/**
 * `crisis:listenToGroup`: a therapist in a side room keeps hearing the main room's
 * microphones (one way: the group does not hear the side room), or stops. Therapists
 * only; turning it on outside a side room answers `crisis_not_present`. Back in the
 * group it is off again.
 */
export const crisisListenSchema = z.object({ sessionId: idSchema, on: z.boolean() }).strict();

/** `crisis:acknowledged` to the patient, and what `crisis:resolved` tells them. */
export const crisisResolvedPushSchema = z.object({ sessionId: idSchema, alertId: idSchema, resolvedAt: z.string() });
export type CrisisResolvedPush = z.infer<typeof crisisResolvedPushSchema>;

/**
 * To the people left in the main room when no therapist is with them because the
 * therapists are in side rooms (and again when one is back). Names the therapists
 * only, never the patient they are with.
 */
export interface TherapistAwayPush {
  sessionId: string;
  /** True while no therapist is in the main room. */
  away: boolean;
  /** Display names of the therapists in side rooms. */
  therapistNames: string[];
}
