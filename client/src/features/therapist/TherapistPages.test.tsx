import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { CohortRoster, WeekHours } from '@hearth/protocol';
import { installFakeApi, loginResponse, storeSignedInSession } from '../../test/fakeApi';
import { renderApp } from '../../test/renderApp';
import { cohort, program, sessionView, therapistUser, uuid } from '../admin/testData';
import { wallClockIn } from '../calendar/zonedTime';

const alex = uuid(11);
const jordan = uuid(12);
const sam = uuid(13);

const week: WeekHours = {
  programId: program.id,
  timeZone: 'America/Phoenix',
  weekStart: '2025-11-24',
  weekEnd: '2025-11-30',
  targetMinutes: 540,
  patients: [
    { patientId: alex, name: 'Alex Rivera', cohortNames: ['Evening A'], scheduledMinutes: 590, targetMinutes: 540, individualSessions: 1, flags: [] },
    { patientId: jordan, name: 'Jordan Lee', cohortNames: ['Evening A'], scheduledMinutes: 540, targetMinutes: 540, individualSessions: 0, flags: ['no_individual_session'] },
    { patientId: sam, name: 'Sam Ode', cohortNames: ['Evening A'], scheduledMinutes: 360, targetMinutes: 540, individualSessions: 0, flags: ['below_target', 'no_individual_session'] },
  ],
};

const roster: CohortRoster = {
  cohort,
  members: [
    { userId: therapistUser.id, role: 'therapist', displayName: 'Dana Whitfield', facilitatorRole: 'lead' },
    {
      userId: alex,
      role: 'patient',
      displayName: 'Alex Rivera',
      email: 'patient1@hearth.test',
      enrollment: { id: uuid(70), cohortId: cohort.id, patientId: alex, startDate: '2025-11-03', endDate: '2099-01-31' },
    },
  ],
};

const weekPath = () => `GET /api/programs/${program.id}/week?weekOf=${wallClockIn(new Date(), 'America/Phoenix').date}`;
const row = (id: string) => screen.getAllByTestId('week-hours-row').find((r) => r.dataset.userId === id)!;

describe('therapist pages', () => {
  beforeEach(() => storeSignedInSession(loginResponse({ user: therapistUser })));

  it('"My cohorts" lists the cohorts and flags, in words, who has no 1:1 this week', async () => {
    installFakeApi({
      'GET /api/me/sessions': () => ({ status: 200, body: [] }),
      'GET /api/me/cohorts': () => ({ status: 200, body: [cohort] }),
      [weekPath()]: () => ({ status: 200, body: week }),
    });
    renderApp();
    await userEvent.click(await screen.findByRole('link', { name: 'My cohorts' }));

    expect(await screen.findByTestId('therapist-cohort-row')).toHaveAttribute('data-cohort-id', cohort.id);
    await screen.findAllByTestId('week-hours-row');
    expect(row(alex)).not.toHaveAttribute('data-flag');
    expect(row(alex)).toHaveTextContent('On track');
    expect(row(jordan)).toHaveAttribute('data-flag', 'no-individual');
    expect(row(jordan)).toHaveTextContent('No 1:1 this week');
    expect(row(jordan)).toHaveAttribute('data-below-target', 'false');
    expect(row(sam)).toHaveAttribute('data-flag', 'no-individual');
    expect(row(sam)).toHaveAttribute('data-below-target', 'true');
    expect(row(sam)).toHaveTextContent('6 h of 9 h');
    expect(row(sam)).toHaveTextContent('3 h below target');
    // Flagged first.
    expect(screen.getAllByTestId('week-hours-row')[0]).toBe(row(sam));
  });

  it('moves to the next week', async () => {
    const thisWeek = wallClockIn(new Date(), 'America/Phoenix').date;
    const next = new Date(`${thisWeek}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 7);
    const requests = installFakeApi({
      'GET /api/me/sessions': () => ({ status: 200, body: [] }),
      'GET /api/me/cohorts': () => ({ status: 200, body: [cohort] }),
      [weekPath()]: () => ({ status: 200, body: week }),
      [`GET /api/programs/${program.id}/week?weekOf=${next.toISOString().slice(0, 10)}`]: () => ({
        status: 200,
        body: { ...week, weekStart: '2025-12-01', weekEnd: '2025-12-07', patients: [] },
      }),
    });
    renderApp({ route: '/therapist' });
    await screen.findAllByTestId('week-hours-row');
    await userEvent.click(screen.getByTestId('week-next'));
    expect(await screen.findByText('No patients enrolled this week.')).toBeInTheDocument();
    expect(screen.getByTestId('week-range')).toHaveTextContent('Dec 1, 2025 to Dec 7, 2025');
    expect(requests.filter((r) => r.path.includes('/week?')).length).toBe(2);
  });

  it("books a 1:1 in the program's zone and spells out a double-booking refusal", async () => {
    let calls = 0;
    const requests = installFakeApi({
      [`GET /api/cohorts/${cohort.id}/roster`]: () => ({ status: 200, body: roster }),
      [`GET /api/cohorts/${cohort.id}/sessions`]: () => ({ status: 200, body: [] }),
      [weekPath()]: () => ({ status: 200, body: week }),
      'POST /api/sessions': () => {
        calls += 1;
        return calls === 1
          ? { status: 409, body: { code: 'double_booked', message: 'Double-booking refused: Dana Whitfield has "Evening group" 18:00–21:00.' } }
          : { status: 201, body: sessionView({ id: uuid(60), kind: 'individual', format: 'individual_therapy', startsAt: '2030-01-08T10:00:00-07:00', endsAt: '2030-01-08T10:50:00-07:00' }) };
      },
    });
    renderApp({ route: `/therapist/cohorts/${cohort.id}` });
    const rosterRow = await screen.findByTestId('cohort-roster-row');
    expect(rosterRow).toHaveAttribute('data-user-id', alex);
    expect(rosterRow).toHaveTextContent('Enrolled Nov 3, 2025 to Jan 31, 2099');

    await userEvent.click(screen.getByTestId('book-individual-submit'));
    expect(screen.getByTestId('book-patient')).toHaveAccessibleDescription('Choose a patient.');

    await userEvent.selectOptions(screen.getByTestId('book-patient'), alex);
    const date = screen.getByLabelText('Date');
    await userEvent.clear(date);
    await userEvent.type(date, '2030-01-07');
    const time = screen.getByLabelText('Start time');
    await userEvent.clear(time);
    await userEvent.type(time, '18:30');
    await userEvent.click(screen.getByTestId('book-individual-submit'));

    const error = await screen.findByTestId('book-individual-error');
    expect(error).toHaveAttribute('role', 'alert');
    expect(error).toHaveTextContent('That time is already taken.');
    expect(error).toHaveTextContent('Dana Whitfield has "Evening group"');
    expect(screen.getByLabelText('Start time')).toHaveValue('18:30');
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({
      kind: 'individual',
      programId: program.id,
      therapistId: therapistUser.id,
      patientId: alex,
      format: 'individual_therapy',
      startsAt: '2030-01-07T18:30:00-07:00',
      endsAt: '2030-01-08T02:20:00.000Z',
    });

    await userEvent.click(screen.getByTestId('book-individual-submit'));
    expect(await screen.findByTestId('book-individual-done')).toHaveTextContent('Booked');
    expect(screen.queryByTestId('book-individual-error')).not.toBeInTheDocument();
    // The week's hours are fetched again after a booking.
    await waitFor(() => expect(requests.filter((r) => r.path.includes('/week?'))).toHaveLength(2));
  });

  it('cancels a session with a reason and reschedules another', async () => {
    const group = sessionView({ id: uuid(61), myRole: 'therapist' });
    const other = sessionView({ id: uuid(62), startsAt: '2030-01-09T18:00:00-07:00', endsAt: '2030-01-09T21:00:00-07:00', myRole: 'therapist' });
    const requests = installFakeApi({
      [`GET /api/cohorts/${cohort.id}/roster`]: () => ({ status: 200, body: roster }),
      [`GET /api/cohorts/${cohort.id}/sessions`]: () => ({ status: 200, body: [group, other] }),
      [weekPath()]: () => ({ status: 200, body: week }),
      [`POST /api/sessions/${group.id}/cancel`]: () => ({ status: 200, body: { ...group, status: 'cancelled', cancelledReason: 'Holiday' } }),
      [`PATCH /api/sessions/${other.id}`]: ({ body }) => ({ status: 200, body: { ...other, ...(body as object) } }),
    });
    renderApp({ route: `/therapist/cohorts/${cohort.id}` });
    const rowOf = async (id: string) => (await screen.findAllByTestId('session-row')).find((r) => r.dataset.sessionId === id)!;

    await userEvent.click(within(await rowOf(group.id)).getByTestId('cancel-session'));
    await userEvent.type(screen.getByTestId('cancel-reason'), 'Holiday');
    await userEvent.click(screen.getByTestId('cancel-submit'));
    expect(await rowOf(group.id)).toHaveAttribute('data-status', 'cancelled');
    expect(await rowOf(group.id)).toHaveTextContent('Reason: Holiday');

    await userEvent.click(within(await rowOf(other.id)).getByTestId('reschedule-session'));
    const time = screen.getByTestId('reschedule-time');
    await userEvent.clear(time);
    await userEvent.type(time, '17:00');
    await userEvent.click(screen.getByTestId('reschedule-submit'));
    await screen.findByTestId('cancel-session');
    expect(requests.map((r) => r.body).filter(Boolean)).toEqual([
      { reason: 'Holiday' },
      { startsAt: '2030-01-09T17:00:00-07:00', endsAt: '2030-01-10T03:00:00.000Z' },
    ]);
  });
});

describe('recent sessions on the therapist home', () => {
  beforeEach(() => storeSignedInSession(loginResponse({ user: therapistUser })));

  it('each card counts attended, late and no-show patients and links to the record', async () => {
    const ended = uuid(601);
    const live = uuid(602);
    const records = [
      {
        sessionId: ended,
        title: 'Evening group',
        kind: 'group',
        startsAt: '2026-11-30T01:00:00.000Z',
        endsAt: '2026-11-30T04:00:00.000Z',
        noteStatus: 'draft',
        timeZone: 'America/Phoenix',
        attendance: { attended: 6, late: 1, noShow: 1, notYet: 0 },
      },
      {
        sessionId: live,
        title: 'Morning group',
        kind: 'group',
        startsAt: '2026-12-01T16:00:00.000Z',
        endsAt: '2026-12-01T19:00:00.000Z',
        noteStatus: 'none',
        timeZone: 'America/Phoenix',
        attendance: { attended: 3, late: 0, noShow: 0, notYet: 2 },
      },
    ];
    installFakeApi({
      'GET /api/me/sessions': () => ({ status: 200, body: [] }),
      'GET /api/me/cohorts': () => ({ status: 200, body: [cohort] }),
      'GET /api/me/records': () => ({ status: 200, body: records }),
      [weekPath()]: () => ({ status: 200, body: week }),
    });
    renderApp();
    await userEvent.click(await screen.findByRole('link', { name: 'My cohorts' }));
    const cards = await screen.findAllByTestId('recent-record');
    const card = (id: string) => cards.find((c) => c.dataset.sessionId === id)!;
    expect(within(card(ended)).getByTestId('record-attendance')).toHaveTextContent('6 attended · 1 late · 1 no-show');
    expect(within(card(ended)).getByTestId('record-attendance')).toHaveAttribute('data-no-show', '1');
    expect(within(card(live)).getByTestId('record-attendance')).toHaveTextContent('3 attended · 2 not arrived');
    expect(within(card(ended)).getByTestId('open-record')).toHaveAttribute('href', `/sessions/${ended}/record`);
    // The group's clock, named (jest runs in UTC): 01:00–04:00 UTC is 6:00–9:00 PM in Phoenix.
    expect(card(ended)).toHaveTextContent(/6:00\s?–\s?9:00\sPM \(Phoenix time\)/);
  });
});
