import { useCallback, useEffect, useRef, useState } from 'react';
import { useAuth } from './AuthProvider';
import { isActivityHeld } from './activityHold';

/** HIPAA §164.312(a)(2)(iii) automatic logoff: 15 minutes without activity by default. */
export const DEFAULT_IDLE_TIMEOUT_MS = 15 * 60_000;
/** How long before the logoff the warning banner appears. */
export const IDLE_WARNING_MS = 60_000;

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'scroll'] as const;

export interface IdleLogoutState {
  /** Seconds until sign-out while the warning shows; null otherwise. */
  secondsLeft: number | null;
  /** Counts as activity: hides the warning and restarts the countdown. */
  staySignedIn(): void;
}

/**
 * Signs the user out after `timeoutMs` without pointer or keyboard activity,
 * with a warning `warningMs` before. Inactive while signed out.
 */
export function useIdleLogout(
  timeoutMs: number = DEFAULT_IDLE_TIMEOUT_MS,
  warningMs: number = IDLE_WARNING_MS,
): IdleLogoutState {
  const { accessToken, signOut } = useAuth();
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);
  const registerActivity = useRef<() => void>(() => {});

  useEffect(() => {
    if (!accessToken) return;
    const warnAfter = Math.max(0, timeoutMs - warningMs);
    let lastActivity = Date.now();
    let warning = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    // Compares the clock with the last activity instead of trusting timers alone:
    // timers stall while a laptop sleeps or a background tab is throttled.
    const check = () => {
      clearTimeout(timer);
      if (isActivityHeld()) lastActivity = Date.now();
      const idleFor = Date.now() - lastActivity;
      if (idleFor >= timeoutMs) {
        signOut({ kind: 'idle', idleMs: timeoutMs });
        return;
      }
      if (idleFor >= warnAfter) {
        warning = true;
        const remaining = timeoutMs - idleFor;
        setSecondsLeft(Math.ceil(remaining / 1000));
        timer = setTimeout(check, remaining % 1000 || 1000);
      } else {
        if (warning) {
          warning = false;
          setSecondsLeft(null);
        }
        timer = setTimeout(check, warnAfter - idleFor);
      }
    };

    // Cheap on purpose: pointermove fires constantly. Timers are only touched while warning.
    const onActivity = () => {
      lastActivity = Date.now();
      if (warning) check();
    };
    const onVisibilityChange = () => {
      if (document.visibilityState === 'visible') check();
    };

    registerActivity.current = onActivity;
    for (const type of ACTIVITY_EVENTS) {
      window.addEventListener(type, onActivity, { capture: true, passive: true });
    }
    document.addEventListener('visibilitychange', onVisibilityChange);
    check();

    return () => {
      clearTimeout(timer);
      registerActivity.current = () => {};
      for (const type of ACTIVITY_EVENTS) {
        window.removeEventListener(type, onActivity, { capture: true });
      }
      document.removeEventListener('visibilitychange', onVisibilityChange);
      setSecondsLeft(null);
    };
  }, [accessToken, signOut, timeoutMs, warningMs]);

  const staySignedIn = useCallback(() => registerActivity.current(), []);
  return { secondsLeft, staySignedIn };
}
