import { Link, useParams } from 'react-router-dom';
import { useDocumentTitle } from '../layout/useDocumentTitle';

/** Placeholder for pre-join (device check, safety check, consent) and the live room. */
export function JoinSessionPage() {
  useDocumentTitle('Join session');
  const { sessionId } = useParams();
  return (
    <section className="page page--narrow" data-testid="join-placeholder" data-session-id={sessionId}>
      <h1 className="page__title">Your room is on its way</h1>
      <p className="page__lede">
        Joining live sessions from Hearth is coming soon. Here you will check your camera and microphone,
        confirm where you are today, and wait in the lobby until your therapist lets you in.
      </p>
      <Link to="/" className="button button--secondary">
        Back to your schedule
      </Link>
    </section>
  );
}
