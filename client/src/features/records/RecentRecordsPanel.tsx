import { Link } from 'react-router-dom';
import { attendanceCountsText, recentRecordListSchema, type RecentRecord } from '@hearth/protocol';
import { LoadState } from '../admin/LoadState';
import { formatSessionRange } from '../calendar/zonedTime';
import { useResource } from '../admin/resource';

const STATUS_LABEL: Record<RecentRecord['noteStatus'], string> = {
  none: 'note not started',
  draft: 'note not signed',
  signed: 'note signed',
};

/** Therapist: sessions of the last two weeks with a link to each record; unsigned notes are flagged. */
export function RecentRecordsPanel() {
  const recent = useResource('/api/me/records', recentRecordListSchema);
  return (
    <section className="panel" aria-labelledby="recent-records-heading" data-testid="recent-records">
      <h2 className="panel__title" id="recent-records-heading">
        Recent sessions and notes
      </h2>
      <LoadState resource={recent.state} what="your recent sessions" testId="recent-records" onRetry={recent.reload}>
        {(list) => {
          const unsigned = list.filter((r) => r.noteStatus !== 'signed').length;
          return list.length === 0 ? (
            <p className="muted">No sessions in the last two weeks.</p>
          ) : (
            <>
              <p className="muted" data-testid="unsigned-count">
                {unsigned === 0 ? 'Every note is signed.' : `${unsigned} ${unsigned === 1 ? 'note needs' : 'notes need'} signing.`}
              </p>
              <ul className="staff-list">
                {list.map((r) => (
                  <li key={r.sessionId} className="staff-list__row" data-testid="recent-record" data-session-id={r.sessionId} data-note-status={r.noteStatus}>
                    <Link to={`/sessions/${r.sessionId}/record`} className="staff-list__title" data-testid="open-record">
                      {r.title}
                    </Link>
                    <span className="staff-list__meta">
                      {formatSessionRange(new Date(r.startsAt), new Date(r.endsAt), r.timeZone)} ·{' '}
                      <span className={`flag${r.noteStatus === 'signed' ? ' flag--ok' : ' flag--strong'}`}>{STATUS_LABEL[r.noteStatus]}</span>
                    </span>
                    <span className="staff-list__meta" data-testid="record-attendance" data-no-show={r.attendance.noShow} data-late={r.attendance.late}>
                      {attendanceCountsText(r.attendance)}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          );
        }}
      </LoadState>
    </section>
  );
}
