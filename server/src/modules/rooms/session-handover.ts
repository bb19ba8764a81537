import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SessionLeases } from '../cluster/session-leases';
import { Notifier } from '../realtime/notifier';
import { AttendanceRecorder } from './attendance-recorder';
import { LiveStateStore } from './live-state/live-state.store';
import { RoomsService } from './rooms.service';

const MOVED = 'This session moved to another server. Reconnecting…';

/**
 * A node that stops hosting a session, in a cluster (REDIS_URL):
 *
 * - **Stale host**: its lease was found taken (another node claimed it after
 *   this one stalled, or Redis lost it and someone else claimed it since).
 *   It already stopped writing (fencing); now it also forgets the session
 *   (routers, transports, timers, every feature's state), closes the
 *   attendance segments it held open, and tells that session's clients to
 *   reconnect: their rejoin here is answered `session_elsewhere`, which sends
 *   them to the new host. So two nodes never host one session for longer
 *   than one lease renewal (2 s).
 * - **Draining** (SIGTERM): it claims no new session (joins are sent to the
 *   least loaded other node), writes out every hosted session's state,
 *   releases the leases at once and tells the clients to reconnect, so they
 *   land on another node — which rebuilds each session from its snapshot —
 *   without waiting for the leases to run out.
 */
@Injectable()
export class SessionHandover implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Handover');

  constructor(
    private readonly leases: SessionLeases,
    private readonly liveState: LiveStateStore,
    private readonly rooms: RoomsService,
    private readonly attendance: AttendanceRecorder,
    private readonly notifier: Notifier,
  ) {}

  onModuleInit(): void {
    this.leases.onLost((sessionId) => void this.letGo(sessionId, 'moved').catch((e: unknown) => this.fail(e)));
  }

  /** Shutdown, first of the hooks (before sockets close and the database goes). */
  async onModuleDestroy(): Promise<void> {
    if (!this.leases.enabled) return;
    await this.drain().catch((e: unknown) => this.fail(e));
  }

  /** Hands every hosted session over (see the class comment). */
  async drain(): Promise<number> {
    this.leases.startDraining();
    await this.liveState.flush();
    const ids = this.leases.heldSessions();
    for (const id of ids) {
      // Released first: the clients told next find the session free for the next node.
      await this.leases.release(id);
      await this.letGo(id, 'drained');
    }
    if (ids.length > 0) this.logger.log(`draining: handed over ${ids.length} session(s)`);
    return ids.length;
  }

  private async letGo(sessionId: string, reason: 'moved' | 'drained'): Promise<void> {
    const sockets = this.rooms.socketsOf(sessionId);
    this.liveState.drop(sessionId);
    await this.attendance.closeHeldHere(sessionId, new Date(), reason);
    const told = this.notifier.reconnectLocal(sockets, MOVED);
    this.logger.warn(`no longer hosting session ${sessionId} (${reason}); ${told} client(s) told to reconnect`);
  }

  private fail(e: unknown): void {
    this.logger.error(`hand-over failed: ${e instanceof Error ? e.message : 'unknown'}`);
  }
}
