import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import type { ChatMessage } from '@hearth/protocol';
import { ChatClient } from '../../facilitation/ChatClient';
import { FakeSocket, flush, ok } from '../../facilitation/fakeSocket';
import { initialRoomState, type RoomState } from '../../media/roomState';
import { fakeRoomActions } from '../../test/fakeRoomActions';
import { RoomView } from '../room/RoomView';

const SESSION = '99999999-9999-4999-8999-999999999999';
const THERAPIST = '11111111-1111-4111-8111-111111111111';
const ALEX = '33333333-3333-4333-8333-333333333333';
const DANA = '44444444-4444-4444-8444-444444444444';
const person = (userId: string, displayName: string, role: 'therapist' | 'patient') => ({
  userId,
  displayName,
  role,
  connection: 'connected' as const,
  micOn: true,
  cameraOn: true,
  micLocked: false,
});
const message = (id: string, fromUserId: string, fromDisplayName: string, text: string): ChatMessage => ({
  id,
  sessionId: SESSION,
  fromUserId,
  fromDisplayName,
  toUserId: null,
  text,
  sentAt: '2030-01-01T01:00:00.000Z',
});

const state: RoomState = {
  ...initialRoomState,
  phase: 'in-room',
  connection: 'connected',
  session: { id: SESSION, title: 'Family group', kind: 'family', startsAt: '2030-01-01T01:00:00.000Z', endsAt: '2030-01-01T02:00:00.000Z' },
  selfUserId: DANA,
  selfRole: 'patient',
  participants: [person(THERAPIST, 'Maya Ellison', 'therapist'), person(ALEX, 'Alex', 'patient'), person(DANA, 'Dana <b>(sister of Alex)</b>', 'patient')],
};

describe('a family guest’s group chat in the room', () => {
  it('shows the group chat with names as text, writes to everyone only, and offers no private recipient', async () => {
    const socket = new FakeSocket({
      'chat:history': () => ok({ messages: [message('m1', THERAPIST, 'Maya Ellison', 'Welcome, families')], patientPrivateChatAllowed: false }),
      'chat:send': (p) => ok(message('m2', DANA, 'Dana <b>(sister of Alex)</b>', (p as { text: string }).text)),
    });
    const chat = new ChatClient(socket.asSocket, SESSION);
    await chat.refresh();
    render(
      <MemoryRouter>
        <RoomView state={state} actions={fakeRoomActions()} hasMicrophone hasCamera guestChat={chat} />
      </MemoryRouter>,
    );
    const group = screen.getByRole('complementary', { name: 'Group chat' });
    expect(within(group).getByText('Welcome, families')).toBeInTheDocument();
    // Only "Everyone": no private messages for a guest.
    const to = screen.getByTestId('chat-recipient');
    expect(within(to).getAllByRole('option').map((o) => o.textContent)).toEqual(['Everyone']);
    // No other group tools.
    expect(screen.queryByTestId('raise-hand')).toBeNull();
    expect(screen.queryByTestId('crisis-button')).toBeNull();

    await userEvent.type(screen.getByTestId('chat-input'), 'Hi from Dana');
    await userEvent.click(screen.getByTestId('chat-send'));
    await flush();
    expect(socket.requests('chat:send')).toEqual([{ sessionId: SESSION, text: 'Hi from Dana' }]);
    const mine = screen.getAllByTestId('chat-message').find((m) => m.dataset.fromUserId === DANA)!;
    expect(mine).toHaveTextContent('Hi from Dana');
    // The name with markup is shown as text, not turned into HTML.
    expect(group.querySelector('b')).toBeNull();
  });
});
