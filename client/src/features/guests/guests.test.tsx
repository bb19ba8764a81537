import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { installFakeApi, loginResponse, storeSignedInSession } from '../../test/fakeApi';
import { renderApp } from '../../test/renderApp';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const now = Date.now();
const family = {
  id: uuid(1),
  title: 'Family session',
  kind: 'family',
  format: 'family',
  theme: 'Family communication',
  startsAt: new Date(now - 5 * 60_000).toISOString(),
  endsAt: new Date(now + 60 * 60_000).toISOString(),
};
const request = {
  id: uuid(7),
  sessionId: family.id,
  sessionTitle: family.title,
  startsAt: family.startsAt,
  endsAt: family.endsAt,
  guestName: '<img src=x onerror=alert(1)>Dana',
  relationship: 'sister',
  therapistName: 'Maya Ellison',
};

describe('family guests in the client', () => {
  it('the schedule shows the family session’s type and topic, and the consent request with names as text', async () => {
    storeSignedInSession();
    let pending = [request];
    const requests = installFakeApi({
      'GET /api/me/sessions': () => ({ status: 200, body: [family] }),
      'GET /api/me/guest-consents': () => ({ status: 200, body: pending }),
      [`POST /api/guest-invites/${request.id}/consent`]: () => {
        pending = [];
        return { status: 200, body: { status: 'approved' } };
      },
    });
    renderApp();

    const card = await screen.findByTestId('session-card');
    expect(card).toHaveTextContent('Family session');
    expect(card).toHaveTextContent('Family communication');

    const consent = await screen.findByTestId('guest-consent');
    expect(consent).toHaveAttribute('data-guest-id', request.id);
    expect(consent).toHaveTextContent('<img src=x onerror=alert(1)>Dana');
    expect(consent.querySelector('img')).toBeNull();
    expect(consent).toHaveTextContent('42 CFR Part 2');

    await userEvent.click(within(consent).getByTestId('guest-consent-approve'));
    expect(await screen.findByTestId('guest-consent-answered')).toHaveTextContent('You agreed');
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ decision: 'approve' });
  });

  it('a used link says so and whom to contact, never a stack trace', async () => {
    installFakeApi({
      'POST /api/guest-links/redeem': () => ({
        status: 409,
        body: { code: 'guest_link_used', message: 'This link has already been used on another device; each link works once. Please contact Maya Ellison, who invited you.' },
      }),
    });
    renderApp({ route: `/guest/${uuid(7)}.${'a'.repeat(43)}` });
    const refused = await screen.findByTestId('guest-link-error');
    expect(refused).toHaveAttribute('data-code', 'guest_link_used');
    expect(refused).toHaveTextContent('This link has already been used');
    expect(refused).toHaveTextContent('Maya Ellison');
  });

  it('an opened link signs the guest in and heads for that session (remembered as the guest’s home)', async () => {
    installFakeApi({
      'POST /api/guest-links/redeem': () => ({
        status: 200,
        body: { ...loginResponse({ user: { id: uuid(9), role: 'family', displayName: 'Dana (sister of Alex)' } }), sessionId: family.id },
      }),
    });
    renderApp({ route: `/guest/${uuid(8)}.${'b'.repeat(43)}` });
    await waitFor(() => expect(sessionStorage.getItem('hearth.guestSessionId')).toBe(family.id));
    await waitFor(() => expect(screen.queryByText('Opening your invitation…')).toBeNull());
    expect(screen.queryByRole('navigation', { name: 'Main' })).toBeNull();
  }, 15_000);
});
