import { CheckinErrorCode } from '../checkins.error';
import { CheckinRound } from './checkin-round';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('CheckinRound', () => {
  const opened = new Date('2026-11-24T18:05:00Z');

  it('accepts a patient’s answer while open, with an optional word', () => {
    const round = new CheckinRound('c1', 's', opened);
    expect(round.accept('c1', 'patient', { mood: 7, craving: 2, word: ' calm ' })).toEqual({ mood: 7, craving: 2, word: 'calm' });
    expect(round.accept('c1', 'patient', { mood: 0, craving: 10 })).toEqual({ mood: 0, craving: 10, word: null });
  });

  it('refuses therapists, a stale check-in and a closed one', () => {
    const round = new CheckinRound('c1', 's', opened);
    expect(code(() => round.accept('c1', 'therapist', { mood: 5, craving: 5 }))).toBe(CheckinErrorCode.PatientsOnly);
    expect(code(() => round.accept('c0', 'patient', { mood: 5, craving: 5 }))).toBe(CheckinErrorCode.NotOpen);
    round.close('c1', new Date(opened.getTime() + 60_000));
    expect(round.isOpen).toBe(false);
    expect(code(() => round.accept('c1', 'patient', { mood: 5, craving: 5 }))).toBe(CheckinErrorCode.NotOpen);
    expect(code(() => round.close('c1', new Date()))).toBe(CheckinErrorCode.NotOpen);
  });

  it('allows one open check-in per session', () => {
    expect(code(() => CheckinRound.assertCanOpen(new CheckinRound('c1', 's', opened)))).toBe(CheckinErrorCode.AlreadyOpen);
    expect(code(() => CheckinRound.assertCanOpen(new CheckinRound('c1', 's', opened, opened)))).toBeUndefined();
    expect(code(() => CheckinRound.assertCanOpen(null))).toBeUndefined();
  });
});
