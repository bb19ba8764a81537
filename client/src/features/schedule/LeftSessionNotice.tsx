import { useLocation, useNavigate } from 'react-router-dom';
import { z } from 'zod';
import '../room/roomux.css';

/** What the join page hands the schedule when someone leaves a session (router state). */
export const leftSessionStateSchema = z.object({
  leftSession: z.object({ id: z.string(), title: z.string().nullable() }),
});
export type LeftSessionState = z.infer<typeof leftSessionStateSchema>;

/**
 * After leaving a room: say so, and that they can come back while the session runs
 * (the server keeps a patient's admission for the session after a voluntary leave).
 */
export function LeftSessionNotice() {
  const location = useLocation();
  const navigate = useNavigate();
  const parsed = leftSessionStateSchema.safeParse(location.state);
  if (!parsed.success) return null;
  const { id, title } = parsed.data.leftSession;
  return (
    <div className="schedule-notice" role="status" data-testid="left-session-notice">
      <p>
        You left {title ? <strong>{title}</strong> : 'the session'}. You can rejoin from its card while the session is
        still running.
      </p>
      <button
        type="button"
        className="button button--secondary button--small"
        onClick={() => navigate(`/sessions/${id}/join`)}
      >
        Rejoin
      </button>
      <button
        type="button"
        className="button button--quiet button--small"
        onClick={() => navigate(location.pathname, { replace: true, state: null })}
      >
        Dismiss
      </button>
    </div>
  );
}
