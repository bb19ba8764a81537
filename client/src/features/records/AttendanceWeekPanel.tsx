import { useState } from 'react';
import { attendanceWeekSchema, BILLABLE_DAY_MINUTES, type AttendanceWeek } from '@hearth/protocol';
import { formatHours, formatLocalDate } from '../admin/labels';
import { LoadState } from '../admin/LoadState';
import { useResource } from '../admin/resource';
import { wallClockIn } from '../calendar/zonedTime';
import { shiftDate } from '../therapist/WeekHoursPanel';

/** Admin: hours each patient actually attended per day this week, against the program's weekly target. */
export function AttendanceWeekPanel({ programId, timeZone }: { programId: string; timeZone: string }) {
  const [weekOf, setWeekOf] = useState(() => wallClockIn(new Date(), timeZone).date);
  const week = useResource(`/api/programs/${programId}/attendance-week?weekOf=${weekOf}`, attendanceWeekSchema);
  return (
    <section className="panel" aria-labelledby="attendance-week-heading" data-testid="attendance-week">
      <div className="panel__head">
        <h2 className="panel__title" id="attendance-week-heading">
          Attended hours
        </h2>
        <div className="week-nav" role="group" aria-label="Choose the week">
          <button type="button" className="button button--quiet button--small" onClick={() => setWeekOf((d) => shiftDate(d, -7))} data-testid="attendance-week-prev">
            <span aria-hidden="true">‹</span> Previous week
          </button>
          <button type="button" className="button button--quiet button--small" onClick={() => setWeekOf((d) => shiftDate(d, 7))} data-testid="attendance-week-next">
            Next week <span aria-hidden="true">›</span>
          </button>
        </div>
      </div>
      <LoadState resource={week.state} what="attended hours" testId="attendance-week" onRetry={week.reload}>
        {(data) => <WeekTable data={data} />}
      </LoadState>
    </section>
  );
}

function WeekTable({ data }: { data: AttendanceWeek }) {
  const dayLabel = (d: string) => new Intl.DateTimeFormat(undefined, { weekday: 'short', timeZone: 'UTC' }).format(new Date(`${d}T12:00:00Z`));
  return (
    <>
      <p className="muted">
        {formatLocalDate(data.weekStart)} to {formatLocalDate(data.weekEnd)} · target {formatHours(data.targetMinutes)} · a billable day needs{' '}
        {formatHours(BILLABLE_DAY_MINUTES)}
      </p>
      {data.patients.length === 0 ? (
        <p className="muted">No attendance recorded this week.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Attended minutes per patient per day, week of {data.weekStart}</caption>
            <thead>
              <tr>
                <th scope="col">Patient</th>
                {data.days.map((d) => (
                  <th scope="col" key={d}>
                    {dayLabel(d)}
                  </th>
                ))}
                <th scope="col">Week</th>
                <th scope="col">Needs attention</th>
              </tr>
            </thead>
            <tbody>
              {data.patients.map((p) => (
                <tr key={p.patientId} data-testid="attendance-week-row" data-user-id={p.patientId} data-total-minutes={p.totalMinutes} data-flags={p.flags.join(' ')}>
                  <th scope="row">{p.name}</th>
                  {p.minutesByDay.map((m, i) => (
                    <td key={data.days[i]}>{m > 0 ? formatHours(m) : <span className="muted">—</span>}</td>
                  ))}
                  <td>
                    <strong>{formatHours(p.totalMinutes)}</strong> <span className="muted">of {formatHours(data.targetMinutes)}</span>
                  </td>
                  <td>
                    <span className="flags">
                      {p.flags.length === 0 && <span className="flag flag--ok">On track</span>}
                      {p.flags.includes('below_target') && <span className="flag flag--strong">Below target</span>}
                      {p.flags.includes('short_day') && <span className="flag">A day under {formatHours(BILLABLE_DAY_MINUTES)}</span>}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
