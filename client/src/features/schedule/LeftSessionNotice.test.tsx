import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { LeftSessionNotice } from './LeftSessionNotice';

const SESSION = '99999999-9999-4999-8999-999999999999';

function renderAt(state: unknown) {
  return render(
    <MemoryRouter initialEntries={[{ pathname: '/', state }]}>
      <Routes>
        <Route path="/" element={<LeftSessionNotice />} />
        <Route path="/sessions/:id/join" element={<p>join page</p>} />
      </Routes>
    </MemoryRouter>,
  );
}

describe('LeftSessionNotice', () => {
  it('says which session was left and offers to rejoin it', async () => {
    renderAt({ leftSession: { id: SESSION, title: 'Evening group' } });
    expect(screen.getByTestId('left-session-notice')).toHaveTextContent('You left Evening group. You can rejoin');
    await userEvent.click(screen.getByRole('button', { name: 'Rejoin' }));
    expect(screen.getByText('join page')).toBeInTheDocument();
  });

  it('can be dismissed, and shows nothing without a left session', async () => {
    renderAt({ leftSession: { id: SESSION, title: null } });
    expect(screen.getByTestId('left-session-notice')).toHaveTextContent('You left the session.');
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('left-session-notice')).toBeNull();
  });

  it('ignores unrelated router state', () => {
    renderAt({ from: '/x' });
    expect(screen.queryByTestId('left-session-notice')).toBeNull();
  });
});
