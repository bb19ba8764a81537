import type { DebriefView, FeedbackView, RoleplayState, RoleplayView, ScenarioView, YourRole } from '@hearth/protocol';
import { apiRequest } from '../realtime/api';
import { requestPatiently } from '../realtime/patientRequest';
import type { HearthSocket } from '../realtime/socket';
import { Store } from './Store';

export interface RoleplayClientState {
  /** The live exercise's public view, or null when none runs. */
  exercise: RoleplayView | null;
  /** Players: their own role with its instructions (never anyone else's). */
  yourRole: YourRole | null;
  /** Observers: what they already sent this round. */
  myFeedback: FeedbackView[];
  /** Therapists: every role's instructions and the round's feedback. */
  therapist: RoleplayState['therapist'] | null;
  /** The debrief the therapist put on everyone's screen (until dismissed). */
  debrief: DebriefView | null;
  /** server clock − this browser's clock, from the latest view (for the countdown). */
  clockOffsetMs: number;
  loaded: boolean;
}

export const initialRoleplayState: RoleplayClientState = {
  exercise: null,
  yourRole: null,
  myFeedback: [],
  therapist: null,
  debrief: null,
  clockOffsetMs: 0,
  loaded: false,
};

/** Milliseconds left in the scene at local time `now`, or null without a countdown. */
export function sceneRemainingMs(state: RoleplayClientState, now: number): number | null {
  const scene = state.exercise?.scene;
  if (!scene) return null;
  if (scene.status === 'running' && scene.endsAt) return Math.max(0, Date.parse(scene.endsAt) - (now + state.clockOffsetMs));
  if (scene.status === 'paused' && scene.remainingSeconds !== null) return scene.remainingSeconds * 1000;
  if (scene.status === 'ready' && scene.durationSeconds) return scene.durationSeconds * 1000;
  return null;
}

/** The role the user plays in the view (main room or their sub-room), or null. */
export function roleOf(view: RoleplayView | null, userId: string | null): { roleKey: string; roleName: string } | null {
  if (!view || !userId) return null;
  const all = [...view.assignments, ...(view.breakouts ?? []).flatMap((b) => b.assignments)];
  const a = all.find((x) => x.userId === userId);
  return a ? { roleKey: a.roleKey, roleName: a.roleName } : null;
}

/** The sub-room the user is in (as a member or a therapist who dropped in), or null: the main room. */
export function breakoutOf(view: RoleplayView | null, userId: string | null) {
  if (!view?.breakouts || !userId) return null;
  return view.breakouts.find((b) => b.userIds.includes(userId) || b.therapistUserIds.includes(userId)) ?? null;
}

/** Spotlit people first (in the order of their roles), everyone else after in their previous order. */
export function spotlightFirst<T extends { userId: string }>(tiles: T[], spotlight: readonly string[]): T[] {
  if (spotlight.length === 0) return tiles;
  const rank = (t: T) => {
    const i = spotlight.indexOf(t.userId);
    return i === -1 ? spotlight.length : i;
  };
  return tiles
    .map((t, i) => ({ t, i }))
    .sort((a, b) => rank(a.t) - rank(b.t) || a.i - b.i)
    .map(({ t }) => t);
}

/**
 * Role-play exercises in one live session: the public exercise view, the
 * caller's own role (players), their feedback (observers), the debrief, and
 * the therapist's controls. Views older than the one held are dropped.
 */
export class RoleplayClient extends Store<RoleplayClientState> {
  constructor(
    socket: HearthSocket,
    sessionId: string,
    /** The bearer token for the scenario library (HTTP). */
    private readonly token: () => string | null = () => null,
  ) {
    super(socket, sessionId, initialRoleplayState);
    this.onPush('roleplay:stateChanged', (p) => this.apply(p.exercise));
    this.onPush('roleplay:yourRole', (p) => this.patch({ yourRole: p.role ? p : null }));
    this.onPush('roleplay:debriefShown', (p) => this.patch({ debrief: p.debrief }));
  }

  /** Loads the exercise (on entering and after every reconnect). Taken as is: the server may have restarted. */
  async refresh(): Promise<void> {
    this.applyState(await requestPatiently(this.socket, 'roleplay:state', { sessionId: this.sessionId }));
  }

  /** State as loaded (here or with the whole facilitation state). */
  applyState(s: RoleplayState): void {
    this.apply(s.exercise, true);
    this.patch({
      yourRole: s.yourRole?.role ? s.yourRole : null,
      myFeedback: s.myFeedback,
      therapist: s.therapist ?? null,
      loaded: true,
      debrief: s.exercise?.debrief && this.state.debrief?.round === s.exercise.debrief.round ? this.state.debrief : null,
    });
  }

  /** Therapists: the scenario library. */
  scenarios = (): Promise<ScenarioView[]> =>
    apiRequest<ScenarioView[]>('/api/roleplay/scenarios', { token: this.token() ?? undefined });

  private get ref() {
    return { sessionId: this.sessionId };
  }

  start = (scenarioId: string) => this.run(requestPatiently(this.socket, 'roleplay:start', { ...this.ref, scenarioId }), true);
  assign = (assignments: { roleKey: string; userId: string | null }[]) =>
    this.run(requestPatiently(this.socket, 'roleplay:assign', { ...this.ref, assignments }), true);
  startScene = (durationSeconds: number) => this.run(requestPatiently(this.socket, 'roleplay:startScene', { ...this.ref, durationSeconds }), true);
  pauseScene = () => this.run(requestPatiently(this.socket, 'roleplay:pauseScene', this.ref));
  resumeScene = () => this.run(requestPatiently(this.socket, 'roleplay:resumeScene', this.ref));
  endScene = () => this.run(requestPatiently(this.socket, 'roleplay:endScene', this.ref));
  swapRoles = (roleKeys?: [string, string]) =>
    this.run(requestPatiently(this.socket, 'roleplay:swapRoles', { ...this.ref, ...(roleKeys ? { roleKeys } : {}) }), true);
  startBreakouts = (groups: string[][]) => this.run(requestPatiently(this.socket, 'roleplay:startBreakouts', { ...this.ref, groups }), true);
  joinBreakout = (breakoutId: string | null) => this.run(requestPatiently(this.socket, 'roleplay:joinBreakout', { ...this.ref, breakoutId }));
  returnEveryone = () => this.run(requestPatiently(this.socket, 'roleplay:returnEveryone', this.ref), true);

  showDebrief = async (includeNotes = false): Promise<void> => {
    const debrief = await requestPatiently(this.socket, 'roleplay:showDebrief', { ...this.ref, includeNotes });
    this.patch({ debrief });
  };

  dismissDebrief = (): void => this.patch({ debrief: null });

  submitFeedback = async (playerUserId: string, checked: string[], note: string | null): Promise<void> => {
    const fb = await requestPatiently(this.socket, 'roleplay:submitFeedback', {
      ...this.ref,
      playerUserId,
      checked,
      ...(note && note.trim() ? { note: note.trim() } : {}),
    });
    this.patch({ myFeedback: [...this.state.myFeedback.filter((f) => f.playerUserId !== fb.playerUserId), fb] });
  };

  end = async (): Promise<void> => {
    await requestPatiently(this.socket, 'roleplay:end', this.ref);
    this.apply(null);
  };

  private async run(answer: Promise<RoleplayView>, reloadTherapist = false): Promise<void> {
    this.apply(await answer);
    // Casting or a new round changes the instructions and feedback only the therapist's state carries.
    if (reloadTherapist && this.state.therapist !== null) await this.refresh().catch(() => undefined);
  }

  private apply(view: RoleplayView | null, force = false): void {
    if (view === null) {
      this.patch({ exercise: null, yourRole: null, myFeedback: [], debrief: null, therapist: this.state.therapist ? { roles: [], feedback: [] } : null });
      return;
    }
    if (view.sessionId !== this.sessionId) return;
    const held = this.state.exercise;
    if (!force && held && held.exerciseId === view.exerciseId && view.revision < held.revision) return;
    const serverTime = Date.parse(view.serverTime);
    const clockOffsetMs = Number.isFinite(serverTime) ? serverTime - Date.now() : this.state.clockOffsetMs;
    const newRound = held && (held.exerciseId !== view.exerciseId || held.round !== view.round);
    this.patch({
      exercise: view,
      clockOffsetMs,
      ...(newRound ? { myFeedback: [], debrief: null } : {}),
      ...(view.debrief === null && this.state.debrief ? { debrief: null } : {}),
    });
  }
}
