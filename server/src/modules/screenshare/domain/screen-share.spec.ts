import { ScreenShareErrorCode } from '@hearth/protocol';
import { ScreenShare, ScreenShareRuleError } from './screen-share';

const T1 = 'therapist-1';
const T2 = 'therapist-2';
const P1 = 'patient-1';
const P2 = 'patient-2';
const now = new Date('2030-03-04T18:00:00Z');

function refused(fn: () => unknown): ScreenShareErrorCode {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScreenShareRuleError) return e.code;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('ScreenShare', () => {
  it('lets a therapist share and stop with one call each', () => {
    const s = new ScreenShare('s1');
    expect(s.start(T1, 'therapist', now)).toEqual({ replaced: null });
    expect(s.view()).toMatchObject({ sharerUserId: T1, startedAt: now.toISOString() });
    expect(s.stop(T1, 'therapist')).toBe(T1);
    expect(s.view().sharerUserId).toBeNull();
  });

  it('refuses a patient until a therapist allows them, and taking it back stops their share', () => {
    const s = new ScreenShare('s1');
    expect(refused(() => s.start(P1, 'patient', now))).toBe(ScreenShareErrorCode.NotAllowed);
    s.allow(P1, true);
    s.start(P1, 'patient', now);
    expect(s.sharerUserId).toBe(P1);
    expect(s.allow(P1, false)).toBe(P1);
    expect(s.sharerUserId).toBeNull();
    expect(refused(() => s.start(P1, 'patient', now))).toBe(ScreenShareErrorCode.NotAllowed);
  });

  it('a new sharer replaces the current one only with a therapist’s say', () => {
    const s = new ScreenShare('s1');
    s.allow(P1, true);
    s.allow(P2, true);
    s.start(P1, 'patient', now);
    expect(refused(() => s.start(P2, 'patient', now))).toBe(ScreenShareErrorCode.Busy);
    expect(s.sharerUserId).toBe(P1);
    // A therapist taking over is the therapist's say.
    expect(s.start(T2, 'therapist', now)).toEqual({ replaced: P1 });
    expect(s.sharerUserId).toBe(T2);
    // A therapist may stop someone else's share; a patient may not.
    expect(refused(() => s.stop(P1, 'patient', T2))).toBe(ScreenShareErrorCode.NotAllowed);
    expect(s.stop(T1, 'therapist', T2)).toBe(T2);
    s.start(P2, 'patient', now);
    expect(s.sharerUserId).toBe(P2);
  });

  it('ends the share when the sharer leaves, and ignores others leaving', () => {
    const s = new ScreenShare('s1');
    s.start(T1, 'therapist', now);
    expect(s.departed(P1)).toBe(false);
    expect(s.departed(T1)).toBe(true);
    expect(s.sharerUserId).toBeNull();
  });

  it('stopping when not sharing changes nothing', () => {
    const s = new ScreenShare('s1');
    expect(s.stop(P1, 'patient')).toBeNull();
    s.start(T1, 'therapist', now);
    expect(s.stop(P1, 'patient')).toBeNull();
    expect(s.sharerUserId).toBe(T1);
  });
});
