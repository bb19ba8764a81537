import { z } from 'zod';
import { idSchema } from './room';

// ---------------------------------------------------------------------------
// Turn-taking in a live session
//
// One FloorView per session, kept by the server. Every change is pushed to
// everyone in the room as `turn:stateChanged` carrying the whole view (with a
// growing `revision`, so a client drops stale ones); late joiners and
// reconnecting clients ask `turn:state`.
//
// - Hands: a FIFO queue in the order the server received the raises (never
//   client clocks). Raising twice keeps the first place.
// - Floor: a therapist grants it to anyone present or to the first in the
//   queue (`turn:grantNext`). The holder or a therapist releases it.
// - Talking stick: while on, only the floor holder's and the therapists'
//   microphones are live. The server pauses every other microphone at the
//   SFU; `media:setSelf {mic, on:true}` answers `floor_not_held`, and the
//   room's ParticipantView shows `micLocked: true, micOn: false` for them.
//   A holder who had their microphone on before is live again on grant.
// - Turn timer: a therapist sets 1–10 minutes per turn (or none). Each grant
//   starts the countdown (`turnEndsAt`); at zero the floor passes to the next
//   in the queue (or the next in a go-around), or is released if nobody waits.
// - Go-around: a therapist starts a round over the patients present, in
//   roster order (by display name, the same every session). Each speaks (the
//   floor is theirs) then releases, or passes; the round ends after the last
//   one (`goAround` becomes null and `turn:goAroundEnded` is pushed). Speaking
//   in the round takes a raised hand down.
//
// Error codes: bad_request, not_admitted, not_moderator (a patient granting,
// toggling or timing), turn_not_holder, turn_queue_empty,
// turn_target_not_present, turn_no_go_around, turn_go_around_active.
// ---------------------------------------------------------------------------

export const TURN_MINUTES = { min: 1, max: 10 } as const;

export interface HandRaise {
  userId: string;
  /** ISO server time of the raise (for display; order is the queue's order). */
  raisedAt: string;
}

export interface GoAroundView {
  /** Patients in speaking order. */
  order: string[];
  /** Index in `order` of the current speaker. */
  index: number;
  /** Who has spoken, and who passed, so far. */
  spoken: string[];
  passed: string[];
}

export interface FloorView {
  sessionId: string;
  /** Increases with every change; ignore a view older than the one you hold. */
  revision: number;
  /** Raised hands, first in line first. */
  queue: HandRaise[];
  holderUserId: string | null;
  talkingStick: boolean;
  /** Minutes per turn, or null for no countdown. */
  turnMinutes: number | null;
  /** ISO time the current turn ends (null without a holder or a timer). */
  turnEndsAt: string | null;
  /** ISO server time this view was made, to correct a client's clock for the countdown. */
  serverTime: string;
  goAround: GoAroundView | null;
}

const ref = { sessionId: idSchema };
export const turnSessionSchema = z.object(ref).strict();
/** `userId` lets a therapist lower someone else's hand; patients may only lower their own. */
export const turnLowerHandSchema = z.object({ ...ref, userId: idSchema.optional() }).strict();
export const turnGrantSchema = z.object({ ...ref, userId: idSchema }).strict();
export const turnTalkingStickSchema = z.object({ ...ref, on: z.boolean() }).strict();
export const turnTimerSchema = z
  .object({ ...ref, minutes: z.number().int().min(TURN_MINUTES.min).max(TURN_MINUTES.max).nullable() })
  .strict();
