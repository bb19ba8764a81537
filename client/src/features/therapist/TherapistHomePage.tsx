import { Link } from 'react-router-dom';
import { z } from 'zod';
import { cohortSchema, sessionListSchema, type Cohort } from '@hearth/protocol';
import { LoadState } from '../admin/LoadState';
import { useResource } from '../admin/resource';
import { useDocumentTitle } from '../layout/useDocumentTitle';
import { RecentRecordsPanel } from '../records/RecentRecordsPanel';
import { SessionManageRow } from './SessionManageRow';
import { WeekHoursPanel } from './WeekHoursPanel';

const cohortListSchema = z.array(cohortSchema);

/** Therapist: the cohorts they lead, each program's week hours, and their own 1:1s. */
export function TherapistHomePage() {
  useDocumentTitle('My cohorts');
  const cohorts = useResource('/api/me/cohorts', cohortListSchema);
  return (
    <section className="page page--staff" aria-labelledby="cohorts-heading">
      <h1 className="page__title" id="cohorts-heading">
        My cohorts
      </h1>
      <LoadState resource={cohorts.state} what="your cohorts" testId="my-cohorts" onRetry={cohorts.reload}>
        {(list) => (
          <>
            {list.length === 0 ? (
              <p className="state state--empty">You don't lead a cohort yet. A program admin adds you to one.</p>
            ) : (
              <ul className="staff-list">
                {list.map((c) => (
                  <li key={c.id} className="staff-list__row" data-testid="therapist-cohort-row" data-cohort-id={c.id}>
                    <Link to={`/therapist/cohorts/${c.id}`} className="staff-list__title">
                      {c.name}
                    </Link>
                    <span className="staff-list__meta">
                      {c.programName} · {c.activePatientCount} {c.activePatientCount === 1 ? 'patient' : 'patients'} · with{' '}
                      {c.therapists.map((t) => t.displayName).join(', ')}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {programsOf(list).map((p) => (
              <WeekHoursPanel key={p.programId} programId={p.programId} programName={p.programName} timeZone={p.timeZone} />
            ))}
          </>
        )}
      </LoadState>
      <RecentRecordsPanel />
      <MyIndividualSessions />
    </section>
  );
}

function programsOf(cohorts: Cohort[]) {
  const seen = new Map<string, { programId: string; programName: string; timeZone: string }>();
  for (const c of cohorts) if (!seen.has(c.programId)) seen.set(c.programId, { programId: c.programId, programName: c.programName, timeZone: c.timeZone });
  return [...seen.values()];
}

function MyIndividualSessions() {
  const sessions = useResource('/api/me/sessions', sessionListSchema);
  return (
    <section className="panel" aria-labelledby="my-individual-heading">
      <h2 className="panel__title" id="my-individual-heading">
        My 1:1 sessions
      </h2>
      <LoadState resource={sessions.state} what="your 1:1 sessions" testId="my-individual" onRetry={sessions.reload}>
        {(list) => {
          const mine = list
            .filter((s) => (s.kind === 'individual' || (s.kind === 'family' && !s.cohortId)) && Date.parse(s.endsAt) > Date.now())
            .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
          return mine.length === 0 ? (
            <p className="muted">No 1:1 sessions in the next two weeks. Book one from a cohort page.</p>
          ) : (
            <ul className="staff-list">
              {mine.map((s) => (
                <SessionManageRow key={s.id} session={s} onChanged={(changed) => sessions.update((all) => all.map((x) => (x.id === changed.id ? changed : x)))} />
              ))}
            </ul>
          );
        }}
      </LoadState>
    </section>
  );
}
