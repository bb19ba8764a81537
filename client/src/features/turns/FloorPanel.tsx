import { useId, useState } from 'react';
import { TURN_MINUTES, type ParticipantView, type RoomRole } from '@hearth/protocol';
import { goAroundSpeaker, type FloorClient } from '../../facilitation/FloorClient';
import { errorMessage } from '../../facilitation/Store';
import { useStore } from './useStore';
import { TurnTimer } from './TurnTimer';

export interface FloorPanelProps {
  floor: FloorClient;
  selfUserId: string | null;
  selfRole: RoomRole | null;
  participants: ParticipantView[];
}

const MINUTE_CHOICES = Array.from({ length: TURN_MINUTES.max - TURN_MINUTES.min + 1 }, (_, i) => TURN_MINUTES.min + i);

/** Who has the floor, the raised hands in queue order, and (therapists) the tools to run turns. */
export function FloorPanel({ floor: client, selfUserId, selfRole, participants }: FloorPanelProps) {
  const headingId = useId();
  const timerId = useId();
  const state = useStore(client);
  const f = state.floor;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const isTherapist = selfRole === 'therapist';
  const nameOf = (id: string) =>
    id === selfUserId ? 'You' : (participants.find((p) => p.userId === id)?.displayName ?? 'Someone who left');

  const run = (task: () => Promise<void>) => {
    setError(null);
    setBusy(true);
    task()
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };

  const holder = f?.holderUserId ?? null;
  const queue = f?.queue ?? [];
  const round = f?.goAround ?? null;
  const speaker = goAroundSpeaker(f);
  const myTurnInRound = round !== null && speaker === selfUserId;

  return (
    <section className="side-panel floor" aria-labelledby={headingId} id="room-turns">
      <div className="side-panel__head">
        <h2 className="side-panel__title" id={headingId}>
          Turns
        </h2>
        {f?.talkingStick && <span className="floor__stick-badge">Talking stick on</span>}
      </div>

      <div className={`floor__holder${holder ? ' floor__holder--held' : ''}`}>
        {holder ? (
          <p data-testid="floor-holder" data-user-id={holder}>
            <span className="floor__holder-name">{holder === selfUserId ? 'You have' : `${nameOf(holder)} has`}</span> the floor
          </p>
        ) : (
          <p className="floor__nobody">No one has the floor</p>
        )}
        <TurnTimer state={state} />
      </div>

      {round && (
        <div className="floor__round" data-testid="go-around">
          <p>
            <strong>Go-around:</strong> {speaker ? `${nameOf(speaker)}${speaker === selfUserId ? 'r' : '’s'} turn` : 'finishing'} (
            {Math.min(round.index + 1, round.order.length)} of {round.order.length})
          </p>
          <ol className="floor__round-order" aria-label="Go-around order">
            {round.order.map((id, i) => (
              <li
                key={id}
                className={i === round.index ? 'is-current' : round.passed.includes(id) ? 'is-passed' : round.spoken.includes(id) ? 'is-done' : ''}
                aria-current={i === round.index ? 'step' : undefined}
              >
                {nameOf(id)}
                {round.passed.includes(id) ? ' (passed)' : ''}
              </li>
            ))}
          </ol>
        </div>
      )}
      {!round && state.lastGoAround && (
        <p className="floor__note">
          Go-around finished: {state.lastGoAround.spoken.length} spoke, {state.lastGoAround.passed.length} passed.
        </p>
      )}

      {(holder === selfUserId || myTurnInRound) && !isTherapist && (
        <div className="floor__mine">
          <p className="floor__mine-text">{myTurnInRound ? 'It’s your turn to share.' : 'You have the floor.'}</p>
          <div className="floor__actions">
            {myTurnInRound && (
              <button type="button" className="button button--secondary button--small" data-testid="pass-turn" disabled={busy} onClick={() => run(client.pass)}>
                Pass
              </button>
            )}
            {holder === selfUserId && (
              <button type="button" className="button button--primary button--small" data-testid="release-floor" disabled={busy} onClick={() => run(client.release)}>
                Done speaking
              </button>
            )}
          </div>
        </div>
      )}

      <h3 className="floor__subtitle">Raised hands</h3>
      <ol className="floor__queue" data-testid="hand-queue" aria-label="Raised hands, first in line first">
        {queue.length === 0 && <li className="floor__empty">No hands raised</li>}
        {queue.map((h, i) => (
          <li key={h.userId} className="floor__queue-item" data-testid="hand-queue-item" data-user-id={h.userId}>
            <span className="floor__pos" aria-hidden="true">
              {i + 1}
            </span>
            <span className="floor__who">
              <span className="sr-only">{i + 1}. </span>
              {nameOf(h.userId)}
            </span>
            {isTherapist && (
              <span className="floor__item-actions">
                <button
                  type="button"
                  className="button button--primary button--small"
                  data-testid="grant-floor"
                  data-user-id={h.userId}
                  disabled={busy}
                  aria-label={`Give floor to ${nameOf(h.userId)}`}
                  onClick={() => run(() => client.grant(h.userId))}
                >
                  Give floor
                </button>
                <button
                  type="button"
                  className="button button--quiet button--small"
                  data-testid="lower-hand-for"
                  data-user-id={h.userId}
                  disabled={busy}
                  aria-label={`Lower ${nameOf(h.userId)}’s hand`}
                  onClick={() => run(() => client.lowerHand(h.userId))}
                >
                  Lower
                </button>
              </span>
            )}
          </li>
        ))}
      </ol>

      {isTherapist && (
        <div className="floor__tools" role="group" aria-label="Run turns">
          <div className="floor__actions">
            <button
              type="button"
              className="button button--primary button--small"
              data-testid="grant-next"
              disabled={busy || (queue.length === 0 && !round)}
              onClick={() => run(client.grantNext)}
            >
              Next
            </button>
            <button
              type="button"
              className="button button--secondary button--small"
              data-testid="release-floor"
              disabled={busy || !holder}
              onClick={() => run(client.release)}
            >
              Take back floor
            </button>
            <button
              type="button"
              className={`button button--small toggle${f?.talkingStick ? ' toggle--on' : ''}`}
              data-testid="talking-stick-toggle"
              aria-pressed={f?.talkingStick ?? false}
              disabled={busy || !f}
              onClick={() => run(() => client.setTalkingStick(!f?.talkingStick))}
            >
              Talking stick
            </button>
          </div>
          <div className="floor__actions">
            <label htmlFor={timerId} className="floor__timer-label">
              Turn length
            </label>
            <select
              id={timerId}
              data-testid="turn-timer-minutes"
              value={f?.turnMinutes ?? ''}
              disabled={busy || !f}
              onChange={(e) => run(() => client.setTimer(e.target.value ? Number(e.target.value) : null))}
            >
              <option value="">No timer</option>
              {MINUTE_CHOICES.map((m) => (
                <option key={m} value={m}>
                  {m} min
                </option>
              ))}
            </select>
            {round ? (
              <button type="button" className="button button--secondary button--small" data-testid="stop-go-around" disabled={busy} onClick={() => run(client.stopGoAround)}>
                Stop go-around
              </button>
            ) : (
              <button type="button" className="button button--secondary button--small" data-testid="start-go-around" disabled={busy || !f} onClick={() => run(client.startGoAround)}>
                Start go-around
              </button>
            )}
            {round && speaker && (
              <button type="button" className="button button--quiet button--small" data-testid="pass-for" disabled={busy} onClick={() => run(client.pass)}>
                Pass for {nameOf(speaker)}
              </button>
            )}
          </div>
        </div>
      )}

      {error && (
        <p className="side-panel__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
