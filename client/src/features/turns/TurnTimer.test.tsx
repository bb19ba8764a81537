import { act, render, screen } from '@testing-library/react';
import type { FloorView } from '@hearth/protocol';
import { initialFloorState, type FloorState } from '../../facilitation/FloorClient';
import { TurnTimer } from './TurnTimer';

const floorEnding = (endsAt: string | null): FloorState => ({
  ...initialFloorState,
  floor: {
    sessionId: 's',
    revision: 1,
    queue: [],
    holderUserId: 'alex',
    talkingStick: true,
    turnMinutes: 1,
    turnEndsAt: endsAt,
    serverTime: new Date().toISOString(),
    goAround: null,
  } as FloorView,
});

describe('TurnTimer', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T10:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('counts down and says "Time’s up" out loud when the turn runs out, then clears', () => {
    render(<TurnTimer state={floorEnding('2026-01-01T10:00:02Z')} />);
    expect(screen.getByTestId('turn-timer')).toHaveTextContent('00:02');
    expect(screen.getByTestId('turn-times-up')).toHaveTextContent('');
    act(() => jest.advanceTimersByTime(2_250));
    expect(screen.getByTestId('turn-times-up')).toHaveTextContent('Time’s up');
    expect(screen.getByTestId('turn-times-up')).toHaveAttribute('role', 'status');
    act(() => jest.advanceTimersByTime(6_000));
    expect(screen.getByTestId('turn-times-up')).toHaveTextContent('');
  });

  it('also announces it when the server moves the floor on just as the turn ends', () => {
    const { rerender } = render(<TurnTimer state={floorEnding('2026-01-01T10:00:01Z')} />);
    act(() => jest.advanceTimersByTime(250));
    rerender(<TurnTimer state={floorEnding(null)} />);
    expect(screen.getByTestId('turn-times-up')).toHaveTextContent('Time’s up');
  });
});
