import { z } from 'zod';
import type { ChatHistory } from './chat';
import type { CheckinState } from './checkins';
import type { CrisisState } from './crisis';
import type { RoleplayState } from './roleplay';
import { idSchema, rtpCapabilitiesSchema, type ConsumerInfo, type TransportInfo } from './room';
import type { FloorView } from './turns';

// ---------------------------------------------------------------------------
// The fast join path: one request sets up a participant's media, one request
// loads the facilitation state. Neither waits on the other.
// ---------------------------------------------------------------------------

/**
 * The fastest path carries the same in `room:join` itself (`media`, when the
 * page loaded its Device before joining with `media:capabilities`): the join
 * answer then holds the transports and consumers too.
 *
 * `media:prepare`: right after `room:join` answers (admitted, or waiting in
 * the lobby), the client sends its loaded device's capabilities and gets back,
 * in one answer, both transports (created in parallel) and a consumer for
 * everything it may receive now (none while waiting). A repeated prepare
 * replaces the caller's earlier transports.
 */
export const mediaPrepareSchema = z.object({
  sessionId: idSchema,
  rtpCapabilities: rtpCapabilitiesSchema,
  /** Create a send transport too (the browser has a camera or microphone). */
  send: z.boolean(),
});

/**
 * `media:warm` (pre-join page): a receive transport that connects now, before
 * the user enters, so the join answer's consumers start on a connected
 * transport. `recv` is null when there is nothing to warm for (nobody in the
 * room yet, the session hosted by another node, the user already in it
 * elsewhere); the join then prepares media as usual. The join names the warm
 * transport in `media.warm`.
 */
export const mediaWarmSchema = z.object({
  sessionId: idSchema,
  /**
   * The page's loaded Device: with it the answer also carries `prepared`, a paused
   * consumer for each stream in the room now, so the join itself only resumes them.
   */
  rtpCapabilities: rtpCapabilitiesSchema.optional(),
});
export interface MediaWarmed {
  recv: TransportInfo | null;
  /** See PreparedConsumer; none without `rtpCapabilities`. */
  prepared?: PreparedConsumer[];
}

/**
 * A consumer set up before its viewer is in the room (pre-join page, waiting room):
 * held paused at the SFU, so no media reaches the page, and anonymous — whose stream
 * it is comes only with the join answer or the admission, as a ConsumerInfo with the
 * same id and `resumed: true`. Only the server resumes it, and only then; one it does
 * not name then is closed. The browser sets it up ahead (its SDP work done while
 * the user is still on the page), so entering costs no negotiation.
 */
export interface PreparedConsumer {
  consumerId: string;
  producerId: string;
  kind: 'audio' | 'video';
  rtpParameters: Record<string, unknown>;
}

export interface MediaPrepared {
  recv: TransportInfo;
  send: TransportInfo | null;
  /** Paused consumers to consume now and resume (empty in the lobby); `resumed` ones were prepared before (see PreparedConsumer). */
  consumers: ConsumerInfo[];
  /** In the lobby: paused, anonymous consumers that admission resumes (see PreparedConsumer). */
  prepared?: PreparedConsumer[];
}

/** `media:capabilities`: the server's router RTP capabilities (the same for every room), to load a Device before joining. */
export const mediaCapabilitiesSchema = z.object({}).strict();

/** `facilitation:state`: chat, turns, check-ins, crisis and role-play state in one answer (admitted members). */
export const facilitationStateSchema = z.object({ sessionId: idSchema });

export interface FacilitationState {
  chat: ChatHistory;
  floor: FloorView;
  checkins: CheckinState;
  crisis: CrisisState;
  roleplay: RoleplayState;
}
