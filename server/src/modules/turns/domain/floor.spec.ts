import { TurnErrorCode } from '../turns.error';
import { FloorState, floorSnapshotSchema } from './floor';

const therapist = { userId: 't', role: 'therapist' as const };
const patient = (userId: string) => ({ userId, role: 'patient' as const });

function clockAt(start = Date.parse('2026-11-24T18:00:00Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('FloorState', () => {
  it('queues raised hands in arrival order, whatever time they carry, and keeps a first place on a second raise', () => {
    const clock = clockAt();
    const floor = new FloorState('s', clock.now);
    floor.raiseHand('b');
    floor.raiseHand('a'); // same millisecond: arrival order decides
    clock.advance(10);
    floor.raiseHand('c');
    expect(floor.raiseHand('b')).toBe(false);
    expect(floor.view().queue.map((q) => q.userId)).toEqual(['b', 'a', 'c']);
    floor.lowerHand('a');
    expect(floor.view().queue.map((q) => q.userId)).toEqual(['b', 'c']);
  });

  it('grants the next in the queue, taking them out of it; an empty queue is an error', () => {
    const floor = new FloorState('s');
    expect(code(() => floor.grantNext())).toBe(TurnErrorCode.QueueEmpty);
    floor.raiseHand('a');
    floor.raiseHand('b');
    floor.grantNext();
    expect(floor.view()).toMatchObject({ holderUserId: 'a', queue: [{ userId: 'b' }] });
    floor.grant('c'); // a therapist may grant to anyone
    expect(floor.view()).toMatchObject({ holderUserId: 'c', queue: [{ userId: 'b' }] });
  });

  it('lets only the holder or a therapist release the floor', () => {
    const floor = new FloorState('s');
    floor.grant('a');
    expect(code(() => floor.release(patient('b')))).toBe(TurnErrorCode.NotHolder);
    expect(floor.holderUserId).toBe('a');
    floor.release(patient('a'));
    expect(floor.holderUserId).toBeNull();
    floor.grant('b');
    floor.release(therapist);
    expect(floor.holderUserId).toBeNull();
  });

  it('under the talking stick, only the holder and therapists may have a live mic', () => {
    const floor = new FloorState('s');
    expect(floor.micAllowed('a', 'patient')).toBe(true);
    floor.setTalkingStick(true);
    expect(floor.micAllowed('a', 'patient')).toBe(false);
    expect(floor.micAllowed('t', 'therapist')).toBe(true);
    floor.grant('a');
    expect(floor.micAllowed('a', 'patient')).toBe(true);
    expect(floor.micAllowed('b', 'patient')).toBe(false);
    floor.raiseHand('b');
    floor.grantNext();
    expect(floor.micAllowed('a', 'patient')).toBe(false);
    expect(floor.micAllowed('b', 'patient')).toBe(true);
    floor.setTalkingStick(false);
    expect(floor.micAllowed('a', 'patient')).toBe(true);
  });

  it('counts a turn down and hands the floor to the next in the queue at zero', () => {
    const clock = clockAt();
    const floor = new FloorState('s', clock.now);
    floor.setTimer(2);
    floor.raiseHand('a');
    floor.raiseHand('b');
    floor.grantNext();
    expect(floor.view().turnEndsAt).toBe(new Date(clock.now() + 120_000).toISOString());
    clock.advance(119_999);
    expect(floor.expire()).toBe(false);
    expect(floor.holderUserId).toBe('a');
    clock.advance(1);
    expect(floor.expire()).toBe(true);
    expect(floor.holderUserId).toBe('b');
    expect(floor.deadline()).toBe(clock.now() + 120_000);
    clock.advance(120_000);
    floor.expire();
    expect(floor.view()).toMatchObject({ holderUserId: null, turnEndsAt: null });
  });

  it('restarts the countdown when the therapist changes the turn length, and drops it when set to none', () => {
    const clock = clockAt();
    const floor = new FloorState('s', clock.now);
    floor.grant('a');
    expect(floor.deadline()).toBeNull();
    clock.advance(5000);
    floor.setTimer(1);
    expect(floor.deadline()).toBe(clock.now() + 60_000);
    floor.setTimer(null);
    expect(floor.deadline()).toBeNull();
  });

  it('runs a go-around in roster order with passes, and ends after everyone', () => {
    const floor = new FloorState('s');
    floor.raiseHand('z');
    floor.startGoAround(['a', 'b', 'c']);
    expect(floor.view().goAround).toMatchObject({ order: ['a', 'b', 'c'], index: 0 });
    expect(floor.holderUserId).toBe('a');
    expect(code(() => floor.pass(patient('b')))).toBe(TurnErrorCode.NotHolder); // not b's turn
    expect(code(() => floor.grant('z'))).toBe(TurnErrorCode.GoAroundActive);
    floor.release(patient('a')); // spoke
    expect(floor.holderUserId).toBe('b');
    floor.pass(patient('b'));
    expect(floor.holderUserId).toBe('c');
    floor.release(patient('c'));
    expect(floor.view()).toMatchObject({ goAround: null, holderUserId: null, queue: [{ userId: 'z' }] });
    expect(floor.takeEndedRound()).toEqual({ spoken: ['a', 'c'], passed: ['b'] });
    expect(floor.takeEndedRound()).toBeNull();
    expect(code(() => floor.pass(patient('c')))).toBe(TurnErrorCode.NoGoAround);
  });

  it('advances a go-around when a turn times out, and skips people who leave', () => {
    const clock = clockAt();
    const floor = new FloorState('s', clock.now);
    floor.setTimer(1);
    floor.startGoAround(['a', 'b', 'c', 'd']);
    clock.advance(60_000);
    floor.expire();
    expect(floor.holderUserId).toBe('b');
    floor.removeMember('c'); // not reached yet: left out of the round
    floor.removeMember('b'); // the current speaker leaves: on to d
    expect(floor.holderUserId).toBe('d');
    floor.pass(therapist);
    expect(floor.takeEndedRound()).toEqual({ spoken: ['a'], passed: ['d'] });
  });

  it('refuses a second go-around and an empty one', () => {
    const floor = new FloorState('s');
    expect(code(() => floor.startGoAround([]))).toBe(TurnErrorCode.QueueEmpty);
    floor.startGoAround(['a']);
    expect(code(() => floor.startGoAround(['a']))).toBe(TurnErrorCode.GoAroundActive);
    floor.stopGoAround();
    expect(floor.view().goAround).toBeNull();
  });

  it('takes someone who leaves out of the queue and off the floor', () => {
    const floor = new FloorState('s');
    floor.raiseHand('a');
    floor.raiseHand('b');
    floor.grant('c');
    floor.removeMember('a');
    floor.removeMember('c');
    expect(floor.view()).toMatchObject({ holderUserId: null, queue: [{ userId: 'b' }] });
  });

  it('numbers every change so clients can drop stale views', () => {
    const floor = new FloorState('s');
    const r0 = floor.view().revision;
    floor.raiseHand('a');
    floor.raiseHand('a'); // no change
    expect(floor.view().revision).toBe(r0 + 1);
  });
});

describe('FloorState snapshot', () => {
  const roundTrip = (f: FloorState) => floorSnapshotSchema.parse(JSON.parse(JSON.stringify(f.toSnapshot())));

  it('keeps the queue, the holder, the talking stick and the turn deadline across a restart', () => {
    const clock = clockAt();
    const floor = new FloorState('s', clock.now);
    floor.setTalkingStick(true);
    floor.setTimer(2);
    floor.raiseHand('p1');
    floor.raiseHand('p2');
    floor.raiseHand('p3');
    floor.grantNext();
    const before = floor.view();

    clock.advance(30_000);
    const back = FloorState.fromSnapshot('s', roundTrip(floor), clock.now);
    const after = back.view();
    expect(after.holderUserId).toBe('p1');
    expect(after.queue.map((q) => q.userId)).toEqual(['p2', 'p3']);
    expect(after.queue).toEqual(before.queue);
    expect(after.talkingStick).toBe(true);
    expect(back.micAllowed('p2', 'patient')).toBe(false);
    expect(back.micAllowed('p1', 'patient')).toBe(true);
    // The deadline stays where it was (not a fresh two minutes), and clients see a newer revision.
    expect(back.deadline()).toBe(floor.deadline());
    expect(after.revision).toBeGreaterThan(before.revision);
    clock.advance(90_000);
    expect(back.expire()).toBe(true);
    expect(back.holderUserId).toBe('p2');
  });

  it('keeps a go-around where it was', () => {
    const floor = new FloorState('s', clockAt().now);
    floor.startGoAround(['p1', 'p2', 'p3']);
    floor.pass(patient('p1'));
    const back = FloorState.fromSnapshot('s', roundTrip(floor));
    expect(back.view().goAround).toEqual({ order: ['p1', 'p2', 'p3'], index: 1, spoken: [], passed: ['p1'] });
    expect(back.holderUserId).toBe('p2');
    back.grantNext();
    back.grantNext();
    expect(back.takeEndedRound()).toEqual({ spoken: ['p2', 'p3'], passed: ['p1'] });
  });

  it('refuses a snapshot that does not parse', () => {
    expect(floorSnapshotSchema.safeParse({ queue: [], holder: 5 }).success).toBe(false);
  });
});
