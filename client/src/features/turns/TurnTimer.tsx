import { useEffect, useState } from 'react';
import { formatCountdown, turnRemainingMs, type FloorState } from '../../facilitation/FloorClient';

/** The current turn's countdown (mm:ss), ticking locally against the server's clock. */
export function TurnTimer({ state }: { state: FloorState }) {
  const [now, setNow] = useState(() => Date.now());
  const ends = state.floor?.turnEndsAt;
  useEffect(() => {
    if (!ends) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [ends]);
  const left = turnRemainingMs(state, now);
  if (left === null) return null;
  const text = formatCountdown(left);
  return (
    <span className={`turn-timer${left <= 30_000 ? ' turn-timer--ending' : ''}`} role="timer" aria-label={`Time left in this turn: ${text}`}>
      <span data-testid="turn-timer" aria-hidden="true">
        {text}
      </span>
    </span>
  );
}
