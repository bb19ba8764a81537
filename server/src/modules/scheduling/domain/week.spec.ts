import { defaultWeeklyHours, summariseWeek, weekOf } from './week';

describe('weekOf', () => {
  it('runs Monday to Sunday in the program zone', () => {
    const w = weekOf('2025-03-12', 'America/Denver'); // a Wednesday; DST starts Sunday 9th
    expect(w).toEqual({
      start: new Date('2025-03-10T06:00:00Z'),
      end: new Date('2025-03-17T06:00:00Z'),
      weekStart: '2025-03-10',
      weekEnd: '2025-03-16',
    });
    expect(weekOf('2025-03-09', 'America/Denver').start).toEqual(new Date('2025-03-03T07:00:00Z'));
  });
});

describe('summariseWeek', () => {
  const week = { start: new Date('2025-03-10T07:00:00Z'), end: new Date('2025-03-17T07:00:00Z') };
  const s = (patientId: string, kind: 'group' | 'individual', from: string, hours: number) => ({
    patientId,
    kind,
    startsAt: new Date(from),
    endsAt: new Date(new Date(from).getTime() + hours * 3600_000),
  });

  it('sums scheduled minutes and flags a short week and a missing 1:1', () => {
    const sessions = [
      s('a', 'group', '2025-03-11T01:00:00Z', 3),
      s('a', 'group', '2025-03-13T01:00:00Z', 3),
      s('a', 'group', '2025-03-14T01:00:00Z', 3),
      s('a', 'individual', '2025-03-12T17:00:00Z', 1),
      s('b', 'group', '2025-03-11T01:00:00Z', 3),
      s('b', 'group', '2025-03-20T01:00:00Z', 3), // next week
    ];
    expect(summariseWeek(['a', 'b', 'c'], sessions, week, 9 * 60)).toEqual([
      { patientId: 'a', scheduledMinutes: 600, individualSessions: 1, flags: [] },
      { patientId: 'b', scheduledMinutes: 180, individualSessions: 0, flags: ['below_target', 'no_individual_session'] },
      { patientId: 'c', scheduledMinutes: 0, individualSessions: 0, flags: ['below_target', 'no_individual_session'] },
    ]);
  });

  it('counts only the part of a session inside the week', () => {
    const out = summariseWeek(['a'], [s('a', 'group', '2025-03-17T06:00:00Z', 2)], week, 60);
    expect(out[0]!.scheduledMinutes).toBe(60);
  });

  it('defaults to 9 hours for adults and 6 for adolescents', () => {
    expect(defaultWeeklyHours('adult')).toBe(9);
    expect(defaultWeeklyHours('veterans')).toBe(9);
    expect(defaultWeeklyHours('adolescent')).toBe(6);
  });
});
