import { Injectable } from '@nestjs/common';
import type { MediaSource, SessionInfo, TransportInfo } from '@hearth/protocol';
import { LiveSession, type Member } from './domain/live-session';
import { MediaRules } from './domain/media-rules';
import { RoomError, RoomErrorCode } from './rooms.error';

/** One live session's room on this node: its lobby and presence, media rules, and what only this process holds. */
export interface LiveRoom {
  live: LiveSession;
  info: SessionInfo;
  /** Who hears and sees whom: side rooms, breakouts, mic gates. */
  rules: MediaRules;
  /** The socket each member's room lives on (a newer tab takes over). */
  sockets: Map<string, string>;
  graceTimers: Map<string, NodeJS.Timeout>;
  /** What waiting patients who prepared their media want on once admitted (their producers stay paused at the SFU until then). */
  lobbyMedia: Map<string, Partial<Record<MediaSource, boolean>>>;
  /** Receive transports warmed on a pre-join page (`media:warm`), by user: kept for that socket's join. */
  warmPeers: Map<string, WarmPeer>;
}

/** A would-be joiner's receive transport, connected before they enter; nothing is consumed on it until they join. */
export interface WarmPeer {
  socketId: string;
  recv: TransportInfo;
  /** Unused for too long: the transport closes. */
  expiry: NodeJS.Timeout;
}

/**
 * The live rooms this process holds, by session id, and the checks of who
 * may act in one (admitted, waiting, a therapist). No I/O.
 */
@Injectable()
export class LiveRooms {
  private readonly rooms = new Map<string, LiveRoom>();

  get(sessionId: string): LiveRoom | undefined {
    return this.rooms.get(sessionId);
  }

  /** The session's room, opened now if this process has none. */
  open(sessionId: string, info: SessionInfo): LiveRoom {
    let entry = this.rooms.get(sessionId);
    if (!entry) {
      entry = {
        live: new LiveSession(sessionId),
        info,
        rules: new MediaRules(),
        sockets: new Map(),
        graceTimers: new Map(),
        lobbyMedia: new Map(),
        warmPeers: new Map(),
      };
      this.rooms.set(sessionId, entry);
    }
    return entry;
  }

  /** Forgets a room (its state moved to a newer snapshot); its grace timers stop. */
  drop(sessionId: string): void {
    const stale = this.rooms.get(sessionId);
    if (!stale) return;
    for (const t of stale.graceTimers.values()) clearTimeout(t);
    for (const w of stale.warmPeers.values()) clearTimeout(w.expiry);
    this.rooms.delete(sessionId);
  }

  /** Takes `userId`'s warm transport record off the room (its expiry stops); the caller closes or keeps the transport. */
  takeWarm(entry: LiveRoom, userId: string): WarmPeer | undefined {
    const warmed = entry.warmPeers.get(userId);
    if (!warmed) return undefined;
    clearTimeout(warmed.expiry);
    entry.warmPeers.delete(userId);
    return warmed;
  }

  entries(): IterableIterator<[string, LiveRoom]> {
    return this.rooms.entries();
  }

  all(): IterableIterator<LiveRoom> {
    return this.rooms.values();
  }

  /** The caller, admitted to a live session's room (throws `not_admitted` otherwise). */
  admitted(userId: string, sessionId: string): LiveRoom {
    const entry = this.rooms.get(sessionId);
    if (!entry || !entry.live.isAdmitted(userId) || entry.live.isEnded) {
      throw new RoomError(RoomErrorCode.NotAdmitted, 'You are not in this session’s room.');
    }
    return entry;
  }

  /** Admitted, or waiting (and connected) in the lobby: enough to prepare media, never to receive it. */
  admittedOrWaiting(userId: string, sessionId: string): LiveRoom {
    const entry = this.rooms.get(sessionId);
    const m = entry?.live.member(userId);
    const waiting = m?.state === 'waiting' && m.connected;
    if (!entry || entry.live.isEnded || !(waiting || entry.live.isAdmitted(userId))) {
      throw new RoomError(RoomErrorCode.NotAdmitted, 'You are not in this session’s room.');
    }
    return entry;
  }

  /** The caller as a member admitted to a live session's room (throws `not_admitted` otherwise). */
  admittedMember(userId: string, sessionId: string): Member {
    const entry = this.rooms.get(sessionId);
    const m = entry?.live.member(userId);
    if (!entry || !m || m.state !== 'admitted' || entry.live.isEnded) {
      throw new RoomError(RoomErrorCode.NotAdmitted, 'You are not in this session’s room.');
    }
    return m;
  }

  /** A therapist admitted to the session's live room (throws `not_moderator` / `session_ended` otherwise). */
  moderated(userId: string, sessionId: string): LiveRoom {
    const entry = this.rooms.get(sessionId);
    const m = entry?.live.member(userId);
    if (!entry || !m || m.role !== 'therapist' || m.state !== 'admitted') {
      throw new RoomError(RoomErrorCode.NotModerator, 'Only the session’s therapists can do that.');
    }
    if (entry.live.isEnded) throw new RoomError(RoomErrorCode.SessionEnded, 'This session has ended.');
    return entry;
  }
}
