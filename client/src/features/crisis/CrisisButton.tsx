import { useState } from 'react';
import { stepOf, type CrisisClient } from '../../facilitation/CrisisClient';
import { errorMessage } from '../../facilitation/Store';
import { useStore } from '../turns/useStore';
import '../room/roomux.css';

/** Patients: "I need help now". One click sends the alert to the therapists only. */
export function CrisisButton({ crisis }: { crisis: CrisisClient }) {
  const { mine } = useStore(crisis);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = mine !== null && stepOf(mine) !== 'resolved';
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
        className={`crisis-button${open ? ' crisis-button--sent' : ''}`}
        data-testid="crisis-button"
        aria-describedby="crisis-button-note"
        disabled={busy}
        onClick={raise}
      >
        {open ? 'Help requested' : 'I need help now'}
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

const STEPS = [
  { key: 'sent', label: 'Sent to your therapists' },
  { key: 'seen', label: 'Seen' },
  { key: 'resolved', label: 'Resolved' },
] as const;

/** Patients: where their alert stands (sent → seen by <therapist> → resolved), a way to take it back, and their side room. */
export function CrisisStatus({ crisis, nameOf }: { crisis: CrisisClient; nameOf(userId: string): string }) {
  const { mine, sideRooms } = useStore(crisis);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const room = sideRooms[0];
  if (!mine && !room) return null;
  const step = mine ? stepOf(mine) : null;
  const reached = step ? STEPS.findIndex((s) => s.key === step) : -1;
  const seenBy = mine?.acknowledgedByName ?? 'a therapist';

  const withdraw = () => {
    setBusy(true);
    setError(null);
    crisis
      .withdraw()
      .catch((e: unknown) => setError(`We could not take it back (${errorMessage(e)}). Your therapist will check in with you.`))
      .finally(() => setBusy(false));
  };

  return (
    <div className="crisis-status crisis-status--steps" role="status" data-testid="crisis-status" data-state={step ?? undefined}>
      {mine && step && (
        <>
          <ol className="crisis-steps" aria-label="Your alert">
            {STEPS.map((s, i) => (
              <li key={s.key} className={i <= reached ? 'crisis-steps__done' : undefined} aria-current={i === reached ? 'step' : undefined}>
                <span aria-hidden="true">{i <= reached ? '✓' : '○'}</span> {s.key === 'seen' && i <= reached ? `Seen by ${seenBy}` : s.label}
              </li>
            ))}
          </ol>
          <p className="crisis-status__main" data-testid="crisis-state">
            {step === 'sent' && 'Your therapists have been alerted. They will reach you here or at the number you gave.'}
            {step === 'seen' && `${seenBy} has seen your alert and will reach you here or at the number you gave.`}
            {step === 'resolved' && 'Your therapist has marked your alert resolved. Press “I need help now” again at any time.'}
          </p>
          <div className="crisis-status__actions">
            {step !== 'resolved' ? (
              <button type="button" className="button button--secondary button--small" data-testid="crisis-withdraw" disabled={busy} onClick={withdraw}>
                I pressed this by mistake
              </button>
            ) : (
              <button type="button" className="button button--secondary button--small" data-testid="crisis-dismiss" onClick={crisis.dismissResolved}>
                Dismiss
              </button>
            )}
          </div>
          {error && (
            <p className="crisis-trigger__error" role="alert">
              {error}
            </p>
          )}
        </>
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
