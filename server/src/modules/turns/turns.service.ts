import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { FloorView } from '@hearth/protocol';
import { Notifier } from '../realtime/notifier';
import { RoomsService } from '../rooms/rooms.service';
import { RateLimiter } from '../../common/rate-limiter';
import { LiveStateStore } from '../rooms/live-state/live-state.store';
import { FloorState, floorSnapshotSchema } from './domain/floor';
import { TurnError, TurnErrorCode } from './turns.error';

interface Entry {
  floor: FloorState;
  timer: NodeJS.Timeout | null;
}

/**
 * Turn-taking of live sessions. FloorState holds the rules; this checks who
 * may ask, applies the talking stick to the SFU through RoomsService's mic
 * gate (before anyone hears of the change), pushes the whole floor to the
 * room, and runs each turn's countdown.
 */
@Injectable()
export class TurnsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Turns');
  private readonly floors = new Map<string, Entry>();
  /** Raising and lowering a hand pushes to the whole room: a toggling finger gets `rate_limited`. */
  private readonly hands = new RateLimiter(6, 0.5);

  constructor(
    private readonly rooms: RoomsService,
    private readonly notifier: Notifier,
    private readonly liveState: LiveStateStore,
  ) {
    liveState.register({
      key: 'floor',
      order: 10,
      schema: floorSnapshotSchema,
      capture: (sessionId) => this.floors.get(sessionId)?.floor.toSnapshot(),
      // The talking stick goes back on the SFU and the turn's countdown re-arms from its deadline.
      restore: async (sessionId, state) => {
        this.floors.set(sessionId, { floor: FloorState.fromSnapshot(sessionId, state), timer: null });
        await this.publish(sessionId);
      },
      // Another node hosts the session now: no countdown fires from here.
      drop: (sessionId) => {
        const entry = this.floors.get(sessionId);
        if (entry?.timer) clearTimeout(entry.timer);
        this.floors.delete(sessionId);
        this.hands.forget(`${sessionId}:`);
      },
    });
  }

  onModuleInit(): void {
    this.rooms.onPresence((e) => {
      const entry = this.floors.get(e.sessionId);
      if (!entry) return;
      if (e.kind === 'ended') {
        this.hands.forget(`${e.sessionId}:`);
        if (entry.timer) clearTimeout(entry.timer);
        this.floors.delete(e.sessionId);
      } else if (e.kind === 'left' && entry.floor.removeMember(e.userId)) {
        void this.publish(e.sessionId).catch((err: unknown) => this.fail(err));
      }
    });
  }

  onModuleDestroy(): void {
    for (const e of this.floors.values()) if (e.timer) clearTimeout(e.timer);
  }

  state(userId: string, sessionId: string): FloorView {
    this.rooms.requireAdmitted(userId, sessionId);
    return this.entry(sessionId).floor.view();
  }

  async raiseHand(userId: string, sessionId: string): Promise<FloorView> {
    this.rooms.requireAdmitted(userId, sessionId);
    this.limitHands(userId, sessionId);
    return this.change(sessionId, (f) => f.raiseHand(userId));
  }

  /** Someone stepped out of the main room (a side room): out of the hand queue and the go-around. */
  async leaveQueue(sessionId: string, userId: string): Promise<void> {
    const entry = this.floors.get(sessionId);
    if (entry?.floor.removeMember(userId)) await this.publish(sessionId);
  }

  /** Patients lower their own hand; therapists anyone's. */
  async lowerHand(userId: string, sessionId: string, targetId = userId): Promise<FloorView> {
    if (targetId === userId) {
      this.rooms.requireAdmitted(userId, sessionId);
      this.limitHands(userId, sessionId);
    } else {
      this.rooms.requireTherapist(userId, sessionId);
    }
    return this.change(sessionId, (f) => f.lowerHand(targetId));
  }

  async grant(userId: string, sessionId: string, targetId: string): Promise<FloorView> {
    this.rooms.requireTherapist(userId, sessionId);
    if (!this.rooms.liveSession(sessionId)?.isAdmitted(targetId)) {
      throw new TurnError(TurnErrorCode.TargetNotPresent, 'That person is not in the room.');
    }
    return this.change(sessionId, (f) => f.grant(targetId));
  }

  async grantNext(userId: string, sessionId: string): Promise<FloorView> {
    this.rooms.requireTherapist(userId, sessionId);
    return this.change(sessionId, (f) => f.grantNext());
  }

  async release(userId: string, sessionId: string): Promise<FloorView> {
    const m = this.rooms.requireAdmitted(userId, sessionId);
    return this.change(sessionId, (f) => f.release({ userId, role: m.role }));
  }

  async setTalkingStick(userId: string, sessionId: string, on: boolean): Promise<FloorView> {
    this.rooms.requireTherapist(userId, sessionId);
    return this.change(sessionId, (f) => f.setTalkingStick(on));
  }

  async setTimer(userId: string, sessionId: string, minutes: number | null): Promise<FloorView> {
    this.rooms.requireTherapist(userId, sessionId);
    return this.change(sessionId, (f) => f.setTimer(minutes));
  }

  /**
   * The round covers the patients present in roster order: by the name the
   * group sees, so the order is the same every session whoever logs in first.
   */
  async startGoAround(userId: string, sessionId: string): Promise<FloorView> {
    this.rooms.requireTherapist(userId, sessionId);
    const roster = (this.rooms.liveSession(sessionId)?.present() ?? [])
      .filter((m) => m.role === 'patient')
      .sort((a, b) => a.displayName.localeCompare(b.displayName, 'en') || a.userId.localeCompare(b.userId))
      .map((m) => m.userId);
    return this.change(sessionId, (f) => f.startGoAround(roster));
  }

  async stopGoAround(userId: string, sessionId: string): Promise<FloorView> {
    this.rooms.requireTherapist(userId, sessionId);
    return this.change(sessionId, (f) => f.stopGoAround());
  }

  async pass(userId: string, sessionId: string): Promise<FloorView> {
    const m = this.rooms.requireAdmitted(userId, sessionId);
    return this.change(sessionId, (f) => f.pass({ userId, role: m.role }));
  }

  // -------------------------------------------------------------------------

  private entry(sessionId: string): Entry {
    let e = this.floors.get(sessionId);
    if (!e) {
      e = { floor: new FloorState(sessionId), timer: null };
      this.floors.set(sessionId, e);
    }
    return e;
  }

  /** Runs a floor change (which throws typed errors before changing anything) and publishes it. */
  private async change(sessionId: string, fn: (floor: FloorState) => unknown): Promise<FloorView> {
    const { floor } = this.entry(sessionId);
    const before = floor.view().revision;
    fn(floor);
    if (floor.view().revision !== before) await this.publish(sessionId);
    return floor.view();
  }

  /** The SFU first (the holder is live before anyone sees the change), then the room, then the countdown. */
  private async publish(sessionId: string): Promise<void> {
    const entry = this.floors.get(sessionId);
    if (!entry) return;
    const { floor } = entry;
    this.liveState.changed(sessionId);
    await this.rooms.setMicGate(sessionId, floor.isTalkingStick ? (id, role) => floor.micAllowed(id, role) : null);
    this.notifier.toSession(sessionId, {}, 'turn:stateChanged', floor.view());
    const round = floor.takeEndedRound();
    if (round) this.notifier.toSession(sessionId, {}, 'turn:goAroundEnded', { sessionId, ...round });
    this.schedule(sessionId, entry);
  }

  private schedule(sessionId: string, entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    const deadline = entry.floor.deadline();
    if (deadline === null) return;
    entry.timer = setTimeout(
      () => {
        entry.timer = null;
        if (this.floors.get(sessionId) !== entry) return;
        if (entry.floor.expire()) void this.publish(sessionId).catch((err: unknown) => this.fail(err));
        else this.schedule(sessionId, entry); // woke a little early
      },
      Math.max(0, deadline - Date.now()),
    );
    entry.timer.unref();
  }

  private limitHands(userId: string, sessionId: string): void {
    if (!this.hands.tryTake(`${sessionId}:${userId}`)) {
      throw new TurnError(TurnErrorCode.RateLimited, 'Hand raised and lowered too often. Wait a moment.');
    }
  }

  private fail(err: unknown): void {
    this.logger.error(`floor update failed: ${err instanceof Error ? err.message : 'unknown'}`);
  }
}
