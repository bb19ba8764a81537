import { useId } from 'react';
import { useNavigate } from 'react-router-dom';
import { isJoinWindowOpen, joinOpensAt, PROGRAM_TRACK_LABELS, SESSION_TYPE_LABELS } from '@hearth/protocol';
import { formatRange, formatStartsIn, formatTime } from './formatSessionTime';
import type { MySession } from './mySessions';

const kindLabels: Record<MySession['kind'], string> = {
  group: 'Group session',
  individual: 'Individual session',
  family: 'Family session',
};

/** The session type (process group, workshop, …), falling back to the kind when the format is absent. */
function typeLabel(session: MySession): string {
  return session.format ? SESSION_TYPE_LABELS[session.format] : kindLabels[session.kind];
}

function sessionStatus(session: MySession, now: number): string {
  const start = Date.parse(session.startsAt);
  const end = Date.parse(session.endsAt);
  if (session.status === 'cancelled') {
    return session.cancelledReason ? `Reason: ${session.cancelledReason}` : 'This session will not take place.';
  }
  if (now >= end) return 'This session has ended.';
  if (now >= start) return `In progress · ends at ${formatTime(new Date(end), session.timeZone)}`;
  if (isJoinWindowOpen(session, now)) return `Starts ${formatStartsIn(start - now)} · you can join now`;
  const opens = joinOpensAt(session);
  const minutesBefore = Math.round((start - opens.getTime()) / 60_000);
  return `You can join from ${formatTime(opens, session.timeZone)}, ${minutesBefore} minutes before it starts.`;
}

export interface SessionCardProps {
  session: MySession;
  now: number;
  /** The user's next session, shown prominently. */
  isNext: boolean;
  /** False for program admins: they are not members of a session's room, so no join button that would fail. */
  canJoin?: boolean;
}

export function SessionCard({ session, now, isNext, canJoin = true }: SessionCardProps) {
  const navigate = useNavigate();
  const titleId = useId();
  const statusId = useId();
  const start = new Date(session.startsAt);
  const end = new Date(session.endsAt);
  const joinable = isJoinWindowOpen(session, now);
  const cancelled = session.status === 'cancelled';
  const ended = now >= end.getTime();
  const therapists = session.therapistNames?.filter(Boolean) ?? [];

  const classes = ['session-card'];
  if (isNext) classes.push('session-card--next');
  if (ended || cancelled) classes.push('session-card--inactive');

  return (
    <article
      className={classes.join(' ')}
      data-testid="session-card"
      data-session-id={session.id}
      data-next={isNext ? 'true' : undefined}
      aria-labelledby={titleId}
    >
      {isNext && <p className="session-card__badge">Your next session</p>}
      {cancelled && <p className="session-card__badge session-card__badge--cancelled">Cancelled</p>}
      <p className="session-card__kind" data-kind={session.kind} data-format={session.format}>
        {typeLabel(session)}
      </p>
      <h3 className="session-card__title" id={titleId}>
        {session.title}
      </h3>
      {session.theme && (
        <p className="session-card__theme">
          <span className="visually-hidden">Topic: </span>
          {session.theme}
        </p>
      )}
      {session.track && (
        <p className="session-card__people" data-testid="session-track" data-track={session.track}>
          {session.cohortName ? `${session.cohortName} · ` : ''}
          {PROGRAM_TRACK_LABELS[session.track]} track
        </p>
      )}
      <p className="session-card__time">
        <time dateTime={session.startsAt}>{formatRange(start, end, session.timeZone)}</time>
      </p>
      {therapists.length > 0 && <p className="session-card__people">With {therapists.join(' and ')}</p>}
      <div className="session-card__footer">
        <p className="session-card__status" id={statusId}>
          {sessionStatus(session, now)}
        </p>
        {!canJoin ? (
          <p className="session-card__people" data-testid="admin-no-join">
            Program admins see sessions here; the session’s therapists and patients join.
          </p>
        ) : (
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
        )}
      </div>
    </article>
  );
}
