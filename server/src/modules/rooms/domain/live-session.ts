import { z } from 'zod';
import type { LobbyEntry, ParticipantView, RoomRole } from '@hearth/protocol';
import { RoomError, RoomErrorCode } from '../rooms.error';

/**
 * What outlives the process (see LiveStateStore): who is admitted, who
 * waits since when (lobby order), mic locks. Connections and media do not:
 * after a restart everyone is reconnecting.
 */
export const liveSessionSnapshotSchema = z.object({
  sessionId: z.string().min(1),
  ended: z.boolean(),
  members: z.array(
    z.object({
      userId: z.string().min(1),
      displayName: z.string(),
      role: z.enum(['therapist', 'patient']),
      state: z.enum(['waiting', 'admitted', 'left']),
      /** ms since epoch */
      waitingSince: z.number().nullable(),
      micLocked: z.boolean(),
      /** Left of their own accord and may come back without a second admission. */
      mayReturn: z.boolean().optional(),
    }),
  ),
  /** A therapist turned reactions off (absent: on, as every session starts). */
  reactionsOff: z.boolean().optional(),
});
export type LiveSessionSnapshot = z.infer<typeof liveSessionSnapshotSchema>;

export type PresenceState = 'waiting' | 'admitted' | 'left';

export interface Member {
  userId: string;
  displayName: string;
  role: RoomRole;
  state: PresenceState;
  /** Has a live socket in this session. */
  connected: boolean;
  /** When the connection dropped (admitted members keep their place until the grace period ends). */
  disconnectedAt: Date | null;
  waitingSince: Date | null;
  micOn: boolean;
  cameraOn: boolean;
  micLocked: boolean;
  /**
   * Was admitted and then left of their own accord: coming back within the session
   * needs no second admission. Removal by a therapist clears it.
   */
  mayReturn?: boolean;
}

export type ArriveOutcome = { status: 'admitted'; rejoined: boolean } | { status: 'waiting'; position: number };

/**
 * The lobby and presence of one live session, as a plain state machine
 * (no Nest, no sockets, no media): who waits, who is in, who is reconnecting.
 */
export class LiveSession {
  private readonly members = new Map<string, Member>();
  private ended = false;
  private reactionsOff = false;

  constructor(readonly sessionId: string) {}

  /** Whether people in the room may react (a therapist may turn it off for a while). */
  get reactionsAllowed(): boolean {
    return !this.reactionsOff;
  }

  setReactionsAllowed(allowed: boolean): void {
    this.reactionsOff = !allowed;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  toSnapshot(): LiveSessionSnapshot {
    return {
      sessionId: this.sessionId,
      ended: this.ended,
      members: [...this.members.values()].map((m) => ({
        userId: m.userId,
        displayName: m.displayName,
        role: m.role,
        state: m.state,
        waitingSince: m.waitingSince?.getTime() ?? null,
        micLocked: m.micLocked,
        ...(m.mayReturn ? { mayReturn: true } : {}),
      })),
      ...(this.reactionsOff ? { reactionsOff: true } : {}),
    };
  }

  /**
   * Rebuilds a session after a restart: everyone admitted keeps their place
   * (disconnected since `now`, so the reconnect grace starts now), the lobby
   * keeps its order for those who come back, mic locks hold. Media is off
   * until each client publishes again.
   */
  static fromSnapshot(snap: LiveSessionSnapshot, now: Date): LiveSession {
    const live = new LiveSession(snap.sessionId);
    live.ended = snap.ended;
    live.reactionsOff = snap.reactionsOff === true;
    for (const m of snap.members) {
      live.members.set(m.userId, {
        userId: m.userId,
        displayName: m.displayName,
        role: m.role,
        state: m.state,
        connected: false,
        disconnectedAt: m.state === 'admitted' ? now : null,
        waitingSince: m.waitingSince === null ? null : new Date(m.waitingSince),
        micOn: false,
        cameraOn: false,
        micLocked: m.micLocked,
        ...(m.mayReturn ? { mayReturn: true } : {}),
      });
    }
    return live;
  }

  member(userId: string): Member | undefined {
    return this.members.get(userId);
  }

  /**
   * A participant opens the room. Therapists go straight in. Patients wait for
   * admission, unless they were admitted and dropped less than the grace period
   * ago (they keep their place). A removed patient waits again.
   */
  arrive(user: { userId: string; displayName: string; role: RoomRole }, now: Date): ArriveOutcome {
    if (this.ended) throw new RoomError(RoomErrorCode.SessionEnded, 'This session has ended.');
    const existing = this.members.get(user.userId);
    if (user.role === 'therapist') {
      const m = this.upsert(user, existing);
      const rejoined = existing?.state === 'admitted';
      Object.assign(m, { state: 'admitted', connected: true, disconnectedAt: null, waitingSince: null });
      return { status: 'admitted', rejoined };
    }
    if (existing?.state === 'admitted') {
      Object.assign(existing, { connected: true, disconnectedAt: null, displayName: user.displayName });
      return { status: 'admitted', rejoined: true };
    }
    if (existing?.state === 'left' && existing.mayReturn) {
      // Left by mistake: back in without waiting again.
      Object.assign(existing, { state: 'admitted', connected: true, disconnectedAt: null, waitingSince: null, displayName: user.displayName });
      return { status: 'admitted', rejoined: false };
    }
    const m = this.upsert(user, existing);
    if (m.state !== 'waiting' || !m.waitingSince) m.waitingSince = now;
    Object.assign(m, { state: 'waiting', connected: true, disconnectedAt: null });
    return { status: 'waiting', position: this.lobbyPosition(user.userId) };
  }

  /** Admits waiting patients; returns who was admitted (ignores ids not waiting). */
  admit(userIds: string[] | 'all'): string[] {
    this.assertOpen();
    const ids = userIds === 'all' ? this.waiting().map((m) => m.userId) : userIds;
    const admitted: string[] = [];
    for (const id of ids) {
      const m = this.members.get(id);
      if (m?.state === 'waiting' && m.connected) {
        Object.assign(m, { state: 'admitted', waitingSince: null });
        admitted.push(id);
      }
    }
    return admitted;
  }

  /** Sends an admitted patient back to the lobby; they need admitting again. */
  remove(userId: string, now: Date): void {
    this.assertOpen();
    const m = this.members.get(userId);
    if (!m || m.state !== 'admitted') throw new RoomError(RoomErrorCode.NotInRoom, 'That person is not in the room.');
    if (m.role === 'therapist') throw new RoomError(RoomErrorCode.NotModerator, 'Therapists cannot be removed.');
    Object.assign(m, { state: 'waiting', waitingSince: now, micOn: false, cameraOn: false, micLocked: false, mayReturn: false });
  }

  /** The socket dropped: admitted members keep their place until `expire` runs after the grace period. */
  disconnect(userId: string, now: Date): Member | undefined {
    const m = this.members.get(userId);
    if (!m || !m.connected) return undefined;
    m.connected = false;
    m.disconnectedAt = now;
    m.micOn = false;
    m.cameraOn = false;
    if (m.state === 'waiting') m.state = 'left'; // nobody keeps a place in the lobby
    return m;
  }

  /** Members whose grace period ran out become `left`; returns them. */
  expire(now: Date, graceMs: number): Member[] {
    const gone: Member[] = [];
    for (const m of this.members.values()) {
      if (m.state === 'admitted' && !m.connected && m.disconnectedAt && now.getTime() - m.disconnectedAt.getTime() >= graceMs) {
        m.state = 'left';
        gone.push(m);
      }
    }
    return gone;
  }

  leave(userId: string): Member | undefined {
    const m = this.members.get(userId);
    if (!m || m.state === 'left') return undefined;
    const wasAdmitted = m.state === 'admitted';
    Object.assign(m, { state: 'left', connected: false, micOn: false, cameraOn: false });
    if (wasAdmitted) m.mayReturn = true;
    return m;
  }

  end(): Member[] {
    const present = this.present();
    this.ended = true;
    for (const m of this.members.values()) Object.assign(m, { state: 'left', connected: false });
    return present;
  }

  setMedia(userId: string, source: 'mic' | 'camera', on: boolean): Member {
    const m = this.members.get(userId);
    if (!m || m.state !== 'admitted') throw new RoomError(RoomErrorCode.NotInRoom, 'You are not in the room.');
    if (source === 'mic' && on && m.micLocked) {
      throw new RoomError(RoomErrorCode.MicLocked, 'Your therapist has muted you for now.');
    }
    if (source === 'mic') m.micOn = on;
    else m.cameraOn = on;
    return m;
  }

  /** Therapist mute: the mic goes off and stays locked until unlocked. */
  lockMic(userId: string, locked: boolean): Member {
    const m = this.members.get(userId);
    if (!m || m.state !== 'admitted') throw new RoomError(RoomErrorCode.NotInRoom, 'That person is not in the room.');
    m.micLocked = locked;
    if (locked) m.micOn = false;
    return m;
  }

  isAdmitted(userId: string): boolean {
    return this.members.get(userId)?.state === 'admitted';
  }

  /** Admitted members, connected or within their grace period. */
  present(): Member[] {
    return [...this.members.values()].filter((m) => m.state === 'admitted');
  }

  waiting(): Member[] {
    return [...this.members.values()]
      .filter((m) => m.state === 'waiting' && m.connected)
      .sort((a, b) => (a.waitingSince?.getTime() ?? 0) - (b.waitingSince?.getTime() ?? 0));
  }

  therapistsPresent(): Member[] {
    return this.present().filter((m) => m.role === 'therapist' && m.connected);
  }

  lobbyPosition(userId: string): number {
    return this.waiting().findIndex((m) => m.userId === userId) + 1;
  }

  view(m: Member): ParticipantView {
    return {
      userId: m.userId,
      displayName: m.displayName,
      role: m.role,
      connection: m.connected ? 'connected' : 'reconnecting',
      micOn: m.micOn,
      cameraOn: m.cameraOn,
      micLocked: m.micLocked,
    };
  }

  participantsView(): ParticipantView[] {
    return this.present().map((m) => this.view(m));
  }

  lobbyView(): LobbyEntry[] {
    return this.waiting().map((m) => ({
      userId: m.userId,
      displayName: m.displayName,
      waitingSince: (m.waitingSince ?? new Date()).toISOString(),
    }));
  }

  private upsert(user: { userId: string; displayName: string; role: RoomRole }, existing: Member | undefined): Member {
    if (existing) {
      existing.displayName = user.displayName;
      return existing;
    }
    const m: Member = {
      ...user,
      state: 'waiting',
      connected: true,
      disconnectedAt: null,
      waitingSince: null,
      micOn: false,
      cameraOn: false,
      micLocked: false,
    };
    this.members.set(user.userId, m);
    return m;
  }

  private assertOpen(): void {
    if (this.ended) throw new RoomError(RoomErrorCode.SessionEnded, 'This session has ended.');
  }
}
