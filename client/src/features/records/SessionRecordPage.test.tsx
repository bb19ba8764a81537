import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { SessionRecord } from '@hearth/protocol';
import { installFakeApi, loginResponse, storeSignedInSession } from '../../test/fakeApi';
import { renderApp } from '../../test/renderApp';
import { therapistUser, uuid } from '../admin/testData';

const sessionId = uuid(500);
const alex = uuid(11);
const sam = uuid(12);
const jo = uuid(13);

function record(overrides: Partial<SessionRecord['note']> = {}, access: SessionRecord['access'] = 'therapist'): SessionRecord {
  return {
    session: {
      id: sessionId,
      title: 'Evening group',
      kind: 'group',
      startsAt: '2026-12-01T01:00:00.000Z',
      endsAt: '2026-12-01T04:00:00.000Z',
      timeZone: 'America/Phoenix',
      endedAt: '2026-12-01T03:50:00.000Z',
    },
    access,
    attendance: [
      { userId: therapistUser.id, name: 'Dana Whitfield', role: 'therapist', minutes: 170, checkedInAt: null, firstJoinedAt: '2026-12-01T01:00:00.000Z', lastLeftAt: '2026-12-01T03:50:00.000Z', lateMinutes: 0, leftEarlyMinutes: 0, segments: 1, present: false, correction: null, mark: null },
      { userId: alex, name: 'Alex Rivera', role: 'patient', minutes: 95, checkedInAt: '2026-12-01T01:12:00.000Z', firstJoinedAt: '2026-12-01T01:12:00.000Z', lastLeftAt: '2026-12-01T03:00:00.000Z', lateMinutes: 12, leftEarlyMinutes: 50, segments: 2, present: false, correction: null, mark: 'late' },
      { userId: sam, name: 'Sam Kerr', role: 'patient', minutes: 170, checkedInAt: '2026-12-01T00:56:00.000Z', firstJoinedAt: '2026-12-01T01:00:00.000Z', lastLeftAt: '2026-12-01T03:50:00.000Z', lateMinutes: 0, leftEarlyMinutes: 0, segments: 1, present: false, correction: null, mark: 'attended' },
      { userId: jo, name: 'Jo Park', role: 'patient', minutes: 0, checkedInAt: '2026-12-01T00:58:00.000Z', firstJoinedAt: null, lastLeftAt: null, lateMinutes: 0, leftEarlyMinutes: 0, segments: 0, present: false, correction: null, mark: 'no_show' },
    ],
    note: {
      status: 'draft',
      prefilled: true,
      narrative: 'Theme: \nInterventions: \n',
      members: [{ userId: alex, name: 'Alex Rivera', text: 'Attended 95 min.' }],
      version: 0,
      updatedAt: null,
      signedByUserId: null,
      signedByName: null,
      signedAt: null,
      cosignedByUserId: null,
      cosignedByName: null,
      cosignedAt: null,
      addenda: [],
      ...overrides,
    },
    canCosign: false,
  };
}

describe('session record page', () => {
  beforeEach(() => storeSignedInSession(loginResponse({ user: therapistUser })));

  it('shows attendance with minutes and flags, saves the draft and signs with the password', async () => {
    let current = record();
    const requests = installFakeApi({
      [`GET /api/sessions/${sessionId}/record`]: () => ({ status: 200, body: current }),
      [`PUT /api/sessions/${sessionId}/note`]: () => ({ status: 204 }),
      [`POST /api/sessions/${sessionId}/note/sign`]: (r) => {
        const { password } = r.body as { password?: string };
        // An old sign-in: the server asks for the password before it signs.
        if (password === undefined) return { status: 403, body: { code: 'password_needed', message: 'Re-enter your password to sign.' } };
        if (password !== 'hearth-demo') return { status: 403, body: { code: 'wrong_password', message: 'That password is not right.' } };
        current = record({ status: 'signed', prefilled: false, narrative: 'Theme: shame', signedByUserId: therapistUser.id, signedByName: 'Dana Whitfield', signedAt: '2026-12-01T04:10:00.000Z' });
        return { status: 204 };
      },
    });
    renderApp({ route: `/sessions/${sessionId}/record` });

    const rows = await screen.findAllByTestId('attendance-row');
    const alexRow = rows.find((r) => r.dataset.userId === alex)!;
    expect(alexRow).toHaveAttribute('data-minutes', '95');
    expect(alexRow).toHaveTextContent('12 min late');
    expect(alexRow).toHaveTextContent('left 50 min early');
    // Per patient: attended / late / no-show, and the counts above the table.
    const markOf = (id: string) => within(rows.find((r) => r.dataset.userId === id)!).getByTestId('attendance-mark');
    expect(markOf(alex)).toHaveAttribute('data-mark', 'late');
    expect(markOf(sam)).toHaveTextContent('attended');
    expect(markOf(jo)).toHaveTextContent('no-show');
    expect(within(rows.find((r) => r.dataset.userId === therapistUser.id)!).queryByTestId('attendance-mark')).toBeNull();
    // The check-in (waiting room) beside the first time in the room, where it differs; checked in but never admitted is said.
    const checkIn = (id: string) => within(rows.find((r) => r.dataset.userId === id)!).queryByTestId('attendance-checked-in');
    expect(checkIn(sam)).toHaveAttribute('data-at', '2026-12-01T00:56:00.000Z');
    expect(checkIn(sam)).toHaveTextContent(/^checked in \d/);
    expect(checkIn(alex)).toBeNull();
    expect(checkIn(therapistUser.id)).toBeNull();
    expect(rows.find((r) => r.dataset.userId === jo)).toHaveTextContent('checked in, never admitted');
    expect(rows.find((r) => r.dataset.userId === sam)).not.toHaveTextContent('never admitted');
    expect(screen.getByTestId('attendance-summary')).toHaveTextContent('1 attended · 1 late · 1 no-show');
    expect(screen.getByTestId('note-status')).toHaveTextContent('draft');

    const narrative = screen.getByTestId('note-narrative');
    await userEvent.clear(narrative);
    await userEvent.type(narrative, 'Theme: shame');
    await userEvent.click(screen.getByTestId('note-save'));
    await waitFor(() => expect(requests.some((r) => r.method === 'PUT')).toBe(true));
    const put = requests.find((r) => r.method === 'PUT')!;
    expect(put.body).toMatchObject({ narrative: 'Theme: shame', members: [{ userId: alex, text: 'Attended 95 min.' }], version: 0 });

    await userEvent.click(screen.getByTestId('note-sign'));
    expect(await screen.findByTestId('note-sign-dialog')).toBeInTheDocument();
    await userEvent.type(screen.getByTestId('note-sign-password'), 'nope');
    await userEvent.click(screen.getByTestId('note-sign-confirm'));
    expect(await screen.findByTestId('note-sign-error')).toHaveTextContent('That password is not right.');
    await userEvent.clear(screen.getByTestId('note-sign-password'));
    await userEvent.type(screen.getByTestId('note-sign-password'), 'hearth-demo');
    await userEvent.click(screen.getByTestId('note-sign-confirm'));

    await waitFor(() => expect(screen.getByTestId('note-status')).toHaveTextContent('signed'));
    expect(screen.getByTestId('note-narrative')).toHaveAttribute('readonly');
    expect(within(screen.getByTestId('note-member')).getByTestId('note-member-text')).toHaveAttribute('readonly');
    expect(screen.queryByTestId('note-save')).toBeNull();
    expect(screen.getByTestId('note-addendum')).toBeInTheDocument();
  });

  it('signs in one click when the sign-in is recent (the server accepts it without the password)', async () => {
    let current = record();
    const requests = installFakeApi({
      [`GET /api/sessions/${sessionId}/record`]: () => ({ status: 200, body: current }),
      [`POST /api/sessions/${sessionId}/note/sign`]: () => {
        current = record({ status: 'signed', prefilled: false, signedByUserId: therapistUser.id, signedByName: 'Dana Whitfield', signedAt: '2026-12-01T04:10:00.000Z' });
        return { status: 204 };
      },
    });
    renderApp({ route: `/sessions/${sessionId}/record` });
    await userEvent.click(await screen.findByTestId('note-sign'));
    await waitFor(() => expect(screen.getByTestId('note-status')).toHaveTextContent('signed'));
    expect(screen.queryByTestId('note-sign-dialog')).toBeNull();
    expect(requests.find((r) => r.method === 'POST')!.body).toEqual({});
  });

  it('is read-only for a program admin: no save, sign or addendum', async () => {
    installFakeApi({
      [`GET /api/sessions/${sessionId}/record`]: () => ({ status: 200, body: record({}, 'admin') }),
    });
    renderApp({ route: `/sessions/${sessionId}/record` });
    await screen.findAllByTestId('attendance-row');
    expect(screen.getByTestId('note-narrative')).toHaveAttribute('readonly');
    expect(screen.queryByTestId('note-save')).toBeNull();
    expect(screen.queryByTestId('note-sign')).toBeNull();
    expect(screen.getByTestId('attendance-export')).toBeInTheDocument();
  });
});
