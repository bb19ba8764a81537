import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { CohortRoster } from '@hearth/protocol';
import { installFakeApi, loginResponse, storeSignedInSession } from '../../test/fakeApi';
import { renderApp } from '../../test/renderApp';
import { adminUser, cohort, members, program, sessionView, therapistUser, uuid } from './testData';

const roster: CohortRoster = {
  cohort,
  members: [
    { userId: therapistUser.id, role: 'therapist', displayName: 'Dana Whitfield', facilitatorRole: 'lead' },
    {
      userId: uuid(11),
      role: 'patient',
      displayName: 'Alex Rivera',
      email: 'patient1@hearth.test',
      enrollment: { id: uuid(70), cohortId: cohort.id, patientId: uuid(11), startDate: '2025-11-03', endDate: null },
    },
  ],
};

const route = `/admin/programs/${program.id}/cohorts/${cohort.id}`;
const series = {
  id: uuid(80),
  programId: program.id,
  cohortId: cohort.id,
  title: 'Evening group',
  format: 'group_therapy',
  rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,TH',
  startDate: '2030-01-07',
  startTime: '18:00',
  durationMinutes: 180,
  timeZone: 'America/Phoenix',
  materialisedUntil: '2030-03-31',
};

function serveCohort(extra: Parameters<typeof installFakeApi>[0] = {}) {
  return installFakeApi({
    [`GET /api/cohorts/${cohort.id}/roster`]: () => ({ status: 200, body: roster }),
    [`GET /api/cohorts/${cohort.id}/sessions`]: () => ({ status: 200, body: [] }),
    [`GET /api/admin/programs/${program.id}/members`]: () => ({ status: 200, body: members }),
    ...extra,
  });
}

describe('AdminCohortPage', () => {
  beforeEach(() => storeSignedInSession(loginResponse({ user: adminUser })));

  it('shows the roster with enrollment dates and offers only patients not yet enrolled', async () => {
    serveCohort();
    renderApp({ route });
    const row = await screen.findByTestId('cohort-roster-row');
    expect(row).toHaveAttribute('data-user-id', uuid(11));
    expect(row).toHaveTextContent('From Nov 3, 2025 · ongoing');

    await userEvent.click(screen.getByText('Enroll a patient'));
    const options = within(screen.getByLabelText('Patient')).getAllByRole('option').map((o) => o.textContent);
    expect(options).toEqual(['Choose…', 'Jordan Lee (patient2@hearth.test)']);
  });

  it("enrolls a patient, and shows the server's conflict next to the form", async () => {
    let calls = 0;
    const requests = serveCohort({
      [`POST /api/admin/cohorts/${cohort.id}/enrollments`]: () => {
        calls += 1;
        return calls === 1
          ? { status: 409, body: { code: 'already_exists', message: 'Jordan Lee is already enrolled in Evening A from 2025-12-01.' } }
          : { status: 201, body: { id: uuid(71), cohortId: cohort.id, patientId: uuid(12), startDate: '2025-12-01', endDate: null } };
      },
    });
    renderApp({ route });
    await userEvent.click(await screen.findByText('Enroll a patient'));
    await userEvent.click(screen.getByTestId('enroll-patient-submit'));
    expect(screen.getByLabelText('Patient')).toHaveAccessibleDescription('Choose a patient.');

    await userEvent.selectOptions(screen.getByLabelText('Patient'), uuid(12));
    const start = screen.getByLabelText('First day');
    await userEvent.clear(start);
    await userEvent.type(start, '2025-12-01');
    await userEvent.click(screen.getByTestId('enroll-patient-submit'));

    expect(await screen.findByTestId('enroll-patient-error')).toHaveTextContent('already enrolled in Evening A');
    expect(screen.getByLabelText('Patient')).toHaveValue(uuid(12));

    await userEvent.click(screen.getByTestId('enroll-patient-submit'));
    expect(await screen.findByTestId('enroll-patient-done')).toHaveTextContent('Jordan Lee is enrolled.');
    expect(requests.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([
      { patientId: uuid(12), startDate: '2025-12-01' },
      { patientId: uuid(12), startDate: '2025-12-01' },
    ]);
  });

  it('ends an enrollment on the chosen day', async () => {
    const requests = serveCohort({
      [`PATCH /api/admin/enrollments/${uuid(70)}`]: () => ({
        status: 200,
        body: { id: uuid(70), cohortId: cohort.id, patientId: uuid(11), startDate: '2025-11-03', endDate: '2025-12-19' },
      }),
    });
    renderApp({ route });
    await userEvent.click(await screen.findByTestId('end-enrollment'));
    const day = screen.getByLabelText('Last day for Alex Rivera');
    await userEvent.clear(day);
    await userEvent.type(day, '2025-12-19');
    await userEvent.click(screen.getByTestId('end-enrollment-confirm'));

    await screen.findByTestId('end-enrollment');
    expect(requests.find((r) => r.method === 'PATCH')?.body).toEqual({ endDate: '2025-12-19' });
  });

  it('builds the RRULE from the ticked days, sends the series and previews the sessions the server made', async () => {
    const made = [0, 2, 3].map((day, i) =>
      sessionView({
        id: uuid(100 + i),
        seriesId: series.id,
        startsAt: `2030-01-${String(7 + day).padStart(2, '0')}T18:00:00-07:00`,
        endsAt: `2030-01-${String(7 + day).padStart(2, '0')}T21:00:00-07:00`,
        theme: i === 0 ? 'Coping strategies' : null,
      }),
    );
    const requests = serveCohort({
      [`POST /api/admin/cohorts/${cohort.id}/series`]: () => ({ status: 201, body: { series, sessions: made } }),
    });
    renderApp({ route });
    await userEvent.click(await screen.findByText('Add a recurring series'));

    await userEvent.click(screen.getByTestId('create-series-submit'));
    expect(screen.getByLabelText('Title')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('group', { name: 'Days of the week' })).toHaveAccessibleDescription('Choose at least one day of the week.');

    await userEvent.type(screen.getByLabelText('Title'), 'Evening group');
    for (const day of ['Thursday', 'Monday', 'Wednesday']) await userEvent.click(screen.getByRole('checkbox', { name: day }));
    const first = screen.getByLabelText('First date');
    await userEvent.clear(first);
    await userEvent.type(first, '2030-01-07');
    await userEvent.type(screen.getByLabelText('Themes (optional)'), 'Coping strategies{enter}Relapse prevention');
    expect(screen.getByTestId('series-rule')).toHaveTextContent('Every Mon, Wed and Thu at 18:00 (America/Phoenix). Rule: FREQ=WEEKLY;BYDAY=MO,WE,TH');

    await userEvent.click(screen.getByTestId('create-series-submit'));

    const preview = await screen.findByTestId('series-preview');
    expect(preview).toHaveTextContent('3 sessions scheduled');
    expect(within(preview).getAllByTestId('series-preview-item')[0]).toHaveTextContent('Coping strategies');
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({
      title: 'Evening group',
      format: 'group_therapy',
      rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,TH',
      startDate: '2030-01-07',
      startTime: '18:00',
      durationMinutes: 180,
      themes: ['Coping strategies', 'Relapse prevention'],
    });
  });

  it("shows the server's recurrence refusal and keeps the ticked days", async () => {
    serveCohort({
      [`POST /api/admin/cohorts/${cohort.id}/series`]: () => ({
        status: 400,
        body: { code: 'invalid_recurrence', message: 'Invalid RRULE: the rule makes no session on or after the first date.' },
      }),
    });
    renderApp({ route });
    await userEvent.click(await screen.findByText('Add a recurring series'));
    await userEvent.type(screen.getByLabelText('Title'), 'Weekend');
    await userEvent.click(screen.getByRole('checkbox', { name: 'Saturday' }));
    await userEvent.type(screen.getByLabelText('Or number of sessions (optional)'), '4');
    await userEvent.click(screen.getByTestId('create-series-submit'));

    expect(await screen.findByTestId('create-series-error')).toHaveTextContent('makes no session');
    expect(screen.getByRole('checkbox', { name: 'Saturday' })).toBeChecked();
    expect(screen.getByLabelText('Title')).toHaveValue('Weekend');
  });

  it('lists the series found in the coming sessions and extends one', async () => {
    serveCohort({
      [`GET /api/cohorts/${cohort.id}/sessions`]: () => ({ status: 200, body: [sessionView({ seriesId: series.id })] }),
      [`POST /api/admin/series/${series.id}/extend`]: () => ({
        status: 200,
        body: { series: { ...series, materialisedUntil: '2030-04-07' }, sessions: [sessionView({ id: uuid(120), seriesId: series.id })] },
      }),
    });
    renderApp({ route });
    const row = await screen.findByTestId('series-row');
    expect(row).toHaveTextContent('Evening group');
    await userEvent.click(within(row).getByTestId('extend-series'));
    expect(await screen.findByTestId('extend-series-done')).toHaveTextContent('Added 1 session, now up to Apr 7, 2030. Every Mon, Wed and Thu.');
  });
});
