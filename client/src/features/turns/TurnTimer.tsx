import { useEffect, useRef, useState } from 'react';
import { formatCountdown, turnRemainingMs, type FloorState } from '../../facilitation/FloorClient';

/** How long "Time's up" stays after a turn ran out. */
const TIMES_UP_MS = 6_000;

/**
 * The current turn's countdown (mm:ss), ticking locally against the server's clock.
 * When it runs out, "Time's up" is shown and announced to everyone (holder and room).
 */
export function TurnTimer({ state }: { state: FloorState }) {
  const [now, setNow] = useState(() => Date.now());
  const ends = state.floor?.turnEndsAt;
  const [timesUp, setTimesUp] = useState(false);
  const lastLeft = useRef<number | null>(null);
  useEffect(() => {
    if (!ends) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [ends]);
  const left = turnRemainingMs(state, now);
  useEffect(() => {
    const before = lastLeft.current;
    lastLeft.current = left;
    // Ran out here, or the server moved on just as it was running out.
    if ((left === 0 && before !== 0) || (left === null && before !== null && before < 1_500)) setTimesUp(true);
  }, [left]);
  useEffect(() => {
    if (!timesUp) return;
    const t = setTimeout(() => setTimesUp(false), TIMES_UP_MS);
    return () => clearTimeout(t);
  }, [timesUp]);
  const text = left === null ? null : formatCountdown(left);
  return (
    <>
      {text !== null && left !== null && (
        <span className={`turn-timer${left <= 30_000 ? ' turn-timer--ending' : ''}`} role="timer" aria-label={`Time left in this turn: ${text}`}>
          <span data-testid="turn-timer" aria-hidden="true">
            {text}
          </span>
        </span>
      )}
      <span className={timesUp ? 'turn-timer turn-timer--ending' : 'sr-only'} role="status" data-testid="turn-times-up">
        {timesUp ? 'Time’s up' : ''}
      </span>
    </>
  );
}
