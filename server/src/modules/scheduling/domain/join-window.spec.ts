import { isJoinWindowOpen, joinOpensAt } from './join-window';

describe('join window', () => {
  const session = { startsAt: new Date('2025-03-10T18:00:00Z'), endsAt: new Date('2025-03-10T21:00:00Z'), status: 'scheduled' as const };
  const at = (iso: string) => new Date(iso);

  it('opens the configured minutes before the start and closes at the end', () => {
    expect(joinOpensAt(session, 15).toISOString()).toBe('2025-03-10T17:45:00.000Z');
    expect(isJoinWindowOpen(session, 15, at('2025-03-10T17:44:59Z'))).toBe(false);
    expect(isJoinWindowOpen(session, 15, at('2025-03-10T17:45:00Z'))).toBe(true);
    expect(isJoinWindowOpen(session, 15, at('2025-03-10T20:59:59Z'))).toBe(true);
    expect(isJoinWindowOpen(session, 15, at('2025-03-10T21:00:00Z'))).toBe(false);
  });

  it('follows the program setting', () => {
    expect(isJoinWindowOpen(session, 30, at('2025-03-10T17:31:00Z'))).toBe(true);
    expect(isJoinWindowOpen(session, 0, at('2025-03-10T17:59:00Z'))).toBe(false);
  });

  it('never opens for a cancelled session', () => {
    expect(isJoinWindowOpen({ ...session, status: 'cancelled' }, 15, at('2025-03-10T18:30:00Z'))).toBe(false);
  });
});
