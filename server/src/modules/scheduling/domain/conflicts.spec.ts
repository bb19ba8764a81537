import { findConflicts, firstFreeSlot, lastFreeSlotBefore } from './conflicts';

const t = (hhmm: string) => new Date(`2025-03-10T${hhmm}:00Z`);
const booking = (from: string, to: string, people: string[], sessionId?: string) => ({ sessionId, startsAt: t(from), endsAt: t(to), people });

describe('findConflicts', () => {
  const existing = [booking('18:00', '21:00', ['therapist', 'p1', 'p2'], 'group'), booking('15:00', '16:00', ['therapist', 'p3'], 'one-to-one')];

  it('finds each person who would be in two sessions at once', () => {
    const out = findConflicts([booking('20:00', '20:50', ['therapist', 'p1'])], existing);
    expect(out.map((c) => [c.personId, c.existing.sessionId])).toEqual([
      ['therapist', 'group'],
      ['p1', 'group'],
    ]);
  });

  it('allows back-to-back sessions and people who are free', () => {
    expect(findConflicts([booking('21:00', '21:50', ['therapist', 'p1']), booking('16:00', '17:00', ['p3'])], existing)).toEqual([]);
    expect(findConflicts([booking('18:00', '21:00', ['p4'])], existing)).toEqual([]);
  });

  it('ignores the session being rescheduled', () => {
    expect(findConflicts([booking('18:30', '21:30', ['therapist', 'p1', 'p2'], 'group')], existing)).toEqual([]);
  });

  it('catches proposals that clash with each other', () => {
    const out = findConflicts([booking('10:00', '11:00', ['p9']), booking('10:30', '11:30', ['p9'])], []);
    expect(out).toHaveLength(1);
  });
});

describe('free slots', () => {
  const busy = [booking('18:00', '21:00', []), booking('21:00', '21:30', [])];

  it('finds the first gap long enough after the busy spans', () => {
    expect(firstFreeSlot(busy, t('19:00'), 50, t('23:59'))).toEqual({ startsAt: t('21:30'), endsAt: t('22:20') });
    expect(firstFreeSlot(busy, t('16:00'), 50, t('23:59'))).toEqual({ startsAt: t('16:00'), endsAt: t('16:50') });
    expect(firstFreeSlot(busy, t('19:00'), 50, t('22:00'))).toBeNull();
  });

  it('finds the last gap before a time', () => {
    expect(lastFreeSlotBefore(busy, t('20:00'), 50, t('00:00'))).toEqual({ startsAt: t('17:10'), endsAt: t('18:00') });
    expect(lastFreeSlotBefore(busy, t('20:00'), 50, t('17:30'))).toBeNull();
  });
});
