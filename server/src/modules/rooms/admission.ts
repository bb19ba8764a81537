import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { types } from 'mediasoup';
import type { JoinResult, MediaWarmed, RoomJoinRequest } from '@hearth/protocol';
import { MediaService } from '../media/media.service';
import { Notifier } from '../realtime/notifier';
import { AttendanceRecorder } from './attendance-recorder';
import { SessionEnding } from './entities/session-ending.entity';
import { LiveStateStore } from './live-state/live-state.store';
import { LiveRooms, type LiveRoom } from './live-rooms';

/** A pre-join page's warm receive transport closes if its user has not entered by then. */
export const WARM_PEER_TTL_MS = 10 * 60_000;
import { MediaPolicy } from './media-policy';
import { Presence } from './presence';
import { RoomPushes } from './room-pushes';
import { RoomError, RoomErrorCode } from './rooms.error';
import { SafetyCheckRecorder } from './safety-check-recorder';
import { SessionDirectory } from './session-directory';
import { SessionHosting } from './session-hosting';
import { SessionMedia } from './session-media';

/**
 * The way in and out of a live session's room: joining (join window,
 * safety check, the lobby), admission by a therapist, leaving, removal back
 * to the lobby, and the end of the session. Attendance segments open on
 * entering and close on every way out.
 */
@Injectable()
export class Admission {
  constructor(
    private readonly directory: SessionDirectory,
    private readonly rooms: LiveRooms,
    private readonly media: MediaService,
    private readonly sessionMedia: SessionMedia,
    private readonly policy: MediaPolicy,
    private readonly presence: Presence,
    private readonly hosting: SessionHosting,
    private readonly pushes: RoomPushes,
    private readonly notifier: Notifier,
    private readonly safetyChecks: SafetyCheckRecorder,
    private readonly attendance: AttendanceRecorder,
    private readonly liveState: LiveStateStore,
    @InjectRepository(SessionEnding) private readonly endings: Repository<SessionEnding>,
  ) {}

  async join(userId: string, socketId: string, req: RoomJoinRequest, now: Date): Promise<JoinResult> {
    const ctx = await this.directory.getJoinContext(req.sessionId, userId, now);
    if (!ctx) throw new RoomError(RoomErrorCode.SessionNotFound, 'That session does not exist.');
    if (ctx.role === 'none') throw new RoomError(RoomErrorCode.NotAParticipant, 'You are not part of this session.');
    const existing = this.rooms.get(req.sessionId);
    if (existing?.live.isEnded || (!existing && (await this.endings.exist({ where: { sessionId: req.sessionId } })))) {
      throw new RoomError(RoomErrorCode.SessionEnded, 'This session has ended.');
    }
    if (!ctx.joinWindowOpen) {
      throw new RoomError(RoomErrorCode.JoinWindowClosed, 'This session is not open to join right now.');
    }
    if (this.hosting.clustered) await this.hosting.hostHere(req.sessionId);
    // The same socket asking again (a retry, a flood): answer where it is, record and push nothing.
    const again = existing?.sockets.get(userId) === socketId ? existing.live.member(userId) : undefined;
    if (existing && again?.connected && again.state === 'admitted') {
      return { status: 'admitted', session: ctx.session, room: await this.sessionMedia.snapshot(existing, userId) };
    }
    if (existing && again?.state === 'waiting') {
      return { status: 'waiting', session: ctx.session, position: existing.live.lobbyPosition(userId) };
    }
    if (ctx.role === 'patient') await this.safetyChecks.record(req, userId, ctx.guest === true);

    const entry = this.rooms.open(req.sessionId, ctx.session);
    const previousSocket = entry.sockets.get(userId);
    entry.sockets.set(userId, socketId);
    this.presence.clearGrace(entry, userId);
    const outcome = entry.live.arrive({ userId, displayName: ctx.displayName, role: ctx.role }, now);
    this.liveState.changed(req.sessionId);

    if (outcome.status === 'waiting') {
      this.notifier.leaveSession(userId, req.sessionId);
      this.pushes.lobby(entry);
      const room = await this.sessionMedia.wireMediaRoom(req.sessionId);
      const media = req.media ? await this.prepareMedia(userId, req.sessionId, req.media.rtpCapabilities as types.RtpCapabilities, req.media.send, { socketId, transportId: req.media.warm }) : undefined;
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
    const media = req.media ? await this.prepareMedia(userId, req.sessionId, req.media.rtpCapabilities as types.RtpCapabilities, req.media.send, { socketId, transportId: req.media.warm }) : undefined;
    return { status: 'admitted', session: ctx.session, room: await this.sessionMedia.snapshot(entry, userId), ...(media ? { media } : {}) };
  }

  async admit(userId: string, sessionId: string, userIds: string[] | 'all', now: Date): Promise<string[]> {
    const entry = this.rooms.moderated(userId, sessionId);
    const admitted = entry.live.admit(userIds);
    this.liveState.changed(sessionId);
    for (const id of admitted) {
      this.applyLobbyMedia(entry, id);
      await this.enterRoom(entry, id, now);
      const consumers = await this.policy.startPreparedMedia(entry, id);
      this.notifier.toUser(id, 'room:admitted', { sessionId, room: await this.sessionMedia.snapshot(entry, id), ...(consumers.length ? { consumers } : {}) });
    }
    this.pushes.lobby(entry);
    return admitted;
  }

  async leave(userId: string, sessionId: string, now: Date): Promise<void> {
    const entry = this.rooms.get(sessionId);
    if (!entry) return;
    // A pre-join page closed: its warm transport goes.
    this.presence.dropWarm(sessionId, userId);
    const wasIn = entry.live.isAdmitted(userId);
    const m = entry.live.leave(userId);
    this.liveState.changed(sessionId);
    entry.sockets.delete(userId);
    this.presence.clearGrace(entry, userId);
    this.notifier.leaveSession(userId, sessionId);
    if (!m) return;
    this.media.getRoom(sessionId)?.removePeer(userId);
    if (wasIn) {
      await this.attendance.close(sessionId, userId, now, 'left');
      this.notifier.toSession(sessionId, {}, 'room:participantLeft', { sessionId, userId });
      await this.presence.gone(entry, userId);
    } else {
      this.pushes.lobby(entry);
    }
  }

  async end(userId: string, sessionId: string, now: Date): Promise<void> {
    const entry = this.rooms.moderated(userId, sessionId);
    const waiting = entry.live.waiting().map((m) => m.userId);
    const present = entry.live.end();
    this.hosting.ended(sessionId);
    await this.endings.upsert({ sessionId, endedAt: now, endedBy: userId }, ['sessionId']);
    this.presence.clearAllGrace(entry);
    this.notifier.toSession(sessionId, {}, 'room:ended', { sessionId });
    for (const id of waiting) this.notifier.toUser(id, 'room:ended', { sessionId });
    for (const m of present) {
      this.notifier.leaveSession(m.userId, sessionId);
      await this.attendance.close(sessionId, m.userId, now, 'ended');
    }
    this.media.closeRoom(sessionId);
    entry.rules.clear();
    this.presence.emit({ kind: 'ended', sessionId, endedBy: userId });
  }

  /** A therapist moves someone back to the waiting room. */
  async remove(userId: string, sessionId: string, targetId: string, now: Date): Promise<void> {
    const entry = this.rooms.moderated(userId, sessionId);
    entry.live.remove(targetId, now);
    this.liveState.changed(sessionId);
    this.media.getRoom(sessionId)?.removePeer(targetId);
    this.notifier.leaveSession(targetId, sessionId);
    await this.attendance.close(sessionId, targetId, now, 'removed');
    this.notifier.toUser(targetId, 'room:removed', { sessionId, reason: 'The therapist moved you back to the waiting room.' });
    this.notifier.toSession(sessionId, {}, 'room:participantLeft', { sessionId, userId: targetId });
    this.pushes.lobby(entry);
    await this.presence.gone(entry, targetId);
  }

  /**
   * Transports and consumers for an admitted or waiting member (waiting ones
   * consume nothing until admitted). `warm`: the receive transport this
   * socket warmed on the pre-join page, kept if it is still there.
   */
  async prepareMedia(userId: string, sessionId: string, caps: types.RtpCapabilities, send: boolean, warm?: { socketId: string; transportId?: string }) {
    const entry = this.rooms.admittedOrWaiting(userId, sessionId);
    const room = await this.sessionMedia.wireMediaRoom(sessionId);
    const warmed = this.rooms.takeWarm(entry, userId);
    const keep = warmed && warm?.transportId === warmed.recv.id && warm.socketId === warmed.socketId ? warmed.recv : undefined;
    return this.policy.prepareMedia(entry, room, userId, caps, send, keep);
  }

  /**
   * The pre-join page: a receive transport for `userId` that connects now
   * (ICE, DTLS), kept for this socket's `room:join`; with the page's Device
   * capabilities, it carries prepared consumers (paused, anonymous: see
   * MediaPolicy.prepareAhead) that the join resumes. Only
   * for someone who may join now, in a room that is live on this node, who
   * is not already in it from another tab; otherwise `recv: null`.
   */
  async warm(userId: string, socketId: string, sessionId: string, now: Date, caps?: types.RtpCapabilities): Promise<MediaWarmed> {
    const ctx = await this.directory.getJoinContext(sessionId, userId, now);
    if (!ctx) throw new RoomError(RoomErrorCode.SessionNotFound, 'That session does not exist.');
    if (ctx.role === 'none') throw new RoomError(RoomErrorCode.NotAParticipant, 'You are not part of this session.');
    const entry = this.rooms.get(sessionId);
    const room = this.media.getRoom(sessionId);
    const cold = { recv: null };
    if (!ctx.joinWindowOpen || !entry || entry.live.isEnded || !room || room.isClosed || !this.hosting.hostsHere(sessionId)) return cold;
    const member = entry.live.member(userId);
    if (member?.connected && entry.sockets.has(userId)) return cold;
    this.rooms.takeWarm(entry, userId);
    if (room.hasPeer(userId)) room.removePeer(userId);
    const recv = await room.createTransport(userId, 'recv', { warm: true });
    const expiry = setTimeout(() => this.presence.dropWarm(sessionId, userId, { transportId: recv.id }), WARM_PEER_TTL_MS).unref();
    entry.warmPeers.set(userId, { socketId, recv, expiry });
    if (!caps) return { recv };
    // The streams in the room now, set up paused and anonymous: the join only resumes them.
    room.setRtpCapabilities(userId, caps);
    return { recv, prepared: await this.policy.prepareAhead(entry, room, userId) };
  }

  private async enterRoom(entry: LiveRoom, userId: string, now: Date): Promise<void> {
    const sessionId = entry.live.sessionId;
    const m = entry.live.member(userId);
    if (!m) return;
    await this.sessionMedia.wireMediaRoom(sessionId);
    this.notifier.enterSession(userId, sessionId, m.role === 'therapist');
    await this.attendance.open(sessionId, userId, now);
    entry.rules.entered(entry.live, userId);
    this.notifier.toSession(sessionId, { except: [userId] }, 'room:participantJoined', {
      sessionId,
      participant: entry.rules.view(entry.live, m),
    });
    this.presence.emit({ kind: 'entered', sessionId, userId });
  }

  /** A patient admitted with media prepared in the lobby: mic/camera as they asked (mic gates allowing). */
  private applyLobbyMedia(entry: LiveRoom, userId: string): void {
    const wants = entry.lobbyMedia.get(userId);
    entry.lobbyMedia.delete(userId);
    if (!wants) return;
    const m = entry.live.member(userId);
    for (const source of ['mic', 'camera'] as const) {
      const on = wants[source];
      if (on !== undefined && !(source === 'mic' && on && m?.micLocked)) entry.live.setMedia(userId, source, on);
    }
  }
}
