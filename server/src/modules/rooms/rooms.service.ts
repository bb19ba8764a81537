import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import type { types } from 'mediasoup';
import type { ConsumerInfo, JoinResult, MediaSource, RoomJoinRequest, RoomSnapshot, SessionInfo, TransportInfo } from '@hearth/protocol';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { MediaService } from '../media/media.service';
import type { MediaRoom } from '../media/media-room';
import { Notifier } from '../realtime/notifier';
import { LiveSession, type Member } from './domain/live-session';
import { AttendanceSegment } from './entities/attendance-segment.entity';
import { SafetyCheckRecord } from './entities/safety-check.entity';
import { SessionEnding } from './entities/session-ending.entity';
import { RoomError, RoomErrorCode } from './rooms.error';
import { SessionDirectory } from './session-directory';

interface Live {
  live: LiveSession;
  info: SessionInfo;
  /** The socket each member's room lives on (a newer tab takes over). */
  sockets: Map<string, string>;
  graceTimers: Map<string, NodeJS.Timeout>;
}

/**
 * Live session lifecycle: lobby, admission, presence, reconnect grace,
 * moderation, and the therapy-side rules of who receives whose media.
 * mediasoup work goes through MediaService; pushes through the Notifier.
 */
@Injectable()
export class RoomsService implements OnModuleDestroy {
  private readonly logger = new Logger('Rooms');
  private readonly sessions = new Map<string, Live>();

  constructor(
    private readonly directory: SessionDirectory,
    private readonly media: MediaService,
    private readonly notifier: Notifier,
    @InjectRepository(AttendanceSegment) private readonly attendance: Repository<AttendanceSegment>,
    @InjectRepository(SafetyCheckRecord) private readonly safetyChecks: Repository<SafetyCheckRecord>,
    @InjectRepository(SessionEnding) private readonly endings: Repository<SessionEnding>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

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
    if (ctx.role === 'patient') await this.recordSafetyCheck(req, userId);

    const entry = this.liveFor(req.sessionId, ctx.session);
    const previousSocket = entry.sockets.get(userId);
    entry.sockets.set(userId, socketId);
    this.clearGrace(entry, userId);
    const outcome = entry.live.arrive({ userId, displayName: ctx.displayName, role: ctx.role }, now);

    if (outcome.status === 'waiting') {
      this.notifier.leaveSession(userId, req.sessionId);
      this.pushLobby(entry);
      return { status: 'waiting', session: ctx.session, position: outcome.position };
    }
    // A new socket for someone already in: their old media is stale.
    if (previousSocket && previousSocket !== socketId) this.media.getRoom(req.sessionId)?.removePeer(userId);
    await this.enterRoom(entry, userId, now);
    return { status: 'admitted', session: ctx.session, room: await this.snapshot(entry, userId) };
  }

  async admit(userId: string, sessionId: string, userIds: string[] | 'all', now = new Date()): Promise<string[]> {
    const entry = this.moderated(userId, sessionId);
    const admitted = entry.live.admit(userIds);
    for (const id of admitted) {
      await this.enterRoom(entry, id, now);
      this.notifier.toUser(id, 'room:admitted', { sessionId, room: await this.snapshot(entry, id) });
    }
    this.pushLobby(entry);
    return admitted;
  }

  async leave(userId: string, sessionId: string, now = new Date()): Promise<void> {
    const entry = this.sessions.get(sessionId);
    if (!entry) return;
    const wasIn = entry.live.isAdmitted(userId);
    const m = entry.live.leave(userId);
    entry.sockets.delete(userId);
    this.clearGrace(entry, userId);
    this.notifier.leaveSession(userId, sessionId);
    if (!m) return;
    this.media.getRoom(sessionId)?.removePeer(userId);
    if (wasIn) {
      await this.closeSegment(sessionId, userId, now, 'left');
      this.notifier.toSession(sessionId, {}, 'room:participantLeft', { sessionId, userId });
    } else {
      this.pushLobby(entry);
    }
  }

  async end(userId: string, sessionId: string, now = new Date()): Promise<void> {
    const entry = this.moderated(userId, sessionId);
    const waiting = entry.live.waiting().map((m) => m.userId);
    const present = entry.live.end();
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
  }

  /** A socket closed. Admitted members keep their place for the grace period. */
  async disconnected(userId: string, socketId: string, now = new Date()): Promise<void> {
    for (const [sessionId, entry] of this.sessions) {
      if (entry.sockets.get(userId) !== socketId) continue;
      entry.sockets.delete(userId);
      const wasIn = entry.live.isAdmitted(userId);
      const m = entry.live.disconnect(userId, now);
      if (!m) continue;
      this.media.getRoom(sessionId)?.removePeer(userId);
      if (!wasIn) {
        this.pushLobby(entry);
        continue;
      }
      await this.closeSegment(sessionId, userId, now, 'disconnected');
      this.notifier.toSession(sessionId, { except: [userId] }, 'room:participantUpdated', {
        sessionId,
        participant: entry.live.view(m),
      });
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
    if (locked) await this.media.getRoom(sessionId)?.setProducerPaused(targetId, 'mic', true);
    this.pushParticipant(entry, m);
  }

  async remove(userId: string, sessionId: string, targetId: string, now = new Date()): Promise<void> {
    const entry = this.moderated(userId, sessionId);
    entry.live.remove(targetId, now);
    this.media.getRoom(sessionId)?.removePeer(targetId);
    this.notifier.leaveSession(targetId, sessionId);
    await this.closeSegment(sessionId, targetId, now, 'removed');
    this.notifier.toUser(targetId, 'room:removed', { sessionId, reason: 'The therapist moved you back to the waiting room.' });
    this.notifier.toSession(sessionId, {}, 'room:participantLeft', { sessionId, userId: targetId });
    this.pushLobby(entry);
  }

  // -------------------------------------------------------------------------
  // Media (admitted members only)
  // -------------------------------------------------------------------------

  async createTransport(userId: string, sessionId: string, direction: 'send' | 'recv'): Promise<TransportInfo> {
    const { room } = await this.inRoom(userId, sessionId);
    return room.createTransport(userId, direction);
  }

  async connectTransport(userId: string, sessionId: string, transportId: string, dtls: types.DtlsParameters): Promise<void> {
    const { room } = await this.inRoom(userId, sessionId);
    await room.connectTransport(userId, transportId, dtls);
  }

  async restartIce(userId: string, sessionId: string, transportId: string): Promise<types.IceParameters> {
    const { room } = await this.inRoom(userId, sessionId);
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
    const { entry, room } = await this.inRoom(userId, sessionId);
    const member = entry.live.member(userId);
    const paused = p.paused || (p.source === 'mic' && !!member?.micLocked);
    const producer = await room.produce(userId, p.transportId, p.kind, p.rtpParameters, p.source, paused);
    if (member) {
      entry.live.setMedia(userId, p.source, !paused);
      this.pushParticipant(entry, member);
    }
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

  /** Own mic/camera on or off; the SFU pauses the producer too, so "off" is off for everyone. */
  async setSelf(userId: string, sessionId: string, source: MediaSource, on: boolean): Promise<void> {
    const { entry, room } = await this.inRoom(userId, sessionId);
    const m = entry.live.setMedia(userId, source, on);
    await room.setProducerPaused(userId, source, !on);
    this.pushParticipant(entry, m);
  }

  // -------------------------------------------------------------------------
  // Queries for other modules and tests
  // -------------------------------------------------------------------------

  liveSession(sessionId: string): LiveSession | undefined {
    return this.sessions.get(sessionId)?.live;
  }

  onModuleDestroy(): void {
    for (const entry of this.sessions.values()) for (const t of entry.graceTimers.values()) clearTimeout(t);
  }

  // -------------------------------------------------------------------------

  /** Who receives whose media. Everyone admitted sees everyone, for now. */
  private canReceive(entry: Live, viewerId: string, ownerId: string): boolean {
    return viewerId !== ownerId && entry.live.isAdmitted(viewerId) && entry.live.isAdmitted(ownerId);
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

  private liveFor(sessionId: string, info: SessionInfo): Live {
    let entry = this.sessions.get(sessionId);
    if (!entry) {
      entry = { live: new LiveSession(sessionId), info, sockets: new Map(), graceTimers: new Map() };
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
    this.notifier.toSession(sessionId, { except: [userId] }, 'room:participantJoined', {
      sessionId,
      participant: entry.live.view(m),
    });
  }

  /** Media room events become pushes (once per room). */
  private async wireMediaRoom(sessionId: string): Promise<MediaRoom> {
    const existing = this.media.getRoom(sessionId);
    if (existing) return existing;
    const room = await this.media.getOrCreateRoom(sessionId);
    if (room.listenerCount('activeSpeaker') === 0) {
      room.on('activeSpeaker', (userId) =>
        this.notifier.toSession(sessionId, {}, 'room:activeSpeakerChanged', { sessionId, userId }),
      );
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
      participants: entry.live.participantsView(),
      activeSpeakerUserId: null,
      ...(isTherapist ? { lobby: entry.live.lobbyView() } : {}),
      routerRtpCapabilities: { ...room.rtpCapabilities },
    };
  }

  private async inRoom(userId: string, sessionId: string): Promise<{ entry: Live; room: MediaRoom }> {
    const entry = this.sessions.get(sessionId);
    if (!entry || !entry.live.isAdmitted(userId) || entry.live.isEnded) {
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

  private pushLobby(entry: Live): void {
    const sessionId = entry.live.sessionId;
    this.notifier.toTherapists(sessionId, 'lobby:updated', { sessionId, waiting: entry.live.lobbyView() });
  }

  private pushParticipant(entry: Live, m: Member): void {
    const sessionId = entry.live.sessionId;
    this.notifier.toSession(sessionId, {}, 'room:participantUpdated', { sessionId, participant: entry.live.view(m) });
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
      entry.graceTimers.delete(m.userId);
      this.notifier.toSession(sessionId, {}, 'room:participantLeft', { sessionId, userId: m.userId });
    }
  }

  private async recordSafetyCheck(req: RoomJoinRequest, userId: string): Promise<void> {
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
    if (!req.safety) {
      throw new RoomError(RoomErrorCode.SafetyCheckRequired, 'Confirm where you are and a callback number before joining.');
    }
    throw new RoomError(RoomErrorCode.ConsentRequired, 'Accept the telehealth consent and the group agreement before joining.');
  }

  private async openSegment(sessionId: string, userId: string, now: Date): Promise<void> {
    const open = await this.attendance.exist({ where: { sessionId, userId, leftAt: IsNull() } });
    if (!open) await this.attendance.insert({ sessionId, userId, joinedAt: now, leftAt: null, endReason: null });
  }

  private async closeSegment(sessionId: string, userId: string, now: Date, reason: string): Promise<void> {
    await this.attendance.update({ sessionId, userId, leftAt: IsNull() }, { leftAt: now, endReason: reason });
  }
}
