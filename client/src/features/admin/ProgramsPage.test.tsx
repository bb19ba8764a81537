import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { installFakeApi, loginResponse, storeSignedInSession } from '../../test/fakeApi';
import { renderApp } from '../../test/renderApp';
import { adminUser, program, uuid } from './testData';

describe('ProgramsPage', () => {
  beforeEach(() => storeSignedInSession(loginResponse({ user: adminUser })));

  it('lists the programs and is reached from the "Programs" link', async () => {
    installFakeApi({
      'GET /api/me/sessions': () => ({ status: 200, body: [] }),
      'GET /api/admin/programs': () => ({ status: 200, body: [program] }),
    });
    renderApp();
    await userEvent.click(await screen.findByRole('link', { name: 'Programs' }));

    const row = await screen.findByTestId('program-row');
    expect(row).toHaveAttribute('data-program-id', program.id);
    expect(within(row).getByRole('link', { name: 'Evening Adult IOP' })).toHaveAttribute('href', `/admin/programs/${program.id}`);
    expect(row).toHaveTextContent('America/Phoenix · 9 h a week');
  });

  it('checks the form before sending: a missing name is marked on the field and nothing is sent', async () => {
    const requests = installFakeApi({ 'GET /api/admin/programs': () => ({ status: 200, body: [] }) });
    renderApp({ route: '/admin/programs' });
    await screen.findByTestId('programs-empty');

    await userEvent.click(screen.getByTestId('create-program-submit'));

    const name = screen.getByLabelText('Name');
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription(expect.stringMatching(/at least 1 character/i));
    expect(screen.getByTestId('create-program-error')).toHaveTextContent('Please correct the fields marked below.');
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('defaults the weekly target by specialty until the admin types one', async () => {
    installFakeApi({ 'GET /api/admin/programs': () => ({ status: 200, body: [] }) });
    renderApp({ route: '/admin/programs' });
    const hours = await screen.findByLabelText('Weekly hours target');
    expect(hours).toHaveValue(9);

    await userEvent.selectOptions(screen.getByLabelText('Specialty'), 'adolescent');
    expect(hours).toHaveValue(6);
    await userEvent.clear(hours);
    await userEvent.type(hours, '7.5');
    await userEvent.selectOptions(screen.getByLabelText('Specialty'), 'adult');
    expect(hours).toHaveValue(7.5);
  });

  it("shows the server's refusal next to the form and the field, keeping what was typed", async () => {
    installFakeApi({
      'GET /api/admin/programs': () => ({ status: 200, body: [] }),
      'POST /api/admin/programs': () => ({
        status: 400,
        body: {
          code: 'bad_request',
          message: 'Invalid body: weeklyHoursTarget: Number must be a multiple of 0.25',
          issues: [{ path: 'weeklyHoursTarget', message: 'Number must be a multiple of 0.25' }],
        },
      }),
    });
    renderApp({ route: '/admin/programs' });
    await userEvent.type(await screen.findByLabelText('Name'), 'Teen track');
    // The client accepts what the server then refuses: the server has the last word.
    await userEvent.click(screen.getByTestId('create-program-submit'));

    expect(await screen.findByTestId('create-program-error')).toHaveTextContent('Invalid body: weeklyHoursTarget');
    expect(screen.getByLabelText('Weekly hours target')).toHaveAccessibleDescription(expect.stringContaining('multiple of 0.25'));
    expect(screen.getByLabelText('Name')).toHaveValue('Teen track');
  });

  it('sends the program and adds it to the list', async () => {
    const created = { ...program, id: uuid(3), name: 'Teen track', specialty: 'adolescent', weeklyHoursTarget: 6, timeZone: 'America/Denver' };
    const requests = installFakeApi({
      'GET /api/admin/programs': () => ({ status: 200, body: [program] }),
      'POST /api/admin/programs': () => ({ status: 201, body: created }),
    });
    renderApp({ route: '/admin/programs' });
    await userEvent.type(await screen.findByLabelText('Name'), 'Teen track');
    await userEvent.selectOptions(screen.getByLabelText('Specialty'), 'adolescent');
    await userEvent.selectOptions(screen.getByLabelText(/Time zone/), 'America/Denver');
    await userEvent.selectOptions(screen.getByLabelText(/names/), 'initials');
    await userEvent.click(screen.getByTestId('create-program-submit'));

    expect(await screen.findByTestId('create-program-done')).toHaveTextContent('Created Teen track');
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({
      name: 'Teen track',
      specialty: 'adolescent',
      timeZone: 'America/Denver',
      weeklyHoursTarget: 6,
      displayNamePolicy: 'initials',
      joinWindowMinutesBefore: 15,
      // The default rule (late from the first whole minute); the program page changes it.
      lateAfterMinutes: 1,
    });
    expect(screen.getAllByTestId('program-row')).toHaveLength(2);
    expect(screen.getByLabelText('Name')).toHaveValue('');
  });

  it('is not offered to patients', async () => {
    storeSignedInSession();
    installFakeApi({ 'GET /api/me/sessions': () => ({ status: 200, body: [] }) });
    renderApp({ route: '/admin/programs' });
    expect(await screen.findByTestId('wrong-role')).toHaveTextContent('program admin');
    expect(screen.queryByRole('link', { name: 'Programs' })).not.toBeInTheDocument();
  });
});
