import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { SessionCard } from './SessionCard';
import type { MySession } from './mySessions';

const group: MySession = {
  id: '00000000-0000-4000-8000-000000000001',
  title: 'Evening group',
  kind: 'group',
  startsAt: '2030-11-24T18:00:00-07:00',
  endsAt: '2030-11-24T21:00:00-07:00',
  cohortName: 'Vets Tuesday',
  track: 'veterans',
};

function renderCard(session: MySession) {
  render(
    <MemoryRouter>
      <SessionCard session={session} now={Date.parse('2030-11-20T12:00:00Z')} isNext={false} />
    </MemoryRouter>,
  );
}

describe('SessionCard: the cohort’s track', () => {
  it('names a group session’s cohort and its track', () => {
    renderCard(group);
    expect(screen.getByTestId('session-track')).toHaveTextContent('Vets Tuesday · Veterans track');
  });

  it('says nothing about tracks for a 1:1 or when the server sends none', () => {
    renderCard({ ...group, kind: 'individual', cohortName: null, track: null });
    expect(screen.queryByTestId('session-track')).toBeNull();
  });
});
