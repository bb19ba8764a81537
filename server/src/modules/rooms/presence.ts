import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { MediaService } from '../media/media.service';
import { Notifier } from '../realtime/notifier';
import { AttendanceRecorder } from './attendance-recorder';
import { LiveStateStore } from './live-state/live-state.store';
import { LiveRooms, type LiveRoom } from './live-rooms';
import { MediaPolicy } from './media-policy';
import { RoomPushes } from './room-pushes';

/** Presence changes other features follow (turns drop someone who left, side rooms close…). */
export type PresenceEvent =
  | { kind: 'entered' | 'disconnected' | 'left'; sessionId: string; userId: string }
  | { kind: 'ended'; sessionId: string; endedBy: string };

/**
 * Presence and reconnect grace: a dropped socket keeps an admitted member's
 * place for RECONNECT_GRACE_SECONDS; when it runs out they have left.
 * Features follow presence through `onPresence`.
 */
@Injectable()
export class Presence implements OnModuleDestroy {
  private readonly logger = new Logger('Rooms');
  private readonly listeners = new Set<(e: PresenceEvent) => void>();

  constructor(
    private readonly rooms: LiveRooms,
    private readonly media: MediaService,
    private readonly notifier: Notifier,
    private readonly pushes: RoomPushes,
    private readonly policy: MediaPolicy,
    private readonly liveState: LiveStateStore,
    private readonly attendance: AttendanceRecorder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Calls `listener` on every presence change in any session; returns the unsubscribe. */
  onPresence(listener: (e: PresenceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: PresenceEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.logger.error(`presence listener failed: ${err instanceof Error ? err.message : 'unknown'}`);
      }
    }
  }

  /**
   * A pre-join page's warm transport goes (the page closed or was left, or it
   * expired): its record leaves the room and its media peer closes, unless its
   * user is in the room on it. `only`: just the record of that socket, or of
   * that transport.
   */
  dropWarm(sessionId: string, userId: string, only: { socketId?: string; transportId?: string } = {}): void {
    const entry = this.rooms.get(sessionId);
    const warmed = entry?.warmPeers.get(userId);
    if (!entry || !warmed) return;
    if ((only.socketId && warmed.socketId !== only.socketId) || (only.transportId && warmed.recv.id !== only.transportId)) return;
    this.rooms.takeWarm(entry, userId);
    if (!entry.live.member(userId)?.connected) this.media.getRoom(sessionId)?.removePeer(userId);
  }

  /** A socket closed. Admitted members keep their place for the grace period. */
  async disconnected(userId: string, socketId: string, now: Date): Promise<void> {
    for (const [sessionId, entry] of this.rooms.entries()) {
      // A pre-join page closed: its warm transport goes with it.
      this.dropWarm(sessionId, userId, { socketId });
      if (entry.sockets.get(userId) !== socketId) continue;
      entry.sockets.delete(userId);
      const wasIn = entry.live.isAdmitted(userId);
      const m = entry.live.disconnect(userId, now);
      if (!m) continue;
      this.liveState.changed(sessionId);
      this.media.getRoom(sessionId)?.removePeer(userId);
      if (!wasIn) {
        this.pushes.lobby(entry);
        continue;
      }
      await this.attendance.close(sessionId, userId, now, 'disconnected');
      this.notifier.toSession(sessionId, { except: [userId] }, 'room:participantUpdated', {
        sessionId,
        participant: entry.rules.view(entry.live, m),
      });
      this.emit({ kind: 'disconnected', sessionId, userId });
      this.startGrace(entry, userId);
    }
  }

  /** `userId`'s place is kept for the grace period from now. */
  startGrace(entry: LiveRoom, userId: string): void {
    const sessionId = entry.live.sessionId;
    const graceMs = this.config.RECONNECT_GRACE_SECONDS * 1000;
    entry.graceTimers.set(userId, setTimeout(() => void this.expireGrace(sessionId, graceMs), graceMs).unref());
  }

  clearGrace(entry: LiveRoom, userId: string): void {
    const t = entry.graceTimers.get(userId);
    if (t) clearTimeout(t);
    entry.graceTimers.delete(userId);
  }

  clearAllGrace(entry: LiveRoom): void {
    for (const timer of entry.graceTimers.values()) clearTimeout(timer);
    entry.graceTimers.clear();
  }

  /** Someone left the room for good (left, removed, grace expired): out of any side room, and features are told. */
  async gone(entry: LiveRoom, userId: string): Promise<void> {
    await this.policy.forget(entry, userId);
    this.emit({ kind: 'left', sessionId: entry.live.sessionId, userId });
  }

  private async expireGrace(sessionId: string, graceMs: number): Promise<void> {
    const entry = this.rooms.get(sessionId);
    if (!entry) return;
    for (const m of entry.live.expire(new Date(), graceMs)) {
      this.liveState.changed(sessionId);
      entry.graceTimers.delete(m.userId);
      this.notifier.toSession(sessionId, {}, 'room:participantLeft', { sessionId, userId: m.userId });
      await this.gone(entry, m.userId);
    }
  }

  onModuleDestroy(): void {
    for (const entry of this.rooms.all()) for (const t of entry.graceTimers.values()) clearTimeout(t);
  }
}
