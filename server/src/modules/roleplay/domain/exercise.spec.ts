import { RoleplayErrorCode } from '../roleplay.error';
import { Exercise, exerciseSnapshotSchema, type Participant, type ScenarioSnapshot } from './exercise';

const scenario: ScenarioSnapshot = {
  id: 's1',
  title: 'Saying no at a party',
  skill: 'refusal_skills',
  setting: 'A friend offers you a drink.',
  goals: ['Say no clearly'],
  roles: [
    { key: 'refuser', name: 'Refuser', instructions: 'SECRET-REFUSER' },
    { key: 'friend', name: 'Friend', instructions: 'SECRET-FRIEND' },
  ],
  checklist: [
    { key: 'eye', text: 'Eye contact' },
    { key: 'no', text: 'Said no early' },
  ],
};
const present: Participant[] = ['t', 'p1', 'p2', 'p3', 'p4'].map((userId) => ({ userId, role: userId === 't' ? 'therapist' : 'patient' }));
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

function setup() {
  let clock = Date.parse('2026-11-24T18:30:00Z');
  const ex = new Exercise('e1', 'sess', scenario, () => clock);
  return { ex, tick: (ms: number) => (clock += ms) };
}

describe('Exercise', () => {
  it('assigns roles to people present, one role each; everyone else observes', () => {
    const { ex } = setup();
    expect(code(() => ex.assign([{ roleKey: 'refuser', userId: 'ghost' }], present))).toBe(RoleplayErrorCode.TargetNotPresent);
    expect(code(() => ex.assign([{ roleKey: 'nope', userId: 'p1' }], present))).toBe(RoleplayErrorCode.UnknownRole);
    ex.assign([{ roleKey: 'refuser', userId: 'p1' }, { roleKey: 'friend', userId: 'p2' }], present);
    ex.assign([{ roleKey: 'friend', userId: 'p1' }], present); // p1 moves; refuser becomes free
    expect(ex.view(present).assignments.map((a) => a.userId)).toEqual([null, 'p1']);
    ex.assign([{ roleKey: 'refuser', userId: 't' }], present); // the therapist may play
    const v = ex.view(present);
    expect(v.observerUserIds).toEqual(['p2', 'p3', 'p4']);
    expect(JSON.stringify(v)).not.toContain('SECRET');
    expect(ex.roleOf('p1').role?.instructions).toBe('SECRET-FRIEND');
    expect(ex.roleOf('p2').role).toBeNull();
  });

  it('starts only with every role cast, counts down, pauses, resumes and ends at zero', () => {
    const { ex, tick } = setup();
    expect(code(() => ex.startScene(60))).toBe(RoleplayErrorCode.RolesUnassigned);
    ex.assign([{ roleKey: 'refuser', userId: 'p1' }, { roleKey: 'friend', userId: 'p2' }], present);
    ex.startScene(60);
    expect(ex.spotlightActive()).toBe(true);
    expect(ex.view(present).spotlightUserIds.sort()).toEqual(['p1', 'p2']);
    expect(code(() => ex.assign([{ roleKey: 'friend', userId: 'p3' }], present))).toBe(RoleplayErrorCode.SceneRunning);
    expect(code(() => ex.startScene(60))).toBe(RoleplayErrorCode.SceneRunning);
    tick(20_000);
    ex.pauseScene();
    expect(ex.view(present).scene).toMatchObject({ status: 'paused', remainingSeconds: 40, endsAt: null });
    expect(ex.deadline()).toBeNull();
    expect(ex.spotlightActive()).toBe(true); // observers stay muted while paused
    tick(600_000);
    ex.resumeScene();
    expect(ex.deadline()).toBe(Date.parse('2026-11-24T18:30:00Z') + 620_000 + 40_000);
    tick(39_000);
    expect(ex.expire()).toBe(false);
    tick(1_000);
    expect(ex.expire()).toBe(true);
    expect(ex.sceneStatus).toBe('ended');
    expect(ex.spotlightActive()).toBe(false);
    expect(ex.roundRecords()).toMatchObject([{ round: 1, endReason: 'timer', durationSeconds: 60 }]);
    expect(code(() => ex.pauseScene())).toBe(RoleplayErrorCode.SceneNotRunning);
  });

  it('swaps roles and records each round; a replay is a new round', () => {
    const { ex } = setup();
    ex.assign([{ roleKey: 'refuser', userId: 'p1' }, { roleKey: 'friend', userId: 'p2' }], present);
    ex.startScene(60);
    ex.endScene();
    ex.swapRoles();
    expect(ex.view(present).assignments.map((a) => a.userId)).toEqual(['p2', 'p1']);
    expect(ex.currentRound).toBe(2);
    expect(ex.roleOf('p1').role?.key).toBe('friend');
    ex.startScene(90);
    ex.endScene();
    ex.startScene(90); // replay with the same cast
    ex.endScene();
    ex.swapRoles(['refuser', 'friend']);
    expect(ex.roundRecords().map((r) => [r.round, r.assignments])).toEqual([
      [1, { refuser: 'p1', friend: 'p2' }],
      [2, { refuser: 'p2', friend: 'p1' }],
      [3, { refuser: 'p2', friend: 'p1' }],
    ]);
    expect(ex.view(present).assignments.map((a) => a.userId)).toEqual(['p1', 'p2']);
  });

  it('takes feedback from observers only, on this round’s players, and aggregates it without authors', () => {
    const { ex } = setup();
    ex.assign([{ roleKey: 'refuser', userId: 'p1' }, { roleKey: 'friend', userId: 'p2' }], present);
    const obs = (userId: string): Participant => ({ userId, role: 'patient' });
    expect(code(() => ex.submitFeedback(obs('p3'), { playerUserId: 'p1', checked: [], note: null }))).toBe(RoleplayErrorCode.SceneNotRunning);
    ex.startScene(60);
    expect(code(() => ex.submitFeedback(obs('p2'), { playerUserId: 'p1', checked: ['eye'], note: null }))).toBe(RoleplayErrorCode.NotObserver);
    expect(code(() => ex.submitFeedback(obs('p3'), { playerUserId: 'p4', checked: [], note: null }))).toBe(RoleplayErrorCode.NotAPlayer);
    ex.submitFeedback(obs('p3'), { playerUserId: 'p1', checked: ['eye'], note: 'first' });
    ex.submitFeedback(obs('p3'), { playerUserId: 'p1', checked: ['eye', 'no'], note: 'Clear and kind' }); // replaces
    ex.submitFeedback(obs('p4'), { playerUserId: 'p1', checked: ['no'], note: null });
    ex.endScene();
    const d = ex.showDebrief(false);
    expect(d.observersResponded).toBe(2);
    expect(d.players.find((p) => p.userId === 'p1')?.checklist).toEqual([
      { key: 'eye', text: 'Eye contact', count: 1 },
      { key: 'no', text: 'Said no early', count: 2 },
    ]);
    expect(JSON.stringify(d)).not.toContain('p3');
    expect(d.players[0]?.notes).toEqual([]);
    expect(ex.showDebrief(true).players.find((p) => p.userId === 'p1')?.notes).toEqual(['Clear and kind']);
  });

  it('splits into sub-rooms, lets a therapist drop in, keeps a reconnecting member’s sub-room, and returns everyone', () => {
    const { ex } = setup();
    expect(code(() => ex.startBreakouts([['p1', 'ghost']], present))).toBe(RoleplayErrorCode.TargetNotPresent);
    expect(code(() => ex.startBreakouts([['p1', 'p2'], ['p2', 'p3']], present))).toBe(RoleplayErrorCode.BadGroups);
    ex.startBreakouts([['p1', 'p2'], ['p3', 'p4']], present);
    const pair1 = ex.partitionOf('p1');
    expect(pair1).toBe(ex.partitionOf('p2'));
    expect(ex.partitionOf('p3')).not.toBe(pair1);
    expect(ex.partitionOf('t')).toBeNull();
    expect(ex.roleOf('p3')).toMatchObject({ breakoutId: 'b2', role: { key: 'refuser' } });
    expect(ex.roleOf('p4').role?.key).toBe('friend');
    ex.startScene(120);
    expect(ex.spotlightActive()).toBe(false); // each sub-room talks freely
    ex.joinBreakout('t', 'b2');
    expect(ex.partitionOf('t')).toBe(ex.partitionOf('p3'));
    expect(code(() => ex.joinBreakout('t', 'b9'))).toBe(RoleplayErrorCode.BreakoutNotFound);
    // A reconnect changes nothing in the exercise: p3 still belongs in pair 2.
    expect(ex.partitionOf('p3')).toBe(Exercise.partitionName('e1', 'b2'));
    expect(ex.returnEveryone().sort()).toEqual(['p1', 'p2', 'p3', 'p4', 't']);
    expect(ex.partitionOf('p3')).toBeNull();
    expect(ex.sceneStatus).toBe('ended');
    expect(ex.roundRecords()[0]?.breakouts).toHaveLength(2);
    expect(code(() => ex.returnEveryone())).toBe(RoleplayErrorCode.NoBreakouts);
  });

  it('ends for good', () => {
    const { ex } = setup();
    ex.assign([{ roleKey: 'refuser', userId: 'p1' }, { roleKey: 'friend', userId: 'p2' }], present);
    ex.startScene(60);
    ex.end();
    expect(ex.isEnded).toBe(true);
    expect(ex.spotlightActive()).toBe(false);
    expect(ex.roundRecords()[0]?.endReason).toBe('exercise_ended');
    expect(code(() => ex.startScene(60))).toBe(RoleplayErrorCode.NoExercise);
  });
});

describe('Exercise snapshot', () => {
  const roundTrip = (ex: Exercise, now: () => number) =>
    Exercise.fromSnapshot(exerciseSnapshotSchema.parse(JSON.parse(JSON.stringify(ex.toSnapshot()))), now);

  it('keeps the cast, a running scene’s deadline and this round’s feedback across a restart', () => {
    let clock = Date.parse('2026-11-24T18:30:00Z');
    const now = () => clock;
    const ex = new Exercise('e1', 'sess', scenario, now);
    ex.assign([{ roleKey: 'refuser', userId: 'p1' }, { roleKey: 'friend', userId: 'p2' }], present);
    ex.startScene(120);
    ex.submitFeedback({ userId: 'p3', role: 'patient' }, { playerUserId: 'p1', checked: ['eye'], note: null });
    const before = ex.view(present);

    clock += 30_000;
    const back = roundTrip(ex, now);
    const after = back.view(present);
    expect(after.assignments).toEqual(before.assignments);
    expect(after.scene).toEqual(before.scene);
    expect(after.spotlightUserIds.sort()).toEqual(['p1', 'p2']);
    expect(after.revision).toBeGreaterThan(before.revision);
    expect(back.deadline()).toBe(ex.deadline());
    expect(back.feedbackOf('p3')).toHaveLength(1);
    expect(back.roleOf('p2').role?.instructions).toBe('SECRET-FRIEND');
    clock += 90_000;
    expect(back.expire()).toBe(true);
    expect(back.roundRecords()[0]).toMatchObject({ round: 1, endReason: 'timer' });
  });

  it('keeps breakouts and therapists dropped into them', () => {
    let clock = Date.parse('2026-11-24T18:30:00Z');
    const ex = new Exercise('e1', 'sess', scenario, () => clock);
    ex.startBreakouts([['p1', 'p2'], ['p3', 'p4']], present);
    ex.joinBreakout('t', 'b2');
    clock += 1000;
    const back = roundTrip(ex, () => clock);
    expect(back.partitionOf('p1')).toBe(ex.partitionOf('p1'));
    expect(back.partitionOf('t')).toBe(Exercise.partitionName('e1', 'b2'));
    expect(back.partitionedUserIds().sort()).toEqual(['p1', 'p2', 'p3', 'p4', 't']);
    expect(back.isPlayer('p3')).toBe(true);
  });

  it('refuses a snapshot that does not parse', () => {
    expect(exerciseSnapshotSchema.safeParse({ ...new Exercise('e', 's', scenario).toSnapshot(), status: 'dancing' }).success).toBe(false);
  });
});
