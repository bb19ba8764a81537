import { formatSessionRange, wallClockIn, zoneLabel, zonedInstant, zoneOffsetMinutes } from './zonedTime';

describe('zonedInstant', () => {
  it("reads a wall-clock time in the program's zone", () => {
    expect(zonedInstant('2025-11-24', '18:00', 'America/Phoenix')).toBe('2025-11-24T18:00:00-07:00');
    expect(zonedInstant('2025-07-01', '09:30', 'Europe/Berlin')).toBe('2025-07-01T09:30:00+02:00');
    expect(zonedInstant('2025-12-01', '09:30', 'Europe/Berlin')).toBe('2025-12-01T09:30:00+01:00');
    expect(zonedInstant('2025-03-10', '18:00', 'Asia/Kolkata')).toBe('2025-03-10T18:00:00+05:30');
  });

  it('uses the right offset on the days of a DST change', () => {
    // New York springs forward on 9 March 2025 at 02:00.
    expect(zonedInstant('2025-03-09', '01:30', 'America/New_York')).toBe('2025-03-09T01:30:00-05:00');
    expect(zonedInstant('2025-03-09', '18:00', 'America/New_York')).toBe('2025-03-09T18:00:00-04:00');
    const instant = new Date(zonedInstant('2025-11-02', '18:00', 'America/New_York'));
    expect(wallClockIn(instant, 'America/New_York')).toEqual({ date: '2025-11-02', time: '18:00' });
  });
});

describe('zone helpers', () => {
  it('knows offsets and names zones by their city', () => {
    expect(zoneOffsetMinutes(new Date('2025-07-01T00:00:00Z'), 'America/Phoenix')).toBe(-420);
    expect(zoneLabel('America/Phoenix')).toBe('Phoenix time');
    expect(zoneLabel('America/Argentina/Buenos_Aires')).toBe('Buenos Aires time');
  });

  it("labels the program's zone only when it differs from the browser's", () => {
    // Jest runs in UTC unless TZ says otherwise.
    const start = new Date('2025-11-25T01:00:00Z');
    const end = new Date('2025-11-25T04:00:00Z');
    const phoenix = formatSessionRange(start, end, 'America/Phoenix', { withDay: false });
    expect(phoenix).toMatch(/^6:00\s?–\s?9:00\sPM \(Phoenix time\)$/);
    expect(formatSessionRange(start, end, Intl.DateTimeFormat().resolvedOptions().timeZone)).not.toMatch(/time\)/);
  });
});
