import { DateTime } from 'luxon';
import { SchedulingError, SchedulingErrorCode } from '../scheduling.error';
import { expandRecurrence, parseRecurrenceRule, toRfc5545, type RecurrencePattern } from './recurrence';

const evening = (zone: string, startDate: string, rrule = 'FREQ=WEEKLY;BYDAY=MO,WE,TH'): RecurrencePattern => ({
  rule: parseRecurrenceRule(rrule),
  startDate,
  startTime: '18:00',
  durationMinutes: 180,
  timeZone: zone,
});
const wide = { from: new Date('2000-01-01T00:00:00Z'), to: new Date('2100-01-01T00:00:00Z') };
const local = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone }).toFormat('yyyy-MM-dd ccc HH:mm');

function refusal(fn: () => unknown): SchedulingError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SchedulingError) return e;
    throw e;
  }
  throw new Error('expected a SchedulingError');
}

describe('expandRecurrence across DST changes', () => {
  it('keeps 18:00 local in America/Denver across the March change (UTC moves by an hour)', () => {
    const out = expandRecurrence(evening('America/Denver', '2025-03-03', 'FREQ=WEEKLY;BYDAY=MO,WE,TH;COUNT=6'), wide);
    expect(out.map((o) => local(o.startsAt, 'America/Denver'))).toEqual([
      '2025-03-03 Mon 18:00',
      '2025-03-05 Wed 18:00',
      '2025-03-06 Thu 18:00',
      '2025-03-10 Mon 18:00',
      '2025-03-12 Wed 18:00',
      '2025-03-13 Thu 18:00',
    ]);
    expect(out[0]!.startsAt.toISOString()).toBe('2025-03-04T01:00:00.000Z'); // MST, UTC-7
    expect(out[3]!.startsAt.toISOString()).toBe('2025-03-11T00:00:00.000Z'); // MDT, UTC-6
    expect(out.every((o) => o.endsAt.getTime() - o.startsAt.getTime() === 3 * 3600_000)).toBe(true);
    expect(out.map((o) => o.localDate)).toEqual(['2025-03-03', '2025-03-05', '2025-03-06', '2025-03-10', '2025-03-12', '2025-03-13']);
  });

  it('keeps 18:00 local in America/New_York across the November change', () => {
    const out = expandRecurrence(evening('America/New_York', '2025-10-27', 'FREQ=WEEKLY;BYDAY=MO;COUNT=2'), wide);
    expect(out.map((o) => o.startsAt.toISOString())).toEqual(['2025-10-27T22:00:00.000Z', '2025-11-03T23:00:00.000Z']);
    expect(out.map((o) => local(o.startsAt, 'America/New_York'))).toEqual(['2025-10-27 Mon 18:00', '2025-11-03 Mon 18:00']);
  });

  it('does not move in America/Phoenix, which has no DST', () => {
    const out = expandRecurrence(evening('America/Phoenix', '2025-03-03', 'FREQ=WEEKLY;BYDAY=MO;COUNT=12'), wide);
    expect(new Set(out.map((o) => o.startsAt.toISOString().slice(11)))).toEqual(new Set(['01:00:00.000Z']));
  });

  it('moves a time skipped by spring-forward to just after the gap', () => {
    const pattern = { ...evening('America/Denver', '2025-03-08', 'FREQ=DAILY;COUNT=3'), startTime: '02:30', durationMinutes: 60 };
    expect(expandRecurrence(pattern, wide).map((o) => local(o.startsAt, 'America/Denver'))).toEqual([
      '2025-03-08 Sat 02:30',
      '2025-03-09 Sun 03:30',
      '2025-03-10 Mon 02:30',
    ]);
  });
});

describe('expandRecurrence windows and limits', () => {
  it('returns only occurrences starting in the window, indexed from the series start', () => {
    const pattern = evening('America/Phoenix', '2025-01-06');
    const out = expandRecurrence(pattern, { from: new Date('2025-01-13T00:00:00Z'), to: new Date('2025-01-20T00:00:00Z') });
    // Mon 6 (0), Wed 8 (1), Thu 9 (2) are before the window; Mon 13 is 01:00Z on the 14th.
    expect(out.map((o) => [o.index, o.localDate])).toEqual([
      [3, '2025-01-13'],
      [4, '2025-01-15'],
      [5, '2025-01-16'],
    ]);
  });

  it('includes the UNTIL date when it is a plain date', () => {
    const out = expandRecurrence(evening('America/Phoenix', '2025-01-06', 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20250120'), wide);
    expect(out.map((o) => o.localDate)).toEqual(['2025-01-06', '2025-01-13', '2025-01-20']);
  });

  it('reads a UTC UNTIL as an instant', () => {
    // 2025-01-20 18:00 Phoenix is 2025-01-21T01:00Z; an UNTIL one minute earlier excludes it.
    const out = expandRecurrence(evening('America/Phoenix', '2025-01-06', 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20250121T005900Z'), wide);
    expect(out.map((o) => o.localDate)).toEqual(['2025-01-06', '2025-01-13']);
  });

  it('starts on the first day that matches the rule', () => {
    const out = expandRecurrence(evening('America/Phoenix', '2025-01-07', 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=2'), wide);
    expect(out.map((o) => o.localDate)).toEqual(['2025-01-08', '2025-01-13']);
  });

  it('supports monthly rules such as the first Tuesday', () => {
    const out = expandRecurrence(evening('America/Chicago', '2025-01-01', 'FREQ=MONTHLY;BYDAY=1TU;COUNT=3'), wide);
    expect(out.map((o) => o.localDate)).toEqual(['2025-01-07', '2025-02-04', '2025-03-04']);
  });

  it('refuses an unknown time zone', () => {
    expect(refusal(() => expandRecurrence(evening('Mars/Olympus_Mons', '2025-01-06'), wide)).code).toBe(SchedulingErrorCode.InvalidTimeZone);
  });

  it('refuses an UNTIL before the first session', () => {
    const e = refusal(() => expandRecurrence(evening('America/Phoenix', '2025-01-06', 'FREQ=WEEKLY;UNTIL=20241231'), wide));
    expect(e.message).toMatch(/UNTIL is before the first session/);
  });

  it('writes the rule with its start as RFC 5545', () => {
    expect(toRfc5545(evening('America/Phoenix', '2025-01-06'))).toBe('DTSTART;TZID=America/Phoenix:20250106T180000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE,TH');
  });
});

describe('parseRecurrenceRule', () => {
  it('normalises case and the RRULE: prefix', () => {
    expect(parseRecurrenceRule('rrule:freq=weekly;byday=mo,we,th').text).toBe('FREQ=WEEKLY;BYDAY=MO,WE,TH');
  });

  it.each([
    ['', /empty/],
    ['garbage', /"GARBAGE" is not KEY=VALUE/],
    ['BYDAY=MO', /FREQ is required/],
    ['FREQ=HOURLY', /FREQ=HOURLY is not supported/],
    ['FREQ=WEEKLYX', /FREQ=WEEKLYX is not supported/],
    ['FREQ=WEEKLY;BYDAY=XX', /BYDAY must list days/],
    ['FREQ=WEEKLY;BYDAY=1MO', /numbered weekday needs FREQ=MONTHLY/],
    ['FREQ=WEEKLY;INTERVAL=0', /INTERVAL must be between 1 and 52/],
    ['FREQ=WEEKLY;COUNT=abc', /COUNT must be a whole number/],
    ['FREQ=WEEKLY;COUNT=5;UNTIL=20250601', /COUNT or UNTIL, not both/],
    ['FREQ=WEEKLY;UNTIL=20250230', /UNTIL is not a real date/],
    ['FREQ=WEEKLY;BYHOUR=18', /startTime/],
    ['FREQ=WEEKLY;TZID=America/Denver', /time zone/],
    ['FREQ=WEEKLY;FREQ=DAILY', /FREQ appears twice/],
    ['FREQ=WEEKLY;BYWEEKNO=3', /BYWEEKNO is not supported/],
    ['FREQ=WEEKLY\nDTSTART:20250101T000000Z', /one RRULE line/],
  ])('refuses %j', (rule, message) => {
    const e = refusal(() => parseRecurrenceRule(rule));
    expect(e.code).toBe(SchedulingErrorCode.InvalidRecurrence);
    expect(e.httpStatus).toBe(400);
    expect(e.message).toMatch(message);
  });
});
