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
    // The program runs one track: the cohort goes into it.
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ name: 'Evening B', track: 'adults', therapistId: therapistUser.id, coTherapistIds: [uuid(902)] });
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

  describe('tracks', () => {
    const twoTracks = { ...program, tracks: ['adults', 'veterans'] as const };
    const vets = { ...cohort, id: uuid(6), name: 'Vets Tuesday', track: 'veterans' as const };
    const serveTwoTracks = (extra: Parameters<typeof installFakeApi>[0] = {}) =>
      serveProgram({
        [`GET /api/admin/programs/${program.id}`]: () => ({ status: 200, body: { ...twoTracks, tracks: [...twoTracks.tracks] } }),
        'GET /api/me/cohorts': () => ({ status: 200, body: [cohort, vets] }),
        ...extra,
      });

    it('lists the tracks the program runs with the cohorts under each', async () => {
      serveTwoTracks();
      renderApp({ route: `/admin/programs/${program.id}` });
      const sections = await screen.findAllByTestId('program-track-section');
      expect(sections.map((s) => s.dataset.track)).toEqual(['adults', 'veterans']);
      expect(within(sections[0]!).getByRole('heading', { name: 'Adults track' })).toBeInTheDocument();
      expect(within(sections[0]!).getAllByTestId('cohort-row').map((r) => r.dataset.cohortId)).toEqual([cohort.id]);
      expect(within(sections[1]!).getByRole('heading', { name: 'Veterans track' })).toBeInTheDocument();
      expect(within(sections[1]!).getAllByTestId('cohort-row').map((r) => r.dataset.cohortId)).toEqual([vets.id]);
    });

    it('the cohort form picks one of the program’s tracks, and asks for one when there are several', async () => {
      const requests = serveTwoTracks({
        [`POST /api/admin/programs/${program.id}/cohorts`]: ({ body }) => ({ status: 201, body: { ...vets, id: uuid(7), name: (body as { name: string }).name } }),
      });
      renderApp({ route: `/admin/programs/${program.id}` });
      await screen.findAllByTestId('member-row');
      await userEvent.click(screen.getByText('Create a cohort'));
      const track = screen.getByLabelText('Track');
      expect(within(track).getAllByRole('option').map((o) => o.textContent)).toEqual(['Choose…', 'Adults', 'Veterans']);
      await userEvent.type(screen.getByLabelText('Cohort name'), 'Vets Thursday');
      await userEvent.selectOptions(screen.getByLabelText('Lead therapist'), therapistUser.id);
      await userEvent.click(screen.getByTestId('create-cohort-submit'));
      expect(track).toHaveAccessibleDescription(expect.stringContaining('Choose one of the program’s tracks.'));
      expect(requests.some((r) => r.method === 'POST')).toBe(false);

      await userEvent.selectOptions(track, 'veterans');
      await userEvent.click(screen.getByTestId('create-cohort-submit'));
      expect(await screen.findByTestId('create-cohort-done')).toHaveTextContent('Created Vets Thursday');
      expect(requests.find((r) => r.method === 'POST')?.body).toMatchObject({ name: 'Vets Thursday', track: 'veterans' });
      const vetsSection = screen.getAllByTestId('program-track-section').find((s) => s.dataset.track === 'veterans')!;
      expect(within(vetsSection).getAllByTestId('cohort-row')).toHaveLength(2);
    });

    it('sets when a patient counts as late (a grace period), checking the bounds before it asks', async () => {
      const requests = serveTwoTracks({
        [`PATCH /api/admin/programs/${program.id}`]: ({ body }) => ({ status: 200, body: { ...program, lateAfterMinutes: (body as { lateAfterMinutes: number }).lateAfterMinutes } }),
      });
      renderApp({ route: `/admin/programs/${program.id}` });
      expect(await screen.findByTestId('program-late-after')).toHaveTextContent('1 min after the start');
      await userEvent.click(screen.getByText('Change when a patient counts as late'));
      const input = screen.getByTestId('program-late-after-input');
      await userEvent.clear(input);
      await userEvent.type(input, '90');
      await userEvent.click(screen.getByTestId('program-late-after-submit'));
      expect(input).toHaveAttribute('aria-invalid', 'true');
      expect(requests.some((r) => r.method === 'PATCH')).toBe(false);
      await userEvent.clear(input);
      await userEvent.type(input, '5');
      await userEvent.click(screen.getByTestId('program-late-after-submit'));
      expect(await screen.findByTestId('program-late-after-done')).toHaveTextContent('5 min after the start');
      expect(requests.filter((r) => r.method === 'PATCH').at(-1)?.body).toEqual({ lateAfterMinutes: 5 });
      expect(screen.getByTestId('program-late-after')).toHaveTextContent('5 min after the start (grace period)');
    });

    it('changes the tracks the program runs, and shows why the server keeps one', async () => {
      let refuse = true;
      const requests = serveTwoTracks({
        [`PATCH /api/admin/programs/${program.id}`]: ({ body }) =>
          refuse
            ? { status: 409, body: { code: 'invalid_state', message: 'Move these cohorts to another track first: Vets Tuesday (Veterans).' } }
            : { status: 200, body: { ...program, tracks: (body as { tracks: string[] }).tracks } },
      });
      renderApp({ route: `/admin/programs/${program.id}` });
      await screen.findAllByTestId('program-track-section');
      await userEvent.click(screen.getByText('Change the tracks this program runs'));
      await userEvent.click(screen.getByRole('checkbox', { name: 'Veterans' }));
      await userEvent.click(screen.getByTestId('program-tracks-submit'));
      expect(await screen.findByTestId('program-tracks-error')).toHaveTextContent('Vets Tuesday (Veterans)');

      refuse = false;
      await userEvent.click(screen.getByRole('checkbox', { name: 'Veterans' }));
      await userEvent.click(screen.getByRole('checkbox', { name: 'Women' }));
      await userEvent.click(screen.getByTestId('program-tracks-submit'));
      expect(await screen.findByTestId('program-tracks-done')).toBeInTheDocument();
      expect(requests.filter((r) => r.method === 'PATCH').at(-1)?.body).toEqual({ tracks: ['adults', 'women', 'veterans'] });
      const sections = await screen.findAllByTestId('program-track-section');
      expect(sections.map((s) => s.dataset.track)).toEqual(['adults', 'women', 'veterans']);
    });
  });
});
