import { buildWeeklyRRule, describeWeekdays } from './rrule';

describe('buildWeeklyRRule', () => {
  it('writes the days in week order whatever order they were ticked', () => {
    expect(buildWeeklyRRule({ weekdays: ['TH', 'MO', 'WE'] })).toEqual({ ok: true, rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,TH' });
  });

  it('ends on a last date (inclusive, as a DATE value) or after a number of sessions', () => {
    expect(buildWeeklyRRule({ weekdays: ['TU'], until: '2026-03-31' })).toEqual({
      ok: true,
      rrule: 'FREQ=WEEKLY;BYDAY=TU;UNTIL=20260331',
    });
    expect(buildWeeklyRRule({ weekdays: ['SA', 'SU'], count: 12 })).toEqual({ ok: true, rrule: 'FREQ=WEEKLY;BYDAY=SA,SU;COUNT=12' });
  });

  it('refuses no days, both ends, and counts out of range, naming the field', () => {
    expect(buildWeeklyRRule({ weekdays: [] })).toMatchObject({ ok: false, field: 'weekdays' });
    expect(buildWeeklyRRule({ weekdays: ['MO'], until: '2026-03-31', count: 3 })).toMatchObject({ ok: false, field: 'count' });
    expect(buildWeeklyRRule({ weekdays: ['MO'], count: 0 })).toMatchObject({ ok: false, field: 'count' });
    expect(buildWeeklyRRule({ weekdays: ['MO'], count: 2.5 })).toMatchObject({ ok: false, field: 'count' });
    expect(buildWeeklyRRule({ weekdays: ['MO'], until: '31/03/2026' })).toMatchObject({ ok: false, field: 'until' });
  });
});

describe('describeWeekdays', () => {
  it('reads like a sentence', () => {
    expect(describeWeekdays(['TH', 'MO', 'WE'])).toBe('Mon, Wed and Thu');
    expect(describeWeekdays(['FR'])).toBe('Fri');
    expect(describeWeekdays([])).toBe('');
  });
});
