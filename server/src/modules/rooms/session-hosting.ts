import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { SessionInfo } from '@hearth/protocol';
import { SessionLeases } from '../cluster/session-leases';
import { MediaService } from '../media/media.service';
import { LiveSession, liveSessionSnapshotSchema } from './domain/live-session';
import { LiveStateStore } from './live-state/live-state.store';
import { LiveRooms } from './live-rooms';
import { Presence } from './presence';
import { RoomError, RoomErrorCode } from './rooms.error';

/** The room's share of a session's persisted live state. */
const roomPartSchema = z.object({
  info: z.object({ id: z.string(), title: z.string(), kind: z.custom<SessionInfo['kind']>((v) => typeof v === 'string'), startsAt: z.string(), endsAt: z.string() }),
  live: liveSessionSnapshotSchema,
});
type RoomPart = z.infer<typeof roomPartSchema>;

/**
 * Where a live session is hosted and how it comes back: the room's part of
 * the persisted live state, the cluster lease (this node hosts the session
 * or names the node that does), and the rebuild from a snapshot.
 */
@Injectable()
export class SessionHosting {
  constructor(
    private readonly rooms: LiveRooms,
    private readonly liveState: LiveStateStore,
    private readonly leases: SessionLeases,
    private readonly presence: Presence,
    private readonly media: MediaService,
  ) {
    liveState.register({
      key: 'room',
      order: 0,
      schema: roomPartSchema,
      capture: (sessionId) => {
        const entry = this.rooms.get(sessionId);
        return entry ? { info: entry.info, live: entry.live.toSnapshot() } : undefined;
      },
      restore: (sessionId, state, now) => this.restoreSession(sessionId, state, now),
      drop: (sessionId) => this.dropHosted(sessionId),
    });
  }

  /** Whether sessions are placed through leases (a cluster). */
  get clustered(): boolean {
    return this.leases.enabled;
  }

  /** Whether this node hosts the session now (always, outside a cluster). */
  hostsHere(sessionId: string): boolean {
    return !this.clustered || this.leases.isHeld(sessionId);
  }

  /**
   * Cluster: this node hosts the session, or the client is sent to the node
   * that does. Claiming a lease nobody holds (a new session, or its host
   * died and the lease ran out) rebuilds the session from its snapshot.
   */
  async hostHere(sessionId: string): Promise<void> {
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
      this.rooms.drop(sessionId);
      await this.liveState.restoreSession(sessionId);
    }
  }

  /**
   * Another node hosts the session now (this node lost or released its lease,
   * see SessionHandover): forget it here without ending it — no pushes, no
   * attendance, no presence events — and close its media room (routers, transports).
   */
  private dropHosted(sessionId: string): void {
    if (!this.rooms.get(sessionId)) return;
    this.rooms.drop(sessionId);
    this.media.closeRoom(sessionId);
  }

  /** The session ended: its live state is forgotten and, once flushed, its lease released. */
  ended(sessionId: string): void {
    this.liveState.forget(sessionId);
    void this.liveState.flush().then(() => this.leases.release(sessionId));
  }

  /**
   * After a restart: the session as it was, everyone admitted reconnecting
   * (their grace period starts now). Features restore their own parts next
   * (floor, side rooms…), before any client is back.
   */
  private restoreSession(sessionId: string, state: RoomPart, now: Date): void {
    const entry = this.rooms.open(sessionId, state.info);
    entry.live = LiveSession.fromSnapshot(state.live, now);
    for (const m of entry.live.present()) this.presence.startGrace(entry, m.userId);
  }
}
