import { defaultWeeklyHours, formatHours, formatLocalDate } from './labels';

describe('labels', () => {
  it('writes durations the way a clinic says them', () => {
    expect(formatHours(540)).toBe('9 h');
    expect(formatHours(550)).toBe('9 h 10 min');
    expect(formatHours(45)).toBe('45 min');
    expect(formatHours(0)).toBe('0 min');
  });

  it('defaults the weekly target by specialty', () => {
    expect(defaultWeeklyHours('adolescent')).toBe(6);
    expect(defaultWeeklyHours('adult')).toBe(9);
    expect(defaultWeeklyHours('veterans')).toBe(9);
  });

  it('formats a calendar date without shifting it by the time zone', () => {
    expect(formatLocalDate('2025-11-03')).toBe('Nov 3, 2025');
    expect(formatLocalDate('not a date')).toBe('not a date');
  });
});
