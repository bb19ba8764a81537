import { useState } from 'react';
import { CRISIS_OUTCOME_LABELS, CRISIS_OUTCOMES, type CrisisAlertView, type CrisisOutcome, type LobbyEntry, type ParticipantView } from '@hearth/protocol';
import { splitAlerts, type CrisisClient } from '../../facilitation/CrisisClient';
import { errorMessage } from '../../facilitation/Store';
import { useStore } from '../turns/useStore';
import { useCrisisChime } from './alertChime';
import '../room/roomux.css';
import '../room/roomrest.css';

export interface CrisisAlertsProps {
  crisis: CrisisClient;
  selfUserId: string | null;
  participants: ParticipantView[];
  /** Who waits in the lobby: an alert from there is not from someone who left. */
  lobby?: LobbyEntry[];
  /** Plays the alert sound (tests pass a fake). */
  onChime?: () => void;
}

function timeOf(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}

/**
 * Therapists: every crisis alert of the session in one list, open ones first with the
 * patient's stated location and callback number, resolved ones folded away. It sits at
 * the top of the tools column, so the videos never move.
 */
export function CrisisAlerts({ crisis, selfUserId, participants, lobby = [], onChime }: CrisisAlertsProps) {
  const { alerts, sideRooms, listeningToGroup = false } = useStore(crisis);
  useCrisisChime(alerts, onChime);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [outcomes, setOutcomes] = useState<Record<string, CrisisOutcome>>({});
  const nameOf = (id: string) => (id === selfUserId ? 'you' : (participants.find((p) => p.userId === id)?.displayName ?? 'a therapist'));
  const coTherapists = participants.filter((p) => p.role === 'therapist' && p.userId !== selfUserId && p.connection === 'connected');
  const present = (userId: string) => participants.some((p) => p.userId === userId) || lobby.some((e) => e.userId === userId);

  const run = (key: string, task: () => Promise<void>) => {
    setBusy(key);
    setError(null);
    task()
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(null));
  };

  // One row per patient: their newest alert still open; everything else is history.
  const { open: allOpen, closed } = splitAlerts(alerts);
  const open: CrisisAlertView[] = [];
  for (const a of allOpen) if (!open.some((n) => n.userId === a.userId)) open.push(a);
  const older = [...allOpen.filter((a) => !open.includes(a)), ...closed];
  const withAlert = new Set(open.map((a) => a.userId));
  const roomsWithoutAlert = sideRooms.filter((r) => !withAlert.has(r.patientUserId));
  const mySideRooms = sideRooms.filter((r) => selfUserId && r.userIds.includes(selfUserId));
  const needing = open.filter((a) => !a.withdrawnAt).length;

  if (!alerts.length && !sideRooms.length) return null;

  return (
    <section
      className={`crisis-list${needing ? '' : ' crisis-list--calm'}`}
      data-testid="crisis-list"
      aria-labelledby="crisis-list-title"
      id="room-crisis"
    >
      <h2 className="crisis-list__head" id="crisis-list-title">
        Crisis alerts
        <span className="crisis-alert__time">{needing ? `${needing} open` : 'none open'}</span>
      </h2>
      {mySideRooms.map((r) => (
        <p key={`in-${r.patientUserId}`} className="crisis-alerts__inroom" data-testid="side-room" role="status">
          You are in a private room with {r.userIds.filter((id) => id !== selfUserId).map(nameOf).join(' and ')}. The group cannot see or hear you here.
          {listeningToGroup ? ' You can hear the group.' : ''}
        </p>
      ))}
      {mySideRooms.length > 0 && (
        <p className="crisis-alerts__listen">
          <input
            id="listen-to-group"
            type="checkbox"
            data-testid="listen-to-group"
            checked={listeningToGroup}
            disabled={busy === 'listen'}
            onChange={(e) => {
              const on = e.target.checked;
              run('listen', () => crisis.listenToGroup(on));
            }}
          />
          <label htmlFor="listen-to-group">Keep hearing the group (they still cannot hear you)</label>
        </p>
      )}
      {open.map((a) => {
        const room = sideRooms.find((r) => r.patientUserId === a.userId);
        const acked = Boolean(a.acknowledgedAt);
        const withdrawn = Boolean(a.withdrawnAt);
        const here = present(a.userId);
        const outcome = outcomes[a.id] ?? (withdrawn ? 'pressed_by_mistake' : 'safe_continuing');
        return (
          <article
            key={a.id}
            className={`crisis-alert${acked || withdrawn ? ' crisis-alert--acked' : ''}`}
            data-testid="crisis-alert"
            data-user-id={a.userId}
            data-acknowledged={acked ? 'true' : undefined}
            data-withdrawn={withdrawn ? 'true' : undefined}
            data-left={here ? undefined : 'true'}
            role={acked || withdrawn ? undefined : 'alert'}
            aria-label={`Crisis alert: ${a.displayName}`}
          >
            <div className="crisis-alert__head">
              <h3 className="crisis-alert__title">
                {a.raisedByUserId === a.userId ? `${a.displayName} needs help now` : `${a.displayName}: private check-in`}
              </h3>
              <span className="crisis-alert__time">
                {timeOf(a.raisedAt)}
                {acked && a.acknowledgedByUserId && ` · seen by ${nameOf(a.acknowledgedByUserId)}`}
              </span>
              {withdrawn && (
                <span className="crisis-alert__flag" data-testid="crisis-withdrawn">
                  Withdrawn by {a.displayName} at {timeOf(a.withdrawnAt)}
                </span>
              )}
              {!here && (
                <span className="crisis-alert__flag" data-testid="crisis-alert-left">
                  Left the session
                </span>
              )}
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
              {!acked && !withdrawn && (
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
                here &&
                !withdrawn && (
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    data-testid="crisis-move"
                    data-user-id={a.userId}
                    disabled={busy !== null || !participants.some((p) => p.userId === a.userId)}
                    onClick={() => run(a.id, () => crisis.moveToSideRoom(a.userId, coTherapists[0] ? [coTherapists[0].userId] : undefined))}
                  >
                    {coTherapists[0] ? `Private room with ${coTherapists[0].displayName}` : 'Private room with me'}
                  </button>
                )
              )}
              <div className="crisis-resolve">
                <label className="sr-only" htmlFor={`crisis-outcome-${a.id}`}>
                  Outcome for {a.displayName}
                </label>
                <select
                  id={`crisis-outcome-${a.id}`}
                  data-testid="crisis-outcome"
                  data-user-id={a.userId}
                  value={outcome}
                  onChange={(e) => setOutcomes((o) => ({ ...o, [a.id]: e.target.value as CrisisOutcome }))}
                >
                  {CRISIS_OUTCOMES.map((o) => (
                    <option key={o} value={o}>
                      {CRISIS_OUTCOME_LABELS[o]}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  className="button button--primary button--small"
                  data-testid="crisis-resolve"
                  data-user-id={a.userId}
                  disabled={busy !== null}
                  onClick={() => run(a.id, () => crisis.resolve(a.id, outcome))}
                >
                  Resolve
                </button>
              </div>
            </div>
          </article>
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
      {older.length > 0 && (
        <details className="crisis-history" data-testid="crisis-history">
          <summary>
            {older.length} earlier {older.length === 1 ? 'alert' : 'alerts'}
          </summary>
          <ul>
            {older.map((a) => (
              <li key={a.id} data-testid="crisis-history-item" data-user-id={a.userId}>
                {a.displayName} at {timeOf(a.raisedAt)}
                {a.withdrawnAt && ' · withdrawn'}
                {a.resolvedAt && ` · resolved${a.resolvedByUserId ? ` by ${nameOf(a.resolvedByUserId)}` : ''}: ${a.outcome ? CRISIS_OUTCOME_LABELS[a.outcome] : '—'}`}
              </li>
            ))}
          </ul>
        </details>
      )}
      {error && (
        <p className="side-panel__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
