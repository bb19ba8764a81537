import type { z } from 'zod';
import type { AckCallback } from './ack';
import type {
  admitSchema,
  connectTransportSchema,
  ConsumerInfo,
  consumerRefSchema,
  createTransportSchema,
  JoinResult,
  LobbyEntry,
  ParticipantView,
  preferredLayersSchema,
  produceSchema,
  restartIceSchema,
  RoomJoinRequest,
  RoomSnapshot,
  selfMediaSchema,
  sessionRefSchema,
  setRtpCapabilitiesSchema,
  targetUserSchema,
  TransportInfo,
} from './room';

/** Sent in the socket.io handshake: `io(url, { auth })`. */
export interface HandshakeAuth {
  token: string;
  protocolVersion: number;
}

type In<S extends z.ZodTypeAny> = z.input<S>;
type Empty = Record<string, never>;

/** Events the client emits; each one is a request acknowledged with `Ack<T>`. */
export interface ClientToServerEvents {
  /** Liveness probe; answers with the server time (ms since epoch). */
  'system:ping': (payload: Empty, ack: AckCallback<{ serverTime: number }>) => void;

  /** Enter a live session: therapists go straight in, patients wait in the lobby (or rejoin within the grace period). */
  'room:join': (payload: RoomJoinRequest, ack: AckCallback<JoinResult>) => void;
  /** Leave the session for good (no grace period). */
  'room:leave': (payload: In<typeof sessionRefSchema>, ack: AckCallback<Empty>) => void;
  /** Therapist: end the session for everyone. */
  'room:end': (payload: In<typeof sessionRefSchema>, ack: AckCallback<Empty>) => void;
  /** Therapist: admit waiting patients (some or all). */
  'lobby:admit': (payload: In<typeof admitSchema>, ack: AckCallback<{ admitted: string[] }>) => void;
  /** Therapist: mute a participant's microphone (they cannot unmute until unlocked). */
  'moderation:mute': (payload: In<typeof targetUserSchema>, ack: AckCallback<Empty>) => void;
  /** Therapist: allow a muted participant to unmute again. */
  'moderation:unlockMic': (payload: In<typeof targetUserSchema>, ack: AckCallback<Empty>) => void;
  /** Therapist: send a participant back to the lobby; they need admitting again. */
  'moderation:remove': (payload: In<typeof targetUserSchema>, ack: AckCallback<Empty>) => void;

  /** Tell the server what this browser can receive (before consuming). */
  'media:setRtpCapabilities': (payload: In<typeof setRtpCapabilitiesSchema>, ack: AckCallback<Empty>) => void;
  'media:createTransport': (payload: In<typeof createTransportSchema>, ack: AckCallback<TransportInfo>) => void;
  'media:connectTransport': (payload: In<typeof connectTransportSchema>, ack: AckCallback<Empty>) => void;
  'media:restartIce': (payload: In<typeof restartIceSchema>, ack: AckCallback<{ iceParameters: Record<string, unknown> }>) => void;
  'media:produce': (payload: In<typeof produceSchema>, ack: AckCallback<{ producerId: string }>) => void;
  /** Consumers are created paused; the client resumes each once it is ready to render. */
  'media:resumeConsumer': (payload: In<typeof consumerRefSchema>, ack: AckCallback<Empty>) => void;
  'media:setPreferredLayers': (payload: In<typeof preferredLayersSchema>, ack: AckCallback<Empty>) => void;
  /** Own microphone or camera on/off. */
  'media:setSelf': (payload: In<typeof selfMediaSchema>, ack: AckCallback<Empty>) => void;
}

/** Events the server pushes; names are past tense. */
export interface ServerToClientEvents {
  /** The server is closing this connection (logged off, protocol mismatch…). */
  'system:disconnected': (payload: { reason: string }) => void;

  /** Therapists: the lobby changed. */
  'lobby:updated': (payload: { sessionId: string; waiting: LobbyEntry[] }) => void;
  /** A waiting patient was admitted: here is the room. */
  'room:admitted': (payload: { sessionId: string; room: RoomSnapshot }) => void;
  'room:participantJoined': (payload: { sessionId: string; participant: ParticipantView }) => void;
  'room:participantUpdated': (payload: { sessionId: string; participant: ParticipantView }) => void;
  'room:participantLeft': (payload: { sessionId: string; userId: string }) => void;
  'room:activeSpeakerChanged': (payload: { sessionId: string; userId: string | null }) => void;
  /** You were sent back to the lobby by a therapist. */
  'room:removed': (payload: { sessionId: string; reason: string }) => void;
  /** The therapist ended the session. */
  'room:ended': (payload: { sessionId: string }) => void;

  'media:consumerCreated': (payload: { sessionId: string; consumer: ConsumerInfo }) => void;
  'media:consumerClosed': (payload: { sessionId: string; consumerId: string }) => void;
  'media:consumerPaused': (payload: { sessionId: string; consumerId: string; paused: boolean }) => void;
}

export interface InterServerEvents {
  ping: () => void;
}

/** What the gateway attaches to every authenticated socket. */
export interface SocketData {
  userId: string;
  role: string;
  /** The sign-in (auth session) this socket belongs to. */
  authSessionId: string;
}
