import { SenderLayerPolicy } from './sender-layer-policy';

/** A hand-driven clock: `advance(ms)` runs what falls due. */
function fakeClock() {
  let now = 0;
  const timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  return {
    schedule(fn: () => void, ms: number) {
      const timer = { at: now + ms, fn, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    advance(ms: number) {
      now += ms;
      for (const t of timers.filter((x) => !x.cancelled && x.at <= now)) {
        t.cancelled = true;
        t.fn();
      }
    },
    pending: () => timers.filter((t) => !t.cancelled).length,
  };
}

const HOLD = 1000;

function setup() {
  const clock = fakeClock();
  const changes: [string, number][] = [];
  const policy = new SenderLayerPolicy({
    lowerAfterMs: HOLD,
    schedule: (fn, ms) => clock.schedule(fn, ms),
    onChange: (producerId, layer) => changes.push([producerId, layer]),
  });
  return { clock, changes, policy };
}

describe('SenderLayerPolicy', () => {
  it('caps a camera nobody watches at the smallest layer once that has held', () => {
    const { clock, changes, policy } = setup();
    policy.addProducer('cam', 3);
    expect(policy.announcedLayer('cam')).toBe(2); // a new sender sends everything
    clock.advance(HOLD - 1);
    expect(changes).toEqual([]);
    clock.advance(1);
    expect(changes).toEqual([['cam', 0]]);
  });

  it('takes the highest layer among consumers that forward; paused ones do not count', () => {
    const { clock, changes, policy } = setup();
    policy.addProducer('cam', 3);
    policy.setConsumer('cam', 'phone', { active: true, preferredSpatialLayer: 1 });
    policy.setConsumer('cam', 'laptop', { active: true, preferredSpatialLayer: 0 });
    policy.setConsumer('cam', 'scrolled-away', { active: false, preferredSpatialLayer: 2 });
    expect(policy.wantedLayer('cam')).toBe(1);
    clock.advance(HOLD);
    expect(changes).toEqual([['cam', 1]]);
  });

  it('raises at once when someone needs a larger picture', () => {
    const { clock, changes, policy } = setup();
    policy.addProducer('cam', 3);
    policy.setConsumer('cam', 'a', { active: true, preferredSpatialLayer: 0 });
    clock.advance(HOLD);
    expect(changes).toEqual([['cam', 0]]);
    policy.updateConsumer('a', { preferredSpatialLayer: 2 });
    expect(changes).toEqual([['cam', 0], ['cam', 2]]);
    // Back on screen after being hidden counts as a raise too.
    policy.updateConsumer('a', { active: false });
    clock.advance(HOLD);
    expect(changes.at(-1)).toEqual(['cam', 0]);
    policy.updateConsumer('a', { active: true });
    expect(changes.at(-1)).toEqual(['cam', 2]);
  });

  it('counts a consumer that has not stated its layer as the top layer (what the SFU forwards meanwhile)', () => {
    const { clock, changes, policy } = setup();
    policy.addProducer('cam', 3);
    policy.setConsumer('cam', 'a', { active: true, preferredSpatialLayer: null });
    clock.advance(HOLD * 3);
    expect(changes).toEqual([]);
    expect(policy.wantedLayer('cam')).toBe(2);
  });

  it('does not flap when a lower cap lasts less than the hold', () => {
    const { clock, changes, policy } = setup();
    policy.addProducer('cam', 3);
    policy.setConsumer('cam', 'a', { active: true, preferredSpatialLayer: 2 });
    policy.updateConsumer('a', { active: false }); // scrolled past…
    clock.advance(HOLD / 2);
    policy.updateConsumer('a', { active: true }); // …and back
    clock.advance(HOLD * 2);
    expect(changes).toEqual([]);
    expect(clock.pending()).toBe(0);
  });

  it('tells the latest lower value after a full hold of its own', () => {
    const { clock, changes, policy } = setup();
    policy.addProducer('cam', 3);
    policy.setConsumer('cam', 'a', { active: true, preferredSpatialLayer: 2 });
    policy.updateConsumer('a', { preferredSpatialLayer: 0 });
    clock.advance(HOLD / 2);
    policy.updateConsumer('a', { preferredSpatialLayer: 1 });
    clock.advance(HOLD / 2);
    expect(changes).toEqual([]);
    clock.advance(HOLD / 2);
    expect(changes).toEqual([['cam', 1]]);
  });

  it('lowers when the only large viewer leaves', () => {
    const { clock, changes, policy } = setup();
    policy.addProducer('cam', 3);
    policy.setConsumer('cam', 'big', { active: true, preferredSpatialLayer: 2 });
    policy.setConsumer('cam', 'small', { active: true, preferredSpatialLayer: 0 });
    policy.removeConsumer('big');
    clock.advance(HOLD);
    expect(changes).toEqual([['cam', 0]]);
  });

  it('clamps preferences to the layers the sender has', () => {
    const { policy } = setup();
    policy.addProducer('cam', 2);
    policy.setConsumer('cam', 'a', { active: true, preferredSpatialLayer: 2 });
    expect(policy.wantedLayer('cam')).toBe(1);
  });

  it('ignores single-layer producers, unknown consumers and closed producers', () => {
    const { clock, changes, policy } = setup();
    policy.addProducer('screen', 1);
    policy.setConsumer('screen', 'a', { active: true, preferredSpatialLayer: 0 });
    expect(policy.wantedLayer('screen')).toBeUndefined();
    policy.updateConsumer('nobody', { active: false });
    policy.addProducer('cam', 3);
    policy.removeProducer('cam');
    clock.advance(HOLD * 2);
    expect(changes).toEqual([]);
  });

  it('close() cancels pending lowerings', () => {
    const { clock, changes, policy } = setup();
    policy.addProducer('cam', 3);
    policy.close();
    clock.advance(HOLD * 2);
    expect(changes).toEqual([]);
  });
});
