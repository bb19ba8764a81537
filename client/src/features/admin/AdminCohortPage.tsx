import { useMemo, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { z } from 'zod';
import {
  cohortRosterSchema,
  createEnrollmentBodySchema,
  createSeriesResponseSchema,
  enrollmentSchema,
  memberSchema,
  PROGRAM_TRACK_LABELS,
  sessionListSchema,
  type CohortRoster,
  type CreateSeriesResponse,
  type Enrollment,
  type Member,
  type RosterEntry,
  type SessionView,
} from '@hearth/protocol';
import { useAuth } from '../auth/AuthProvider';
import { useDocumentTitle } from '../layout/useDocumentTitle';
import { formatSessionRange, wallClockIn } from '../calendar/zonedTime';
import { checkBody, Field, FormAlert, SubmitButton, useSubmit } from './forms';
import { formatLocalDate } from './labels';
import { LoadState } from './LoadState';
import { callApi, useResource } from './resource';
import { CreateSeriesForm } from './CreateSeriesForm';
import { describeRule } from './seriesText';

const memberListSchema = z.array(memberSchema);

/** Admin: one cohort's roster and enrollments, and its recurring sessions. */
export function AdminCohortPage() {
  const { programId = '', cohortId = '' } = useParams();
  const roster = useResource(`/api/cohorts/${encodeURIComponent(cohortId)}/roster`, cohortRosterSchema);
  useDocumentTitle(roster.state.status === 'ready' ? roster.state.data.cohort.name : 'Cohort');
  return (
    <section className="page page--staff" aria-labelledby="cohort-heading">
      <p className="breadcrumb">
        <Link to="/admin/programs">Programs</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={`/admin/programs/${encodeURIComponent(programId)}`}>
          {roster.state.status === 'ready' ? roster.state.data.cohort.programName : 'Program'}
        </Link>
      </p>
      <LoadState resource={roster.state} what="this cohort" testId="cohort" onRetry={roster.reload}>
        {(data) => <CohortAdmin roster={data} onRosterChanged={roster.reload} />}
      </LoadState>
    </section>
  );
}

function CohortAdmin({ roster, onRosterChanged }: { roster: CohortRoster; onRosterChanged: () => void }) {
  const { cohort } = roster;
  const members = useResource(`/api/admin/programs/${cohort.programId}/members`, memberListSchema);
  const sessions = useResource(`/api/cohorts/${cohort.id}/sessions`, sessionListSchema);
  const patients = roster.members.filter((m) => m.role === 'patient');
  return (
    <>
      <h1 className="page__title" id="cohort-heading" data-testid="cohort-title">
        {cohort.name}
      </h1>
      <p className="page__lede">
        {PROGRAM_TRACK_LABELS[cohort.track]} track ·{' '}
        {cohort.therapists.map((t) => `${t.displayName} (${t.role === 'lead' ? 'lead' : 'co-therapist'})`).join(', ')} · times in{' '}
        {cohort.timeZone.replace(/_/g, ' ')}
      </p>

      <section className="panel" aria-labelledby="enrollments-heading">
        <h2 className="panel__title" id="enrollments-heading">
          Patients
        </h2>
        {patients.length === 0 ? (
          <p className="muted" data-testid="cohort-roster-empty">
            No one is enrolled yet.
          </p>
        ) : (
          <ul className="staff-list">
            {patients.map((entry) => (
              <EnrollmentRow key={entry.enrollment?.id ?? entry.userId} entry={entry} timeZone={cohort.timeZone} onChanged={onRosterChanged} />
            ))}
          </ul>
        )}
        <EnrollForm
          cohortId={cohort.id}
          timeZone={cohort.timeZone}
          candidates={(members.state.status === 'ready' ? members.state.data : []).filter(
            (m) => m.role === 'patient' && !patients.some((p) => p.userId === m.id && !p.enrollment?.endDate),
          )}
          onEnrolled={onRosterChanged}
        />
      </section>

      <section className="panel" aria-labelledby="series-heading">
        <h2 className="panel__title" id="series-heading">
          Recurring sessions
        </h2>
        <LoadState resource={sessions.state} what="the sessions" testId="cohort-sessions" onRetry={sessions.reload}>
          {(list) => <SeriesList sessions={list} />}
        </LoadState>
        <CreateSeriesForm cohortId={cohort.id} timeZone={cohort.timeZone} onCreated={sessions.reload} />
      </section>
    </>
  );
}

function todayIn(zone: string): string {
  return wallClockIn(new Date(), zone).date;
}

function EnrollmentRow({ entry, timeZone, onChanged }: { entry: RosterEntry; timeZone: string; onChanged: () => void }) {
  const { accessToken } = useAuth();
  const enrollment = entry.enrollment;
  const [ending, setEnding] = useState(false);
  const [endDate, setEndDate] = useState(() => todayIn(timeZone));
  const { pending, failure, run } = useSubmit();

  async function endEnrollment(event: FormEvent) {
    event.preventDefault();
    if (!enrollment) return;
    const done = await run(() =>
      callApi(`/api/admin/enrollments/${enrollment.id}`, enrollmentSchema, { method: 'PATCH', body: { endDate }, token: accessToken }),
    );
    if (done) {
      setEnding(false);
      onChanged();
    }
  }

  return (
    <li className="staff-list__row" data-testid="cohort-roster-row" data-user-id={entry.userId}>
      <span className="staff-list__title">{entry.displayName}</span>
      {enrollment && (
        <span className="staff-list__meta" data-testid="enrollment-dates">
          From {formatLocalDate(enrollment.startDate)}
          {enrollment.endDate ? ` to ${formatLocalDate(enrollment.endDate)}` : ' · ongoing'}
        </span>
      )}
      {enrollment && !enrollment.endDate && !ending && (
        <button
          type="button"
          className="button button--quiet button--small"
          data-testid="end-enrollment"
          data-enrollment-id={enrollment.id}
          onClick={() => setEnding(true)}
        >
          End enrollment
        </button>
      )}
      {enrollment && ending && (
        <form className="form form--inline" onSubmit={endEnrollment} noValidate data-testid="end-enrollment-form">
          <Field label={`Last day for ${entry.displayName}`} error={failure?.fields.endDate}>
            {(p) => (
              <input {...p} type="date" className="field__input" data-testid="end-enrollment-date" value={endDate} onChange={(e) => setEndDate(e.target.value)} />
            )}
          </Field>
          <FormAlert failure={failure} testId="end-enrollment-error" />
          <div className="form__actions">
            <SubmitButton pending={pending} testId="end-enrollment-confirm">
              End enrollment
            </SubmitButton>
            <button type="button" className="button button--quiet" onClick={() => setEnding(false)}>
              Keep
            </button>
          </div>
        </form>
      )}
    </li>
  );
}

function EnrollForm({
  cohortId,
  timeZone,
  candidates,
  onEnrolled,
}: {
  cohortId: string;
  timeZone: string;
  candidates: Member[];
  onEnrolled: (enrollment: Enrollment) => void;
}) {
  const { accessToken } = useAuth();
  const [patientId, setPatientId] = useState('');
  const [startDate, setStartDate] = useState(() => todayIn(timeZone));
  const [endDate, setEndDate] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const { pending, failure, setFailure, run } = useSubmit();
  const fields = failure?.fields ?? {};

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    const checked = checkBody(createEnrollmentBodySchema, { patientId, startDate, endDate: endDate || undefined });
    if (!checked.ok) {
      const f = checked.failure;
      if (f.fields.patientId) f.fields.patientId = 'Choose a patient.';
      return setFailure(f);
    }
    const enrollment = await run(() =>
      callApi(`/api/admin/cohorts/${cohortId}/enrollments`, enrollmentSchema, { method: 'POST', body: checked.body, token: accessToken }),
    );
    if (enrollment) {
      const who = candidates.find((c) => c.id === enrollment.patientId);
      setDone(who ? `${who.firstName} ${who.lastName} is enrolled.` : 'Enrolled.');
      setPatientId('');
      setEndDate('');
      onEnrolled(enrollment);
    }
  }

  return (
    <details className="disclosure">
      <summary className="disclosure__summary">Enroll a patient</summary>
      <form className="form" onSubmit={onSubmit} noValidate aria-busy={pending} data-testid="enroll-patient">
        <Field
          label="Patient"
          hint={candidates.length === 0 ? 'Every patient account of this program is enrolled. Create one on the program page.' : undefined}
          error={fields.patientId}
        >
          {(p) => (
            <select {...p} className="field__input" data-testid="enroll-patient-select" value={patientId} onChange={(e) => setPatientId(e.target.value)}>
              <option value="">Choose…</option>
              {candidates.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.firstName} {m.lastName} ({m.email})
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="form__row">
          <Field label="First day" error={fields.startDate}>
            {(p) => <input {...p} type="date" className="field__input" data-testid="enroll-start" value={startDate} onChange={(e) => setStartDate(e.target.value)} />}
          </Field>
          <Field label="Last day (optional)" error={fields.endDate}>
            {(p) => <input {...p} type="date" className="field__input" data-testid="enroll-end" value={endDate} onChange={(e) => setEndDate(e.target.value)} />}
          </Field>
        </div>
        <FormAlert failure={failure} testId="enroll-patient-error" />
        {done && (
          <p className="notice notice--success" role="status" data-testid="enroll-patient-done">
            {done}
          </p>
        )}
        <div>
          <SubmitButton pending={pending} testId="enroll-patient-submit">
            Enroll
          </SubmitButton>
        </div>
      </form>
    </details>
  );
}

interface SeriesSummary {
  seriesId: string;
  title: string;
  next: SessionView | undefined;
  count: number;
  timeZone: string;
}

function SeriesList({ sessions }: { sessions: SessionView[] }) {
  const series = useMemo(() => {
    const map = new Map<string, SeriesSummary>();
    const now = Date.now();
    for (const s of [...sessions].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))) {
      if (!s.seriesId) continue;
      const entry = map.get(s.seriesId) ?? { seriesId: s.seriesId, title: s.title, next: undefined, count: 0, timeZone: s.timeZone };
      entry.count += 1;
      if (!entry.next && Date.parse(s.endsAt) > now && s.status === 'scheduled') entry.next = s;
      map.set(s.seriesId, entry);
    }
    return [...map.values()];
  }, [sessions]);
  if (series.length === 0) return <p className="muted">No recurring sessions in the next two weeks.</p>;
  return (
    <ul className="staff-list">
      {series.map((s) => (
        <SeriesRow key={s.seriesId} summary={s} />
      ))}
    </ul>
  );
}

function SeriesRow({ summary }: { summary: SeriesSummary }) {
  const { accessToken } = useAuth();
  const [extended, setExtended] = useState<CreateSeriesResponse | null>(null);
  const { pending, failure, run } = useSubmit();
  async function extend() {
    const result = await run(() =>
      callApi(`/api/admin/series/${summary.seriesId}/extend`, createSeriesResponseSchema, { method: 'POST', token: accessToken }),
    );
    if (result) setExtended(result);
  }
  return (
    <li className="staff-list__row" data-testid="series-row" data-series-id={summary.seriesId}>
      <span className="staff-list__title">{summary.title}</span>
      <span className="staff-list__meta">
        {summary.next
          ? `Next: ${formatSessionRange(new Date(summary.next.startsAt), new Date(summary.next.endsAt), summary.timeZone)}`
          : 'No upcoming session in the next two weeks'}
      </span>
      <button type="button" className="button button--quiet button--small" onClick={extend} disabled={pending} data-testid="extend-series">
        Extend schedule
      </button>
      {failure && (
        <p className="notice notice--error" role="alert" data-testid="extend-series-error">
          {failure.message}
        </p>
      )}
      {extended && (
        <p className="notice notice--success" role="status" data-testid="extend-series-done">
          {extended.sessions.length === 0
            ? `Already scheduled up to ${formatLocalDate(extended.series.materialisedUntil.slice(0, 10))}.`
            : `Added ${extended.sessions.length} ${extended.sessions.length === 1 ? 'session' : 'sessions'}, now up to ${formatLocalDate(extended.series.materialisedUntil.slice(0, 10))}. ${describeRule(extended.series.rrule)}`}
        </p>
      )}
    </li>
  );
}
