import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { installFakeApi, loginResponse, storeSignedInSession } from '../../test/fakeApi';
import { renderApp } from '../../test/renderApp';
import { adminUser, cohort, members, program, therapistUser, uuid } from './testData';

function serveProgram(extra: Parameters<typeof installFakeApi>[0] = {}) {
  return installFakeApi({
    [`GET /api/admin/programs/${program.id}`]: () => ({ status: 200, body: program }),
    [`GET /api/admin/programs/${program.id}/members`]: () => ({ status: 200, body: members }),
    'GET /api/me/cohorts': () => ({ status: 200, body: [cohort, { ...cohort, id: uuid(3), programId: uuid(4), name: 'Elsewhere' }] }),
    ...extra,
  });
}

describe('ProgramDetailPage', () => {
  beforeEach(() => storeSignedInSession(loginResponse({ user: adminUser })));

  it("shows the program's settings, its own cohorts and its people", async () => {
    serveProgram();
    renderApp({ route: `/admin/programs/${program.id}` });
    expect(await screen.findByTestId('program-title')).toHaveTextContent('Evening Adult IOP');
    expect(screen.getByText('First name only (Alex)')).toBeInTheDocument();
    const rows = await screen.findAllByTestId('cohort-row');
    expect(rows.map((r) => r.dataset.cohortId)).toEqual([cohort.id]);
    expect(within(rows[0]!).getByRole('link', { name: 'Evening A' })).toHaveAttribute('href', `/admin/programs/${program.id}/cohorts/${cohort.id}`);
    expect(await screen.findAllByTestId('member-row')).toHaveLength(4);
  });

  it('creates a cohort with a lead and co-therapists chosen among the therapists', async () => {
    const requests = serveProgram({
      [`POST /api/admin/programs/${program.id}/cohorts`]: ({ body }) => ({
        status: 201,
        body: { ...cohort, id: uuid(5), name: (body as { name: string }).name },
      }),
    });
    renderApp({ route: `/admin/programs/${program.id}` });
    await screen.findAllByTestId('member-row');
    await userEvent.click(screen.getByText('Create a cohort'));
    await userEvent.click(screen.getByTestId('create-cohort-submit'));
    expect(screen.getByLabelText('Lead therapist')).toHaveAccessibleDescription('Choose the lead therapist.');

    await userEvent.type(screen.getByLabelText('Cohort name'), 'Evening B');
    await userEvent.selectOptions(screen.getByLabelText('Lead therapist'), therapistUser.id);
    // The lead is not offered as a co-therapist.
    expect(screen.getAllByTestId('cohort-co-therapist').map((c) => (c as HTMLInputElement).value)).toEqual([uuid(902)]);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Lee Moreno' }));
    await userEvent.click(screen.getByTestId('create-cohort-submit'));

    expect(await screen.findByTestId('create-cohort-done')).toHaveTextContent('Created Evening B');
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ name: 'Evening B', therapistId: therapistUser.id, coTherapistIds: [uuid(902)] });
    expect(screen.getAllByTestId('cohort-row')).toHaveLength(2);
  });

  it("creates accounts and keeps the form when the server refuses one", async () => {
    serveProgram({
      [`POST /api/admin/programs/${program.id}/members`]: () => ({
        status: 409,
        body: { code: 'already_exists', message: 'An account with this e-mail address already exists.' },
      }),
    });
    renderApp({ route: `/admin/programs/${program.id}` });
    await screen.findAllByTestId('member-row');
    await userEvent.click(screen.getByText('Create an account'));
    await userEvent.type(screen.getByLabelText('First name'), 'Alex');
    await userEvent.type(screen.getByLabelText('Last name'), 'Rivera');
    await userEvent.type(screen.getByLabelText('E-mail'), 'patient1@hearth.test');
    await userEvent.type(screen.getByLabelText('Initial password'), 'short');
    await userEvent.click(screen.getByTestId('create-member-submit'));
    expect(screen.getByLabelText('Initial password')).toHaveAccessibleDescription(expect.stringContaining('must be at least 12 characters'));

    await userEvent.type(screen.getByLabelText('Initial password'), '-and-longer');
    await userEvent.click(screen.getByTestId('create-member-submit'));
    expect(await screen.findByTestId('create-member-error')).toHaveTextContent('already exists');
    expect(screen.getByLabelText('E-mail')).toHaveValue('patient1@hearth.test');
  });
});
