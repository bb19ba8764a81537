import { useEffect, useState } from 'react';
import { weekHoursSchema, type PatientWeek } from '@hearth/protocol';
import { formatHours, formatLocalDate } from '../admin/labels';
import { LoadState } from '../admin/LoadState';
import { useResource } from '../admin/resource';
import { wallClockIn } from '../calendar/zonedTime';

/** `YYYY-MM-DD` moved by whole days (calendar arithmetic, no zone involved). */
export function shiftDate(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The data-flag of a week row: the flag a therapist acts on first. */
export function weekRowFlag(patient: PatientWeek): 'no-individual' | 'below-target' | 'ok' {
  if (patient.flags.includes('no_individual_session')) return 'no-individual';
  if (patient.flags.includes('below_target')) return 'below-target';
  return 'ok';
}

/**
 * Scheduled hours per patient this week against the program's target, flagging who has
 * no 1:1 yet. Flags are words and an icon, not colour alone.
 */
export function WeekHoursPanel({
  programId,
  programName,
  timeZone,
  refreshKey = 0,
}: {
  programId: string;
  programName: string;
  timeZone: string;
  /** Bump after booking, cancelling or moving a session to fetch the week again. */
  refreshKey?: number;
}) {
  const [weekOf, setWeekOf] = useState(() => wallClockIn(new Date(), timeZone).date);
  const week = useResource(`/api/programs/${programId}/week?weekOf=${weekOf}`, weekHoursSchema);
  const { reload } = week;
  useEffect(() => {
    if (refreshKey > 0) reload();
  }, [refreshKey, reload]);
  const headingId = `week-${programId}`;
  return (
    <section className="panel" aria-labelledby={headingId} data-testid="week-hours" data-program-id={programId}>
      <div className="panel__head">
        <h2 className="panel__title" id={headingId}>
          Hours this week · {programName}
        </h2>
        <div className="week-nav" role="group" aria-label="Choose the week">
          <button type="button" className="button button--quiet button--small" onClick={() => setWeekOf((d) => shiftDate(d, -7))} data-testid="week-prev">
            <span aria-hidden="true">‹</span> Previous week
          </button>
          <button type="button" className="button button--quiet button--small" onClick={() => setWeekOf((d) => shiftDate(d, 7))} data-testid="week-next">
            Next week <span aria-hidden="true">›</span>
          </button>
        </div>
      </div>
      <LoadState resource={week.state} what="the week's hours" testId="week-hours" onRetry={week.reload}>
        {(data) => (
          <>
            <p className="muted" data-testid="week-range">
              {formatLocalDate(data.weekStart)} to {formatLocalDate(data.weekEnd)} · target {formatHours(data.targetMinutes)} per patient
            </p>
            {data.patients.length === 0 ? (
              <p className="muted">No patients enrolled this week.</p>
            ) : (
              <div className="table-wrap">
                <table className="table table--week">
                  <caption className="visually-hidden">Scheduled hours per patient, week of {data.weekStart}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Patient</th>
                      <th scope="col">Scheduled</th>
                      <th scope="col">1:1s</th>
                      <th scope="col">Needs attention</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...data.patients]
                      .sort((a, b) => b.flags.length - a.flags.length || a.name.localeCompare(b.name))
                      .map((p) => (
                        <WeekRow key={p.patientId} patient={p} />
                      ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </LoadState>
    </section>
  );
}

function WeekRow({ patient }: { patient: PatientWeek }) {
  const flag = weekRowFlag(patient);
  const short = Math.max(0, patient.targetMinutes - patient.scheduledMinutes);
  const below = patient.flags.includes('below_target');
  const pct = patient.targetMinutes > 0 ? Math.min(100, Math.round((patient.scheduledMinutes / patient.targetMinutes) * 100)) : 100;
  return (
    <tr
      data-testid="week-hours-row"
      data-user-id={patient.patientId}
      data-flag={flag === 'ok' ? undefined : flag}
      data-below-target={below ? 'true' : 'false'}
      className={flag === 'no-individual' ? 'week-row--flagged' : undefined}
    >
      <th scope="row">
        {patient.name}
        {patient.cohortNames.length > 0 && <span className="table__sub">{patient.cohortNames.join(', ')}</span>}
      </th>
      <td>
        <span className="hours">
          {formatHours(patient.scheduledMinutes)} <span className="muted">of {formatHours(patient.targetMinutes)}</span>
        </span>
        <span className="meter" aria-hidden="true">
          <span className={`meter__fill${below ? ' meter__fill--low' : ''}`} style={{ width: `${pct}%` }} />
        </span>
      </td>
      <td>
        <span className="table__inline-label">1:1s this week: </span>
        {patient.individualSessions}
      </td>
      <td>
        <ul className="flags">
          {patient.flags.includes('no_individual_session') && (
            <li className="flag flag--strong" data-testid="flag-no-individual">
              <span aria-hidden="true">⚠ </span>No 1:1 this week
            </li>
          )}
          {below && (
            <li className="flag" data-testid="flag-below-target">
              <span aria-hidden="true">▽ </span>
              {formatHours(short)} below target
            </li>
          )}
          {patient.flags.length === 0 && (
            <li className="flag flag--ok">
              <span aria-hidden="true">✓ </span>On track
            </li>
          )}
        </ul>
      </td>
    </tr>
  );
}
