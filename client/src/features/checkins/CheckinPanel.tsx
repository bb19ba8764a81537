import { useId, useState } from 'react';
import type { CheckinAnswerView, ParticipantView } from '@hearth/protocol';
import type { CheckinClient } from '../../facilitation/CheckinClient';
import { errorMessage } from '../../facilitation/Store';
import { useStore } from '../turns/useStore';
import { change, Sparkline } from './Sparkline';

function Score({ label, now, trend }: { label: string; now: number; trend: number[] }) {
  const c = change(now, trend[trend.length - 1]);
  return (
    <span className="checkin-row__score">
      <span className="checkin-row__label">{label}</span>
      <strong className="checkin-row__value">{now}</strong>
      <span className="sr-only">out of 10, {c.words}</span>
      {c.symbol && (
        <span className="checkin-row__change" aria-hidden="true">
          {c.symbol}
        </span>
      )}
      <Sparkline values={[...trend, now]} />
    </span>
  );
}

function Row({ a }: { a: CheckinAnswerView }) {
  return (
    <li className={`checkin-row${a.craving >= 7 ? ' checkin-row--high' : ''}`} data-testid="checkin-row" data-user-id={a.userId}>
      <p className="checkin-row__name">
        {a.displayName}
        {a.word && <span className="checkin-row__word">“{a.word}”</span>}
      </p>
      <Score label="Mood" now={a.mood} trend={a.trend.map((t) => t.mood)} />
      <Score label="Craving" now={a.craving} trend={a.trend.map((t) => t.craving)} />
      {a.trend.length > 0 && (
        <p className="checkin-row__history">
          Earlier: mood {a.trend.map((t) => t.mood).join(', ')} · craving {a.trend.map((t) => t.craving).join(', ')}
        </p>
      )}
    </li>
  );
}

/** Therapists: open and close check-ins; each patient's answer with their trend across earlier sessions. */
export function CheckinPanel({ checkins, participants }: { checkins: CheckinClient; participants: ParticipantView[] }) {
  const headingId = useId();
  const { open, current, answers } = useStore(checkins);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = (task: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    task()
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };
  const answered = new Set(answers.map((a) => a.userId));
  const waiting = open ? participants.filter((p) => p.role === 'patient' && !answered.has(p.userId)) : [];
  const sorted = [...answers].sort((a, b) => a.displayName.localeCompare(b.displayName));

  return (
    <section className="side-panel checkins" aria-labelledby={headingId} id="room-checkin">
      <div className="side-panel__head">
        <h2 className="side-panel__title" id={headingId}>
          Check-in {open && <span className="side-panel__badge">open</span>}
        </h2>
        {open ? (
          <button type="button" className="button button--secondary button--small" data-testid="checkin-close" disabled={busy} onClick={() => run(() => checkins.closeCheckin())}>
            Close
          </button>
        ) : (
          <button type="button" className="button button--primary button--small" data-testid="checkin-open" disabled={busy} onClick={() => run(() => checkins.openCheckin())}>
            Start check-in
          </button>
        )}
      </div>
      {!current && !open && <p className="side-panel__hint">Patients answer mood and craving (0–10) privately; you see each answer and its trend.</p>}
      {(open || current) && (
        <p className="sr-only" role="status">
          {answers.length} answered{waiting.length ? `, ${waiting.length} still answering` : ''}
        </p>
      )}
      {sorted.length > 0 && (
        <ul className="checkin-rows" aria-label="Answers">
          {sorted.map((a) => (
            <Row key={a.userId} a={a} />
          ))}
        </ul>
      )}
      {waiting.length > 0 && <p className="side-panel__hint">Still answering: {waiting.map((p) => p.displayName).join(', ')}</p>}
      {error && (
        <p className="side-panel__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
