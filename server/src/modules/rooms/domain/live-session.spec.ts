import { LiveSession, liveSessionSnapshotSchema } from './live-session';

const t0 = new Date('2026-11-24T18:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const therapist = { userId: 't', displayName: 'Maya Ellison', role: 'therapist' as const };
const pat = (n: number) => ({ userId: `p${n}`, displayName: `P${n}`, role: 'patient' as const });

describe('LiveSession lobby and presence', () => {
  it('lets therapists straight in and makes patients wait in arrival order', () => {
    const s = new LiveSession('s');
    expect(s.arrive(pat(2), at(0))).toEqual({ status: 'waiting', position: 1 });
    expect(s.arrive(pat(1), at(5))).toEqual({ status: 'waiting', position: 2 });
    expect(s.arrive(therapist, at(10))).toEqual({ status: 'admitted', rejoined: false });
    expect(s.lobbyView().map((e) => e.userId)).toEqual(['p2', 'p1']);
    expect(s.participantsView().map((p) => p.userId)).toEqual(['t']);
  });

  it('admits one or all, ignoring people who are not waiting', () => {
    const s = new LiveSession('s');
    s.arrive(therapist, at(0));
    [1, 2, 3].forEach((n) => s.arrive(pat(n), at(n)));
    expect(s.admit(['p2', 'nobody', 't'])).toEqual(['p2']);
    expect(s.admit('all')).toEqual(['p1', 'p3']);
    expect(s.waiting()).toHaveLength(0);
    expect(s.present().map((m) => m.userId).sort()).toEqual(['p1', 'p2', 'p3', 't']);
  });

  it('keeps an admitted patient’s place through a reconnect within the grace period', () => {
    const s = new LiveSession('s');
    s.arrive(pat(1), at(0));
    s.admit('all');
    s.disconnect('p1', at(10));
    expect(s.participantsView()[0]).toMatchObject({ userId: 'p1', connection: 'reconnecting' });
    expect(s.expire(at(69), 60_000)).toEqual([]);
    expect(s.arrive(pat(1), at(69))).toEqual({ status: 'admitted', rejoined: true });
    expect(s.participantsView()[0]).toMatchObject({ connection: 'connected' });
  });

  it('marks a dropped patient as left after the grace period; they then wait again', () => {
    const s = new LiveSession('s');
    s.arrive(pat(1), at(0));
    s.admit('all');
    s.disconnect('p1', at(10));
    expect(s.expire(at(70), 60_000).map((m) => m.userId)).toEqual(['p1']);
    expect(s.present()).toHaveLength(0);
    expect(s.arrive(pat(1), at(80))).toEqual({ status: 'waiting', position: 1 });
  });

  it('sends a removed patient back to the lobby; re-entering needs a new admission', () => {
    const s = new LiveSession('s');
    s.arrive(pat(1), at(0));
    s.admit('all');
    s.remove('p1', at(5));
    expect(s.isAdmitted('p1')).toBe(false);
    s.disconnect('p1', at(6));
    expect(s.arrive(pat(1), at(7))).toEqual({ status: 'waiting', position: 1 });
  });

  it('lets a patient who left of their own accord come back without a second admission', () => {
    const s = new LiveSession('s');
    s.arrive(pat(1), at(0));
    s.admit('all');
    expect(s.leave('p1')).toMatchObject({ state: 'left' });
    expect(s.present()).toHaveLength(0);
    expect(s.arrive(pat(1), at(30))).toEqual({ status: 'admitted', rejoined: false });
    expect(s.participantsView()[0]).toMatchObject({ userId: 'p1', connection: 'connected' });
  });

  it('does not let a patient who only waited, or was removed and then left, skip the lobby', () => {
    const s = new LiveSession('s');
    s.arrive(pat(1), at(0));
    s.leave('p1');
    expect(s.arrive(pat(1), at(1))).toEqual({ status: 'waiting', position: 1 });

    s.arrive(pat(2), at(2));
    s.admit(['p2']);
    s.remove('p2', at(3));
    s.leave('p2');
    expect(s.arrive(pat(2), at(4))).toMatchObject({ status: 'waiting' });
  });

  it('locks a muted patient’s microphone until unlocked', () => {
    const s = new LiveSession('s');
    s.arrive(pat(1), at(0));
    s.admit('all');
    s.setMedia('p1', 'mic', true);
    s.lockMic('p1', true);
    expect(s.member('p1')).toMatchObject({ micOn: false, micLocked: true });
    expect(() => s.setMedia('p1', 'mic', true)).toThrow(/muted you/);
    s.lockMic('p1', false);
    expect(s.setMedia('p1', 'mic', true)).toMatchObject({ micOn: true });
  });

  it('refuses everything after the end', () => {
    const s = new LiveSession('s');
    s.arrive(therapist, at(0));
    s.arrive(pat(1), at(1));
    s.admit('all');
    expect(s.end().map((m) => m.userId).sort()).toEqual(['p1', 't']);
    expect(() => s.arrive(pat(1), at(2))).toThrow(/ended/);
    expect(() => s.admit('all')).toThrow(/ended/);
  });

  it('does not let a therapist be removed', () => {
    const s = new LiveSession('s');
    s.arrive(therapist, at(0));
    expect(() => s.remove('t', at(1))).toThrow(/cannot be removed/);
  });
});

describe('LiveSession snapshot', () => {
  it('comes back after a restart with the admitted in the room, the lobby in order and mic locks held', () => {
    const s = new LiveSession('s');
    s.arrive(therapist, at(0));
    s.arrive(pat(1), at(1));
    s.arrive(pat(2), at(2));
    s.arrive(pat(3), at(3));
    s.admit(['p1']);
    s.lockMic('p1', true);
    const snap = liveSessionSnapshotSchema.parse(JSON.parse(JSON.stringify(s.toSnapshot())));

    const back = LiveSession.fromSnapshot(snap, at(100));
    expect(back.present().map((m) => m.userId).sort()).toEqual(['p1', 't']);
    expect(back.member('p1')).toMatchObject({ connected: false, micLocked: true, disconnectedAt: at(100) });
    // p1 returns: straight into the room, not the lobby.
    expect(back.arrive(pat(1), at(101))).toEqual({ status: 'admitted', rejoined: true });
    // The lobby keeps its order whoever reconnects first.
    expect(back.arrive(pat(3), at(102))).toEqual({ status: 'waiting', position: 1 });
    expect(back.arrive(pat(2), at(103))).toEqual({ status: 'waiting', position: 1 });
    expect(back.lobbyView().map((e) => e.userId)).toEqual(['p2', 'p3']);
    // Nobody who does not come back stays forever: the grace period runs from the restart.
    expect(back.expire(at(100 + 60), 60_000).map((m) => m.userId)).toEqual(['t']);
  });

  it('keeps, across a restart, that a patient who left of their own accord may come back without a new admission', () => {
    const s = new LiveSession('s');
    s.arrive(therapist, at(0));
    s.arrive(pat(1), at(1));
    s.arrive(pat(2), at(2));
    s.admit(['p1', 'p2']);
    s.leave('p1');
    s.remove('p2', at(3));
    const back = LiveSession.fromSnapshot(liveSessionSnapshotSchema.parse(JSON.parse(JSON.stringify(s.toSnapshot()))), at(100));
    expect(back.arrive(pat(1), at(101))).toEqual({ status: 'admitted', rejoined: false });
    // A removed patient waits for a therapist again.
    expect(back.arrive(pat(2), at(102))).toEqual({ status: 'waiting', position: 1 });
  });

  it('refuses a snapshot that does not parse', () => {
    expect(liveSessionSnapshotSchema.safeParse({ sessionId: 's', ended: false, members: [{ userId: 'p1' }] }).success).toBe(false);
  });
});

describe('LiveSession reactions setting', () => {
  it('starts with reactions on, keeps them off across a snapshot, and reads an older snapshot as on', () => {
    const s = new LiveSession('s');
    expect(s.reactionsAllowed).toBe(true);
    expect(s.toSnapshot()).not.toHaveProperty('reactionsOff');
    s.setReactionsAllowed(false);
    const back = LiveSession.fromSnapshot(liveSessionSnapshotSchema.parse(JSON.parse(JSON.stringify(s.toSnapshot()))), new Date());
    expect(back.reactionsAllowed).toBe(false);
    back.setReactionsAllowed(true);
    expect(LiveSession.fromSnapshot(liveSessionSnapshotSchema.parse(back.toSnapshot()), new Date()).reactionsAllowed).toBe(true);
    expect(LiveSession.fromSnapshot(liveSessionSnapshotSchema.parse({ sessionId: 'old', ended: false, members: [] }), new Date()).reactionsAllowed).toBe(true);
  });
});
