import { useEffect, useState } from 'react';

/** The current time (epoch ms), refreshed every `intervalMs` so time-based UI turns on by itself. */
export function useNow(intervalMs: number = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
