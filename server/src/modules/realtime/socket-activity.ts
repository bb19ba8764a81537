import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { AuthService } from '../auth/auth.service';
import { RoomsService } from '../rooms/rooms.service';
import type { HearthServer, HearthSocket } from './realtime.gateway';

/** Activity is written at most this often per sign-in (a minute's precision is enough). */
const WRITE_INTERVAL_MS = 60_000;

/**
 * Automatic logoff for sockets (HIPAA §164.312(a)(2)(iii)). Socket events count
 * as activity, and so does being in a live session (in the room or its
 * lobby) — a patient who only talks and listens in a 3-hour group is not idle.
 * A sweep closes the sockets of sign-ins that went idle, from the server.
 */
@Injectable()
export class SocketActivity implements OnModuleDestroy {
  private readonly logger = new Logger('Realtime');
  /** When each sign-in's activity was last written, by this process. */
  private readonly written = new Map<string, number>();
  /** The live session each socket asked to join (checked against the session's members in the sweep). */
  private readonly joined = new Map<string, string>();
  private server: HearthServer | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly auth: AuthService,
    private readonly rooms: RoomsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  start(server: HearthServer): void {
    this.server = server;
    const every = Math.min(30_000, (this.config.IDLE_TIMEOUT_MINUTES * 60_000) / 4);
    this.timer = setInterval(() => {
      void this.sweep().catch((e: unknown) => this.logger.warn(`idle sweep failed: ${e instanceof Error ? e.name : 'unknown'}`));
    }, every);
    this.timer.unref();
  }

  /** An event arrived on the socket. Resolves false when its sign-in is over (the socket is being closed). */
  async seen(socket: HearthSocket, event: string, payload: unknown): Promise<boolean> {
    if (event === 'room:join' && payload && typeof payload === 'object' && typeof (payload as { sessionId?: unknown }).sessionId === 'string') {
      this.joined.set(socket.id, (payload as { sessionId: string }).sessionId);
    }
    return this.touch(socket.data.authSessionId);
  }

  forget(socket: HearthSocket): void {
    this.joined.delete(socket.id);
  }

  /** Keeps sign-ins present in a live session active, ends idle ones and closes their sockets. */
  async sweep(now = new Date()): Promise<void> {
    if (!this.server) return;
    const sockets = await this.server.local.fetchSockets();
    const present = new Set<string>();
    const others = new Set<string>();
    for (const s of sockets) {
      const sid = s.data.authSessionId;
      if (!sid) continue;
      if (this.inLiveSession(s.id, s.data.userId)) present.add(sid);
      else others.add(sid);
    }
    for (const sid of present) await this.touch(sid, now);
    await this.auth.expireIdle([...others].filter((sid) => !present.has(sid)), now);
    for (const [sid, at] of this.written) if (now.getTime() - at > 2 * WRITE_INTERVAL_MS) this.written.delete(sid);
  }

  private inLiveSession(socketId: string, userId: string): boolean {
    const sessionId = this.joined.get(socketId);
    const live = sessionId ? this.rooms.liveSession(sessionId) : undefined;
    const m = live?.member(userId);
    return !!live && !live.isEnded && !!m && (m.state === 'admitted' || m.state === 'waiting');
  }

  private async touch(authSessionId: string, now = new Date()): Promise<boolean> {
    const last = this.written.get(authSessionId) ?? 0;
    if (now.getTime() - last < WRITE_INTERVAL_MS) return true;
    this.written.set(authSessionId, now.getTime());
    const active = await this.auth.touchFromSocket(authSessionId, now);
    if (!active) this.written.delete(authSessionId);
    return active;
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
