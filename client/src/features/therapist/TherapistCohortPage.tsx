import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  cohortRosterSchema,
  createSessionBodySchema,
  PROGRAM_TRACK_LABELS,
  sessionListSchema,
  sessionViewSchema,
  type Cohort,
  type RosterEntry,
  type SessionView,
} from '@hearth/protocol';
import { useAuth } from '../auth/AuthProvider';
import { formatLocalDate, sessionFormatLabels } from '../admin/labels';
import { checkBody, Field, FormAlert, SubmitButton, useSubmit } from '../admin/forms';
import { LoadState } from '../admin/LoadState';
import { callApi, useResource } from '../admin/resource';
import { formatSessionRange, wallClockIn, zonedInstant } from '../calendar/zonedTime';
import { useDocumentTitle } from '../layout/useDocumentTitle';
import { SessionManageRow } from './SessionManageRow';
import { WeekHoursPanel } from './WeekHoursPanel';

/** Sessions listed before "Show all". */
const FIRST_SESSIONS = 6;

/** Therapist: one cohort's roster and sessions, and booking a 1:1. */
export function TherapistCohortPage() {
  const { cohortId = '' } = useParams();
  const roster = useResource(`/api/cohorts/${encodeURIComponent(cohortId)}/roster`, cohortRosterSchema);
  const sessions = useResource(`/api/cohorts/${encodeURIComponent(cohortId)}/sessions`, sessionListSchema);
  const [booked, setBooked] = useState<SessionView[]>([]);
  const [showAll, setShowAll] = useState(false);
  // Any booking, cancellation or move changes the week's hours.
  const [weekVersion, setWeekVersion] = useState(0);
  const changed = () => setWeekVersion((n) => n + 1);
  useDocumentTitle(roster.state.status === 'ready' ? roster.state.data.cohort.name : 'Cohort');
  return (
    <section className="page page--staff" aria-labelledby="cohort-heading">
      <p className="breadcrumb">
        <Link to="/therapist">My cohorts</Link>
      </p>
      <LoadState resource={roster.state} what="this cohort" testId="cohort" onRetry={roster.reload}>
        {({ cohort, members }) => {
          const patients = members.filter((m) => m.role === 'patient');
          return (
            <>
              <h1 className="page__title" id="cohort-heading" data-testid="cohort-title">
                {cohort.name}
              </h1>
              <p className="page__lede">
                {cohort.programName}
                {` · ${PROGRAM_TRACK_LABELS[cohort.track]} track`} · with {cohort.therapists.map((t) => t.displayName).join(', ')}
              </p>
              <section className="panel" aria-labelledby="roster-heading">
                <h2 className="panel__title" id="roster-heading">
                  Roster
                </h2>
                {patients.length === 0 ? (
                  <p className="muted">No one is enrolled yet.</p>
                ) : (
                  <ul className="staff-list">
                    {patients.map((p) => (
                      <RosterRow key={p.enrollment?.id ?? p.userId} entry={p} />
                    ))}
                  </ul>
                )}
              </section>
              <BookIndividualForm
                cohort={cohort}
                patients={patients}
                onBooked={(s) => {
                  setBooked((list) => [s, ...list]);
                  changed();
                }}
              />
              <WeekHoursPanel programId={cohort.programId} programName={cohort.programName} timeZone={cohort.timeZone} refreshKey={weekVersion} />
            </>
          );
        }}
      </LoadState>
      <section className="panel" aria-labelledby="cohort-sessions-heading">
        <h2 className="panel__title" id="cohort-sessions-heading">
          Group sessions, next two weeks
        </h2>
        <LoadState resource={sessions.state} what="the sessions" testId="cohort-sessions" onRetry={sessions.reload}>
          {(list) => {
            const upcoming = list
              .filter((s) => Date.parse(s.endsAt) > Date.now())
              .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
            const shown = showAll ? upcoming : upcoming.slice(0, FIRST_SESSIONS);
            return upcoming.length === 0 ? (
              <p className="muted">Nothing scheduled.</p>
            ) : (
              <>
                <ul className="staff-list">
                  {shown.map((s) => (
                    <SessionManageRow
                      key={s.id}
                      session={s}
                      onChanged={(updated) => {
                        sessions.update((all) => all.map((x) => (x.id === updated.id ? updated : x)));
                        changed();
                      }}
                    />
                  ))}
                </ul>
                {upcoming.length > shown.length && (
                  <button type="button" className="button button--quiet button--small" onClick={() => setShowAll(true)} data-testid="show-all-sessions">
                    Show all {upcoming.length} sessions
                  </button>
                )}
              </>
            );
          }}
        </LoadState>
      </section>
      {booked.length > 0 && (
        <section className="panel" aria-labelledby="booked-heading">
          <h2 className="panel__title" id="booked-heading">
            Booked just now
          </h2>
          <ul className="staff-list">
            {booked.map((s) => (
              <SessionManageRow
                key={s.id}
                session={s}
                onChanged={(updated) => {
                  setBooked((all) => all.map((x) => (x.id === updated.id ? updated : x)));
                  changed();
                }}
              />
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

function RosterRow({ entry }: { entry: RosterEntry }) {
  const e = entry.enrollment;
  return (
    <li className="staff-list__row" data-testid="cohort-roster-row" data-user-id={entry.userId}>
      <span className="staff-list__title">{entry.displayName}</span>
      <span className="staff-list__meta">
        {e ? `Enrolled ${formatLocalDate(e.startDate)}${e.endDate ? ` to ${formatLocalDate(e.endDate)}` : ' · ongoing'}` : 'Enrolled'}
      </span>
    </li>
  );
}

export function BookIndividualForm({
  cohort,
  patients,
  onBooked,
}: {
  cohort: Cohort;
  patients: RosterEntry[];
  onBooked: (session: SessionView) => void;
}) {
  const { accessToken, user } = useAuth();
  const [patientId, setPatientId] = useState('');
  const [date, setDate] = useState(() => wallClockIn(new Date(), cohort.timeZone).date);
  const [time, setTime] = useState('10:00');
  const [minutes, setMinutes] = useState('50');
  const [format, setFormat] = useState<'individual_therapy' | 'family'>('individual_therapy');
  const [booked, setBooked] = useState<SessionView | null>(null);
  const { pending, failure, setFailure, run } = useSubmit();
  const fields = failure?.fields ?? {};
  const active = patients.filter((p) => !p.enrollment?.endDate || p.enrollment.endDate >= wallClockIn(new Date(), cohort.timeZone).date);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBooked(null);
    const missing: Record<string, string> = {};
    if (!patientId) missing.patientId = 'Choose a patient.';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) missing.startsAt = 'Enter the date.';
    if (!/^\d{2}:\d{2}$/.test(time)) missing.time = 'Enter the start time.';
    const duration = Number(minutes);
    if (!Number.isInteger(duration) || duration < 10 || duration > 480) missing.endsAt = 'A session lasts 10 to 480 minutes.';
    if (Object.keys(missing).length) return setFailure({ message: 'Please correct the fields marked below.', fields: missing });
    const startsAt = zonedInstant(date, time, cohort.timeZone);
    const endsAt = new Date(Date.parse(startsAt) + duration * 60_000).toISOString();
    const checked = checkBody(createSessionBodySchema, {
      kind: 'individual',
      programId: cohort.programId,
      therapistId: user?.id,
      patientId,
      format,
      startsAt,
      endsAt,
    });
    if (!checked.ok) return setFailure(checked.failure);
    const session = await run(() => callApi('/api/sessions', sessionViewSchema, { method: 'POST', body: checked.body, token: accessToken }));
    if (session) {
      setBooked(session);
      onBooked(session);
    }
  }

  const doubleBooked = failure?.code === 'double_booked';
  return (
    <section className="panel" aria-labelledby="book-heading">
      <h2 className="panel__title" id="book-heading">
        Book a 1:1
      </h2>
      <form className="form" onSubmit={onSubmit} noValidate aria-busy={pending} data-testid="book-individual">
        <Field label="Patient" error={fields.patientId}>
          {(p) => (
            <select {...p} className="field__input" data-testid="book-patient" value={patientId} onChange={(e) => setPatientId(e.target.value)}>
              <option value="">Choose…</option>
              {active.map((m) => (
                <option key={m.userId} value={m.userId}>
                  {m.displayName}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Type" hint="A family session can have family members invited as guests, with the patient’s consent.">
          {(p) => (
            <select
              {...p}
              className="field__input"
              data-testid="book-format"
              value={format}
              onChange={(e) => setFormat(e.target.value === 'family' ? 'family' : 'individual_therapy')}
            >
              <option value="individual_therapy">{sessionFormatLabels.individual_therapy}</option>
              <option value="family">{sessionFormatLabels.family}</option>
            </select>
          )}
        </Field>
        <div className="form__row form__row--3">
          <Field label="Date" error={fields.startsAt}>
            {(p) => <input {...p} type="date" className="field__input" data-testid="book-date" value={date} onChange={(e) => setDate(e.target.value)} />}
          </Field>
          <Field label="Start time" hint={`${cohort.timeZone.replace(/_/g, ' ')} time`} error={fields.time}>
            {(p) => <input {...p} type="time" className="field__input" data-testid="book-time" value={time} onChange={(e) => setTime(e.target.value)} />}
          </Field>
          <Field label="Minutes" error={fields.endsAt}>
            {(p) => (
              <input {...p} type="number" min={10} max={480} step={5} className="field__input" data-testid="book-duration" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
            )}
          </Field>
        </div>
        {failure && (
          <div className="notice notice--error" role="alert" data-testid="book-individual-error" data-code={doubleBooked ? 'double_booked' : undefined}>
            {doubleBooked && <p className="notice__title">That time is already taken.</p>}
            <p>{failure.message}</p>
            {doubleBooked && <p>Pick another time; nothing was booked.</p>}
          </div>
        )}
        {booked && (
          <p className="notice notice--success" role="status" data-testid="book-individual-done">
            Booked: {formatSessionRange(new Date(booked.startsAt), new Date(booked.endsAt), booked.timeZone)}.
          </p>
        )}
        <div>
          <SubmitButton pending={pending} testId="book-individual-submit">
            Book 1:1
          </SubmitButton>
        </div>
      </form>
    </section>
  );
}
