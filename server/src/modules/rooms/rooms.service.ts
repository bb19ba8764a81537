import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { types } from 'mediasoup';
import type {
  ConsumerInfo,
  JoinResult,
  MediaPrepared,
  MediaSource,
  ParticipantView,
  RoomJoinRequest,
  RoomRole,
  RoomSnapshot,
  SelfSource,
  SessionInfo,
  TransportInfo,
} from '@hearth/protocol';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { MediaService } from '../media/media.service';
import type { MediaRoom } from '../media/media-room';
import { Notifier } from '../realtime/notifier';
import { z } from 'zod';
import { AttendanceRecorder } from './attendance-recorder';
import { LiveSession, liveSessionSnapshotSchema, type Member } from './domain/live-session';
import { SessionLeases } from '../cluster/session-leases';
import { LiveStateStore } from './live-state/live-state.store';
import { SafetyCheckRecord } from './entities/safety-check.entity';
import { SessionEnding } from './entities/session-ending.entity';
import { RoomError, RoomErrorCode } from './rooms.error';
import { SessionDirectory } from './session-directory';

/** The room's share of a session's persisted live state. */
const roomPartSchema = z.object({
  info: z.object({ id: z.string(), title: z.string(), kind: z.custom<SessionInfo['kind']>((v) => typeof v === 'string'), startsAt: z.string(), endsAt: z.string() }),
  live: liveSessionSnapshotSchema,
});
type RoomPart = z.infer<typeof roomPartSchema>;

interface Live {
  live: LiveSession;
  info: SessionInfo;
  /** The socket each member's room lives on (a newer tab takes over). */
  sockets: Map<string, string>;
  graceTimers: Map<string, NodeJS.Timeout>;
  /** Features' rules for whose microphone may be live (talking stick, role-play spotlight); a mic is live only if every gate allows it. */
  micGates: Map<MicGateName, MicGate>;
  /** Members whose microphone the gates hold off now (to push only changes). */
  gatedOut: Set<string>;
  /** Members in a media partition, per layer: userId → partition. Absent from every layer: the main room. */
  partitions: Map<PartitionLayer, Map<string, string>>;
  /** What waiting patients who prepared their media want on once admitted (their producers stay paused at the SFU until then). */
  lobbyMedia: Map<string, Partial<Record<MediaSource, boolean>>>;
}

/** Whether a member's microphone may be live; therapists' rules come from the feature (e.g. turns). */
export type MicGate = (userId: string, role: RoomRole) => boolean;
/** Who sets a gate: the floor (talking stick) or the role-play spotlight. Gates compose: all must allow. */
export type MicGateName = 'floor' | 'spotlight';
/**
 * Partition layers, strongest first: a crisis side room wins over a role-play
 * sub-room (someone moved to a side room from a breakout sees only the side
 * room, and goes back to their sub-room when it closes).
 */
export type PartitionLayer = 'side-room' | 'breakout';
const PARTITION_LAYERS: PartitionLayer[] = ['side-room', 'breakout'];

/**
 * Whether a member may send a source beyond mic and camera (the screen share):
 * the feature that owns the source decides; without a policy it is refused.
 */
export type ProducePolicy = (sessionId: string, userId: string) => boolean;

/** Presence changes other features follow (turns drop someone who left, side rooms close…). */
export type PresenceEvent =
  | { kind: 'entered' | 'disconnected' | 'left'; sessionId: string; userId: string }
  | { kind: 'ended'; sessionId: string; endedBy: string };

/**
 * Live session lifecycle: lobby, admission, presence, reconnect grace,
 * moderation, and the therapy-side rules of who receives whose media.
 * mediasoup work goes through MediaService; pushes through the Notifier.
 */
@Injectable()
export class RoomsService implements OnModuleDestroy {
  private readonly logger = new Logger('Rooms');
  private readonly sessions = new Map<string, Live>();
  private readonly presenceListeners = new Set<(e: PresenceEvent) => void>();
  private readonly producePolicies = new Map<MediaSource, ProducePolicy>();

  constructor(
    private readonly directory: SessionDirectory,
    private readonly media: MediaService,
    private readonly notifier: Notifier,
    @InjectRepository(SafetyCheckRecord) private readonly safetyChecks: Repository<SafetyCheckRecord>,
    @InjectRepository(SessionEnding) private readonly endings: Repository<SessionEnding>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly attendanceRecorder: AttendanceRecorder,
    private readonly liveState: LiveStateStore,
    private readonly leases: SessionLeases,
  ) {
    liveState.register({
      key: 'room',
      order: 0,
      schema: roomPartSchema,
      capture: (sessionId) => {
        const entry = this.sessions.get(sessionId);
        return entry ? { info: entry.info, live: entry.live.toSnapshot() } : undefined;
      },
      restore: (sessionId, state, now) => this.restoreSession(sessionId, state, now),
    });
  }

  // -------------------------------------------------------------------------
  // Joining, the lobby and leaving
  // -------------------------------------------------------------------------

  async join(userId: string, socketId: string, req: RoomJoinRequest, now = new Date()): Promise<JoinResult> {
    const ctx = await this.directory.getJoinContext(req.sessionId, userId, now);
    if (!ctx) throw new RoomError(RoomErrorCode.SessionNotFound, 'That session does not exist.');
    if (ctx.role === 'none') throw new RoomError(RoomErrorCode.NotAParticipant, 'You are not part of this session.');
    const existing = this.sessions.get(req.sessionId);
    if (existing?.live.isEnded || (!existing && (await this.endings.exist({ where: { sessionId: req.sessionId } })))) {
      throw new RoomError(RoomErrorCode.SessionEnded, 'This session has ended.');
    }
    if (!ctx.joinWindowOpen) {
      throw new RoomError(RoomErrorCode.JoinWindowClosed, 'This session is not open to join right now.');
    }
    if (this.leases.enabled) await this.hostHere(req.sessionId);
    // The same socket asking again (a retry, a flood): answer where it is, record and push nothing.
    const again = existing?.sockets.get(userId) === socketId ? existing.live.member(userId) : undefined;
    if (existing && again?.connected && again.state === 'admitted') {
      return { status: 'admitted', session: ctx.session, room: await this.snapshot(existing, userId) };
    }
    if (existing && again?.state === 'waiting') {
      return { status: 'waiting', session: ctx.session, position: existing.live.lobbyPosition(userId) };
    }
    if (ctx.role === 'patient') await this.recordSafetyCheck(req, userId, ctx.guest === true);

    const entry = this.liveFor(req.sessionId, ctx.session);
    const previousSocket = entry.sockets.get(userId);
    entry.sockets.set(userId, socketId);
    this.clearGrace(entry, userId);
    const outcome = entry.live.arrive({ userId, displayName: ctx.displayName, role: ctx.role }, now);
    this.liveState.changed(req.sessionId);

    if (outcome.status === 'waiting') {
      this.notifier.leaveSession(userId, req.sessionId);
      this.pushLobby(entry);
      const room = await this.wireMediaRoom(req.sessionId);
      const media = req.media ? await this.prepareMedia(userId, req.sessionId, req.media.rtpCapabilities as types.RtpCapabilities, req.media.send) : undefined;
      return {
        status: 'waiting',
        session: ctx.session,
        position: outcome.position,
        routerRtpCapabilities: { ...room.rtpCapabilities },
        ...(media ? { media } : {}),
      };
    }
    // A new socket for someone already in: their old media is stale.
    if (previousSocket && previousSocket !== socketId) this.media.getRoom(req.sessionId)?.removePeer(userId);
    await this.enterRoom(entry, userId, now);
    // Asked with the join: transports and consumers in this same answer.
    const media = req.media ? await this.prepareMedia(userId, req.sessionId, req.media.rtpCapabilities as types.RtpCapabilities, req.media.send) : undefined;
    return { status: 'admitted', session: ctx.session, room: await this.snapshot(entry, userId), ...(media ? { media } : {}) };
  }

  async admit(userId: string, sessionId: string, userIds: string[] | 'all', now = new Date()): Promise<string[]> {
    const entry = this.moderated(userId, sessionId);
    const admitted = entry.live.admit(userIds);
    this.liveState.changed(sessionId);
    for (const id of admitted) {
      this.applyLobbyMedia(entry, id);
      await this.enterRoom(entry, id, now);
      this.notifier.toUser(id, 'room:admitted', { sessionId, room: await this.snapshot(entry, id) });
      await this.startPreparedMedia(entry, id);
    }
    this.pushLobby(entry);
    return admitted;
  }

  async leave(userId: string, sessionId: string, now = new Date()): Promise<void> {
    const entry = this.sessions.get(sessionId);
    if (!entry) return;
    const wasIn = entry.live.isAdmitted(userId);
    const m = entry.live.leave(userId);
    this.liveState.changed(sessionId);
    entry.sockets.delete(userId);
    this.clearGrace(entry, userId);
    this.notifier.leaveSession(userId, sessionId);
    if (!m) return;
    this.media.getRoom(sessionId)?.removePeer(userId);
    if (wasIn) {
      await this.closeSegment(sessionId, userId, now, 'left');
      this.notifier.toSession(sessionId, {}, 'room:participantLeft', { sessionId, userId });
      await this.gone(entry, userId);
    } else {
      this.pushLobby(entry);
    }
  }

  async end(userId: string, sessionId: string, now = new Date()): Promise<void> {
    const entry = this.moderated(userId, sessionId);
    const waiting = entry.live.waiting().map((m) => m.userId);
    const present = entry.live.end();
    this.liveState.forget(sessionId);
    void this.liveState.flush().then(() => this.leases.release(sessionId));
    await this.endings.upsert({ sessionId, endedAt: now, endedBy: userId }, ['sessionId']);
    for (const timer of entry.graceTimers.values()) clearTimeout(timer);
    entry.graceTimers.clear();
    this.notifier.toSession(sessionId, {}, 'room:ended', { sessionId });
    for (const id of waiting) this.notifier.toUser(id, 'room:ended', { sessionId });
    for (const m of present) {
      this.notifier.leaveSession(m.userId, sessionId);
      await this.closeSegment(sessionId, m.userId, now, 'ended');
    }
    this.media.closeRoom(sessionId);
    entry.micGates.clear();
    entry.partitions.clear();
    this.emitPresence({ kind: 'ended', sessionId, endedBy: userId });
  }

  /** A socket closed. Admitted members keep their place for the grace period. */
  async disconnected(userId: string, socketId: string, now = new Date()): Promise<void> {
    for (const [sessionId, entry] of this.sessions) {
      if (entry.sockets.get(userId) !== socketId) continue;
      entry.sockets.delete(userId);
      const wasIn = entry.live.isAdmitted(userId);
      const m = entry.live.disconnect(userId, now);
      if (!m) continue;
      this.liveState.changed(sessionId);
      this.media.getRoom(sessionId)?.removePeer(userId);
      if (!wasIn) {
        this.pushLobby(entry);
        continue;
      }
      await this.closeSegment(sessionId, userId, now, 'disconnected');
      this.notifier.toSession(sessionId, { except: [userId] }, 'room:participantUpdated', {
        sessionId,
        participant: this.viewOf(entry, m),
      });
      this.emitPresence({ kind: 'disconnected', sessionId, userId });
      const graceMs = this.config.RECONNECT_GRACE_SECONDS * 1000;
      entry.graceTimers.set(
        userId,
        setTimeout(() => void this.expireGrace(sessionId, graceMs), graceMs).unref(),
      );
    }
  }

  // -------------------------------------------------------------------------
  // Moderation (therapists of the session only)
  // -------------------------------------------------------------------------

  async mute(userId: string, sessionId: string, targetId: string, locked = true): Promise<void> {
    const entry = this.moderated(userId, sessionId);
    const m = entry.live.lockMic(targetId, locked);
    this.liveState.changed(sessionId);
    if (locked) await this.media.getRoom(sessionId)?.setProducerPaused(targetId, 'mic', true);
    this.pushParticipant(entry, m);
  }

  /**
   * A therapist turned someone's microphone off without locking it (mute all,
   * see mute-all.ts): off at the SFU and for everyone; the owner may turn it on again.
   */
  async turnMicOff(userId: string, sessionId: string, targetId: string): Promise<void> {
    const entry = this.moderated(userId, sessionId);
    const m = entry.live.setMedia(targetId, 'mic', false);
    await this.media.getRoom(sessionId)?.setProducerPaused(targetId, 'mic', true);
    this.pushParticipant(entry, m);
  }

  async remove(userId: string, sessionId: string, targetId: string, now = new Date()): Promise<void> {
    const entry = this.moderated(userId, sessionId);
    entry.live.remove(targetId, now);
    this.liveState.changed(sessionId);
    this.media.getRoom(sessionId)?.removePeer(targetId);
    this.notifier.leaveSession(targetId, sessionId);
    await this.closeSegment(sessionId, targetId, now, 'removed');
    this.notifier.toUser(targetId, 'room:removed', { sessionId, reason: 'The therapist moved you back to the waiting room.' });
    this.notifier.toSession(sessionId, {}, 'room:participantLeft', { sessionId, userId: targetId });
    this.pushLobby(entry);
    await this.gone(entry, targetId);
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
    const { entry, room } = await this.inRoomOrLobby(userId, sessionId);
    if (room.hasPeer(userId)) room.removePeer(userId);
    entry.lobbyMedia.delete(userId);
    const [recvInfo, sendInfo] = await Promise.all([
      room.createTransport(userId, 'recv'),
      send ? room.createTransport(userId, 'send') : Promise.resolve(null),
    ]);
    room.setRtpCapabilities(userId, caps);
    const consumers: ConsumerInfo[] = [];
    for (const producer of room.producersExcept(userId)) {
      if (!this.canReceive(entry, userId, producer.appData.peerId)) continue;
      try {
        consumers.push(await room.consume(userId, producer.id));
      } catch (e) {
        this.logger.warn(`consume skipped: ${e instanceof Error ? e.message : 'unknown'}`);
      }
    }
    return { recv: recvInfo, send: sendInfo, consumers };
  }

  /** The router RTP capabilities every room shares, for loading a Device before joining. */
  async routerCapabilities(): Promise<Record<string, unknown>> {
    return { ...(await this.media.routerRtpCapabilities()) };
  }

  async connectTransport(userId: string, sessionId: string, transportId: string, dtls: types.DtlsParameters): Promise<void> {
    const { room } = await this.inRoomOrLobby(userId, sessionId);
    await room.connectTransport(userId, transportId, dtls);
  }

  async restartIce(userId: string, sessionId: string, transportId: string): Promise<types.IceParameters> {
    const { room } = await this.inRoomOrLobby(userId, sessionId);
    return room.restartIce(userId, transportId);
  }

  /** The client can receive: consume everything it may see, and keep doing so for new producers. */
  async setRtpCapabilities(userId: string, sessionId: string, caps: types.RtpCapabilities): Promise<void> {
    const { entry, room } = await this.inRoom(userId, sessionId);
    room.setRtpCapabilities(userId, caps);
    for (const producer of room.producersExcept(userId)) {
      if (this.canReceive(entry, userId, producer.appData.peerId)) await this.consumeFor(room, userId, producer.id);
    }
  }

  async produce(
    userId: string,
    sessionId: string,
    p: { transportId: string; kind: types.MediaKind; source: MediaSource; rtpParameters: types.RtpParameters; paused: boolean },
  ): Promise<{ producerId: string }> {
    const { entry, room } = await this.inRoomOrLobby(userId, sessionId);
    if (p.source !== 'mic' && p.source !== 'camera') {
      // A screen share needs the room: nothing beyond mic and camera is prepared in the lobby.
      if (!entry.live.isAdmitted(userId)) throw new RoomError(RoomErrorCode.NotAdmitted, 'You are not in this session’s room.');
      return this.produceExtra(entry, room, userId, { ...p, source: p.source });
    }
    if (!entry.live.isAdmitted(userId)) {
      // In the lobby: nothing leaves the SFU until admission, which applies what the patient wants.
      const producer = await room.produce(userId, p.transportId, p.kind, p.rtpParameters, p.source, true);
      entry.lobbyMedia.set(userId, { ...entry.lobbyMedia.get(userId), [p.source]: !p.paused });
      return { producerId: producer.id };
    }
    const member = entry.live.member(userId);
    // What the person asked for, and what the floor rules let through at the SFU.
    const wanted = !p.paused && !(p.source === 'mic' && !!member?.micLocked);
    const paused = !wanted || (p.source === 'mic' && !this.micAllowed(entry, userId));
    const producer = await room.produce(userId, p.transportId, p.kind, p.rtpParameters, p.source, paused);
    if (member) {
      entry.live.setMedia(userId, p.source, wanted);
      this.pushParticipant(entry, member);
    }
    for (const peerId of room.peerIds()) {
      if (peerId === userId || !room.peer(peerId).rtpCapabilities) continue;
      if (this.canReceive(entry, peerId, userId)) await this.consumeFor(room, peerId, producer.id);
    }
    return { producerId: producer.id };
  }

  /**
   * A source beyond mic and camera (the screen share): allowed only by its
   * feature's policy, never gated by the floor, received like any media
   * (same partitions: side rooms and breakouts apply).
   */
  private async produceExtra(
    entry: Live,
    room: MediaRoom,
    userId: string,
    p: { transportId: string; kind: types.MediaKind; source: Exclude<MediaSource, SelfSource>; rtpParameters: types.RtpParameters; paused: boolean },
  ): Promise<{ producerId: string }> {
    const policy = this.producePolicies.get(p.source);
    if (!policy || !policy(entry.live.sessionId, userId)) {
      throw new RoomError(RoomErrorCode.SourceNotAllowed, 'Start sharing first; only the person sharing sends a screen.');
    }
    const producer = await room.produce(userId, p.transportId, p.kind, p.rtpParameters, p.source, p.paused);
    for (const peerId of room.peerIds()) {
      if (peerId === userId || !room.peer(peerId).rtpCapabilities) continue;
      if (this.canReceive(entry, peerId, userId)) await this.consumeFor(room, peerId, producer.id);
    }
    return { producerId: producer.id };
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
    const current = entry.live.member(userId);
    if (source === 'mic' && on && current && !current.micLocked && !this.micAllowed(entry, userId)) {
      throw new RoomError(RoomErrorCode.FloorNotHeld, 'Your microphone is held off for now (talking stick or a role-play scene): wait for your turn.');
    }
    const m = entry.live.setMedia(userId, source, on);
    await room.setProducerPaused(userId, source, !on);
    this.pushParticipant(entry, m);
  }

  // -------------------------------------------------------------------------
  // Hooks for facilitation features (turns, crisis). Policy stays in the
  // feature; this applies it to presence and media.
  // -------------------------------------------------------------------------

  /** Lets a feature decide who may send `source` (e.g. the screen share); see ProducePolicy. */
  setProducePolicy(source: Exclude<MediaSource, SelfSource>, policy: ProducePolicy): void {
    this.producePolicies.set(source, policy);
  }

  /** Stops a member's producer of `source` at the SFU; everyone's consumers of it close (and are told). */
  closeProducer(sessionId: string, userId: string, source: MediaSource): void {
    this.media.getRoom(sessionId)?.closeProducer(userId, source);
  }

  /** Calls `listener` on every presence change in any session; returns the unsubscribe. */
  onPresence(listener: (e: PresenceEvent) => void): () => void {
    this.presenceListeners.add(listener);
    return () => this.presenceListeners.delete(listener);
  }

  /** The caller, admitted to a live session's room (throws `not_admitted` otherwise). */
  requireAdmitted(userId: string, sessionId: string): Member {
    const entry = this.sessions.get(sessionId);
    const m = entry?.live.member(userId);
    if (!entry || !m || m.state !== 'admitted' || entry.live.isEnded) {
      throw new RoomError(RoomErrorCode.NotAdmitted, 'You are not in this session’s room.');
    }
    return m;
  }

  /** The caller, a therapist in the session's room (throws `not_moderator` otherwise). */
  requireTherapist(userId: string, sessionId: string): Member {
    const entry = this.moderated(userId, sessionId);
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
    const entry = this.sessions.get(sessionId);
    if (!entry || entry.live.isEnded) return;
    const [name, gate] = typeof nameOrGate === 'string' ? [nameOrGate, maybeGate ?? null] : (['floor', nameOrGate] as const);
    if (gate) entry.micGates.set(name, gate);
    else entry.micGates.delete(name);
    await this.applyMicGates(entry);
  }

  private async applyMicGates(entry: Live): Promise<void> {
    const sessionId = entry.live.sessionId;
    const room = this.media.getRoom(sessionId);
    const changed: Member[] = [];
    for (const m of entry.live.present()) {
      const allowed = this.micAllowed(entry, m.userId);
      if (allowed === entry.gatedOut.has(m.userId)) {
        if (allowed) entry.gatedOut.delete(m.userId);
        else entry.gatedOut.add(m.userId);
        changed.push(m);
      }
      const shouldPause = !(m.micOn && allowed);
      const paused = room?.isProducerPaused(m.userId, 'mic');
      if (room && paused !== undefined && paused !== shouldPause) await room.setProducerPaused(m.userId, 'mic', shouldPause);
    }
    for (const m of changed) this.pushParticipant(entry, m);
  }

  /**
   * Moves members into a media partition (a private side room, or with
   * layer `breakout` a role-play sub-room), or with null out of that layer.
   * People receive media only from others in the same effective partition
   * (the strongest layer they are in; a side room wins): consumers that are
   * no longer allowed close, newly allowed ones are created.
   */
  async setMediaPartition(sessionId: string, userIds: string[], partition: string | null, layer: PartitionLayer = 'side-room'): Promise<void> {
    const entry = this.sessions.get(sessionId);
    if (!entry || entry.live.isEnded) return;
    let map = entry.partitions.get(layer);
    if (!map) entry.partitions.set(layer, (map = new Map()));
    for (const id of userIds) {
      if (partition) map.set(id, partition);
      else map.delete(id);
    }
    await this.reconcileConsumers(entry);
    if (entry.micGates.size > 0) await this.applyMicGates(entry);
  }

  /** The partition a member is in (null: the main room); a side room wins over a sub-room. */
  mediaPartitionOf(sessionId: string, userId: string): string | null {
    const entry = this.sessions.get(sessionId);
    return entry ? this.partitionOf(entry, userId) : null;
  }

  // -------------------------------------------------------------------------
  // Queries for other modules and tests
  // -------------------------------------------------------------------------

  /** Whether this process has the session live (someone opened its room and it has not ended). */
  isLive(sessionId: string): boolean {
    const live = this.sessions.get(sessionId)?.live;
    return !!live && !live.isEnded;
  }

  liveSession(sessionId: string): LiveSession | undefined {
    return this.sessions.get(sessionId)?.live;
  }

  onModuleDestroy(): void {
    for (const entry of this.sessions.values()) for (const t of entry.graceTimers.values()) clearTimeout(t);
  }

  // -------------------------------------------------------------------------

  /** Who receives whose media: everyone admitted sees everyone in the same partition (main room or a side room). */
  private canReceive(entry: Live, viewerId: string, ownerId: string): boolean {
    return (
      viewerId !== ownerId &&
      entry.live.isAdmitted(viewerId) &&
      entry.live.isAdmitted(ownerId) &&
      this.partitionOf(entry, viewerId) === this.partitionOf(entry, ownerId)
    );
  }

  private partitionOf(entry: Live, userId: string): string | null {
    for (const layer of PARTITION_LAYERS) {
      const p = entry.partitions.get(layer)?.get(userId);
      if (p) return `${layer}:${p}`;
    }
    return null;
  }

  private micAllowed(entry: Live, userId: string): boolean {
    if (entry.micGates.size === 0 || this.partitionOf(entry, userId) !== null) return true;
    const m = entry.live.member(userId);
    if (!m) return false;
    for (const gate of entry.micGates.values()) if (!gate(userId, m.role)) return false;
    return true;
  }

  /** A participant as others see them: a microphone the floor rules hold off shows as off and locked. */
  private viewOf(entry: Live, m: Member): ParticipantView {
    const view = entry.live.view(m);
    if (this.micAllowed(entry, m.userId)) return view;
    return { ...view, micOn: false, micLocked: true };
  }

  /** After a partition change: close consumers no longer allowed, create newly allowed ones. */
  private async reconcileConsumers(entry: Live): Promise<void> {
    const room = this.media.getRoom(entry.live.sessionId);
    if (!room) return;
    for (const viewerId of room.peerIds()) {
      const consuming = room.consumersOf(viewerId);
      for (const c of consuming) {
        if (!this.canReceive(entry, viewerId, c.producerPeerId)) room.closeConsumer(viewerId, c.consumerId);
      }
      if (!room.peer(viewerId).rtpCapabilities) continue;
      const have = new Set(consuming.map((c) => c.producerId));
      for (const producer of room.producersExcept(viewerId)) {
        if (have.has(producer.id) || producer.closed) continue;
        if (this.canReceive(entry, viewerId, producer.appData.peerId)) await this.consumeFor(room, viewerId, producer.id);
      }
    }
  }

  private emitPresence(e: PresenceEvent): void {
    for (const l of this.presenceListeners) {
      try {
        l(e);
      } catch (err) {
        this.logger.error(`presence listener failed: ${err instanceof Error ? err.message : 'unknown'}`);
      }
    }
  }

  /** Someone left the room for good (left, removed, grace expired): out of any side room. */
  private async gone(entry: Live, userId: string): Promise<void> {
    entry.gatedOut.delete(userId);
    let moved = false;
    for (const map of entry.partitions.values()) moved = map.delete(userId) || moved;
    if (moved) await this.reconcileConsumers(entry);
    this.emitPresence({ kind: 'left', sessionId: entry.live.sessionId, userId });
  }

  private async consumeFor(room: MediaRoom, viewerId: string, producerId: string): Promise<void> {
    let consumer: ConsumerInfo;
    try {
      consumer = await room.consume(viewerId, producerId);
    } catch (e) {
      // A browser that cannot receive one stream still receives the others.
      this.logger.warn(`consume skipped: ${e instanceof Error ? e.message : 'unknown'}`);
      return;
    }
    this.notifier.toUser(viewerId, 'media:consumerCreated', { sessionId: room.id, consumer });
  }

  /**
   * Cluster: this node hosts the session, or the client is sent to the node
   * that does. Claiming a lease nobody holds (a new session, or its host
   * died and the lease ran out) rebuilds the session from its snapshot.
   */
  private async hostHere(sessionId: string): Promise<void> {
    let placed: { hostNodeId: string; mine: boolean; fresh: boolean };
    try {
      placed = await this.leases.claim(sessionId);
    } catch {
      // Redis is down: keep serving the sessions this node hosts; place no new ones.
      if (this.leases.isHeld(sessionId)) return;
      throw new RoomError(RoomErrorCode.PlacementUnavailable, 'The server cannot place this session right now. Try again in a moment.');
    }
    if (!placed.mine) throw RoomError.elsewhere(placed.hostNodeId);
    if (placed.fresh) {
      // Whatever this node remembered of the session is older than the snapshot.
      const stale = this.sessions.get(sessionId);
      if (stale) {
        for (const t of stale.graceTimers.values()) clearTimeout(t);
        this.sessions.delete(sessionId);
      }
      await this.liveState.restoreSession(sessionId);
    }
  }

  /**
   * After a restart: the session as it was, everyone admitted reconnecting
   * (their grace period starts now). Features restore their own parts next
   * (floor, side rooms…), before any client is back.
   */
  private restoreSession(sessionId: string, state: RoomPart, now: Date): void {
    const entry = this.liveFor(sessionId, state.info);
    entry.live = LiveSession.fromSnapshot(state.live, now);
    const graceMs = this.config.RECONNECT_GRACE_SECONDS * 1000;
    for (const m of entry.live.present()) {
      entry.graceTimers.set(m.userId, setTimeout(() => void this.expireGrace(sessionId, graceMs), graceMs).unref());
    }
  }

  private liveFor(sessionId: string, info: SessionInfo): Live {
    let entry = this.sessions.get(sessionId);
    if (!entry) {
      entry = {
        live: new LiveSession(sessionId),
        info,
        sockets: new Map(),
        graceTimers: new Map(),
        micGates: new Map(),
        gatedOut: new Set(),
        partitions: new Map(),
        lobbyMedia: new Map(),
      };
      this.sessions.set(sessionId, entry);
    }
    return entry;
  }

  private async enterRoom(entry: Live, userId: string, now: Date): Promise<void> {
    const sessionId = entry.live.sessionId;
    const m = entry.live.member(userId);
    if (!m) return;
    await this.wireMediaRoom(sessionId);
    this.notifier.enterSession(userId, sessionId, m.role === 'therapist');
    await this.openSegment(sessionId, userId, now);
    if (!this.micAllowed(entry, userId)) entry.gatedOut.add(userId);
    this.notifier.toSession(sessionId, { except: [userId] }, 'room:participantJoined', {
      sessionId,
      participant: this.viewOf(entry, m),
    });
    this.emitPresence({ kind: 'entered', sessionId, userId });
  }

  /** Media room events become pushes (once per room). */
  private async wireMediaRoom(sessionId: string): Promise<MediaRoom> {
    const existing = this.media.getRoom(sessionId);
    if (existing) return existing;
    const room = await this.media.getOrCreateRoom(sessionId);
    if (room.listenerCount('activeSpeaker') === 0) {
      room.on('activeSpeaker', (userId) => this.pushActiveSpeaker(sessionId, userId));
      room.on('consumerPaused', ({ peerId, consumerId, paused }) =>
        this.notifier.toUser(peerId, 'media:consumerPaused', { sessionId, consumerId, paused }),
      );
      room.on('consumerClosed', ({ peerId, consumerId }) =>
        this.notifier.toUser(peerId, 'media:consumerClosed', { sessionId, consumerId }),
      );
      room.once('closed', () => void this.rebuildMedia(sessionId).catch(() => undefined));
    }
    return room;
  }

  /**
   * The media room closed under a live session (its worker died): build a new
   * one and hand everyone present a fresh snapshot, so their clients
   * reconnect their media without leaving the room.
   */
  private async rebuildMedia(sessionId: string): Promise<void> {
    const entry = this.sessions.get(sessionId);
    if (!entry || entry.live.isEnded || entry.live.present().length === 0) return;
    this.logger.warn('media room closed under a live session; rebuilding it');
    for (const m of entry.live.present()) {
      if (!m.connected) continue;
      this.notifier.toUser(m.userId, 'room:admitted', { sessionId, room: await this.snapshot(entry, m.userId) });
    }
  }

  private async snapshot(entry: Live, userId: string): Promise<RoomSnapshot> {
    const room = await this.wireMediaRoom(entry.live.sessionId);
    const self = entry.live.member(userId);
    const isTherapist = self?.role === 'therapist';
    return {
      selfUserId: userId,
      selfRole: self?.role ?? 'patient',
      participants: entry.live.present().map((m) => this.viewOf(entry, m)),
      activeSpeakerUserId: null,
      ...(isTherapist ? { lobby: entry.live.lobbyView() } : {}),
      routerRtpCapabilities: { ...room.rtpCapabilities },
      mediaPrepared: room.hasPeer(userId) && !!room.peer(userId).rtpCapabilities,
    };
  }

  /** A patient admitted with media prepared in the lobby: mic/camera as they asked (mic gates allowing). */
  private applyLobbyMedia(entry: Live, userId: string): void {
    const wants = entry.lobbyMedia.get(userId);
    entry.lobbyMedia.delete(userId);
    if (!wants) return;
    const m = entry.live.member(userId);
    for (const source of ['mic', 'camera'] as const) {
      const on = wants[source];
      if (on !== undefined && !(source === 'mic' && on && m?.micLocked)) entry.live.setMedia(userId, source, on);
    }
  }

  /**
   * Right after admission: resume the prepared producers at the SFU as the
   * member wants them, then consume in both directions (nothing to create on
   * the client but consumers).
   */
  private async startPreparedMedia(entry: Live, userId: string): Promise<void> {
    const room = this.media.getRoom(entry.live.sessionId);
    const m = entry.live.member(userId);
    if (!room || !m || !room.hasPeer(userId)) return;
    const peer = room.peer(userId);
    if (room.isProducerPaused(userId, 'mic') === true && m.micOn && !m.micLocked && this.micAllowed(entry, userId)) {
      await room.setProducerPaused(userId, 'mic', false);
    }
    if (room.isProducerPaused(userId, 'camera') === true && m.cameraOn) await room.setProducerPaused(userId, 'camera', false);
    // Admitting several at once: someone admitted earlier in the loop may already consume this one.
    const consumes = (viewerId: string, producerId: string) => room.consumersOf(viewerId).some((c) => c.producerId === producerId);
    if (peer.rtpCapabilities) {
      for (const producer of room.producersExcept(userId)) {
        if (!consumes(userId, producer.id) && this.canReceive(entry, userId, producer.appData.peerId)) {
          await this.consumeFor(room, userId, producer.id);
        }
      }
    }
    for (const producer of [...peer.producers.values()]) {
      for (const viewerId of room.peerIds()) {
        if (viewerId === userId || !room.peer(viewerId).rtpCapabilities || consumes(viewerId, producer.id)) continue;
        if (this.canReceive(entry, viewerId, userId)) await this.consumeFor(room, viewerId, producer.id);
      }
    }
  }

  private async inRoom(userId: string, sessionId: string): Promise<{ entry: Live; room: MediaRoom }> {
    const entry = this.sessions.get(sessionId);
    if (!entry || !entry.live.isAdmitted(userId) || entry.live.isEnded) {
      throw new RoomError(RoomErrorCode.NotAdmitted, 'You are not in this session’s room.');
    }
    return { entry, room: await this.wireMediaRoom(sessionId) };
  }

  /** Admitted, or waiting (and connected) in the lobby: enough to prepare media, never to receive it. */
  private async inRoomOrLobby(userId: string, sessionId: string): Promise<{ entry: Live; room: MediaRoom }> {
    const entry = this.sessions.get(sessionId);
    const m = entry?.live.member(userId);
    const waiting = m?.state === 'waiting' && m.connected;
    if (!entry || entry.live.isEnded || !(waiting || entry.live.isAdmitted(userId))) {
      throw new RoomError(RoomErrorCode.NotAdmitted, 'You are not in this session’s room.');
    }
    return { entry, room: await this.wireMediaRoom(sessionId) };
  }

  private moderated(userId: string, sessionId: string): Live {
    const entry = this.sessions.get(sessionId);
    const m = entry?.live.member(userId);
    if (!entry || !m || m.role !== 'therapist' || m.state !== 'admitted') {
      throw new RoomError(RoomErrorCode.NotModerator, 'Only the session’s therapists can do that.');
    }
    if (entry.live.isEnded) throw new RoomError(RoomErrorCode.SessionEnded, 'This session has ended.');
    return entry;
  }

  /** Someone speaking in a side room is news only inside it. */
  private pushActiveSpeaker(sessionId: string, userId: string | null): void {
    const entry = this.sessions.get(sessionId);
    const partition = userId && entry ? this.partitionOf(entry, userId) : null;
    const partitioned = entry ? [...new Set([...entry.partitions.values()].flatMap((m) => [...m.keys()]))] : [];
    if (!entry || !partition) {
      this.notifier.toSession(sessionId, { except: partitioned }, 'room:activeSpeakerChanged', {
        sessionId,
        userId,
      });
      return;
    }
    for (const id of partitioned) {
      if (this.partitionOf(entry, id) === partition) this.notifier.toUser(id, 'room:activeSpeakerChanged', { sessionId, userId });
    }
  }

  private pushLobby(entry: Live): void {
    const sessionId = entry.live.sessionId;
    this.notifier.toTherapists(sessionId, 'lobby:updated', { sessionId, waiting: entry.live.lobbyView() });
  }

  private pushParticipant(entry: Live, m: Member): void {
    const sessionId = entry.live.sessionId;
    this.notifier.toSession(sessionId, {}, 'room:participantUpdated', { sessionId, participant: this.viewOf(entry, m) });
  }

  private clearGrace(entry: Live, userId: string): void {
    const t = entry.graceTimers.get(userId);
    if (t) clearTimeout(t);
    entry.graceTimers.delete(userId);
  }

  private async expireGrace(sessionId: string, graceMs: number): Promise<void> {
    const entry = this.sessions.get(sessionId);
    if (!entry) return;
    for (const m of entry.live.expire(new Date(), graceMs)) {
      this.liveState.changed(sessionId);
      entry.graceTimers.delete(m.userId);
      this.notifier.toSession(sessionId, {}, 'room:participantLeft', { sessionId, userId: m.userId });
      await this.gone(entry, m.userId);
    }
  }

  private async recordSafetyCheck(req: RoomJoinRequest, userId: string, guest = false): Promise<void> {
    // A family guest consents to the group agreement but has no location or callback to give.
    if (guest && req.consent && !req.safety) {
      await this.safetyChecks.insert({
        sessionId: req.sessionId,
        userId,
        location: '',
        callbackNumber: '',
        consentVersion: req.consent.telehealthConsentVersion,
        groupAgreement: req.consent.groupAgreement,
      });
      return;
    }
    if (req.safety && req.consent) {
      await this.safetyChecks.insert({
        sessionId: req.sessionId,
        userId,
        location: req.safety.location,
        callbackNumber: req.safety.callbackNumber,
        consentVersion: req.consent.telehealthConsentVersion,
        groupAgreement: req.consent.groupAgreement,
      });
      return;
    }
    // Rejoining after a dropped connection: the check done earlier in this session stands.
    const done = await this.safetyChecks.exist({ where: { sessionId: req.sessionId, userId } });
    if (done) return;
    if (!req.safety && !guest) {
      throw new RoomError(RoomErrorCode.SafetyCheckRequired, 'Confirm where you are and a callback number before joining.');
    }
    throw new RoomError(RoomErrorCode.ConsentRequired, 'Accept the telehealth consent and the group agreement before joining.');
  }

  private async openSegment(sessionId: string, userId: string, now: Date): Promise<void> {
    await this.attendanceRecorder.open(sessionId, userId, now);
  }

  private async closeSegment(sessionId: string, userId: string, now: Date, reason: string): Promise<void> {
    await this.attendanceRecorder.close(sessionId, userId, now, reason);
  }
}
