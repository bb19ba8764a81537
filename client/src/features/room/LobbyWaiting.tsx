import { useId, type ReactNode } from 'react';
import { useFocusOnMount } from './useFocusOnMount';
import type { ConnectionState } from '../../media/roomState';

export interface LobbyWaitingProps {
  sessionTitle: string | null;
  position: number;
  /** Why we are here again (moved back by the therapist), if that is why. */
  message: string | null;
  connection: ConnectionState;
  leaving: boolean;
  onLeave(): void;
  /** Shown under the card: the crisis button works from the waiting room too. */
  children?: ReactNode;
}

/** Patients: the waiting room, until a therapist lets them in. */
export function LobbyWaiting({ sessionTitle, position, message, connection, leaving, onLeave, children }: LobbyWaitingProps) {
  const titleId = useId();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  return (
    <section className="lobby" data-testid="lobby-waiting" aria-labelledby={titleId}>
      <div className="lobby__card">
        <div className="lobby__breath" aria-hidden="true">
          <span />
        </div>
        <h1 className="lobby__title" id={titleId} ref={headingRef} tabIndex={-1}>
          You’re in the waiting room
        </h1>
        {sessionTitle && <p className="lobby__session">{sessionTitle}</p>}
        {message && (
          <p className="notice notice--info lobby__notice" role="status" data-testid="lobby-message">
            {message}
          </p>
        )}
        <p className="lobby__lede">
          The therapist will let you in when the group is ready. You can stay on this page; there is nothing else you
          need to do.
        </p>
        <p className="lobby__position" data-testid="lobby-position" role="status">
          {position > 0 ? (
            <>
              You are <strong>number {position}</strong> in line.
            </>
          ) : (
            'Checking your place in line…'
          )}
        </p>
        {connection === 'reconnecting' && (
          <p className="lobby__reconnecting" role="status">
            <span className="spinner" aria-hidden="true" /> Your connection dropped. Reconnecting…
          </p>
        )}
        <p className="lobby__tip">While you wait: breathe in slowly for four counts, and out for six.</p>
        <button
          type="button"
          className="button button--secondary"
          data-testid="leave-lobby"
          disabled={leaving}
          onClick={onLeave}
        >
          Leave the waiting room
        </button>
      </div>
      {children}
    </section>
  );
}
