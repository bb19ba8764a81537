import type { z } from 'zod';
import type { ServerRestarting } from './cluster';
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
import type { consumerVisibleSchema, ProducerMaxLayerChanged } from './viewing';
import type { MuteAllResult, MutedByTherapistPush, muteAllSchema } from './moderation';
import type { FacilitationState, facilitationStateSchema, mediaCapabilitiesSchema, MediaPrepared, mediaPrepareSchema, MediaWarmed, mediaWarmSchema } from './join';
import type { ChatHistory, ChatMessage, chatDeleteSchema, chatHistorySchema, chatSendSchema, chatSetPatientPrivateSchema } from './chat';
import type { FloorView, turnGrantSchema, turnLowerHandSchema, turnSessionSchema, turnTalkingStickSchema, turnTimerSchema } from './turns';
import type { CheckinAnswerView, CheckinInfo, CheckinState, checkinRefSchema, checkinSessionSchema, checkinSubmitSchema } from './checkins';
import type { CrisisAlertView, CrisisState, SideRoomView, crisisAlertRefSchema, crisisMoveSchema, crisisReturnSchema, crisisSessionSchema } from './crisis';
import type { CrisisResolvedPush, TherapistAwayPush, crisisListenSchema, crisisResolveSchema, crisisWithdrawSchema } from './crisis-resolution';
import type {
  DebriefView,
  FeedbackView,
  RoleplayState,
  RoleplayView,
  YourRole,
  roleplayAssignSchema,
  roleplayBreakoutsSchema,
  roleplayDebriefSchema,
  roleplayFeedbackSchema,
  roleplayJoinBreakoutSchema,
  roleplaySessionSchema,
  roleplayStartSceneSchema,
  roleplayStartSchema,
  roleplaySwapSchema,
} from './roleplay';
import type { ScreenShareView, screenAllowSchema, screenSessionSchema, screenStopSchema } from './screenshare';
import type { ReactionPush, reactionsAllowedSchema, reactSchema } from './reactions';

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
  /** Anyone in the room: a silent reaction (support, agree, thanks, me too) shown on their tile for a moment. */
  'room:react': (payload: In<typeof reactSchema>, ack: AckCallback<Empty>) => void;
  /** Therapist: reactions on or off for everyone in the session. */
  'room:setReactionsAllowed': (payload: In<typeof reactionsAllowedSchema>, ack: AckCallback<{ allowed: boolean }>) => void;
  /** Therapist: admit waiting patients (some or all). */
  'lobby:admit': (payload: In<typeof admitSchema>, ack: AckCallback<{ admitted: string[] }>) => void;
  /** Therapist: mute a participant's microphone (they cannot unmute until unlocked). */
  'moderation:mute': (payload: In<typeof targetUserSchema>, ack: AckCallback<Empty>) => void;
  /** Therapist: allow a muted participant to unmute again. */
  'moderation:unlockMic': (payload: In<typeof targetUserSchema>, ack: AckCallback<Empty>) => void;
  /** Therapist: send a participant back to the lobby; they need admitting again. */
  /** Therapist: turn every patient's microphone off (see moderation.ts); each one changed gets `moderation:mutedByTherapist`. */
  'moderation:muteAll': (payload: In<typeof muteAllSchema>, ack: AckCallback<MuteAllResult>) => void;
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
  /** The server's router RTP capabilities (the same for every room): load the Device before joining. Any signed-in socket. */
  'media:capabilities': (payload: In<typeof mediaCapabilitiesSchema>, ack: AckCallback<{ routerRtpCapabilities: Record<string, unknown> }>) => void;
  /** Pause (off screen, hidden tab) or resume one of the caller's own video consumers; audio is refused (see viewing.ts). */
  'media:setConsumerVisible': (payload: In<typeof consumerVisibleSchema>, ack: AckCallback<Empty>) => void;
  /** Both transports (in parallel) and everything to consume now, in one answer; also allowed while waiting in the lobby (see join.ts). */
  'media:prepare': (payload: In<typeof mediaPrepareSchema>, ack: AckCallback<MediaPrepared>) => void;
  'media:warm': (payload: In<typeof mediaWarmSchema>, ack: AckCallback<MediaWarmed>) => void;
  /** Chat, turns, check-ins, crisis and role-play state in one answer, once per entry into the room (see join.ts). */
  'facilitation:state': (payload: In<typeof facilitationStateSchema>, ack: AckCallback<FacilitationState>) => void;

  // --- Chat (see chat.ts). Admitted members only. ---------------------------
  /** Send to the group, or privately with `toUserId`. Answers the stored message. Pushes `chat:messageSent`. */
  'chat:send': (payload: In<typeof chatSendSchema>, ack: AckCallback<ChatMessage>) => void;
  /** Therapist: delete a message for everyone who received it. Pushes `chat:messageDeleted`. */
  'chat:delete': (payload: In<typeof chatDeleteSchema>, ack: AckCallback<Empty>) => void;
  /** Group history plus the caller's own private messages, for late joiners and reconnects. */
  'chat:history': (payload: In<typeof chatHistorySchema>, ack: AckCallback<ChatHistory>) => void;
  /** Therapist: allow (or stop) private messages between patients. Pushes `chat:settingsChanged`. */
  'chat:setPatientPrivateChat': (payload: In<typeof chatSetPatientPrivateSchema>, ack: AckCallback<{ patientPrivateChatAllowed: boolean }>) => void;

  // --- Turn-taking (see turns.ts). Every change pushes `turn:stateChanged`. --
  /** The full floor state, for late joiners and reconnects. */
  'turn:state': (payload: In<typeof turnSessionSchema>, ack: AckCallback<FloorView>) => void;
  /** Join the end of the hand queue (keeps your place if already in it). */
  'turn:raiseHand': (payload: In<typeof turnSessionSchema>, ack: AckCallback<FloorView>) => void;
  /** Leave the queue; a therapist may pass `userId` to lower someone else's hand. */
  'turn:lowerHand': (payload: In<typeof turnLowerHandSchema>, ack: AckCallback<FloorView>) => void;
  /** Therapist: give the floor to someone present (leaves the queue if they were in it). */
  'turn:grant': (payload: In<typeof turnGrantSchema>, ack: AckCallback<FloorView>) => void;
  /** Therapist: give the floor to the first in the queue (in a go-around: the next in the round). */
  'turn:grantNext': (payload: In<typeof turnSessionSchema>, ack: AckCallback<FloorView>) => void;
  /** The holder gives the floor back (in a go-around: done speaking, the round moves on); a therapist takes it back. */
  'turn:release': (payload: In<typeof turnSessionSchema>, ack: AckCallback<FloorView>) => void;
  /** Therapist: talking-stick mode on/off (only the holder's and therapists' mics are live). */
  'turn:setTalkingStick': (payload: In<typeof turnTalkingStickSchema>, ack: AckCallback<FloorView>) => void;
  /** Therapist: minutes per turn (1–10) or null for none; restarts the current turn's countdown. */
  'turn:setTimer': (payload: In<typeof turnTimerSchema>, ack: AckCallback<FloorView>) => void;
  /** Therapist: start a go-around over the patients present, in roster order (by display name). */
  'turn:startGoAround': (payload: In<typeof turnSessionSchema>, ack: AckCallback<FloorView>) => void;
  /** Therapist: stop the current go-around early. */
  'turn:stopGoAround': (payload: In<typeof turnSessionSchema>, ack: AckCallback<FloorView>) => void;
  /** The current go-around speaker passes (a therapist may pass for them). */
  'turn:pass': (payload: In<typeof turnSessionSchema>, ack: AckCallback<FloorView>) => void;

  // --- Check-ins (see checkins.ts) -----------------------------------------
  /** Therapist: open a check-in. Pushes `checkin:opened` to everyone in the room. */
  'checkin:open': (payload: In<typeof checkinSessionSchema>, ack: AckCallback<CheckinInfo>) => void;
  /** Patient: answer (or change the answer to) the open check-in. Only therapists receive `checkin:answered`. */
  'checkin:submit': (payload: In<typeof checkinSubmitSchema>, ack: AckCallback<{ submittedAt: string }>) => void;
  /** Therapist: close the check-in. Pushes `checkin:closed`. */
  'checkin:close': (payload: In<typeof checkinRefSchema>, ack: AckCallback<CheckinInfo>) => void;
  /** The open check-in, the caller's own answer (patients) or all answers with trends (therapists). */
  'checkin:state': (payload: In<typeof checkinSessionSchema>, ack: AckCallback<CheckinState>) => void;

  // --- Crisis (see crisis.ts) ----------------------------------------------
  /** Patient: "I need help now". Reaches only the session's therapists (`crisis:raised`). Repeats while unacknowledged answer the same alert. */
  'crisis:raise': (payload: In<typeof crisisSessionSchema>, ack: AckCallback<{ alertId: string; raisedAt: string }>) => void;
  /** Therapist: "I have it". Therapists get `crisis:updated`; the patient `crisis:acknowledged`. */
  'crisis:acknowledge': (payload: In<typeof crisisAlertRefSchema>, ack: AckCallback<CrisisAlertView>) => void;
  /** Therapist: move a patient (with therapists) into a private side room. */
  'crisis:moveToSideRoom': (payload: In<typeof crisisMoveSchema>, ack: AckCallback<SideRoomView>) => void;
  /** Therapist: bring a patient's side room back into the group. */
  'crisis:returnToGroup': (payload: In<typeof crisisReturnSchema>, ack: AckCallback<Empty>) => void;
  /** Alerts and side rooms as the caller may see them (therapists: all; patients: their own). */
  'crisis:state': (payload: In<typeof crisisSessionSchema>, ack: AckCallback<CrisisState>) => void;
  /** Patient: take back an alert pressed by mistake. Therapists get `crisis:updated` (it stays in their list, marked withdrawn). */
  'crisis:withdraw': (payload: In<typeof crisisWithdrawSchema>, ack: AckCallback<{ alertId: string; withdrawnAt: string }>) => void;
  /** Therapist in a side room: keep hearing the group (or stop). */
  'crisis:listenToGroup': (payload: In<typeof crisisListenSchema>, ack: AckCallback<{ listening: boolean }>) => void;
  /** Therapist: close an alert with an outcome. Therapists get `crisis:updated`; the patient `crisis:resolved`. */
  'crisis:resolve': (payload: In<typeof crisisResolveSchema>, ack: AckCallback<CrisisAlertView>) => void;

  // --- Role-play (see roleplay.ts and ROLEPLAY.md). Every change pushes `roleplay:stateChanged`. --
  /** The exercise (or null), your own role with its instructions, your feedback; therapists also all roles and feedback. */
  'roleplay:state': (payload: In<typeof roleplaySessionSchema>, ack: AckCallback<RoleplayState>) => void;
  /** Therapist: start an exercise from a scenario they may use (one per session at a time). */
  'roleplay:start': (payload: In<typeof roleplayStartSchema>, ack: AckCallback<RoleplayView>) => void;
  /** Therapist: give roles to people in the room (or themselves); everyone else observes. Not while a scene runs. */
  'roleplay:assign': (payload: In<typeof roleplayAssignSchema>, ack: AckCallback<RoleplayView>) => void;
  /** Therapist: start the scene with a countdown (30 s – 30 min). Players are spotlit; observers' mics are held off. A scene after an ended one is a new round. */
  'roleplay:startScene': (payload: In<typeof roleplayStartSceneSchema>, ack: AckCallback<RoleplayView>) => void;
  /** Therapist: pause the countdown (observers stay muted). */
  'roleplay:pauseScene': (payload: In<typeof roleplaySessionSchema>, ack: AckCallback<RoleplayView>) => void;
  /** Therapist: resume a paused scene with the time that was left. */
  'roleplay:resumeScene': (payload: In<typeof roleplaySessionSchema>, ack: AckCallback<RoleplayView>) => void;
  /** Therapist: end the scene now (it also ends by itself at zero); observers' mics come back as they were. */
  'roleplay:endScene': (payload: In<typeof roleplaySessionSchema>, ack: AckCallback<RoleplayView>) => void;
  /** Therapist: swap two roles' players, or rotate everyone one role on; replay with `roleplay:startScene`. */
  'roleplay:swapRoles': (payload: In<typeof roleplaySwapSchema>, ack: AckCallback<RoleplayView>) => void;
  /** Therapist: split people into pairs/trios, each in its own sub-room playing the same scenario. */
  'roleplay:startBreakouts': (payload: In<typeof roleplayBreakoutsSchema>, ack: AckCallback<RoleplayView>) => void;
  /** Therapist: drop into a sub-room (see and hear only it), or with null back to the main room. */
  'roleplay:joinBreakout': (payload: In<typeof roleplayJoinBreakoutSchema>, ack: AckCallback<RoleplayView>) => void;
  /** Therapist: close every sub-room; everyone is back in the main room. */
  'roleplay:returnEveryone': (payload: In<typeof roleplaySessionSchema>, ack: AckCallback<RoleplayView>) => void;
  /** Observer: the checklist and a note for one player this round (again to change it). */
  'roleplay:submitFeedback': (payload: In<typeof roleplayFeedbackSchema>, ack: AckCallback<FeedbackView>) => void;
  /** Therapist: show the aggregated, anonymous checklist of this round on everyone's screen. */
  'roleplay:showDebrief': (payload: In<typeof roleplayDebriefSchema>, ack: AckCallback<DebriefView>) => void;
  /** Therapist: end the exercise (scene, spotlight and sub-rooms end with it). */
  'roleplay:end': (payload: In<typeof roleplaySessionSchema>, ack: AckCallback<Empty>) => void;

  // --- Screen sharing (see screenshare.ts). Every change pushes `screen:stateChanged`. --
  /** Who shares and who may; admitted members. */
  'screen:state': (payload: In<typeof screenSessionSchema>, ack: AckCallback<ScreenShareView>) => void;
  /** Claim the share (then produce source `screen`); a therapist takes over from anyone, others get `screen_busy`. */
  'screen:start': (payload: In<typeof screenSessionSchema>, ack: AckCallback<ScreenShareView>) => void;
  /** Stop your share; a therapist may stop someone else's. */
  'screen:stop': (payload: In<typeof screenStopSchema>, ack: AckCallback<ScreenShareView>) => void;
  /** Therapist: let a participant share, or take that back. */
  'screen:allow': (payload: In<typeof screenAllowSchema>, ack: AckCallback<ScreenShareView>) => void;
}

/** Events the server pushes; names are past tense. */
export interface ServerToClientEvents {
  /** The server is closing this connection (logged off, protocol mismatch…). */
  'system:disconnected': (payload: { reason: string }) => void;
  /** This server process is going away (SIGTERM): reconnect by yourself; you go back where you were. */
  'system:restarting': (payload: ServerRestarting) => void;

  /** Therapists: the lobby changed. */
  'lobby:updated': (payload: { sessionId: string; waiting: LobbyEntry[] }) => void;
  /** A waiting patient was admitted: here is the room. */
  /**
   * A waiting patient was admitted: here is the room, and (media prepared in
   * the lobby) the consumers to set up now, all in one answer so the browser
   * negotiates them at once.
   */
  'room:admitted': (payload: { sessionId: string; room: RoomSnapshot; consumers?: ConsumerInfo[] }) => void;
  'room:participantJoined': (payload: { sessionId: string; participant: ParticipantView }) => void;
  'room:participantUpdated': (payload: { sessionId: string; participant: ParticipantView }) => void;
  'room:participantLeft': (payload: { sessionId: string; userId: string }) => void;
  'room:activeSpeakerChanged': (payload: { sessionId: string; userId: string | null }) => void;
  /** Someone in the room reacted (the sender hears it too). */
  'room:reaction': (payload: ReactionPush) => void;
  /** A therapist turned reactions on or off. */
  'room:reactionsAllowedChanged': (payload: { sessionId: string; allowed: boolean }) => void;
  /** To a patient whose microphone a therapist's mute all turned off: who, and whether they may unmute. */
  'moderation:mutedByTherapist': (payload: MutedByTherapistPush) => void;
  /** You were sent back to the lobby by a therapist. */
  'room:removed': (payload: { sessionId: string; reason: string }) => void;
  /** The therapist ended the session. */
  'room:ended': (payload: { sessionId: string }) => void;

  'media:consumerCreated': (payload: { sessionId: string; consumer: ConsumerInfo }) => void;
  'media:consumerClosed': (payload: { sessionId: string; consumerId: string }) => void;
  'media:consumerPaused': (payload: { sessionId: string; consumerId: string; paused: boolean }) => void;
  /** The sender only: the highest layer of their camera anyone watches now (encode nothing above it). */
  'media:producerMaxLayerChanged': (payload: ProducerMaxLayerChanged) => void;

  /** Everyone the message is for: the room (group), or sender and recipient (private). */
  'chat:messageSent': (payload: { sessionId: string; message: ChatMessage }) => void;
  /** A therapist deleted a message; everyone who received it drops it. */
  'chat:messageDeleted': (payload: { sessionId: string; messageId: string }) => void;
  /** Everyone in the room: patient ↔ patient private messages allowed or not. */
  'chat:settingsChanged': (payload: { sessionId: string; patientPrivateChatAllowed: boolean }) => void;

  /** Everyone in the room: the whole floor after any change (queue, holder, stick, timer, go-around). */
  'turn:stateChanged': (payload: FloorView) => void;
  /** Everyone in the room: a go-around finished (or was stopped). */
  'turn:goAroundEnded': (payload: { sessionId: string; spoken: string[]; passed: string[] }) => void;

  /** Everyone in the room: a check-in opened. */
  'checkin:opened': (payload: { sessionId: string; checkin: CheckinInfo }) => void;
  /** Therapists only: a patient answered (or changed their answer). */
  'checkin:answered': (payload: { sessionId: string; answer: CheckinAnswerView }) => void;
  /** Everyone in the room: the check-in closed. */
  'checkin:closed': (payload: { sessionId: string; checkin: CheckinInfo }) => void;

  /** Therapists only: a patient needs help now (with location and callback number). */
  'crisis:raised': (payload: { sessionId: string; alert: CrisisAlertView }) => void;
  /** Therapists only: an alert changed (acknowledged). */
  'crisis:updated': (payload: { sessionId: string; alert: CrisisAlertView }) => void;
  /** The patient who raised it: a therapist has seen the alert. */
  'crisis:acknowledged': (payload: { sessionId: string; alertId: string; acknowledgedAt: string; acknowledgedByName?: string }) => void;
  /** To the patient: a therapist closed their alert. */
  'crisis:resolved': (payload: CrisisResolvedPush) => void;
  /** To the main room: the only therapists stepped into side rooms (or one is back). */
  'crisis:therapistAway': (payload: TherapistAwayPush) => void;
  /** Therapists and the patient concerned: a side room opened (`sideRoom`) or closed (null). */
  'crisis:sideRoomChanged': (payload: { sessionId: string; patientUserId: string; sideRoom: SideRoomView | null }) => void;

  /** Everyone in the room: the whole exercise after any change (no instructions); `exercise: null` when it ended. */
  'roleplay:stateChanged': (payload: { sessionId: string; exercise: RoleplayView | null }) => void;
  /** One player only (all their tabs): the role they now play, with its instructions, or null. */
  'roleplay:yourRole': (payload: YourRole) => void;
  /** Everyone in the room: the therapist put the debrief on screen. */
  'roleplay:debriefShown': (payload: { sessionId: string; debrief: DebriefView }) => void;

  /** Everyone in the room (and whoever just entered): who shares now and who may. */
  'screen:stateChanged': (payload: ScreenShareView) => void;
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
  /** A family guest's socket: the one session it may act in (see GUEST_SOCKET_EVENTS). */
  scopeSessionId?: string;
}

/**
 * What a family guest's socket may ask: be in the room, send and receive
 * media, see (and, if allowed, give) a screen share, read and write the group
 * chat (only what was said since they were admitted; no private messages) —
 * always for their own session. Turns, check-ins, crisis, role-play and every
 * therapist event are refused on the server.
 */
export const GUEST_SOCKET_EVENTS: readonly (keyof ClientToServerEvents)[] = [
  'system:ping',
  'room:join',
  'room:leave',
  'media:setRtpCapabilities',
  'media:createTransport',
  'media:connectTransport',
  'media:restartIce',
  'media:produce',
  'media:resumeConsumer',
  'media:setPreferredLayers',
  'media:setSelf',
  'media:capabilities',
  'media:prepare',
  'media:warm',
  'media:setConsumerVisible',
  'screen:state',
  'screen:start',
  'screen:stop',
  'chat:history',
  'chat:send',
  'room:react',
];
