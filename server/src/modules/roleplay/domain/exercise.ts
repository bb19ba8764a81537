import type {
  BreakoutView,
  ChecklistItem,
  DebriefView,
  FeedbackView,
  RoleAssignment,
  RoleplaySkill,
  RoleplayView,
  SceneStatus,
  ScenarioRole,
  YourRole,
} from '@hearth/protocol';
import { z } from 'zod';
import { ROLEPLAY_SKILLS } from '@hearth/protocol';
import { RoleplayError, RoleplayErrorCode } from '../roleplay.error';

/** The scenario as the exercise froze it at the start (later library edits do not change a running exercise). */
export interface ScenarioSnapshot {
  id: string;
  title: string;
  skill: RoleplaySkill;
  setting: string;
  goals: string[];
  roles: ScenarioRole[];
  checklist: ChecklistItem[];
}

/** Someone present in the room, as the exercise needs to know them. */
export interface Participant {
  userId: string;
  role: 'therapist' | 'patient';
}

interface Breakout {
  id: string;
  name: string;
  userIds: string[];
  /** roleKey → userId */
  assignments: Map<string, string>;
}

interface Feedback {
  observerUserId: string;
  playerUserId: string;
  checked: string[];
  note: string | null;
  submittedAt: number;
}

/** A round as it is recorded: who played what, and when the scene ran. */
export interface RoundRecord {
  round: number;
  assignments: Record<string, string | null>;
  breakouts: { id: string; userIds: string[]; assignments: Record<string, string> }[] | null;
  durationSeconds: number;
  startedAt: number;
  endedAt: number | null;
  endReason: 'timer' | 'therapist' | 'exercise_ended' | null;
}

const id = z.string().min(1);
const debriefSchema = z.object({
  round: z.number().int(),
  observersResponded: z.number().int(),
  players: z.array(
    z.object({
      userId: id,
      roleKey: z.string(),
      roleName: z.string(),
      checklist: z.array(z.object({ key: z.string(), text: z.string(), count: z.number().int() })),
      notes: z.array(z.string()),
    }),
  ),
});

/** An exercise as it outlives the process: phase, cast, scene deadline, breakouts, this round's feedback. */
export const exerciseSnapshotSchema = z.object({
  id,
  sessionId: id,
  scenario: z.object({
    id: z.string(),
    title: z.string(),
    skill: z.enum(ROLEPLAY_SKILLS),
    setting: z.string(),
    goals: z.array(z.string()),
    roles: z.array(z.object({ key: z.string(), name: z.string(), instructions: z.string() })),
    checklist: z.array(z.object({ key: z.string(), text: z.string() })),
  }),
  assignments: z.array(z.tuple([z.string(), id.nullable()])),
  status: z.enum(['ready', 'running', 'paused', 'ended']),
  round: z.number().int().positive(),
  roundStarted: z.boolean(),
  durationSeconds: z.number().nullable(),
  /** Scene deadline, ms since epoch (running scenes). */
  endsAt: z.number().nullable(),
  remainingMs: z.number().nullable(),
  breakouts: z
    .array(z.object({ id: z.string(), name: z.string(), userIds: z.array(id), assignments: z.array(z.tuple([z.string(), id])) }))
    .nullable(),
  dropIns: z.array(z.tuple([id, z.string()])),
  feedback: z.array(
    z.object({ observerUserId: id, playerUserId: id, checked: z.array(z.string()), note: z.string().nullable(), submittedAt: z.number() }),
  ),
  debrief: debriefSchema.nullable(),
  revision: z.number().int().nonnegative(),
  rounds: z.array(
    z.object({
      round: z.number().int(),
      assignments: z.record(id.nullable()),
      breakouts: z.array(z.object({ id: z.string(), userIds: z.array(id), assignments: z.record(id) })).nullable(),
      durationSeconds: z.number(),
      startedAt: z.number(),
      endedAt: z.number().nullable(),
      endReason: z.enum(['timer', 'therapist', 'exercise_ended']).nullable(),
    }),
  ),
  ended: z.boolean(),
});
export type ExerciseSnapshot = z.infer<typeof exerciseSnapshotSchema>;

/**
 * One role-play exercise of a live session as a plain state machine:
 * casting, the timed scene (start, pause, resume, end, expiry), role swaps
 * and rounds, breakout sub-rooms with therapists dropping in, observer
 * feedback and the debrief. No Nest, no sockets, no media: the service asks
 * `spotlightActive()` / `isPlayer()` for the mic gate, `partitionOf()` for
 * sub-rooms, and calls `expire()` when `deadline()` passes. Every method
 * throws a typed RoleplayError before changing anything.
 */
export class Exercise {
  private readonly assignments = new Map<string, string | null>();
  private status: SceneStatus = 'ready';
  private round = 1;
  private roundStarted = false;
  private durationSeconds: number | null = null;
  private endsAt: number | null = null;
  private remainingMs: number | null = null;
  private breakouts: Breakout[] | null = null;
  /** Therapists in a sub-room: userId → breakout id. */
  private readonly dropIns = new Map<string, string>();
  private feedback: Feedback[] = [];
  private debrief: DebriefView | null = null;
  private revision = 0;
  private readonly rounds: RoundRecord[] = [];
  private ended = false;

  constructor(
    readonly id: string,
    readonly sessionId: string,
    readonly scenario: ScenarioSnapshot,
    private readonly now: () => number = Date.now,
  ) {
    for (const r of scenario.roles) this.assignments.set(r.key, null);
  }

  toSnapshot(): ExerciseSnapshot {
    return {
      id: this.id,
      sessionId: this.sessionId,
      scenario: structuredClone(this.scenario),
      assignments: [...this.assignments],
      status: this.status,
      round: this.round,
      roundStarted: this.roundStarted,
      durationSeconds: this.durationSeconds,
      endsAt: this.endsAt,
      remainingMs: this.remainingMs,
      breakouts: this.breakouts?.map((b) => ({ id: b.id, name: b.name, userIds: [...b.userIds], assignments: [...b.assignments] })) ?? null,
      dropIns: [...this.dropIns],
      feedback: this.feedback.map((f) => ({ ...f, checked: [...f.checked] })),
      debrief: this.debrief ? structuredClone(this.debrief) : null,
      revision: this.revision,
      rounds: structuredClone(this.rounds),
      ended: this.ended,
    };
  }

  /**
   * The exercise as it was. A running scene keeps its deadline (one that
   * passed while the server was down ends at the first `expire()`); the
   * revision goes on from where it was, so clients take the new views.
   */
  static fromSnapshot(snap: ExerciseSnapshot, now: () => number = Date.now): Exercise {
    const ex = new Exercise(snap.id, snap.sessionId, structuredClone(snap.scenario), now);
    ex.assignments.clear();
    for (const [k, u] of snap.assignments) ex.assignments.set(k, u);
    ex.status = snap.status;
    ex.round = snap.round;
    ex.roundStarted = snap.roundStarted;
    ex.durationSeconds = snap.durationSeconds;
    ex.endsAt = snap.endsAt;
    ex.remainingMs = snap.remainingMs;
    ex.breakouts = snap.breakouts?.map((b) => ({ id: b.id, name: b.name, userIds: [...b.userIds], assignments: new Map(b.assignments) })) ?? null;
    for (const [u, b] of snap.dropIns) ex.dropIns.set(u, b);
    ex.feedback = snap.feedback.map((f) => ({ ...f, checked: [...f.checked] }));
    ex.debrief = snap.debrief ? structuredClone(snap.debrief) : null;
    ex.revision = snap.revision + 1;
    ex.rounds.push(...structuredClone(snap.rounds));
    ex.ended = snap.ended;
    return ex;
  }

  // -------------------------------------------------------------------------
  // Queries
  // -------------------------------------------------------------------------

  get sceneStatus(): SceneStatus {
    return this.status;
  }

  get currentRound(): number {
    return this.round;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** When the running scene runs out (ms since epoch), or null. */
  deadline(): number | null {
    return this.status === 'running' ? this.endsAt : null;
  }

  /** Players' tiles are featured and observers held muted while a scene is on in the main room. */
  spotlightActive(): boolean {
    return !this.ended && !this.breakouts && (this.status === 'running' || this.status === 'paused');
  }

  /** Whether `userId` plays a role now (in the main room, or in their sub-room during breakouts). */
  isPlayer(userId: string): boolean {
    if (this.breakouts) return this.breakouts.some((b) => [...b.assignments.values()].includes(userId));
    return [...this.assignments.values()].includes(userId);
  }

  /** The media partition a member belongs in: their sub-room (or the one a therapist dropped into), else null. */
  partitionOf(userId: string): string | null {
    if (!this.breakouts) return null;
    const dropped = this.dropIns.get(userId);
    if (dropped) return Exercise.partitionName(this.id, dropped);
    const b = this.breakouts.find((x) => x.userIds.includes(userId));
    return b ? Exercise.partitionName(this.id, b.id) : null;
  }

  static partitionName(exerciseId: string, breakoutId: string): string {
    return `roleplay:${exerciseId}:${breakoutId}`;
  }

  /** Everyone with a sub-room now (members and therapists who dropped in). */
  partitionedUserIds(): string[] {
    if (!this.breakouts) return [];
    return [...new Set([...this.breakouts.flatMap((b) => b.userIds), ...this.dropIns.keys()])];
  }

  /** The caller's role with its instructions, or null (never anyone else's). */
  roleOf(userId: string): YourRole {
    let breakoutId: string | null = null;
    let roleKey: string | null = null;
    if (this.breakouts) {
      for (const b of this.breakouts) {
        for (const [k, u] of b.assignments) {
          if (u === userId) {
            breakoutId = b.id;
            roleKey = k;
          }
        }
      }
    } else {
      for (const [k, u] of this.assignments) if (u === userId) roleKey = k;
    }
    const role = roleKey ? (this.scenario.roles.find((r) => r.key === roleKey) ?? null) : null;
    return { sessionId: this.sessionId, exerciseId: this.id, round: this.round, breakoutId, role: role ? { ...role } : null };
  }

  /** Everyone who plays a role anywhere now (to tell each their role). */
  /** The players a scene running in the main room puts in the spotlight (empty otherwise); see `sceneAllowsMic`. */
  spotlightUserIds(): string[] {
    return this.spotlightActive() ? this.playerIds() : [];
  }

  playerIds(): string[] {
    const ids = this.breakouts
      ? this.breakouts.flatMap((b) => [...b.assignments.values()])
      : [...this.assignments.values()].filter((u): u is string => !!u);
    return [...new Set(ids)];
  }

  view(present: Participant[]): RoleplayView {
    const players = new Set(this.playerIds());
    return {
      sessionId: this.sessionId,
      exerciseId: this.id,
      revision: this.revision,
      scenario: {
        id: this.scenario.id,
        title: this.scenario.title,
        skill: this.scenario.skill,
        setting: this.scenario.setting,
        goals: [...this.scenario.goals],
        roles: this.scenario.roles.map((r) => ({ key: r.key, name: r.name })),
        checklist: this.scenario.checklist.map((c) => ({ ...c })),
      },
      round: this.round,
      assignments: this.assignmentList(this.assignments),
      observerUserIds: present.map((p) => p.userId).filter((id) => !players.has(id)),
      scene: {
        status: this.status,
        durationSeconds: this.durationSeconds,
        endsAt: this.status === 'running' && this.endsAt ? new Date(this.endsAt).toISOString() : null,
        remainingSeconds: this.status === 'paused' && this.remainingMs !== null ? Math.ceil(this.remainingMs / 1000) : null,
      },
      spotlightUserIds: this.spotlightUserIds(),
      breakouts: this.breakouts ? this.breakouts.map((b) => this.breakoutView(b)) : null,
      debrief: this.debrief,
      serverTime: new Date(this.now()).toISOString(),
    };
  }

  /** One observer's feedback this round (or everyone's, for therapists). */
  feedbackOf(observerUserId?: string): (FeedbackView & { observerUserId: string })[] {
    return this.feedback
      .filter((f) => observerUserId === undefined || f.observerUserId === observerUserId)
      .map((f) => ({
        observerUserId: f.observerUserId,
        playerUserId: f.playerUserId,
        checked: [...f.checked],
        note: f.note,
        submittedAt: new Date(f.submittedAt).toISOString(),
      }));
  }

  /** Rounds recorded so far (the last may still be running). */
  roundRecords(): RoundRecord[] {
    return this.rounds.map((r) => ({ ...r }));
  }

  // -------------------------------------------------------------------------
  // Casting
  // -------------------------------------------------------------------------

  /** Gives roles to people present; a person plays at most one role. */
  assign(changes: { roleKey: string; userId: string | null }[], present: Participant[]): void {
    this.requireOpen();
    this.requireSceneStill();
    if (this.breakouts) throw new RoleplayError(RoleplayErrorCode.BreakoutsActive, 'Bring everyone back from the sub-rooms first.');
    const here = new Set(present.map((p) => p.userId));
    const next = new Map(this.assignments);
    for (const c of changes) {
      if (!next.has(c.roleKey)) throw new RoleplayError(RoleplayErrorCode.UnknownRole, 'That scenario has no such role.');
      if (c.userId !== null && !here.has(c.userId)) {
        throw new RoleplayError(RoleplayErrorCode.TargetNotPresent, 'That person is not in the room.');
      }
      if (c.userId !== null) for (const [k, u] of next) if (u === c.userId) next.set(k, null);
      next.set(c.roleKey, c.userId);
    }
    for (const [k, u] of next) this.assignments.set(k, u);
    this.changed();
  }

  /** Swaps two roles' players, or without keys moves every player on to the next role. */
  swapRoles(roleKeys?: [string, string]): void {
    this.requireOpen();
    this.requireSceneStill();
    if (this.breakouts) throw new RoleplayError(RoleplayErrorCode.BreakoutsActive, 'Bring everyone back from the sub-rooms first.');
    if (roleKeys) {
      const [a, b] = roleKeys;
      if (!this.assignments.has(a) || !this.assignments.has(b) || a === b) {
        throw new RoleplayError(RoleplayErrorCode.UnknownRole, 'Pick two different roles of the scenario.');
      }
      const ua = this.assignments.get(a)!;
      this.assignments.set(a, this.assignments.get(b)!);
      this.assignments.set(b, ua);
    } else {
      const keys = [...this.assignments.keys()];
      const players = keys.map((k) => this.assignments.get(k)!);
      keys.forEach((k, i) => this.assignments.set(k, players[(i - 1 + keys.length) % keys.length]!));
    }
    this.nextRound();
    this.changed();
  }

  // -------------------------------------------------------------------------
  // The scene
  // -------------------------------------------------------------------------

  startScene(durationSeconds: number): void {
    this.requireOpen();
    this.requireSceneStill();
    if (this.breakouts) {
      if (this.breakouts.some((b) => b.assignments.size < this.scenario.roles.length)) {
        throw new RoleplayError(RoleplayErrorCode.RolesUnassigned, 'Every sub-room needs a player for each role.');
      }
    } else if ([...this.assignments.values()].some((u) => u === null)) {
      throw new RoleplayError(RoleplayErrorCode.RolesUnassigned, 'Give every role a player first.');
    }
    if (this.status === 'ended') this.nextRound();
    this.status = 'running';
    this.roundStarted = true;
    this.durationSeconds = durationSeconds;
    this.endsAt = this.now() + durationSeconds * 1000;
    this.remainingMs = null;
    this.rounds.push({
      round: this.round,
      assignments: Object.fromEntries(this.assignments),
      breakouts: this.breakouts
        ? this.breakouts.map((b) => ({ id: b.id, userIds: [...b.userIds], assignments: Object.fromEntries(b.assignments) }))
        : null,
      durationSeconds,
      startedAt: this.now(),
      endedAt: null,
      endReason: null,
    });
    this.changed();
  }

  pauseScene(): void {
    this.requireOpen();
    if (this.status !== 'running') throw new RoleplayError(RoleplayErrorCode.SceneNotRunning, 'No scene is running.');
    this.remainingMs = Math.max(0, (this.endsAt ?? this.now()) - this.now());
    this.endsAt = null;
    this.status = 'paused';
    this.changed();
  }

  resumeScene(): void {
    this.requireOpen();
    if (this.status !== 'paused') throw new RoleplayError(RoleplayErrorCode.SceneNotRunning, 'The scene is not paused.');
    this.endsAt = this.now() + (this.remainingMs ?? 0);
    this.remainingMs = null;
    this.status = 'running';
    this.changed();
  }

  endScene(reason: 'therapist' | 'timer' = 'therapist'): void {
    this.requireOpen();
    if (this.status !== 'running' && this.status !== 'paused') {
      throw new RoleplayError(RoleplayErrorCode.SceneNotRunning, 'No scene is running.');
    }
    this.finishScene(reason);
    this.changed();
  }

  /** The countdown reached zero: the scene ends. Returns false if it was not due yet. */
  expire(): boolean {
    const d = this.deadline();
    if (d === null || this.now() < d) return false;
    this.finishScene('timer');
    this.changed();
    return true;
  }

  // -------------------------------------------------------------------------
  // Breakouts
  // -------------------------------------------------------------------------

  /** Pairs or trios of people present, each a sub-room; the first members take the roles in order. */
  startBreakouts(groups: string[][], present: Participant[]): void {
    this.requireOpen();
    this.requireSceneStill();
    if (this.breakouts) throw new RoleplayError(RoleplayErrorCode.BreakoutsActive, 'The sub-rooms are already open.');
    const here = new Set(present.map((p) => p.userId));
    const seen = new Set<string>();
    for (const g of groups) {
      if (g.length < 2) throw new RoleplayError(RoleplayErrorCode.BadGroups, 'Each sub-room needs at least two people.');
      for (const id of g) {
        if (!here.has(id)) throw new RoleplayError(RoleplayErrorCode.TargetNotPresent, 'That person is not in the room.');
        if (seen.has(id)) throw new RoleplayError(RoleplayErrorCode.BadGroups, 'Someone is in two sub-rooms.');
        seen.add(id);
      }
    }
    const roles = this.scenario.roles.map((r) => r.key);
    this.breakouts = groups.map((userIds, i) => ({
      id: `b${i + 1}`,
      name: `${userIds.length === 2 ? 'Pair' : 'Group'} ${i + 1}`,
      userIds: [...userIds],
      assignments: new Map(roles.slice(0, userIds.length).map((k, j) => [k, userIds[j]!] as const)),
    }));
    this.dropIns.clear();
    if (this.status === 'ended') this.nextRound();
    this.changed();
  }

  /** A therapist drops into a sub-room (or with null comes back to the main room). */
  joinBreakout(therapistUserId: string, breakoutId: string | null): void {
    this.requireOpen();
    if (!this.breakouts) throw new RoleplayError(RoleplayErrorCode.NoBreakouts, 'No sub-rooms are open.');
    if (breakoutId === null) {
      this.dropIns.delete(therapistUserId);
    } else {
      if (!this.breakouts.some((b) => b.id === breakoutId)) {
        throw new RoleplayError(RoleplayErrorCode.BreakoutNotFound, 'No such sub-room.');
      }
      this.dropIns.set(therapistUserId, breakoutId);
    }
    this.changed();
  }

  /** Everyone back to the main room. A scene running in the sub-rooms ends with them. Returns who was in one. */
  returnEveryone(): string[] {
    this.requireOpen();
    if (!this.breakouts) throw new RoleplayError(RoleplayErrorCode.NoBreakouts, 'No sub-rooms are open.');
    const moved = this.partitionedUserIds();
    if (this.status === 'running' || this.status === 'paused') this.finishScene('therapist');
    this.breakouts = null;
    this.dropIns.clear();
    this.changed();
    return moved;
  }

  // -------------------------------------------------------------------------
  // Feedback and debrief
  // -------------------------------------------------------------------------

  /** An observer's checklist and note for one player, this round (again replaces it). */
  submitFeedback(
    observer: Participant,
    f: { playerUserId: string; checked: string[]; note: string | null },
  ): FeedbackView {
    this.requireOpen();
    if (!this.roundStarted) throw new RoleplayError(RoleplayErrorCode.SceneNotRunning, 'Feedback opens when the scene starts.');
    if (this.isPlayer(observer.userId)) throw new RoleplayError(RoleplayErrorCode.NotObserver, 'Players do not give feedback on this round.');
    const player = this.playerIdsOfRound();
    if (!player.includes(f.playerUserId)) throw new RoleplayError(RoleplayErrorCode.NotAPlayer, 'That person plays no role this round.');
    const known = new Set(this.scenario.checklist.map((c) => c.key));
    const checked = [...new Set(f.checked)];
    if (checked.some((k) => !known.has(k))) throw new RoleplayError(RoleplayErrorCode.UnknownRole, 'That item is not on the checklist.');
    const entry: Feedback = {
      observerUserId: observer.userId,
      playerUserId: f.playerUserId,
      checked,
      note: f.note && f.note.length > 0 ? f.note : null,
      submittedAt: this.now(),
    };
    this.feedback = this.feedback.filter((x) => !(x.observerUserId === observer.userId && x.playerUserId === f.playerUserId));
    this.feedback.push(entry);
    return { playerUserId: entry.playerUserId, checked: [...checked], note: entry.note, submittedAt: new Date(entry.submittedAt).toISOString() };
  }

  /** The aggregated checklist of this round, per player; counts only, notes without authors if asked. */
  showDebrief(includeNotes: boolean): DebriefView {
    this.requireOpen();
    if (!this.roundStarted) throw new RoleplayError(RoleplayErrorCode.SceneNotRunning, 'Run a scene before the debrief.');
    const roleOfPlayer = this.roleKeysOfRound();
    const players = [...roleOfPlayer.keys()];
    this.debrief = {
      round: this.round,
      observersResponded: new Set(this.feedback.map((f) => f.observerUserId)).size,
      players: players.map((userId) => {
        const mine = this.feedback.filter((f) => f.playerUserId === userId);
        const roleKey = roleOfPlayer.get(userId)!;
        return {
          userId,
          roleKey,
          roleName: this.scenario.roles.find((r) => r.key === roleKey)?.name ?? roleKey,
          checklist: this.scenario.checklist.map((c) => ({
            key: c.key,
            text: c.text,
            count: mine.filter((f) => f.checked.includes(c.key)).length,
          })),
          // Sorted so the order gives nothing away about who wrote what.
          notes: includeNotes ? mine.flatMap((f) => (f.note ? [f.note] : [])).sort() : [],
        };
      }),
    };
    this.changed();
    return this.debrief;
  }

  /** Ends the exercise; returns who was in a sub-room (to bring back). */
  end(): string[] {
    if (this.ended) return [];
    const moved = this.partitionedUserIds();
    if (this.status === 'running' || this.status === 'paused') this.finishScene('exercise_ended');
    this.breakouts = null;
    this.dropIns.clear();
    this.ended = true;
    this.changed();
    return moved;
  }

  /** Someone left the session for good: a therapist's drop-in ends; roles stay for the therapist to reassign. */
  removeMember(userId: string): boolean {
    return this.dropIns.delete(userId) && this.changed();
  }

  // -------------------------------------------------------------------------

  private assignmentList(map: Map<string, string | null>): RoleAssignment[] {
    return this.scenario.roles.map((r) => ({ roleKey: r.key, roleName: r.name, userId: map.get(r.key) ?? null }));
  }

  private breakoutView(b: Breakout): BreakoutView {
    return {
      id: b.id,
      name: b.name,
      userIds: [...b.userIds],
      assignments: this.scenario.roles
        .filter((r) => b.assignments.has(r.key))
        .map((r) => ({ roleKey: r.key, roleName: r.name, userId: b.assignments.get(r.key) ?? null })),
      therapistUserIds: [...this.dropIns].filter(([, id]) => id === b.id).map(([u]) => u),
    };
  }

  /** userId → roleKey of this round's players (main room, or every sub-room). */
  private roleKeysOfRound(): Map<string, string> {
    const last = this.rounds[this.rounds.length - 1];
    const out = new Map<string, string>();
    if (last?.round === this.round) {
      const maps = last.breakouts ? last.breakouts.map((b) => b.assignments) : [last.assignments];
      for (const m of maps) for (const [k, u] of Object.entries(m)) if (u) out.set(u, k);
    }
    return out;
  }

  private playerIdsOfRound(): string[] {
    return [...this.roleKeysOfRound().keys()];
  }

  private finishScene(reason: RoundRecord['endReason']): void {
    this.status = 'ended';
    this.endsAt = null;
    this.remainingMs = null;
    const last = this.rounds[this.rounds.length - 1];
    if (last && last.endedAt === null) {
      last.endedAt = this.now();
      last.endReason = reason;
    }
  }

  /** A new round: fresh feedback and no debrief on screen. */
  private nextRound(): void {
    if (!this.roundStarted) return;
    this.round += 1;
    this.roundStarted = false;
    this.status = 'ready';
    this.feedback = [];
    this.debrief = null;
  }

  private requireOpen(): void {
    if (this.ended) throw new RoleplayError(RoleplayErrorCode.NoExercise, 'This exercise has ended.');
  }

  private requireSceneStill(): void {
    if (this.status === 'running' || this.status === 'paused') {
      throw new RoleplayError(RoleplayErrorCode.SceneRunning, 'End the scene first.');
    }
  }

  private changed(): true {
    this.revision += 1;
    return true;
  }
}
