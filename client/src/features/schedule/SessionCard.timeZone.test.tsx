import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { SessionCard } from './SessionCard';

// Jest runs in UTC: a Phoenix program's 18:00 is 01:00 the next day here.
const session = {
  id: '00000000-0000-4000-8000-000000000001',
  title: 'Evening group',
  kind: 'group' as const,
  startsAt: '2025-11-24T18:00:00-07:00',
  endsAt: '2025-11-24T21:00:00-07:00',
};

function renderCard(extra: Partial<{ timeZone: string }>, now = Date.parse('2025-11-20T12:00:00Z')) {
  render(
    <MemoryRouter>
      <SessionCard session={{ ...session, ...extra }} now={now} isNext={false} />
    </MemoryRouter>,
  );
  return screen.getByTestId('session-card').querySelector('time')!;
}

describe("SessionCard times in the program's zone", () => {
  it("shows the program's wall clock, named, when it differs from the browser's", () => {
    expect(renderCard({ timeZone: 'America/Phoenix' }).textContent).toMatch(/Mon, Nov 24, 6:00\s?–\s?9:00\sPM \(Phoenix time\)/);
  });

  it("shows the browser's clock without a label when the zones agree or none is sent", () => {
    expect(renderCard({ timeZone: 'UTC' }).textContent).not.toMatch(/time\)/);
  });

  it("says when it ends in the same zone as its range", () => {
    renderCard({ timeZone: 'America/Phoenix' }, Date.parse('2025-11-25T02:00:00Z'));
    expect(screen.getByTestId('session-card')).toHaveTextContent(/In progress · ends at 9:00\sPM/);
  });

  it('falls back to local time without a zone', () => {
    expect(renderCard({}).textContent).toMatch(/Tue, Nov 25, 1:00\s?–\s?4:00\sAM/);
  });
});

describe("schedule day headings and the pre-join time in the program's zone", () => {
  // 20:00 UTC on Nov 24 is 13:00 in Phoenix: the 18:00 Phoenix group is today there, though 01:00 tomorrow in UTC.
  const now = Date.parse('2025-11-24T20:00:00Z');
  const start = new Date(session.startsAt);

  it('groups and names the day as the program counts it', async () => {
    const { dayKey, formatDayHeading } = await import('./formatSessionTime');
    expect(formatDayHeading(start, now, 'America/Phoenix')).toBe('Today');
    expect(formatDayHeading(start, now)).toBe('Tomorrow'); // the browser's own day, for a session without a zone
    expect(dayKey(start, 'America/Phoenix')).toBe('2025-11-24');
    expect(formatDayHeading(new Date('2025-11-27T01:00:00Z'), now, 'America/Phoenix')).toMatch(/^Wednesday, November 26$/);
  });

  it('the pre-join time always names its zone', async () => {
    const { formatSessionRange } = await import('../calendar/zonedTime');
    const end = new Date(session.endsAt);
    expect(formatSessionRange(start, end, 'America/Phoenix', { alwaysNameZone: true })).toMatch(/6:00\s?–\s?9:00\sPM \(Phoenix time\)$/);
    expect(formatSessionRange(start, end, 'UTC', { alwaysNameZone: true })).toMatch(/1:00\s?–\s?4:00\sAM \(UTC time\)$/);
  });
});
