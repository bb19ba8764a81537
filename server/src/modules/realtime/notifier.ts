import { Injectable } from '@nestjs/common';
import type { ServerToClientEvents } from '@hearth/protocol';
import type { HearthServer } from './realtime.gateway';

type Args<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>;

export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
export const therapistsRoom = (sessionId: string) => `session:${sessionId}:therapists`;
export const userRoom = (userId: string) => `user:${userId}`;

/**
 * How features push events without touching socket.io: to one user (all their
 * tabs), to everyone admitted to a session, or to its therapists only. Works
 * across server processes through the Redis adapter.
 */
@Injectable()
export class Notifier {
  private server: HearthServer | undefined;

  attach(server: HearthServer): void {
    this.server = server;
  }

  toUser<E extends keyof ServerToClientEvents>(userId: string, event: E, ...args: Args<E>): void {
    this.server?.to(userRoom(userId)).emit(event, ...args);
  }

  toSession<E extends keyof ServerToClientEvents>(
    sessionId: string,
    opts: { except?: string[] },
    event: E,
    ...args: Args<E>
  ): void {
    if (!this.server) return;
    let target = this.server.to(sessionRoom(sessionId));
    for (const userId of opts.except ?? []) target = target.except(userRoom(userId));
    target.emit(event, ...args);
  }

  toTherapists<E extends keyof ServerToClientEvents>(sessionId: string, event: E, ...args: Args<E>): void {
    this.server?.to(therapistsRoom(sessionId)).emit(event, ...args);
  }

  /** Puts a user's sockets into (or out of) a session's broadcast rooms. */
  enterSession(userId: string, sessionId: string, asTherapist: boolean): void {
    const rooms = asTherapist ? [sessionRoom(sessionId), therapistsRoom(sessionId)] : [sessionRoom(sessionId)];
    this.server?.in(userRoom(userId)).socketsJoin(rooms);
  }

  leaveSession(userId: string, sessionId: string): void {
    this.server?.in(userRoom(userId)).socketsLeave([sessionRoom(sessionId), therapistsRoom(sessionId)]);
  }

  /** Every socket leaves a session's broadcast rooms (the session ended). */
  closeSession(sessionId: string): void {
    this.server?.in(sessionRoom(sessionId)).socketsLeave([sessionRoom(sessionId), therapistsRoom(sessionId)]);
    this.server?.in(therapistsRoom(sessionId)).socketsLeave(therapistsRoom(sessionId));
  }

  /**
   * These sockets of this process (others are not ours to touch) are told
   * `system:restarting` and their connections closed under them, so their
   * clients reconnect by themselves (socket.io's backoff) and join again —
   * a session that moved to another node is found there.
   */
  reconnectLocal(socketIds: Iterable<string>, reason: string): number {
    let n = 0;
    for (const id of socketIds) {
      const socket = this.server?.sockets.sockets.get(id);
      if (!socket) continue;
      socket.emit('system:restarting', { reason });
      // Closing the transport (not socket.disconnect(), which tells the client to stay away) lets it reconnect.
      socket.conn.close();
      n += 1;
    }
    return n;
  }
}
