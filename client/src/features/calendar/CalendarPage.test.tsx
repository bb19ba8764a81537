import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { installFakeApi, storeSignedInSession } from '../../test/fakeApi';
import { renderApp } from '../../test/renderApp';

const url = 'https://hearth.example/api/calendar/abc123.ics';

describe('CalendarPage', () => {
  beforeEach(() => storeSignedInSession());

  it('makes a private link, copies it, and turns it off', async () => {
    const writeText = jest.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const requests = installFakeApi({
      'GET /api/me/sessions': () => ({ status: 200, body: [] }),
      'GET /api/me/guest-consents': () => ({ status: 200, body: [] }),
      'GET /api/me/calendar-link': () => ({ status: 200, body: { active: false, createdAt: null } }),
      'POST /api/me/calendar-link': () => ({ status: 201, body: { url, createdAt: '2025-11-24T12:00:00.000Z' } }),
      'DELETE /api/me/calendar-link': () => ({ status: 204 }),
    });
    renderApp();
    await userEvent.click(await screen.findByRole('link', { name: 'Calendar' }));

    expect(await screen.findByTestId('calendar-link-inactive')).toHaveTextContent('You have no calendar link.');
    expect(screen.getByTestId('calendar-link-note')).toHaveTextContent('This link is private.');

    await userEvent.click(screen.getByTestId('calendar-link-create'));
    expect(await screen.findByTestId('calendar-link')).toHaveValue(url);
    await userEvent.click(screen.getByTestId('calendar-link-copy'));
    expect(writeText).toHaveBeenCalledWith(url);
    expect(screen.getByText('Copied.')).toBeInTheDocument();

    await userEvent.click(screen.getByTestId('calendar-link-revoke'));
    expect(await screen.findByTestId('calendar-link-inactive')).toHaveTextContent('turned off');
    expect(screen.queryByTestId('calendar-link')).not.toBeInTheDocument();
    expect(requests.filter((r) => r.path.endsWith('/api/me/calendar-link')).map((r) => r.method)).toEqual(['GET', 'POST', 'DELETE']);
  });

  it('says a link is on without being able to show it again', async () => {
    installFakeApi({
      'GET /api/me/calendar-link': () => ({ status: 200, body: { active: true, createdAt: '2025-11-02T12:00:00.000Z' } }),
      'POST /api/me/calendar-link': () => ({ status: 429, body: { code: 'rate_limited', message: 'Too many new links today.' } }),
    });
    renderApp({ route: '/calendar' });
    expect(await screen.findByTestId('calendar-link-active')).toHaveTextContent('since November 2, 2025');
    await userEvent.click(screen.getByTestId('calendar-link-create'));
    expect(await screen.findByTestId('calendar-link-error')).toHaveTextContent('Too many new links today.');
  });
});
