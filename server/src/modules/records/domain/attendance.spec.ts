import { intersect, MINUTE, mergeIntervals, msByLocalDay, summariseAttendance, weekMinutes } from './attendance';

const at = (iso: string) => new Date(iso);
const seg = (a: string, b: string | null) => ({ joinedAt: at(a), leftAt: b ? at(b) : null });
const WINDOW = { start: at('2026-03-02T01:00:00Z'), end: at('2026-03-02T04:00:00Z') };
const AFTER = at('2026-03-02T05:00:00Z');

describe('attendance arithmetic', () => {
  it('sums a plain stay in whole minutes, rounding down', () => {
    const s = summariseAttendance([seg('2026-03-02T01:00:00Z', '2026-03-02T01:45:59Z')], WINDOW, AFTER);
    expect(s.minutes).toBe(45);
    expect(s.lateMinutes).toBe(0);
    expect(s.leftEarlyMinutes).toBe(134);
  });

  it('merges overlapping segments (two tabs) so time counts once', () => {
    const s = summariseAttendance(
      [seg('2026-03-02T01:00:00Z', '2026-03-02T02:00:00Z'), seg('2026-03-02T01:30:00Z', '2026-03-02T02:30:00Z')],
      WINDOW,
      AFTER,
    );
    expect(s.minutes).toBe(90);
    expect(s.segments).toBe(2);
  });

  it('counts reconnects as the sum of the stretches, not the gap', () => {
    const s = summariseAttendance(
      [seg('2026-03-02T01:10:00Z', '2026-03-02T01:40:00Z'), seg('2026-03-02T01:42:00Z', '2026-03-02T02:12:00Z')],
      WINDOW,
      AFTER,
    );
    expect(s.minutes).toBe(60);
    expect(s.lateMinutes).toBe(10);
  });

  it('counts a check-in in the waiting room as the arrival: waiting to be admitted is not lateness', () => {
    const admittedLate = [seg('2026-03-02T01:09:00Z', '2026-03-02T03:00:00Z')];
    // Checked in 2 minutes before the start, admitted 9 minutes after it: on time, minutes from admission.
    const onTime = summariseAttendance(admittedLate, WINDOW, AFTER, { checkedInAt: at('2026-03-02T00:58:00Z') });
    expect(onTime.lateMinutes).toBe(0);
    expect(onTime.minutes).toBe(111);
    // Checked in 4 minutes late, admitted at 9: 4 minutes late, not 9.
    expect(summariseAttendance(admittedLate, WINDOW, AFTER, { checkedInAt: at('2026-03-02T01:04:30Z') }).lateMinutes).toBe(4);
    // A check-in after the first time in the room (a rejoin's) changes nothing; none at all: the room's time.
    expect(summariseAttendance(admittedLate, WINDOW, AFTER, { checkedInAt: at('2026-03-02T02:00:00Z') }).lateMinutes).toBe(9);
    expect(summariseAttendance(admittedLate, WINDOW, AFTER).lateMinutes).toBe(9);
    // Checked in, never admitted: no lateness (the mark is a no-show), no minutes.
    const never = summariseAttendance([], WINDOW, AFTER, { checkedInAt: at('2026-03-02T00:58:00Z') });
    expect([never.lateMinutes, never.minutes]).toEqual([0, 0]);
  });

  it('clips to the scheduled window: early arrival and overstaying do not count', () => {
    const s = summariseAttendance([seg('2026-03-02T00:45:00Z', '2026-03-02T04:30:00Z')], WINDOW, AFTER);
    expect(s.minutes).toBe(180);
    expect(s.lateMinutes).toBe(0);
    expect(s.leftEarlyMinutes).toBe(0);
  });

  it('never goes negative or beyond the session, even with a reversed segment', () => {
    const s = summariseAttendance([seg('2026-03-02T02:00:00Z', '2026-03-02T01:00:00Z')], WINDOW, AFTER);
    expect(s.minutes).toBe(0);
    const all = summariseAttendance([seg('2026-03-01T00:00:00Z', '2026-03-03T00:00:00Z')], WINDOW, AFTER);
    expect(all.minutes).toBe(180);
  });

  it('runs an open segment to now while the session is live, and never past the end', () => {
    const live = summariseAttendance([seg('2026-03-02T01:00:00Z', null)], WINDOW, at('2026-03-02T01:20:30Z'));
    expect(live).toMatchObject({ minutes: 20, present: true, lastLeftAt: null, leftEarlyMinutes: 0 });
    expect(summariseAttendance([seg('2026-03-02T01:00:00Z', null)], WINDOW, AFTER).minutes).toBe(180);
  });

  it('a crash-closed segment counts only to its last heartbeat', () => {
    // The server died at 02:00:40; the last heartbeat was 02:00:30; the segment was closed there at restart.
    const crashed = seg('2026-03-02T01:00:00Z', '2026-03-02T02:00:30Z');
    const back = seg('2026-03-02T02:05:00Z', '2026-03-02T02:35:00Z');
    expect(summariseAttendance([crashed, back], WINDOW, AFTER).minutes).toBe(90);
  });

  it('measures early leave against when the therapist ended the session', () => {
    const s = summariseAttendance([seg('2026-03-02T01:00:00Z', '2026-03-02T03:00:00Z')], { ...WINDOW, endedAt: at('2026-03-02T03:00:00Z') }, AFTER);
    expect(s.leftEarlyMinutes).toBe(0);
  });

  it('can further limit to when a therapist was present', () => {
    const s = summariseAttendance([seg('2026-03-02T01:00:00Z', '2026-03-02T03:00:00Z')], WINDOW, AFTER, {
      within: [{ start: at('2026-03-02T01:30:00Z').getTime(), end: at('2026-03-02T02:00:00Z').getTime() }],
    });
    expect(s.minutes).toBe(30);
  });

  it('merges and intersects intervals', () => {
    expect(mergeIntervals([{ start: 5, end: 10 }, { start: 0, end: 5 }, { start: 20, end: 30 }])).toEqual([
      { start: 0, end: 10 },
      { start: 20, end: 30 },
    ]);
    expect(intersect([{ start: 0, end: 100 }], [{ start: 10, end: 20 }, { start: 90, end: 200 }])).toEqual([
      { start: 10, end: 20 },
      { start: 90, end: 100 },
    ]);
  });
});

/** msByLocalDay in minutes (every case here is whole minutes). */
const minutesByLocalDay = (...args: Parameters<typeof msByLocalDay>) => new Map([...msByLocalDay(...args)].map(([day, ms]) => [day, ms / MINUTE]));

describe('minutes per local day', () => {
  it('splits a session crossing local midnight in the program zone (Phoenix, no DST)', () => {
    // 23:00–01:00 in Phoenix (UTC−7) is 06:00–08:00 UTC.
    const days = minutesByLocalDay([{ start: Date.parse('2026-03-03T06:00:00Z'), end: Date.parse('2026-03-03T08:00:00Z') }], 'America/Phoenix');
    expect(Object.fromEntries(days)).toEqual({ '2026-03-02': 60, '2026-03-03': 60 });
  });

  it('counts real elapsed minutes across a spring-forward change (New York, 2026-03-08)', () => {
    // 01:30 EST (06:30Z) to 03:30 EDT (07:30Z) is one real hour, though the clock says two.
    const days = minutesByLocalDay([{ start: Date.parse('2026-03-08T06:30:00Z'), end: Date.parse('2026-03-08T07:30:00Z') }], 'America/New_York');
    expect(Object.fromEntries(days)).toEqual({ '2026-03-08': 60 });
  });

  it('splits at local midnight on a fall-back day (the local day has 25 hours)', () => {
    // 2026-11-01 in New York: midnight EDT is 04:00Z, next midnight EST is 2026-11-02T05:00Z.
    const days = minutesByLocalDay([{ start: Date.parse('2026-11-01T03:00:00Z'), end: Date.parse('2026-11-02T06:00:00Z') }], 'America/New_York');
    expect(Object.fromEntries(days)).toEqual({ '2026-10-31': 60, '2026-11-01': 25 * 60, '2026-11-02': 60 });
  });
});

describe('a week in minutes', () => {
  it('floors each day on its own and the total once: a stay across midnight loses no minute in the total', () => {
    // 23:53:30–00:05:30 in Phoenix: 6.5 minutes before midnight, 5.5 after, 12 in all.
    const days = msByLocalDay([{ start: Date.parse('2026-03-03T06:53:30Z'), end: Date.parse('2026-03-03T07:05:30Z') }], 'America/Phoenix');
    expect(weekMinutes([days.get('2026-03-02')!, days.get('2026-03-03')!])).toEqual({ minutesByDay: [6, 5], totalMinutes: 12 });
  });
});
