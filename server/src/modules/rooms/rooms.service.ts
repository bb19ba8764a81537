import { Injectable } from '@nestjs/common';
import type { types } from 'mediasoup';
import type { JoinResult, MediaPrepared, MediaSource, MediaWarmed, Reaction, RoomJoinRequest, SelfSource, TransportInfo } from '@hearth/protocol';
import { Notifier } from '../realtime/notifier';
import { MediaService } from '../media/media.service';
import type { MediaRoom } from '../media/media-room';
import { Admission } from './admission';
import type { LiveSession, Member } from './domain/live-session';
import type { MicGate, MicGateName, PartitionLayer } from './domain/media-rules';
import { LiveStateStore } from './live-state/live-state.store';
import { LiveRooms, type LiveRoom } from './live-rooms';
import { MediaPolicy, type ProducePolicy } from './media-policy';
import { Presence, type PresenceEvent } from './presence';
import { SessionMedia } from './session-media';

export type { MicGate, MicGateName, PartitionLayer, ReceiveRule } from './domain/media-rules';
import type { ReceiveRule } from './domain/media-rules';
import { RoomError, RoomErrorCode } from './rooms.error';
export { partitionLayer } from './domain/media-rules';
export type { ProducePolicy } from './media-policy';
export type { PresenceEvent } from './presence';

/**
 * The live room's one entry point for gateways and features. It checks who
 * may act and hands the work to the room's collaborators:
 * - Admission: joining, the lobby, admission, leaving, removal, the end;
 * - Presence: sockets, reconnect grace, presence events;
 * - MediaPolicy (+ domain/MediaRules): who hears and sees whom;
 * - SessionMedia: the mediasoup room, its pushes and the room snapshot;
 * - SessionHosting: the cluster lease and restore from a snapshot;
 * - AttendanceRecorder, SafetyCheckRecorder: what is written down.
 */
@Injectable()
export class RoomsService {
  constructor(
    private readonly rooms: LiveRooms,
    private readonly admission: Admission,
    private readonly presence: Presence,
    private readonly policy: MediaPolicy,
    private readonly sessionMedia: SessionMedia,
    private readonly media: MediaService,
    private readonly liveState: LiveStateStore,
    private readonly notifier: Notifier,
  ) {}

  // -------------------------------------------------------------------------
  // Joining, the lobby and leaving
  // -------------------------------------------------------------------------

  async join(userId: string, socketId: string, req: RoomJoinRequest, now = new Date()): Promise<JoinResult> {
    return this.admission.join(userId, socketId, req, now);
  }

  async admit(userId: string, sessionId: string, userIds: string[] | 'all', now = new Date()): Promise<string[]> {
    return this.admission.admit(userId, sessionId, userIds, now);
  }

  async leave(userId: string, sessionId: string, now = new Date()): Promise<void> {
    return this.admission.leave(userId, sessionId, now);
  }

  async end(userId: string, sessionId: string, now = new Date()): Promise<void> {
    return this.admission.end(userId, sessionId, now);
  }

  /** A socket closed. Admitted members keep their place for the grace period. */
  async disconnected(userId: string, socketId: string, now = new Date()): Promise<void> {
    return this.presence.disconnected(userId, socketId, now);
  }

  // -------------------------------------------------------------------------
  // Moderation (therapists of the session only)
  // -------------------------------------------------------------------------

  /**
   * A silent reaction from someone in the room, to everyone in it (the sender too, whose own
   * tile shows it). Nothing is stored or logged: it lasts as long as the tiles show it.
   */
  react(userId: string, sessionId: string, reaction: Reaction, now = new Date()): void {
    this.requireAdmitted(userId, sessionId);
    if (!this.rooms.get(sessionId)?.live.reactionsAllowed) {
      throw new RoomError(RoomErrorCode.ReactionsOff, 'The therapist has turned reactions off for now.');
    }
    this.notifier.toSession(sessionId, {}, 'room:reaction', { sessionId, userId, reaction, at: now.toISOString() });
  }

  /** Therapist: reactions on or off for everyone in the session (kept across a restart, like the room). */
  setReactionsAllowed(userId: string, sessionId: string, allowed: boolean): { allowed: boolean } {
    const entry = this.rooms.moderated(userId, sessionId);
    entry.live.setReactionsAllowed(allowed);
    this.liveState.changed(sessionId);
    this.notifier.toSession(sessionId, {}, 'room:reactionsAllowedChanged', { sessionId, allowed });
    return { allowed };
  }

  async mute(userId: string, sessionId: string, targetId: string, locked = true): Promise<void> {
    const entry = this.rooms.moderated(userId, sessionId);
    const m = entry.live.lockMic(targetId, locked);
    this.liveState.changed(sessionId);
    await this.policy.applyMicLock(entry, m);
  }

  /**
   * A therapist turned someone's microphone off without locking it (mute all,
   * see mute-all.ts): off at the SFU and for everyone; the owner may turn it on again.
   */
  async turnMicOff(userId: string, sessionId: string, targetId: string): Promise<void> {
    const entry = this.rooms.moderated(userId, sessionId);
    const m = entry.live.setMedia(targetId, 'mic', false);
    this.liveState.changed(sessionId);
    await this.policy.applyMicOff(entry, m);
  }

  async remove(userId: string, sessionId: string, targetId: string, now = new Date()): Promise<void> {
    return this.admission.remove(userId, sessionId, targetId, now);
  }

  // -------------------------------------------------------------------------
  // Media (admitted members only)
  // -------------------------------------------------------------------------

  async createTransport(userId: string, sessionId: string, direction: 'send' | 'recv'): Promise<TransportInfo> {
    const { room } = await this.inRoom(userId, sessionId);
    return room.createTransport(userId, direction);
  }

  /**
   * Both transports at once and a consumer for everything the caller may see
   * now, in one answer. Waiting patients may prepare too (they consume nothing
   * until admitted); a repeated prepare replaces the caller's earlier media.
   */
  async prepareMedia(userId: string, sessionId: string, caps: types.RtpCapabilities, send: boolean): Promise<MediaPrepared> {
    return this.admission.prepareMedia(userId, sessionId, caps, send);
  }

  /** The pre-join page: a receive transport that connects before the user enters (see Admission.warm). */
  async warmMedia(userId: string, socketId: string, sessionId: string, caps?: types.RtpCapabilities, now = new Date()): Promise<MediaWarmed> {
    return this.admission.warm(userId, socketId, sessionId, now, caps);
  }

  /** The router RTP capabilities every room shares, for loading a Device before joining. */
  async routerCapabilities(): Promise<Record<string, unknown>> {
    return { ...(await this.media.routerRtpCapabilities()) };
  }

  async connectTransport(userId: string, sessionId: string, transportId: string, dtls: types.DtlsParameters): Promise<void> {
    const room = await this.transportOwner(userId, sessionId, transportId);
    await room.connectTransport(userId, transportId, dtls);
  }

  async restartIce(userId: string, sessionId: string, transportId: string): Promise<types.IceParameters> {
    const room = await this.transportOwner(userId, sessionId, transportId);
    return room.restartIce(userId, transportId);
  }

  /** In the room or its lobby — or on the pre-join page, for the receive transport warmed there. */
  private async transportOwner(userId: string, sessionId: string, transportId: string): Promise<MediaRoom> {
    const warm = this.rooms.get(sessionId)?.warmPeers.get(userId);
    const room = this.media.getRoom(sessionId);
    if (warm?.recv.id === transportId && room) return room;
    return (await this.inRoomOrLobby(userId, sessionId)).room;
  }

  /** The client can receive: consume everything it may see, and keep doing so for new producers. */
  async setRtpCapabilities(userId: string, sessionId: string, caps: types.RtpCapabilities): Promise<void> {
    const { entry, room } = await this.inRoom(userId, sessionId);
    room.setRtpCapabilities(userId, caps);
    await this.policy.consumeAllowed(entry, room, userId);
  }

  async produce(
    userId: string,
    sessionId: string,
    p: { transportId: string; kind: types.MediaKind; source: MediaSource; rtpParameters: types.RtpParameters; paused: boolean },
  ): Promise<{ producerId: string }> {
    const { entry, room } = await this.inRoomOrLobby(userId, sessionId);
    return this.policy.produce(entry, room, userId, p);
  }

  async resumeConsumer(userId: string, sessionId: string, consumerId: string): Promise<void> {
    const { room } = await this.inRoom(userId, sessionId);
    await room.resumeConsumer(userId, consumerId);
  }

  async setPreferredLayers(userId: string, sessionId: string, consumerId: string, spatialLayer: number): Promise<void> {
    const { room } = await this.inRoom(userId, sessionId);
    await room.setPreferredLayers(userId, consumerId, spatialLayer);
  }

  /** Forward only what is seen: the caller's own video consumer paused while its tile is off screen. */
  async setConsumerVisible(userId: string, sessionId: string, consumerId: string, visible: boolean): Promise<void> {
    const { room } = await this.inRoom(userId, sessionId);
    await room.setConsumerVisible(userId, consumerId, visible);
  }

  /** Own mic/camera on or off; the SFU pauses the producer too, so "off" is off for everyone. */
  async setSelf(userId: string, sessionId: string, source: SelfSource, on: boolean): Promise<void> {
    const { entry, room } = await this.inRoom(userId, sessionId);
    await this.policy.setSelf(entry, room, userId, source, on);
  }

  // -------------------------------------------------------------------------
  // Hooks for facilitation features (turns, crisis). Policy stays in the
  // feature; this applies it to presence and media.
  // -------------------------------------------------------------------------

  /** Lets a feature decide who may send `source` (e.g. the screen share); see ProducePolicy. */
  setProducePolicy(source: Exclude<MediaSource, SelfSource>, policy: ProducePolicy): void {
    this.policy.setProducePolicy(source, policy);
  }

  /** Lets a feature open an exception to "same partition only" (see ReceiveRule). */
  addReceiveRule(rule: ReceiveRule): void {
    this.policy.addReceiveRule(rule);
  }

  /** A feature's receive rule changed its answer: close and open consumers to match. */
  async refreshMedia(sessionId: string): Promise<void> {
    const entry = this.rooms.get(sessionId);
    if (entry && !entry.live.isEnded) await this.policy.refreshMedia(entry);
  }

  /** Cluster hand-over (SessionHandover): the sockets of everyone in the session here (room and lobby), to tell them to reconnect. */
  socketsOf(sessionId: string): string[] {
    return [...(this.rooms.get(sessionId)?.sockets.values() ?? [])];
  }

  /** Stops a member's producer of `source` at the SFU; everyone's consumers of it close (and are told). */
  closeProducer(sessionId: string, userId: string, source: MediaSource): void {
    this.media.getRoom(sessionId)?.closeProducer(userId, source);
  }

  /** Calls `listener` on every presence change in any session; returns the unsubscribe. */
  onPresence(listener: (e: PresenceEvent) => void): () => void {
    return this.presence.onPresence(listener);
  }

  /** The caller, admitted to a live session's room (throws `not_admitted` otherwise). */
  requireAdmitted(userId: string, sessionId: string): Member {
    return this.rooms.admittedMember(userId, sessionId);
  }

  /** The caller, a therapist in the session's room (throws `not_moderator` otherwise). */
  requireTherapist(userId: string, sessionId: string): Member {
    const entry = this.rooms.moderated(userId, sessionId);
    return entry.live.member(userId)!;
  }

  /**
   * Sets (or with null lifts) a named rule for whose microphone may be live,
   * and applies all rules now: gated microphones pause at the SFU, allowed
   * ones resume if their owner has them on (so a mic comes back as it was).
   * Call again whenever the rule's answer changes (a new floor holder).
   * A microphone is live only if every gate allows it; members in a side
   * room or a sub-room are never gated. Without a name the gate is the floor's.
   */
  async setMicGate(sessionId: string, gate: MicGate | null): Promise<void>;
  async setMicGate(sessionId: string, name: MicGateName, gate: MicGate | null): Promise<void>;
  async setMicGate(sessionId: string, nameOrGate: MicGateName | MicGate | null, maybeGate?: MicGate | null): Promise<void> {
    const entry = this.rooms.get(sessionId);
    if (!entry || entry.live.isEnded) return;
    const [name, gate] = typeof nameOrGate === 'string' ? [nameOrGate, maybeGate ?? null] : (['floor', nameOrGate] as const);
    await this.policy.setMicGate(entry, name, gate);
  }

  /**
   * Moves members into a media partition (a private side room, or with
   * layer `breakout` a role-play sub-room), or with null out of that layer.
   * People receive media only from others in the same effective partition
   * (the strongest layer they are in; a side room wins): consumers that are
   * no longer allowed close, newly allowed ones are created.
   */
  async setMediaPartition(sessionId: string, userIds: string[], partition: string | null, layer: PartitionLayer = 'side-room'): Promise<void> {
    const entry = this.rooms.get(sessionId);
    if (!entry || entry.live.isEnded) return;
    await this.policy.setMediaPartition(entry, userIds, partition, layer);
  }

  /** The partition a member is in (null: the main room); a side room wins over a sub-room. */
  mediaPartitionOf(sessionId: string, userId: string): string | null {
    return this.rooms.get(sessionId)?.rules.partitionOf(userId) ?? null;
  }

  // -------------------------------------------------------------------------
  // Queries for other modules and tests
  // -------------------------------------------------------------------------

  /** Whether this process has the session live (someone opened its room and it has not ended). */
  isLive(sessionId: string): boolean {
    const live = this.rooms.get(sessionId)?.live;
    return !!live && !live.isEnded;
  }

  liveSession(sessionId: string): LiveSession | undefined {
    return this.rooms.get(sessionId)?.live;
  }

  // -------------------------------------------------------------------------

  private async inRoom(userId: string, sessionId: string): Promise<{ entry: LiveRoom; room: MediaRoom }> {
    const entry = this.rooms.admitted(userId, sessionId);
    return { entry, room: await this.sessionMedia.wireMediaRoom(sessionId) };
  }

  /** Admitted, or waiting (and connected) in the lobby: enough to prepare media, never to receive it. */
  private async inRoomOrLobby(userId: string, sessionId: string): Promise<{ entry: LiveRoom; room: MediaRoom }> {
    const entry = this.rooms.admittedOrWaiting(userId, sessionId);
    return { entry, room: await this.sessionMedia.wireMediaRoom(sessionId) };
  }
}
