import { z } from 'zod';
import { floorAllowsMic, type FloorView, type RoomRole } from '@hearth/protocol';
import { TurnError, TurnErrorCode } from '../turns.error';

/** Who asks: the floor rules differ for therapists and patients. */
export interface Actor {
  userId: string;
  role: RoomRole;
}

interface GoAround {
  order: string[];
  index: number;
  spoken: string[];
  passed: string[];
}

export interface RoundSummary {
  spoken: string[];
  passed: string[];
}

/** The floor as it outlives the process: the turn's countdown is a deadline (ms since epoch), re-armed on restore. */
export const floorSnapshotSchema = z.object({
  queue: z.array(z.object({ userId: z.string().min(1), raisedAt: z.number() })),
  holder: z.string().min(1).nullable(),
  talkingStick: z.boolean(),
  turnMinutes: z.number().positive().nullable(),
  turnEndsAt: z.number().nullable(),
  round: z
    .object({
      order: z.array(z.string().min(1)),
      index: z.number().int().nonnegative(),
      spoken: z.array(z.string().min(1)),
      passed: z.array(z.string().min(1)),
    })
    .nullable(),
  revision: z.number().int().nonnegative(),
});
export type FloorSnapshot = z.infer<typeof floorSnapshotSchema>;

/**
 * The floor of one live session as a plain state machine: the hand queue
 * (FIFO in the order calls arrive — never client clocks), the holder, the
 * talking stick, the per-turn countdown and go-around rounds. No Nest, no
 * sockets, no media: the service applies what `micAllowed` says to the SFU
 * and calls `expire()` when `deadline()` passes. The clock is injectable so
 * tests can run the countdown without waiting.
 */
export class FloorState {
  private queue: { userId: string; raisedAt: number }[] = [];
  private holder: string | null = null;
  private talkingStick = false;
  private turnMinutes: number | null = null;
  private turnEndsAt: number | null = null;
  private round: GoAround | null = null;
  private endedRound: RoundSummary | null = null;
  private revision = 0;

  constructor(
    readonly sessionId: string,
    private readonly now: () => number = Date.now,
  ) {}

  toSnapshot(): FloorSnapshot {
    return {
      queue: this.queue.map((q) => ({ ...q })),
      holder: this.holder,
      talkingStick: this.talkingStick,
      turnMinutes: this.turnMinutes,
      turnEndsAt: this.turnEndsAt,
      round: this.round ? { order: [...this.round.order], index: this.round.index, spoken: [...this.round.spoken], passed: [...this.round.passed] } : null,
      revision: this.revision,
    };
  }

  /**
   * The floor as it was. The revision goes on from where it was (clients drop
   * older revisions); a deadline that passed while the server was down
   * expires at the first `expire()`.
   */
  static fromSnapshot(sessionId: string, snap: FloorSnapshot, now: () => number = Date.now): FloorState {
    const f = new FloorState(sessionId, now);
    f.queue = snap.queue.map((q) => ({ ...q }));
    f.holder = snap.holder;
    f.talkingStick = snap.talkingStick;
    f.turnMinutes = snap.turnMinutes;
    f.turnEndsAt = snap.turnEndsAt;
    f.round = snap.round ? { order: [...snap.round.order], index: snap.round.index, spoken: [...snap.round.spoken], passed: [...snap.round.passed] } : null;
    f.revision = snap.revision + 1;
    return f;
  }

  get holderUserId(): string | null {
    return this.holder;
  }

  get isTalkingStick(): boolean {
    return this.talkingStick;
  }

  /** When the current turn runs out (ms since epoch), or null. */
  deadline(): number | null {
    return this.turnEndsAt;
  }

  /** Whether a microphone may be live under the floor rules. */
  micAllowed(userId: string, role: RoomRole): boolean {
    return floorAllowsMic({ talkingStick: this.talkingStick, holderUserId: this.holder }, userId, role);
  }

  /** Joins the end of the queue; raising again keeps the first place. Returns whether anything changed. */
  raiseHand(userId: string): boolean {
    if (this.holder === userId || this.queue.some((q) => q.userId === userId)) return false;
    this.queue.push({ userId, raisedAt: this.now() });
    return this.changed();
  }

  lowerHand(userId: string): boolean {
    const before = this.queue.length;
    this.queue = this.queue.filter((q) => q.userId !== userId);
    return this.queue.length !== before && this.changed();
  }

  /** A therapist gives the floor to someone (outside a go-around, which owns the floor while it runs). */
  grant(userId: string): void {
    if (this.round) throw new TurnError(TurnErrorCode.GoAroundActive, 'Finish or stop the go-around first.');
    this.giveFloor(userId);
    this.changed();
  }

  /** The first in the queue gets the floor; in a go-around, the round moves on. */
  grantNext(): void {
    if (this.round) {
      this.advanceRound('spoken');
      this.changed();
      return;
    }
    const next = this.queue[0];
    if (!next) throw new TurnError(TurnErrorCode.QueueEmpty, 'Nobody has a hand raised.');
    this.giveFloor(next.userId);
    this.changed();
  }

  /** The holder is done (or a therapist takes the floor back). In a go-around, the round moves on. */
  release(actor: Actor): void {
    if (this.holder === null || (actor.role !== 'therapist' && actor.userId !== this.holder)) {
      throw new TurnError(TurnErrorCode.NotHolder, 'You do not have the floor.');
    }
    if (this.round) this.advanceRound('spoken');
    else this.clearFloor();
    this.changed();
  }

  setTalkingStick(on: boolean): boolean {
    if (this.talkingStick === on) return false;
    this.talkingStick = on;
    return this.changed();
  }

  /** Minutes per turn (null: no countdown); the current turn's countdown restarts. */
  setTimer(minutes: number | null): void {
    this.turnMinutes = minutes;
    this.turnEndsAt = this.holder && minutes ? this.now() + minutes * 60_000 : null;
    this.changed();
  }

  /** Starts a round over `roster` (patients present, in roster order). */
  startGoAround(roster: string[]): void {
    if (this.round) throw new TurnError(TurnErrorCode.GoAroundActive, 'A go-around is already running.');
    const order = [...new Set(roster)];
    if (order.length === 0) throw new TurnError(TurnErrorCode.QueueEmpty, 'There is nobody to go around.');
    this.round = { order, index: 0, spoken: [], passed: [] };
    this.endedRound = null;
    this.giveFloor(order[0]!);
    this.changed();
  }

  stopGoAround(): void {
    if (!this.round) throw new TurnError(TurnErrorCode.NoGoAround, 'No go-around is running.');
    this.finishRound();
    this.changed();
  }

  /** The current go-around speaker passes (a therapist may pass for them). */
  pass(actor: Actor): void {
    if (!this.round) throw new TurnError(TurnErrorCode.NoGoAround, 'No go-around is running.');
    if (actor.role !== 'therapist' && actor.userId !== this.holder) {
      throw new TurnError(TurnErrorCode.NotHolder, 'It is not your turn.');
    }
    this.advanceRound('passed');
    this.changed();
  }

  /**
   * The countdown ran out: the floor passes to the next in the round or the
   * queue, or is released. Returns whether anything changed (false when
   * called early or without a countdown).
   */
  expire(): boolean {
    if (this.turnEndsAt === null || this.now() < this.turnEndsAt) return false;
    if (this.round) this.advanceRound('spoken');
    else if (this.queue[0]) this.giveFloor(this.queue[0].userId);
    else this.clearFloor();
    return this.changed();
  }

  /** Someone left the session for good: out of the queue, the floor and the round. */
  removeMember(userId: string): boolean {
    let changed = this.queue.some((q) => q.userId === userId);
    this.queue = this.queue.filter((q) => q.userId !== userId);
    if (this.round) {
      const at = this.round.order.indexOf(userId);
      if (at > this.round.index) {
        this.round.order.splice(at, 1);
        changed = true;
      } else if (at === this.round.index) {
        this.round.order.splice(at, 1);
        this.round.index -= 1;
        this.advanceRound(null);
        changed = true;
      }
    } else if (this.holder === userId) {
      this.clearFloor();
      changed = true;
    }
    return changed && this.changed();
  }

  /** A go-around that ended since the last call (once). */
  takeEndedRound(): RoundSummary | null {
    const r = this.endedRound;
    this.endedRound = null;
    return r;
  }

  view(): FloorView {
    return {
      sessionId: this.sessionId,
      revision: this.revision,
      queue: this.queue.map((q) => ({ userId: q.userId, raisedAt: new Date(q.raisedAt).toISOString() })),
      holderUserId: this.holder,
      talkingStick: this.talkingStick,
      turnMinutes: this.turnMinutes,
      turnEndsAt: this.turnEndsAt === null ? null : new Date(this.turnEndsAt).toISOString(),
      serverTime: new Date(this.now()).toISOString(),
      goAround: this.round
        ? { order: [...this.round.order], index: this.round.index, spoken: [...this.round.spoken], passed: [...this.round.passed] }
        : null,
    };
  }

  // -------------------------------------------------------------------------

  private giveFloor(userId: string): void {
    this.queue = this.queue.filter((q) => q.userId !== userId);
    this.holder = userId;
    this.turnEndsAt = this.turnMinutes ? this.now() + this.turnMinutes * 60_000 : null;
  }

  private clearFloor(): void {
    this.holder = null;
    this.turnEndsAt = null;
  }

  /** Records how the current speaker's turn went (null: they left) and moves to the next, or ends the round. */
  private advanceRound(outcome: 'spoken' | 'passed' | null): void {
    const round = this.round!;
    const current = round.order[round.index];
    if (outcome && current) round[outcome].push(current);
    round.index += 1;
    const next = round.order[round.index];
    if (next) this.giveFloor(next);
    else this.finishRound();
  }

  private finishRound(): void {
    const round = this.round!;
    this.endedRound = { spoken: [...round.spoken], passed: [...round.passed] };
    this.round = null;
    this.clearFloor();
  }

  private changed(): true {
    this.revision += 1;
    return true;
  }
}
