import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, QueryFailedError, type Repository } from 'typeorm';
import { sceneAllowsMic, type DebriefView, type FeedbackView, type RoleplayState, type RoleplayView, type YourRole } from '@hearth/protocol';
import { Notifier } from '../realtime/notifier';
import { RoomsService } from '../rooms/rooms.service';
import { LiveStateStore } from '../rooms/live-state/live-state.store';
import { Exercise, exerciseSnapshotSchema, type Participant } from './domain/exercise';
import { RoleplayExerciseRecord, RoleplayFeedbackRecord, RoleplayRoundRecord } from './entities/exercise.entity';
import { RoleplayError, RoleplayErrorCode } from './roleplay.error';
import { ScenarioLibrary } from './scenario-library.service';

interface Entry {
  ex: Exercise;
  timer: NodeJS.Timeout | null;
  /** Sub-room each member was last put in (to move only who changed). */
  partitions: Map<string, string>;
  /** What each player was last told of their role (to tell only changes, and tell who lost one). */
  toldRoles: Map<string, string>;
  /** Rounds as last written (JSON), to write only changes. */
  savedRounds: Map<number, string>;
}

/**
 * Live role-play exercises. Exercise holds the rules; this checks who may
 * ask, applies the spotlight to the SFU through RoomsService's `spotlight`
 * mic gate and the sub-rooms as `breakout` media partitions (before anyone
 * hears of the change), records rounds and feedback, pushes the public view
 * to the room and each player's instructions to that player alone, and runs
 * the scene's countdown.
 */
@Injectable()
export class RoleplayService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Roleplay');
  private readonly exercises = new Map<string, Entry>();
  /** Sessions where an exercise is being started (so two starts at once cannot both pass). */
  private readonly starting = new Set<string>();

  constructor(
    private readonly rooms: RoomsService,
    private readonly notifier: Notifier,
    private readonly library: ScenarioLibrary,
    @InjectRepository(RoleplayExerciseRecord) private readonly exerciseRecords: Repository<RoleplayExerciseRecord>,
    @InjectRepository(RoleplayRoundRecord) private readonly roundRecords: Repository<RoleplayRoundRecord>,
    @InjectRepository(RoleplayFeedbackRecord) private readonly feedbackRecords: Repository<RoleplayFeedbackRecord>,
    private readonly liveState: LiveStateStore,
  ) {
    liveState.register({
      key: 'roleplay',
      order: 20,
      schema: exerciseSnapshotSchema,
      capture: (sessionId) => {
        const entry = this.exercises.get(sessionId);
        return entry && !entry.ex.isEnded ? entry.ex.toSnapshot() : undefined;
      },
      // Spotlight and sub-rooms go back on the SFU, the scene's countdown re-arms from its deadline.
      restore: async (sessionId, state) => {
        const ex = Exercise.fromSnapshot(state);
        this.exercises.set(sessionId, { ex, timer: null, partitions: new Map(), toldRoles: new Map(), savedRounds: new Map() });
        await this.publish(sessionId);
      },
      // Another node hosts the session now: no scene countdown fires from here.
      drop: (sessionId) => {
        const entry = this.exercises.get(sessionId);
        if (entry?.timer) clearTimeout(entry.timer);
        this.exercises.delete(sessionId);
      },
    });
  }

  onModuleInit(): void {
    this.rooms.onPresence((e) => {
      const entry = this.exercises.get(e.sessionId);
      if (!entry) return;
      if (e.kind === 'ended') {
        void this.finish(e.sessionId, entry).catch((err: unknown) => this.fail(err));
      } else if (e.kind === 'entered') {
        // Back from a dropped connection (or a later rejoin): into their sub-room, if they have one.
        entry.partitions.delete(e.userId);
        void this.publish(e.sessionId).catch((err: unknown) => this.fail(err));
      } else if (e.kind === 'left') {
        entry.ex.removeMember(e.userId);
        entry.partitions.delete(e.userId);
        void this.publish(e.sessionId).catch((err: unknown) => this.fail(err));
      }
    });
  }

  onModuleDestroy(): void {
    for (const e of this.exercises.values()) if (e.timer) clearTimeout(e.timer);
  }

  /** The exercise as the caller may see it: their own role and feedback; therapists everything. */
  state(userId: string, sessionId: string): RoleplayState {
    const me = this.rooms.requireAdmitted(userId, sessionId);
    const entry = this.exercises.get(sessionId);
    if (!entry) return { exercise: null, yourRole: null, myFeedback: [] };
    const { ex } = entry;
    const yourRole = ex.roleOf(userId);
    return {
      exercise: ex.view(this.present(sessionId)),
      yourRole: yourRole.role ? yourRole : null,
      myFeedback: ex.feedbackOf(userId).map(({ observerUserId: _, ...f }) => f),
      ...(me.role === 'therapist' ? { therapist: { roles: ex.scenario.roles.map((r) => ({ ...r })), feedback: ex.feedbackOf() } } : {}),
    };
  }

  async start(userId: string, sessionId: string, scenarioId: string, now = new Date()): Promise<RoleplayView> {
    const me = this.rooms.requireTherapist(userId, sessionId);
    if (this.exercises.has(sessionId) || this.starting.has(sessionId)) {
      throw new RoleplayError(RoleplayErrorCode.AlreadyActive, 'An exercise is already running in this session. End it first.');
    }
    this.starting.add(sessionId);
    try {
      const scenario = await this.library.snapshotFor({ userId, role: me.role }, scenarioId);
      const ex = new Exercise(randomUUID(), sessionId, scenario);
      // Live state is this process's (like the room itself): an exercise still open in the
      // record but not here was cut off by a restart, and must not block the session.
      await this.exerciseRecords.update({ sessionId, endedAt: IsNull() }, { endedAt: now });
      try {
        await this.exerciseRecords.insert({ id: ex.id, sessionId, scenarioId, scenario, startedBy: userId, startedAt: now, endedAt: null });
      } catch (e) {
        // Another server process started one first (one active exercise per session, by index).
        if (e instanceof QueryFailedError) throw new RoleplayError(RoleplayErrorCode.AlreadyActive, 'An exercise is already running in this session.');
        throw e;
      }
      this.exercises.set(sessionId, { ex, timer: null, partitions: new Map(), toldRoles: new Map(), savedRounds: new Map() });
    } finally {
      this.starting.delete(sessionId);
    }
    await this.publish(sessionId);
    return this.viewOf(sessionId);
  }

  assign(userId: string, sessionId: string, assignments: { roleKey: string; userId: string | null }[]): Promise<RoleplayView> {
    return this.moderate(userId, sessionId, (ex) => ex.assign(assignments, this.present(sessionId)));
  }

  startScene(userId: string, sessionId: string, durationSeconds: number): Promise<RoleplayView> {
    return this.moderate(userId, sessionId, (ex) => ex.startScene(durationSeconds));
  }

  pauseScene(userId: string, sessionId: string): Promise<RoleplayView> {
    return this.moderate(userId, sessionId, (ex) => ex.pauseScene());
  }

  resumeScene(userId: string, sessionId: string): Promise<RoleplayView> {
    return this.moderate(userId, sessionId, (ex) => ex.resumeScene());
  }

  endScene(userId: string, sessionId: string): Promise<RoleplayView> {
    return this.moderate(userId, sessionId, (ex) => ex.endScene('therapist'));
  }

  swapRoles(userId: string, sessionId: string, roleKeys?: [string, string]): Promise<RoleplayView> {
    return this.moderate(userId, sessionId, (ex) => ex.swapRoles(roleKeys));
  }

  startBreakouts(userId: string, sessionId: string, groups: string[][]): Promise<RoleplayView> {
    return this.moderate(userId, sessionId, (ex) => ex.startBreakouts(groups, this.present(sessionId)));
  }

  joinBreakout(userId: string, sessionId: string, breakoutId: string | null): Promise<RoleplayView> {
    return this.moderate(userId, sessionId, (ex) => ex.joinBreakout(userId, breakoutId));
  }

  returnEveryone(userId: string, sessionId: string): Promise<RoleplayView> {
    return this.moderate(userId, sessionId, (ex) => ex.returnEveryone());
  }

  async submitFeedback(
    userId: string,
    sessionId: string,
    f: { playerUserId: string; checked: string[]; note?: string | null },
    now = new Date(),
  ): Promise<FeedbackView> {
    const me = this.rooms.requireAdmitted(userId, sessionId);
    const { ex } = this.entryOf(sessionId);
    const saved = ex.submitFeedback({ userId, role: me.role }, { playerUserId: f.playerUserId, checked: f.checked, note: f.note ?? null });
    await this.feedbackRecords.upsert(
      {
        exerciseId: ex.id,
        round: ex.currentRound,
        observerUserId: userId,
        playerUserId: f.playerUserId,
        checked: saved.checked,
        note: saved.note,
        submittedAt: now,
      },
      ['exerciseId', 'round', 'observerUserId', 'playerUserId'],
    );
    return saved;
  }

  async showDebrief(userId: string, sessionId: string, includeNotes: boolean): Promise<DebriefView> {
    let debrief: DebriefView | undefined;
    await this.moderate(userId, sessionId, (ex) => (debrief = ex.showDebrief(includeNotes)));
    this.notifier.toSession(sessionId, {}, 'roleplay:debriefShown', { sessionId, debrief: debrief! });
    return debrief!;
  }

  async end(userId: string, sessionId: string): Promise<Record<string, never>> {
    this.rooms.requireTherapist(userId, sessionId);
    await this.finish(sessionId, this.entryOf(sessionId));
    return {};
  }

  // -------------------------------------------------------------------------

  private present(sessionId: string): Participant[] {
    return (this.rooms.liveSession(sessionId)?.present() ?? []).map((m) => ({ userId: m.userId, role: m.role }));
  }

  private entryOf(sessionId: string): Entry {
    const entry = this.exercises.get(sessionId);
    if (!entry) throw new RoleplayError(RoleplayErrorCode.NoExercise, 'No exercise is running in this session.');
    return entry;
  }

  private viewOf(sessionId: string): RoleplayView {
    return this.entryOf(sessionId).ex.view(this.present(sessionId));
  }

  /** A therapist's change (which throws typed errors before changing anything), then published. */
  private async moderate(userId: string, sessionId: string, fn: (ex: Exercise) => unknown): Promise<RoleplayView> {
    this.rooms.requireTherapist(userId, sessionId);
    const { ex } = this.entryOf(sessionId);
    fn(ex);
    await this.publish(sessionId);
    return this.viewOf(sessionId);
  }

  /** The SFU first (spotlight gate, sub-rooms), then the record, then the room and each player, then the countdown. */
  private async publish(sessionId: string): Promise<void> {
    const entry = this.exercises.get(sessionId);
    if (!entry) return;
    const { ex } = entry;
    this.liveState.changed(sessionId);
    await this.rooms.setMicGate(
      sessionId,
      'spotlight',
      ex.spotlightActive() ? (id, role) => sceneAllowsMic(ex.spotlightUserIds(), id, role) : null,
    );
    await this.applyPartitions(sessionId, entry);
    await this.saveRounds(entry);
    this.notifier.toSession(sessionId, {}, 'roleplay:stateChanged', { sessionId, exercise: ex.isEnded ? null : ex.view(this.present(sessionId)) });
    this.tellRoles(entry);
    this.schedule(sessionId, entry);
  }

  private async applyPartitions(sessionId: string, entry: Entry): Promise<void> {
    const wanted = new Map<string, string>();
    if (!entry.ex.isEnded) for (const id of entry.ex.partitionedUserIds()) wanted.set(id, entry.ex.partitionOf(id)!);
    const out = [...entry.partitions.keys()].filter((id) => !wanted.has(id));
    if (out.length > 0) await this.rooms.setMediaPartition(sessionId, out, null, 'breakout');
    const byPartition = new Map<string, string[]>();
    for (const [id, p] of wanted) {
      if (entry.partitions.get(id) === p) continue;
      byPartition.set(p, [...(byPartition.get(p) ?? []), id]);
    }
    for (const [p, ids] of byPartition) await this.rooms.setMediaPartition(sessionId, ids, p, 'breakout');
    entry.partitions = wanted;
  }

  /** Each player alone hears their role (with instructions); someone who lost theirs hears null. */
  private tellRoles(entry: Entry): void {
    const { ex } = entry;
    const ids = new Set([...entry.toldRoles.keys(), ...(ex.isEnded ? [] : ex.playerIds())]);
    for (const id of ids) {
      const role: YourRole = ex.isEnded ? { ...ex.roleOf(id), role: null, breakoutId: null } : ex.roleOf(id);
      const key = role.role ? `${role.round}:${role.breakoutId ?? ''}:${role.role.key}` : '';
      if ((entry.toldRoles.get(id) ?? '') === key) continue;
      if (key) entry.toldRoles.set(id, key);
      else entry.toldRoles.delete(id);
      this.notifier.toUser(id, 'roleplay:yourRole', role);
    }
  }

  private async saveRounds(entry: Entry): Promise<void> {
    for (const r of entry.ex.roundRecords()) {
      const json = JSON.stringify(r);
      if (entry.savedRounds.get(r.round) === json) continue;
      await this.roundRecords.upsert(
        {
          exerciseId: entry.ex.id,
          round: r.round,
          assignments: r.assignments,
          breakouts: r.breakouts,
          durationSeconds: r.durationSeconds,
          startedAt: new Date(r.startedAt),
          endedAt: r.endedAt === null ? null : new Date(r.endedAt),
          endReason: r.endReason,
        },
        ['exerciseId', 'round'],
      );
      entry.savedRounds.set(r.round, json);
    }
  }

  private async finish(sessionId: string, entry: Entry, now = new Date()): Promise<void> {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    entry.ex.end();
    await this.publish(sessionId);
    if (this.exercises.get(sessionId) === entry) this.exercises.delete(sessionId);
    await this.exerciseRecords.update({ id: entry.ex.id }, { endedAt: now });
  }

  private schedule(sessionId: string, entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    const deadline = entry.ex.deadline();
    if (deadline === null || entry.ex.isEnded) return;
    entry.timer = setTimeout(
      () => {
        entry.timer = null;
        if (this.exercises.get(sessionId) !== entry) return;
        if (entry.ex.expire()) void this.publish(sessionId).catch((err: unknown) => this.fail(err));
        else this.schedule(sessionId, entry); // woke a little early
      },
      Math.max(0, deadline - Date.now()),
    );
    entry.timer.unref();
  }

  private fail(err: unknown): void {
    this.logger.error(`role-play update failed: ${err instanceof Error ? err.message : 'unknown'}`);
  }
}
