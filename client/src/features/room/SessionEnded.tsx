import { useId } from 'react';
import { useFocusOnMount } from './useFocusOnMount';
import { Link } from 'react-router-dom';

/** After the therapist ended the session. */
export function SessionEnded({ sessionTitle, recordSessionId }: { sessionTitle: string | null; /** Therapists: a link to the session's record. */ recordSessionId?: string }) {
  const titleId = useId();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  return (
    <section className="lobby" data-testid="session-ended" aria-labelledby={titleId}>
      <div className="lobby__card">
        <h1 className="lobby__title" id={titleId} ref={headingRef} tabIndex={-1} role="status">
          The therapist has ended this session
        </h1>
        {sessionTitle && <p className="lobby__session">{sessionTitle}</p>}
        <p className="lobby__lede">Thank you for being here today. Take a moment for yourself before moving on.</p>
        {recordSessionId && (
          <Link to={`/sessions/${recordSessionId}/record`} className="button button--primary" data-testid="open-record">
            Attendance and note
          </Link>
        )}
        <Link to="/" className={`button ${recordSessionId ? 'button--secondary' : 'button--primary'}`} data-testid="back-to-schedule">
          Back to your schedule
        </Link>
      </div>
    </section>
  );
}
