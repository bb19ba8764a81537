import { formatDuration } from './formatDuration';
import { IDLE_WARNING_MS, useIdleLogout } from './useIdleLogout';

function formatCountdown(totalSeconds: number): string {
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

/** Runs the automatic logoff and shows its warning. Render once, inside the signed-in layout. */
export function IdleWarningBanner({ timeoutMs }: { timeoutMs: number }) {
  const warningMs = Math.min(IDLE_WARNING_MS, timeoutMs);
  const { secondsLeft, staySignedIn } = useIdleLogout(timeoutMs, warningMs);
  if (secondsLeft === null) return null;

  return (
    <div className="idle-banner" data-testid="idle-warning">
      <div className="idle-banner__inner">
        {/* Static text in the alert so screen readers announce it once, not every second. */}
        <p className="idle-banner__text" role="alert">
          Are you still there? To protect your privacy, Hearth will sign you out in{' '}
          {formatDuration(warningMs)} if there is no activity.
        </p>
        <p className="idle-banner__countdown" aria-hidden="true">
          {formatCountdown(secondsLeft)}
        </p>
        <button type="button" className="button button--primary" onClick={staySignedIn}>
          Stay signed in
        </button>
      </div>
    </div>
  );
}
