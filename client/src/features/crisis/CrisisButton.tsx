import { useState } from 'react';
import type { CrisisClient } from '../../facilitation/CrisisClient';
import { errorMessage } from '../../facilitation/Store';
import { useStore } from '../turns/useStore';

/** Patients: "I need help now". One click sends the alert to the therapists only. */
export function CrisisButton({ crisis }: { crisis: CrisisClient }) {
  const { mine } = useStore(crisis);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const raise = () => {
    setBusy(true);
    setError(null);
    crisis
      .raise()
      .catch((e: unknown) => setError(`Your alert did not go through (${errorMessage(e)}). Press again, or call 988 now.`))
      .finally(() => setBusy(false));
  };
  return (
    <div className="crisis-trigger">
      <button
        type="button"
        className={`crisis-button${mine ? ' crisis-button--sent' : ''}`}
        data-testid="crisis-button"
        aria-describedby="crisis-button-note"
        disabled={busy}
        onClick={raise}
      >
        {mine ? 'Help is on the way' : 'I need help now'}
      </button>
      <span id="crisis-button-note" className="sr-only">
        Alerts your therapists privately. The group is not told.
      </span>
      {error && (
        <p className="crisis-trigger__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** Patients: what happens after pressing the button, and the side room they are in. */
export function CrisisStatus({ crisis, nameOf }: { crisis: CrisisClient; nameOf(userId: string): string }) {
  const { mine, sideRooms } = useStore(crisis);
  const room = sideRooms[0];
  if (!mine && !room) return null;
  return (
    <div className="crisis-status" role="alert" aria-live="assertive" data-testid="crisis-status">
      {mine && (
        <p className="crisis-status__main">
          {mine.acknowledgedAt ? 'A therapist has seen your alert and will be with you in a moment.' : 'Your therapist has been alerted.'}{' '}
          They will reach you here or at the number you gave.
        </p>
      )}
      {room && (
        <p className="crisis-status__room" data-testid="side-room">
          You are in a private room with {room.userIds.filter((id) => id !== room.patientUserId).map(nameOf).join(' and ')}. The group cannot see or hear you.
        </p>
      )}
      <p className="crisis-status__line">
        If you are in danger right now, call or text <a href="tel:988">988</a> (Suicide &amp; Crisis Lifeline) or call{' '}
        <a href="tel:911">911</a>.
      </p>
    </div>
  );
}
