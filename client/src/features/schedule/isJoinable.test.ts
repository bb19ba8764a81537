import { isJoinable, joinOpensAt } from './isJoinable';

const session = { startsAt: '2025-11-24T18:00:00.000Z', endsAt: '2025-11-24T21:00:00.000Z' };
const at = (iso: string) => new Date(iso);

describe('isJoinable', () => {
  it('is closed until 15 minutes before the start', () => {
    expect(isJoinable(session, at('2025-11-24T17:00:00.000Z'))).toBe(false);
    expect(isJoinable(session, at('2025-11-24T17:44:59.999Z'))).toBe(false);
  });

  it('opens exactly 15 minutes before the start', () => {
    expect(isJoinable(session, at('2025-11-24T17:45:00.000Z'))).toBe(true);
    expect(joinOpensAt(session).toISOString()).toBe('2025-11-24T17:45:00.000Z');
  });

  it('stays open while the session runs', () => {
    expect(isJoinable(session, at('2025-11-24T18:00:00.000Z'))).toBe(true);
    expect(isJoinable(session, at('2025-11-24T20:59:59.999Z'))).toBe(true);
  });

  it('closes when the session ends', () => {
    expect(isJoinable(session, at('2025-11-24T21:00:00.000Z'))).toBe(false);
    expect(isJoinable(session, at('2025-11-25T09:00:00.000Z'))).toBe(false);
  });

  it('accepts epoch milliseconds and a custom window', () => {
    const fiveBefore = Date.parse('2025-11-24T17:55:00.000Z');
    expect(isJoinable(session, fiveBefore, 5)).toBe(true);
    expect(isJoinable(session, fiveBefore - 1, 5)).toBe(false);
  });

  it('never opens for unreadable times', () => {
    expect(isJoinable({ startsAt: 'soon', endsAt: 'later' }, Date.now())).toBe(false);
  });
});

describe("isJoinable with the server's session fields", () => {
  it("uses the program's own opening time when the server sends joinOpensAt", () => {
    const withWindow = { ...session, joinOpensAt: '2025-11-24T17:30:00.000Z' };
    expect(isJoinable(withWindow, at('2025-11-24T17:29:59.999Z'))).toBe(false);
    expect(isJoinable(withWindow, at('2025-11-24T17:30:00.000Z'))).toBe(true);
  });

  it('never opens for a cancelled session', () => {
    expect(isJoinable({ ...session, status: 'cancelled' }, at('2025-11-24T18:30:00.000Z'))).toBe(false);
  });
});
