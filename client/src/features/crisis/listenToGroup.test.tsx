import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ParticipantView } from '@hearth/protocol';
import { CrisisClient } from '../../facilitation/CrisisClient';
import { FakeSocket, ok } from '../../facilitation/fakeSocket';
import { CrisisAlerts } from './CrisisAlerts';

const SESSION = '99999999-9999-4999-8999-999999999999';
const THERAPIST = '11111111-1111-4111-8111-111111111111';
const ALEX = '33333333-3333-4333-8333-333333333333';
const person = (userId: string, displayName: string, role: ParticipantView['role']): ParticipantView => ({
  userId,
  displayName,
  role,
  connection: 'connected',
  micOn: true,
  cameraOn: true,
  micLocked: false,
});

describe('a therapist in a side room keeps hearing the group', () => {
  it('offers the switch only in a side room; ticking it asks the server and says so', async () => {
    const socket = new FakeSocket({ 'crisis:listenToGroup': (p) => ok({ listening: (p as { on: boolean }).on }) });
    const crisis = new CrisisClient(socket.asSocket, SESSION, () => THERAPIST);
    const participants = [person(THERAPIST, 'Maya Ellison', 'therapist'), person(ALEX, 'Alex R.', 'patient')];
    render(<CrisisAlerts crisis={crisis} selfUserId={THERAPIST} participants={participants} onChime={() => undefined} />);
    expect(screen.queryByTestId('listen-to-group')).toBeNull();

    act(() =>
      socket.fire('crisis:sideRoomChanged', { sessionId: SESSION, patientUserId: ALEX, sideRoom: { patientUserId: ALEX, userIds: [ALEX, THERAPIST], since: '2026-01-01T10:00:00Z' } }),
    );
    const box = screen.getByRole('checkbox', { name: /Keep hearing the group/ });
    expect(box).not.toBeChecked();
    expect(screen.getByTestId('side-room')).not.toHaveTextContent('You can hear the group');
    await userEvent.click(box);
    await waitFor(() => expect(box).toBeChecked());
    expect(socket.requests('crisis:listenToGroup')).toEqual([{ sessionId: SESSION, on: true }]);
    expect(screen.getByTestId('side-room')).toHaveTextContent('You can hear the group');

    act(() => socket.fire('crisis:sideRoomChanged', { sessionId: SESSION, patientUserId: ALEX, sideRoom: null }));
    expect(screen.queryByTestId('listen-to-group')).toBeNull();
    expect(crisis.state.listeningToGroup).toBe(false);
    crisis.close();
  });
});
