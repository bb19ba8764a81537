import { useState } from 'react';
import type { CrisisAlertView, ParticipantView } from '@hearth/protocol';
import type { CrisisClient } from '../../facilitation/CrisisClient';
import { errorMessage } from '../../facilitation/Store';
import { useStore } from '../turns/useStore';

export interface CrisisAlertsProps {
  crisis: CrisisClient;
  selfUserId: string | null;
  participants: ParticipantView[];
}

function timeOf(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}

/** Therapists: every crisis alert of the session, newest first, with the patient's stated location and callback number. */
export function CrisisAlerts({ crisis, selfUserId, participants }: CrisisAlertsProps) {
  const { alerts, sideRooms } = useStore(crisis);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const nameOf = (id: string) => (id === selfUserId ? 'you' : (participants.find((p) => p.userId === id)?.displayName ?? 'a therapist'));
  const coTherapists = participants.filter((p) => p.role === 'therapist' && p.userId !== selfUserId && p.connection === 'connected');

  const run = (key: string, task: () => Promise<void>) => {
    setBusy(key);
    setError(null);
    task()
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(null));
  };

  // Patients in a side room without a visible alert still need a way back.
  const withAlert = new Set(alerts.map((a) => a.userId));
  const roomsWithoutAlert = sideRooms.filter((r) => !withAlert.has(r.patientUserId));
  // One card per patient: their newest alert.
  const newest: CrisisAlertView[] = [];
  for (const a of alerts) if (!newest.some((n) => n.userId === a.userId)) newest.push(a);
  const mySideRooms = sideRooms.filter((r) => selfUserId && r.userIds.includes(selfUserId));

  if (!newest.length && !sideRooms.length) return null;

  return (
    <div className="crisis-alerts" aria-live="assertive">
      {mySideRooms.map((r) => (
        <p key={`in-${r.patientUserId}`} className="crisis-alerts__inroom" data-testid="side-room" role="status">
          You are in a private room with {r.userIds.filter((id) => id !== selfUserId).map(nameOf).join(' and ')}. The group cannot see or hear you here.
        </p>
      ))}
      {newest.map((a) => {
        const room = sideRooms.find((r) => r.patientUserId === a.userId);
        const acked = Boolean(a.acknowledgedAt);
        return (
          <section
            key={a.id}
            className={`crisis-alert${acked ? ' crisis-alert--acked' : ''}`}
            data-testid="crisis-alert"
            data-user-id={a.userId}
            data-acknowledged={acked ? 'true' : undefined}
            role={acked ? undefined : 'alert'}
            aria-label={`Crisis alert: ${a.displayName}`}
          >
            <div className="crisis-alert__head">
              <h2 className="crisis-alert__title">
                {a.raisedByUserId === a.userId ? `${a.displayName} needs help now` : `${a.displayName}: private check-in`}
              </h2>
              <span className="crisis-alert__time">
                {timeOf(a.raisedAt)}
                {acked && a.acknowledgedByUserId && ` · acknowledged by ${nameOf(a.acknowledgedByUserId)}`}
              </span>
            </div>
            <dl className="crisis-alert__facts">
              <div>
                <dt>Location</dt>
                <dd data-testid="crisis-location">{a.location ?? 'Not given'}</dd>
              </div>
              <div>
                <dt>Callback</dt>
                <dd>{a.callbackNumber ? <a href={`tel:${a.callbackNumber.replace(/[^\d+]/g, '')}`}>{a.callbackNumber}</a> : 'Not given'}</dd>
              </div>
            </dl>
            {room && (
              <p className="crisis-alert__room">
                In a private room with {room.userIds.filter((id) => id !== a.userId).map(nameOf).join(' and ')}.
              </p>
            )}
            <div className="crisis-alert__actions">
              {!acked && (
                <button
                  type="button"
                  className="button button--danger button--small"
                  data-testid="crisis-acknowledge"
                  data-user-id={a.userId}
                  disabled={busy !== null}
                  onClick={() => run(a.id, () => crisis.acknowledge(a.id))}
                >
                  Acknowledge
                </button>
              )}
              {room ? (
                <button
                  type="button"
                  className="button button--secondary button--small"
                  data-testid="crisis-return"
                  data-user-id={a.userId}
                  disabled={busy !== null}
                  onClick={() => run(a.id, () => crisis.returnToGroup(a.userId))}
                >
                  Return to group
                </button>
              ) : (
                <button
                  type="button"
                  className="button button--secondary button--small"
                  data-testid="crisis-move"
                  data-user-id={a.userId}
                  disabled={busy !== null || !participants.some((p) => p.userId === a.userId)}
                  onClick={() =>
                    run(a.id, () =>
                      crisis.moveToSideRoom(a.userId, coTherapists[0] ? [coTherapists[0].userId] : undefined),
                    )
                  }
                >
                  {coTherapists[0] ? `Private room with ${coTherapists[0].displayName}` : 'Private room with me'}
                </button>
              )}
            </div>
          </section>
        );
      })}
      {roomsWithoutAlert.map((r) => (
        <p key={r.patientUserId} className="crisis-alerts__inroom">
          {nameOf(r.patientUserId)} is in a private room.
          <button type="button" className="button button--secondary button--small" onClick={() => run(r.patientUserId, () => crisis.returnToGroup(r.patientUserId))}>
            Return to group
          </button>
        </p>
      ))}
      {error && (
        <p className="side-panel__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
