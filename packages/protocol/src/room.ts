import { z } from 'zod';
import type { MediaPrepared } from './join';

/** Ids are UUIDs everywhere; a forged or malformed id fails validation at the gateway. */
export const idSchema = z.string().uuid();

// ---------------------------------------------------------------------------
// Pre-join: safety check and consent (patients, every session)
// ---------------------------------------------------------------------------

export const CONSENT_VERSION = '2026-11';

export const safetyCheckSchema = z.object({
  /** Where the patient is right now (address or a description emergency services can use). */
  location: z.string().trim().min(3, 'Enter where you are right now').max(300),
  /** A number the therapist can call back if the connection drops in a crisis. */
  callbackNumber: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ().-]{7,25}$/, 'Enter a phone number we can call you back on'),
});
export type SafetyCheck = z.infer<typeof safetyCheckSchema>;

/**
 * `GET /api/sessions/:sessionId/safety-check`: the caller's own latest safety check
 * for that session (404 when none), so a patient who reloads mid-session confirms
 * it pre-filled instead of typing it again.
 */
export interface MySafetyCheck extends SafetyCheck {
  checkedAt: string;
}

export const consentSchema = z.object({
  telehealthConsentVersion: z.literal(CONSENT_VERSION),
  /** No recording, a private space, what is said in group stays in group. */
  groupAgreement: z.literal(true),
});
export type Consent = z.infer<typeof consentSchema>;

// ---------------------------------------------------------------------------
// mediasoup parameters: checked for shape and size here, in depth by mediasoup
// ---------------------------------------------------------------------------

const boundedRecord = z.record(z.unknown()).refine((r) => Object.keys(r).length <= 64, 'too many keys');

export const dtlsParametersSchema = z.object({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.object({ algorithm: z.string().max(16), value: z.string().max(200) }))
    .min(1)
    .max(8),
});

export const rtpParametersSchema = z
  .object({
    mid: z.string().max(32).optional(),
    codecs: z.array(boundedRecord).min(1).max(16),
    headerExtensions: z.array(boundedRecord).max(32).optional(),
    encodings: z.array(boundedRecord).max(8).optional(),
    rtcp: boundedRecord.optional(),
  })
  .passthrough();

export const rtpCapabilitiesSchema = z
  .object({
    codecs: z.array(boundedRecord).max(64).optional(),
    headerExtensions: z.array(boundedRecord).max(64).optional(),
  })
  .passthrough();

export type MediaKind = 'audio' | 'video';
/**
 * `screen`: a shared screen, window or tab (see screenshare.ts), its own producer beside the camera;
 * `screenAudio`: that share's sound (a tab's or the system's), when the browser offers it — under
 * the same rules and to the same receivers as `screen`, never gated by the talking stick.
 */
export const mediaSourceSchema = z.enum(['mic', 'camera', 'screen', 'screenAudio']);
export type MediaSource = z.infer<typeof mediaSourceSchema>;
/** Which kind each source sends: microphone and screen sound are audio, the rest video. */
export function mediaKindOfSource(source: MediaSource): MediaKind {
  return source === 'mic' || source === 'screenAudio' ? 'audio' : 'video';
}
/** The sources a screen share consists of: closed together when the share stops. */
export const SCREEN_SHARE_SOURCES = ['screen', 'screenAudio'] as const satisfies readonly MediaSource[];
/** What a participant turns on and off themselves. */
export const selfSourceSchema = z.enum(['mic', 'camera']);
export type SelfSource = z.infer<typeof selfSourceSchema>;

// ---------------------------------------------------------------------------
// Room state as the client sees it
// ---------------------------------------------------------------------------

export type RoomRole = 'therapist' | 'patient';
export type ParticipantConnection = 'connected' | 'reconnecting';

export interface ParticipantView {
  userId: string;
  /** Per the program's display-name policy for patients; full name for therapists. */
  displayName: string;
  role: RoomRole;
  connection: ParticipantConnection;
  micOn: boolean;
  cameraOn: boolean;
  /** Muted by a therapist (or the floor rules): the participant cannot unmute. */
  micLocked: boolean;
}

export interface LobbyEntry {
  userId: string;
  displayName: string;
  /** ISO time they started waiting. */
  waitingSince: string;
}

export interface SessionInfo {
  id: string;
  title: string;
  kind: 'group' | 'individual' | 'family';
  startsAt: string;
  endsAt: string;
}

/** What `room:join` answers. */
export type JoinResult =
  | {
      status: 'waiting';
      session: SessionInfo;
      position: number;
      /** Lets the browser prepare its media while it waits (`media:prepare`), so admission only has to consume. */
      routerRtpCapabilities?: Record<string, unknown>;
      /** Asked for with `media`: transports to prepare (and paused producers to start) while waiting. */
      media?: MediaPrepared;
    }
  | { status: 'admitted'; session: SessionInfo; room: RoomSnapshot; media?: MediaPrepared };

export interface RoomSnapshot {
  selfUserId: string;
  selfRole: RoomRole;
  participants: ParticipantView[];
  activeSpeakerUserId: string | null;
  /** Therapists only: who waits in the lobby. */
  lobby?: LobbyEntry[];
  routerRtpCapabilities: Record<string, unknown>;
  /** The server still holds the transports this browser prepared in the lobby: keep them, just consume. */
  mediaPrepared?: boolean;
  /** Reactions are on (absent: on); a therapist may turn them off. */
  reactionsAllowed?: boolean;
}

export interface TransportInfo {
  id: string;
  iceParameters: Record<string, unknown>;
  iceCandidates: Record<string, unknown>[];
  dtlsParameters: Record<string, unknown>;
  /** A receive transport that connects before it has anything to receive (see `warmup`). */
  sctpParameters?: Record<string, unknown>;
  /**
   * An idle data channel to open on this receive transport at once: opening it
   * runs ICE and DTLS now (in the waiting room, on the pre-join page), so the
   * first consumers after admission or entry start on a connected transport.
   * Nothing is ever sent on it.
   */
  warmup?: WarmupChannelInfo;
}

export interface WarmupChannelInfo {
  id: string;
  dataProducerId: string;
  sctpStreamParameters: Record<string, unknown>;
  label: string;
  protocol: string;
}

export interface ConsumerInfo {
  consumerId: string;
  producerId: string;
  userId: string;
  kind: MediaKind;
  source: MediaSource;
  rtpParameters: Record<string, unknown>;
  /** The producer is paused (muted / camera off). */
  producerPaused: boolean;
  /**
   * Set up on this page before its viewer entered (a PreparedConsumer with this id) and
   * resumed by the server with this answer: adopt it; no consume, no resume request.
   */
  resumed?: boolean;
}

// ---------------------------------------------------------------------------
// Request payloads (client → server)
// ---------------------------------------------------------------------------

export const roomJoinSchema = z.object({
  sessionId: idSchema,
  safety: safetyCheckSchema.optional(),
  consent: consentSchema.optional(),
  /** The page's loaded Device: the answer then carries both transports and what to consume now (see join.ts). */
  media: z
    .object({
      rtpCapabilities: rtpCapabilitiesSchema,
      send: z.boolean(),
      /** The receive transport `media:warm` gave this socket on the pre-join page: kept, already connected. */
      warm: idSchema.optional(),
    })
    .optional(),
});
export type RoomJoinRequest = z.infer<typeof roomJoinSchema>;

export const sessionRefSchema = z.object({ sessionId: idSchema });
export const admitSchema = z.object({ sessionId: idSchema, userIds: z.array(idSchema).min(1).max(50).or(z.literal('all')) });
export const targetUserSchema = z.object({ sessionId: idSchema, userId: idSchema });

export const createTransportSchema = z.object({
  sessionId: idSchema,
  direction: z.enum(['send', 'recv']),
});
export const connectTransportSchema = z.object({
  sessionId: idSchema,
  transportId: idSchema,
  dtlsParameters: dtlsParametersSchema,
});
export const restartIceSchema = z.object({ sessionId: idSchema, transportId: idSchema });
export const setRtpCapabilitiesSchema = z.object({ sessionId: idSchema, rtpCapabilities: rtpCapabilitiesSchema });
export const produceSchema = z.object({
  sessionId: idSchema,
  transportId: idSchema,
  kind: z.enum(['audio', 'video']),
  source: mediaSourceSchema,
  rtpParameters: rtpParametersSchema,
  paused: z.boolean().default(false),
});
export const producerRefSchema = z.object({ sessionId: idSchema, producerId: idSchema });
export const consumerRefSchema = z.object({ sessionId: idSchema, consumerId: idSchema });
export const preferredLayersSchema = z.object({
  sessionId: idSchema,
  consumerId: idSchema,
  spatialLayer: z.number().int().min(0).max(2),
});
export const selfMediaSchema = z.object({
  sessionId: idSchema,
  source: selfSourceSchema,
  on: z.boolean(),
});
