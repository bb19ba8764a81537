import type { RoomRole } from '@hearth/protocol';
import { CheckinError, CheckinErrorCode } from '../checkins.error';

export interface CheckinAnswer {
  mood: number;
  craving: number;
  word: string | null;
}

/**
 * One check-in of a session as a plain state machine: open until a therapist
 * closes it; only patients answer, only while it is open, and only the one
 * they were asked (a stale id from an earlier check-in is refused).
 */
export class CheckinRound {
  constructor(
    readonly id: string,
    readonly sessionId: string,
    readonly openedAt: Date,
    private closed: Date | null = null,
  ) {}

  /** A therapist may open a check-in only when none is open. */
  static assertCanOpen(current: CheckinRound | null): void {
    if (current?.isOpen) throw new CheckinError(CheckinErrorCode.AlreadyOpen, 'A check-in is already open.');
  }

  get isOpen(): boolean {
    return this.closed === null;
  }

  get closedAt(): Date | null {
    return this.closed;
  }

  /** Returns the answer to store, or throws. */
  accept(checkinId: string, role: RoomRole, answer: { mood: number; craving: number; word?: string }): CheckinAnswer {
    if (role !== 'patient') throw new CheckinError(CheckinErrorCode.PatientsOnly, 'Only patients answer check-ins.');
    if (checkinId !== this.id || !this.isOpen) {
      throw new CheckinError(CheckinErrorCode.NotOpen, 'That check-in is not open.');
    }
    const word = answer.word?.trim() || null;
    return { mood: answer.mood, craving: answer.craving, word };
  }

  close(checkinId: string, now: Date): void {
    if (checkinId !== this.id || !this.isOpen) throw new CheckinError(CheckinErrorCode.NotOpen, 'That check-in is not open.');
    this.closed = now;
  }
}
