import { Fragment, useCallback, useEffect, useState } from 'react';
import { ApiError, apiRequest } from '../../realtime/api';
import { useAuth } from '../auth/AuthProvider';
import { RecentRecordsPanel } from '../records/RecentRecordsPanel';
import { GuestConsentRequests } from '../guests/GuestConsentRequests';
import { GuestHome } from '../guests/GuestLinkPage';
import { useDocumentTitle } from '../layout/useDocumentTitle';
import { dayKey, formatDayHeading } from './formatSessionTime';
import { mySessionsResponseSchema, nextSession, upcomingSessions, type MySession } from './mySessions';
import { LeftSessionNotice } from './LeftSessionNotice';
import { SessionCard } from './SessionCard';
import { useNow } from './useNow';

type LoadState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; sessions: MySession[] };

/** The landing page: the signed-in user's sessions with a join button on each. */
export function SchedulePage() {
  const { user } = useAuth();
  // A family guest has no schedule: only the one session their link opened.
  if (user?.role === 'family') return <GuestHome />;
  return <PatientOrStaffSchedule />;
}

function PatientOrStaffSchedule() {
  useDocumentTitle('Your schedule');
  const { accessToken, user } = useAuth();
  const [state, setState] = useState<LoadState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const now = useNow();

  useEffect(() => {
    if (!accessToken) return;
    const controller = new AbortController();
    // A renewed token refetches quietly: keep showing what we have.
    setState((previous) => (previous.status === 'ready' ? previous : { status: 'loading' }));
    apiRequest<unknown>('/api/me/sessions', { token: accessToken, signal: controller.signal })
      .then((body) => {
        const parsed = mySessionsResponseSchema.safeParse(body);
        setState(
          parsed.success
            ? { status: 'ready', sessions: parsed.data }
            : { status: 'error', message: 'We received your schedule in a form we could not read.' },
        );
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        const message =
          error instanceof ApiError ? error.message : 'Something went wrong while loading your schedule.';
        setState((previous) => (previous.status === 'ready' ? previous : { status: 'error', message }));
      });
    return () => controller.abort();
  }, [accessToken, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const firstName = user?.displayName.split(' ')[0];

  return (
    <section className="page" aria-labelledby="schedule-heading">
      <h1 className="page__title" id="schedule-heading">
        {firstName ? `Hello, ${firstName}` : 'Your schedule'}
      </h1>
      <p className="page__lede">
        Your upcoming sessions. Each one's join button turns on shortly before it starts.
      </p>
      <LeftSessionNotice />
      <GuestConsentRequests />
      <ScheduleBody state={state} now={now} onRetry={retry} canJoin={user?.role !== 'admin'} />
      {user?.role === 'therapist' && <RecentRecordsPanel />}
    </section>
  );
}

function ScheduleBody({ state, now, onRetry, canJoin }: { state: LoadState; now: number; onRetry: () => void; canJoin: boolean }) {
  switch (state.status) {
    case 'loading':
      return (
        <p className="state state--loading" role="status" data-testid="schedule-loading">
          <span className="spinner" aria-hidden="true" />
          Loading your sessions…
        </p>
      );
    case 'error':
      return (
        <div className="state state--error" role="alert" data-testid="schedule-error">
          <p>
            <strong>We couldn't load your schedule.</strong> {state.message}
          </p>
          <button type="button" className="button button--secondary" onClick={onRetry}>
            Try again
          </button>
        </div>
      );
    case 'ready':
      return <SessionList sessions={state.sessions} now={now} canJoin={canJoin} />;
  }
}

function SessionList({ sessions, now, canJoin }: { sessions: MySession[]; now: number; canJoin: boolean }) {
  const visible = upcomingSessions(sessions, now);
  if (visible.length === 0) {
    return (
      <div className="state state--empty" data-testid="schedule-empty">
        <p>
          <strong>No upcoming sessions.</strong> When your care team schedules a group or an individual session for
          you, it will appear here.
        </p>
      </div>
    );
  }

  const next = nextSession(visible, now);
  const days = new Map<string, MySession[]>();
  for (const session of visible) {
    // The program's day, like the cards' times (a Phoenix group at 6 PM is not "tomorrow" in Berlin's sense).
    const key = dayKey(new Date(session.startsAt), session.timeZone);
    const day = days.get(key);
    if (day) day.push(session);
    else days.set(key, [session]);
  }

  return (
    <div className="schedule">
      {[...days.values()].map((daySessions) => {
        const first = daySessions[0];
        if (!first) return null;
        return (
          <Fragment key={dayKey(new Date(first.startsAt), first.timeZone)}>
            <h2 className="schedule__day">{formatDayHeading(new Date(first.startsAt), now, first.timeZone)}</h2>
            <ul className="schedule__list">
              {daySessions.map((session) => (
                <li key={session.id}>
                  <SessionCard session={session} now={now} isNext={session.id === next?.id} canJoin={canJoin} />
                </li>
              ))}
            </ul>
          </Fragment>
        );
      })}
    </div>
  );
}
