import { LiveSession } from './live-session';
import { MediaRules } from './media-rules';

const now = new Date('2026-11-24T18:00:00Z');

/** A live session with therapist t admitted, patients p1..p3 admitted and p4 waiting. */
function session(): LiveSession {
  const s = new LiveSession('s');
  s.arrive({ userId: 't', displayName: 'T', role: 'therapist' }, now);
  for (const n of [1, 2, 3, 4]) s.arrive({ userId: `p${n}`, displayName: `P${n}`, role: 'patient' }, now);
  s.admit(['p1', 'p2', 'p3']);
  return s;
}

describe('MediaRules: who hears and sees whom', () => {
  it('lets everyone admitted in the main room receive everyone else, never themselves or the lobby', () => {
    const live = session();
    const rules = new MediaRules();
    expect(rules.canReceive(live, 'p1', 't', 'camera')).toBe(true);
    expect(rules.canReceive(live, 't', 'p2', 'camera')).toBe(true);
    expect(rules.canReceive(live, 'p1', 'p1', 'camera')).toBe(false);
    expect(rules.canReceive(live, 'p4', 't', 'camera')).toBe(false);
    expect(rules.canReceive(live, 't', 'p4', 'camera')).toBe(false);
  });

  it('keeps a side room private both ways, and a side room wins over a breakout', () => {
    const live = session();
    const rules = new MediaRules();
    rules.setPartition('breakout', ['p1', 'p2'], 'scene-a');
    expect(rules.canReceive(live, 'p1', 'p2', 'camera')).toBe(true);
    expect(rules.canReceive(live, 'p1', 't', 'camera')).toBe(false);
    rules.setPartition('side-room', ['p1', 't'], 'crisis');
    expect(rules.partitionOf('p1')).toBe('side-room:crisis');
    expect(rules.canReceive(live, 'p1', 't', 'camera')).toBe(true);
    expect(rules.canReceive(live, 'p1', 'p2', 'camera')).toBe(false);
    expect(rules.partitionedUserIds().sort()).toEqual(['p1', 'p2', 't']);
    // The side room closes: p1 is back in their breakout, the therapist in the main room.
    rules.setPartition('side-room', ['p1', 't'], null);
    expect(rules.partitionOf('p1')).toBe('breakout:scene-a');
    expect(rules.partitionOf('t')).toBeNull();
    expect(rules.canReceive(live, 'p1', 'p2', 'camera')).toBe(true);
  });

  it('lets a mic be live only if every gate allows it, except inside a partition', () => {
    const live = session();
    const rules = new MediaRules();
    expect(rules.micAllowed(live, 'p1')).toBe(true);
    rules.setGate('floor', (id, role) => role === 'therapist' || id === 'p1');
    rules.setGate('spotlight', (id) => id !== 'p1');
    expect(rules.micAllowed(live, 'p1')).toBe(false);
    expect(rules.micAllowed(live, 'p2')).toBe(false);
    expect(rules.micAllowed(live, 't')).toBe(true);
    rules.setPartition('side-room', ['p2'], 'x');
    expect(rules.micAllowed(live, 'p2')).toBe(true);
    rules.setGate('spotlight', null);
    expect(rules.micAllowed(live, 'p1')).toBe(true);
    expect(rules.micAllowed(live, 'nobody')).toBe(false);
  });

  it('shows a gated member as muted and locked to others', () => {
    const live = session();
    const rules = new MediaRules();
    live.setMedia('p2', 'mic', true);
    expect(rules.view(live, live.member('p2')!)).toMatchObject({ micOn: true, micLocked: false });
    rules.setGate('floor', (id) => id === 'p1');
    expect(rules.view(live, live.member('p2')!)).toMatchObject({ micOn: false, micLocked: true });
  });

  it('reports only members whose gate answer changed since the last evaluation', () => {
    const live = session();
    const rules = new MediaRules();
    for (const id of ['t', 'p1', 'p2', 'p3']) rules.entered(live, id);
    let holder = 'p1';
    rules.setGate('floor', (id, role) => role === 'therapist' || id === holder);
    const changed = (): string[] =>
      rules
        .evaluateGates(live)
        .filter((g) => g.changed)
        .map((g) => g.member.userId)
        .sort();
    expect(changed()).toEqual(['p2', 'p3']);
    expect(changed()).toEqual([]);
    holder = 'p2';
    expect(changed()).toEqual(['p1', 'p2']);
  });

  it('forgets someone who left (out of every partition) and clears at the end', () => {
    const live = session();
    const rules = new MediaRules();
    rules.setPartition('side-room', ['p1'], 'x');
    rules.setPartition('breakout', ['p1', 'p2'], 'a');
    expect(rules.forget('p1')).toBe(true);
    expect(rules.forget('p3')).toBe(false);
    expect(rules.partitionOf('p1')).toBeNull();
    rules.setGate('floor', () => false);
    expect(rules.hasGates).toBe(true);
    rules.clear();
    expect(rules.hasGates).toBe(false);
    expect(rules.partitionOf('p2')).toBeNull();
    expect(rules.micAllowed(live, 'p2')).toBe(true);
  });
  it('names the hold in the shared order (talking stick before scene), whichever gate was set first', () => {
    const live = session();
    const rules = new MediaRules();
    rules.setGate('spotlight', (id, role) => role === 'therapist' || id === 'p1');
    expect(rules.groupHold(live, 'p2')).toBe('scene');
    rules.setGate('floor', (id, role) => role === 'therapist' || id === 'p3');
    expect(rules.groupHold(live, 'p2')).toBe('talking_stick');
    expect(rules.groupHold(live, 'p1')).toBe('talking_stick');
    expect(rules.groupHold(live, 'p3')).toBe('scene');
    expect(rules.groupHold(live, 't')).toBeNull();
    rules.setPartition('side-room', ['p2'], 'x');
    expect(rules.groupHold(live, 'p2')).toBeNull();
  });
});
