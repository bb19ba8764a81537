import { useId } from 'react';
import { useNavigate } from 'react-router-dom';
import { formatRange, formatStartsIn, formatTime } from './formatSessionTime';
import { isJoinable, joinOpensAt, JOIN_WINDOW_MINUTES } from './isJoinable';
import type { MySession } from './mySessions';

const kindLabels: Record<MySession['kind'], string> = {
  group: 'Group session',
  individual: 'Individual session',
};

function sessionStatus(session: MySession, now: number): string {
  const start = Date.parse(session.startsAt);
  const end = Date.parse(session.endsAt);
  if (now >= end) return 'This session has ended.';
  if (now >= start) return `In progress · ends at ${formatTime(new Date(end))}`;
  if (isJoinable(session, now)) return `Starts ${formatStartsIn(start - now)} · you can join now`;
  return `You can join from ${formatTime(joinOpensAt(session))}, ${JOIN_WINDOW_MINUTES} minutes before it starts.`;
}

export interface SessionCardProps {
  session: MySession;
  now: number;
  /** The user's next session, shown prominently. */
  isNext: boolean;
}

export function SessionCard({ session, now, isNext }: SessionCardProps) {
  const navigate = useNavigate();
  const titleId = useId();
  const statusId = useId();
  const start = new Date(session.startsAt);
  const end = new Date(session.endsAt);
  const joinable = isJoinable(session, now);
  const ended = now >= end.getTime();

  const classes = ['session-card'];
  if (isNext) classes.push('session-card--next');
  if (ended) classes.push('session-card--ended');

  return (
    <article
      className={classes.join(' ')}
      data-testid="session-card"
      data-session-id={session.id}
      data-next={isNext ? 'true' : undefined}
      aria-labelledby={titleId}
    >
      {isNext && <p className="session-card__badge">Your next session</p>}
      <p className="session-card__kind" data-kind={session.kind}>
        {kindLabels[session.kind]}
      </p>
      <h3 className="session-card__title" id={titleId}>
        {session.title}
      </h3>
      <p className="session-card__time">
        <time dateTime={session.startsAt}>{formatRange(start, end)}</time>
      </p>
      <div className="session-card__footer">
        <p className="session-card__status" id={statusId}>
          {sessionStatus(session, now)}
        </p>
        <button
          type="button"
          className={`button ${joinable ? 'button--primary' : 'button--secondary'}`}
          data-testid="join-session"
          disabled={!joinable}
          aria-describedby={statusId}
          onClick={() => navigate(`/sessions/${encodeURIComponent(session.id)}/join`)}
        >
          Join session
        </button>
      </div>
    </article>
  );
}
