import { useId, type Ref } from 'react';
import './roomrest.css';
import type { LobbyEntry } from '@hearth/protocol';

export interface LobbyPanelProps {
  waiting: LobbyEntry[];
  now: number;
  busy: boolean;
  onAdmit(userIds: string[] | 'all'): void;
  /** The arrival chime on this device (absent: no switch shown). */
  chimeMuted?: boolean;
  onChimeMutedChange?(muted: boolean): void;
  /** The panel's element, so the room knows whether the list is on screen. */
  panelRef?: Ref<HTMLElement>;
}

export function formatWaitingFor(since: string, now: number): string {
  const minutes = Math.floor(Math.max(0, now - Date.parse(since)) / 60_000);
  if (!Number.isFinite(minutes) || minutes < 1) return 'just arrived';
  return minutes === 1 ? 'waiting 1 minute' : `waiting ${minutes} minutes`;
}

/** Therapists: who is in the waiting room, in arrival order, with admit buttons. */
export function LobbyPanel({ waiting, now, busy, onAdmit, chimeMuted, onChimeMutedChange, panelRef }: LobbyPanelProps) {
  const headingId = useId();
  const chimeId = useId();
  const count = waiting.length;
  return (
    <section ref={panelRef} className={`lobby-panel${count ? ' lobby-panel--active' : ''}`} aria-labelledby={headingId}>
      <div className="lobby-panel__head">
        <h2 className="lobby-panel__title" id={headingId}>
          Waiting room <span className="lobby-panel__count">{count}</span>
        </h2>
        {onChimeMutedChange && (
          // In the head row, so the panel grows no taller (the floor and check-in stay in view at 1366×768).
          <label className="lobby-panel__chime" htmlFor={chimeId}>
            <input
              id={chimeId}
              type="checkbox"
              data-testid="arrival-chime"
              checked={!chimeMuted}
              onChange={(e) => onChimeMutedChange(!e.target.checked)}
            />
            Chime<span className="sr-only"> when someone arrives</span>
          </label>
        )}
        <button
          type="button"
          className="button button--primary button--small"
          data-testid="admit-all"
          disabled={count === 0 || busy}
          onClick={() => onAdmit('all')}
        >
          Admit all
        </button>
      </div>
      <p className="sr-only" role="status">
        {count === 0 ? 'No one is waiting.' : `${count} waiting: ${waiting.map((w) => w.displayName).join(', ')}`}
      </p>
      <ul className="lobby-panel__list" data-testid="lobby-list" aria-labelledby={headingId}>
        {count === 0 && <li className="lobby-panel__empty">No one is waiting.</li>}
        {waiting.map((w) => (
          <li key={w.userId} className="lobby-panel__entry" data-testid="lobby-entry" data-user-id={w.userId}>
            <span className="lobby-panel__who">
              <span className="lobby-panel__name">{w.displayName}</span>
              <span className="lobby-panel__since">{formatWaitingFor(w.waitingSince, now)}</span>
            </span>
            <button
              type="button"
              className="button button--secondary button--small"
              data-testid="admit-user"
              data-user-id={w.userId}
              disabled={busy}
              aria-label={`Admit ${w.displayName}`}
              onClick={() => onAdmit([w.userId])}
            >
              Admit
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
