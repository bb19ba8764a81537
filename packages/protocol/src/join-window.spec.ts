import { DEFAULT_JOIN_MINUTES_BEFORE, isJoinWindowOpen, joinOpensAt } from './join-window';

const wire = { startsAt: '2025-11-24T18:00:00.000Z', endsAt: '2025-11-24T21:00:00.000Z' };
const server = { startsAt: new Date(wire.startsAt), endsAt: new Date(wire.endsAt), status: 'scheduled' as const };

describe('join window (shared by server and client)', () => {
  it('opens 15 minutes before the start by default and closes at the end', () => {
    expect(DEFAULT_JOIN_MINUTES_BEFORE).toBe(15);
    expect(joinOpensAt(wire).toISOString()).toBe('2025-11-24T17:45:00.000Z');
    expect(isJoinWindowOpen(wire, '2025-11-24T17:44:59.999Z')).toBe(false);
    expect(isJoinWindowOpen(wire, '2025-11-24T17:45:00.000Z')).toBe(true);
    expect(isJoinWindowOpen(wire, '2025-11-24T20:59:59.999Z')).toBe(true);
    expect(isJoinWindowOpen(wire, '2025-11-24T21:00:00.000Z')).toBe(false);
  });

  it('answers the same for Dates, ISO strings and epoch milliseconds', () => {
    for (const now of ['2025-11-24T17:40:00.000Z', '2025-11-24T17:50:00.000Z', '2025-11-24T21:30:00.000Z']) {
      const a = isJoinWindowOpen(wire, now);
      expect(isJoinWindowOpen(server, new Date(now))).toBe(a);
      expect(isJoinWindowOpen(server, Date.parse(now))).toBe(a);
    }
  });

  it("follows the program's setting, or the server's joinOpensAt when sent", () => {
    expect(isJoinWindowOpen(server, new Date('2025-11-24T17:31:00Z'), 30)).toBe(true);
    expect(isJoinWindowOpen(server, new Date('2025-11-24T17:59:00Z'), 0)).toBe(false);
    const withOpening = { ...wire, joinOpensAt: '2025-11-24T17:30:00.000Z' };
    expect(isJoinWindowOpen(withOpening, '2025-11-24T17:29:59.999Z')).toBe(false);
    expect(isJoinWindowOpen(withOpening, '2025-11-24T17:30:00.000Z', 5)).toBe(true);
  });

  it('never opens for a cancelled session or unreadable times', () => {
    expect(isJoinWindowOpen({ ...server, status: 'cancelled' }, new Date('2025-11-24T18:30:00Z'))).toBe(false);
    expect(isJoinWindowOpen({ startsAt: 'soon', endsAt: 'later' }, Date.now())).toBe(false);
    expect(isJoinWindowOpen(wire, 'not a time')).toBe(false);
  });
});
