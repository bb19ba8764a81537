import { ScreenShareErrorCode, type ScreenShareView } from '@hearth/protocol';

export type SharerRole = 'therapist' | 'patient';

/** A refused screen-share request; the code travels in the ack. */
export class ScreenShareRuleError extends Error {
  constructor(
    readonly code: ScreenShareErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Who shares a session's screen, and who may. Plain state, no Nest or
 * socket.io: therapists may always share, anyone else once a therapist
 * allowed them; one sharer at a time, and only a therapist replaces a
 * current sharer (by starting their own share or stopping theirs).
 */
export class ScreenShare {
  private sharer: { userId: string; since: Date } | null = null;
  private readonly allowed = new Set<string>();

  constructor(readonly sessionId: string) {}

  get sharerUserId(): string | null {
    return this.sharer?.userId ?? null;
  }

  mayShare(userId: string, role: SharerRole): boolean {
    return role === 'therapist' || this.allowed.has(userId);
  }

  /** Starts `userId`'s share; returns whom it replaced (a therapist taking over), if anyone. */
  start(userId: string, role: SharerRole, now: Date): { replaced: string | null } {
    if (!this.mayShare(userId, role)) {
      throw new ScreenShareRuleError(ScreenShareErrorCode.NotAllowed, 'Ask the therapist to let you share your screen.');
    }
    const current = this.sharer?.userId ?? null;
    if (current === userId) return { replaced: null };
    if (current && role !== 'therapist') {
      throw new ScreenShareRuleError(ScreenShareErrorCode.Busy, 'Someone is sharing their screen; the therapist decides who shares next.');
    }
    this.sharer = { userId, since: now };
    return { replaced: current };
  }

  /** Stops a share: your own, or (therapists) anyone's. Returns whose share stopped, or null if none. */
  stop(byUserId: string, role: SharerRole, targetUserId: string = byUserId): string | null {
    if (targetUserId !== byUserId && role !== 'therapist') {
      throw new ScreenShareRuleError(ScreenShareErrorCode.NotAllowed, 'Only a therapist can stop someone else’s share.');
    }
    if (this.sharer?.userId !== targetUserId) return null;
    this.sharer = null;
    return targetUserId;
  }

  /** Therapist's say; taking permission back stops that person's share (returns them then). */
  allow(userId: string, allowed: boolean): string | null {
    if (allowed) {
      this.allowed.add(userId);
      return null;
    }
    this.allowed.delete(userId);
    if (this.sharer?.userId !== userId) return null;
    this.sharer = null;
    return userId;
  }

  /** Someone left or dropped: their share ends (their producer is gone anyway). True if they were sharing. */
  departed(userId: string): boolean {
    if (this.sharer?.userId !== userId) return false;
    this.sharer = null;
    return true;
  }

  view(): ScreenShareView {
    return {
      sessionId: this.sessionId,
      sharerUserId: this.sharer?.userId ?? null,
      startedAt: this.sharer?.since.toISOString() ?? null,
      allowedUserIds: [...this.allowed],
    };
  }
}
