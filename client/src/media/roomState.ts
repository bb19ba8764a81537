import type { Reaction, LobbyEntry, ParticipantView, RoomRole, ScreenShareView, SessionInfo } from '@hearth/protocol';
import { initialBlurView, type BlurView } from './blurController';

export type RoomPhase =
  | 'idle'
  | 'joining'
  | 'waiting' // in the lobby
  | 'in-room'
  | 'removed' // sent back to the lobby by a therapist (re-join to wait again)
  | 'ended'
  | 'left'
  | 'error';

/** socket + media transport health, as the user sees it. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

export interface RemoteMedia {
  audio?: MediaStreamTrack;
  video?: MediaStreamTrack;
  /** The sender has that track paused (muted / camera off). */
  audioPaused: boolean;
  videoPaused: boolean;
}

/**
 * Everything the room UI renders; replaced (never mutated) on every change.
 * Background blur on our camera (BlurView,
 * blurController.ts): available natively or through the MediaPipe fallback,
 * whether it is on (or starting), what went wrong, and the blurred self-view
 * while the fallback runs.
 */
export interface RoomState extends BlurView {
  phase: RoomPhase;
  connection: ConnectionState;
  session: SessionInfo | null;
  selfUserId: string | null;
  selfRole: RoomRole | null;
  lobbyPosition: number;
  participants: ParticipantView[];
  lobby: LobbyEntry[];
  activeSpeakerUserId: string | null;
  remote: Record<string, RemoteMedia>;
  localStream: MediaStream | null;
  micOn: boolean;
  cameraOn: boolean;
  /** Why we are in phase error / removed / ended, for the user. */
  message: string | null;
  /** Who shares a screen now and who may (the server's view). */
  screenShare: ScreenShareView | null;
  /** The shared screen we receive from someone else. */
  remoteScreen: { userId: string; consumerId: string; track: MediaStreamTrack } | null;
  /** That share's sound, when the sharer's browser sent one (source `screenAudio`). */
  remoteScreenAudio: { userId: string; consumerId: string; track: MediaStreamTrack } | null;
  /** Our own screen while we share it. */
  localScreen: MediaStream | null;
  /** A therapist's mute all turned our microphone off (cleared when we turn it on again). */
  mutedBy: { byName: string; locked: boolean } | null;
  /** Audio only: nobody's camera video is received and our own camera is off (a poor connection). */
  audioOnly: boolean;
  /** The connection has been poor for a while: offer audio only (until taken or dismissed). */
  audioOnlySuggested: boolean;
  /** Noise suppression on our microphone (the browser's own; on by default). */
  noiseSuppression: boolean;
  /** Reactions on people's tiles now (by user id); each goes after REACTION_SHOWN_MS. `id` tells a repeat from the last one. */
  reactions: Record<string, { reaction: Reaction; id: number }>;
  /** Whether reactions are on in this session (a therapist may turn them off). */
  reactionsAllowed: boolean;
}

export const initialRoomState: RoomState = {
  phase: 'idle',
  connection: 'connecting',
  session: null,
  selfUserId: null,
  selfRole: null,
  lobbyPosition: 0,
  participants: [],
  lobby: [],
  activeSpeakerUserId: null,
  remote: {},
  localStream: null,
  micOn: false,
  cameraOn: false,
  message: null,
  screenShare: null,
  remoteScreen: null,
  remoteScreenAudio: null,
  localScreen: null,
  mutedBy: null,
  audioOnly: false,
  audioOnlySuggested: false,
  noiseSuppression: true,
  reactions: {},
  reactionsAllowed: true,
  ...initialBlurView,
};

export function upsertParticipant(list: ParticipantView[], p: ParticipantView): ParticipantView[] {
  const i = list.findIndex((x) => x.userId === p.userId);
  if (i === -1) return [...list, p];
  const next = list.slice();
  next[i] = p;
  return next;
}
