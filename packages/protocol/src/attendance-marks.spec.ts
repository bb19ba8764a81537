import { attendanceCountsText, attendanceMarkOf, countAttendanceMarks, sessionIsOver } from './attendance-marks';

describe('attendance marks', () => {
  const row = (segments: number, lateMinutes = 0, corrected?: number) => ({
    segments,
    lateMinutes,
    correction: corrected === undefined ? null : { minutes: corrected },
  });

  it('marks on time, late, not yet arrived and no-show from the segments', () => {
    expect(attendanceMarkOf(row(1), false)).toBe('attended');
    expect(attendanceMarkOf(row(2, 7), true)).toBe('late');
    expect(attendanceMarkOf(row(0), false)).toBe('not_yet');
    expect(attendanceMarkOf(row(0), true)).toBe('no_show');
  });

  it('marks late from the program’s late-after minutes (a grace period), and from the first whole minute by default', () => {
    expect(attendanceMarkOf(row(1, 1), true)).toBe('late');
    expect(attendanceMarkOf(row(1, 4), true, 5)).toBe('attended');
    expect(attendanceMarkOf(row(1, 5), true, 5)).toBe('late');
    expect(attendanceMarkOf(row(1, 0), true, 0)).toBe('attended'); // never below one minute
    expect(attendanceMarkOf(row(0, 0), true, 5)).toBe('no_show');
  });

  it('lets a correction override the segments', () => {
    expect(attendanceMarkOf(row(0, 0, 45), true)).toBe('attended'); // joined by phone
    expect(attendanceMarkOf(row(1, 3, 0), true)).toBe('no_show'); // corrected to nothing
    expect(attendanceMarkOf(row(1, 3, 0), false)).toBe('not_yet');
  });

  it('counts and words them, leaving zeros out', () => {
    const counts = countAttendanceMarks(['attended', 'attended', 'late', 'no_show', 'attended', 'attended', 'attended', 'attended']);
    expect(counts).toEqual({ attended: 6, late: 1, noShow: 1, notYet: 0 });
    expect(attendanceCountsText(counts)).toBe('6 attended · 1 late · 1 no-show');
    expect(attendanceCountsText(countAttendanceMarks([]))).toBe('no patients');
  });

  it('is final once ended by the therapist or past the scheduled end', () => {
    const end = new Date('2026-12-01T04:00:00Z');
    expect(sessionIsOver(end, null, new Date('2026-12-01T03:59:00Z'))).toBe(false);
    expect(sessionIsOver(end, new Date('2026-12-01T03:00:00Z'), new Date('2026-12-01T03:01:00Z'))).toBe(true);
    expect(sessionIsOver(end, null, end)).toBe(true);
  });
});
