import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  ATTENDANCE_MARK_LABEL,
  attendanceCountsText,
  countAttendanceMarks,
  RECORDS_LIMITS,
  RecordsErrorCode,
  sessionRecordSchema,
  type AttendanceRow,
  type SessionRecord,
} from '@hearth/protocol';
import { ApiError, apiRequest } from '../../realtime/api';
import { LoadState } from '../admin/LoadState';
import { useResource } from '../admin/resource';
import { useAuth } from '../auth/AuthProvider';
import { useDocumentTitle } from '../layout/useDocumentTitle';
import { downloadWithToken } from './download';
import { formatTime, formatWhen } from './format';
import './record.css';

/**
 * A session's clinical record, for its therapists (write, sign) and program
 * admins (read): attendance from the room's segments with the CSV export,
 * and the group note — narrative, a field per member present, autosaved
 * drafts, signing with the password, then addenda only.
 */
export function SessionRecordPage() {
  const { sessionId = '' } = useParams();
  useDocumentTitle('Session record');
  const record = useResource(`/api/sessions/${sessionId}/record`, sessionRecordSchema);
  return (
    <section className="page page--staff record" aria-labelledby="record-heading">
      <LoadState resource={record.state} what="this session's record" testId="session-record" onRetry={record.reload}>
        {(data) => <RecordView data={data} onChanged={record.reload} />}
      </LoadState>
    </section>
  );
}

function RecordView({ data, onChanged }: { data: SessionRecord; onChanged: () => void }) {
  const { session } = data;
  return (
    <>
      <p className="breadcrumb">
        <Link to={data.access === 'therapist' ? '/therapist' : '/'}>{data.access === 'therapist' ? 'My cohorts' : 'Schedule'}</Link>
      </p>
      <h1 className="page__title" id="record-heading">
        {session.title}
      </h1>
      <p className="page__lede" data-testid="record-when">
        {formatWhen(session.startsAt, session.timeZone)}–{formatTime(session.endsAt, session.timeZone)} ·{' '}
        {session.endedAt ? `ended ${formatTime(session.endedAt, session.timeZone)}` : 'not ended in Hearth'}
      </p>
      <AttendancePanel data={data} onChanged={onChanged} />
      <NotePanel data={data} onChanged={onChanged} />
    </>
  );
}

// ---------------------------------------------------------------------------- attendance

function AttendancePanel({ data, onChanged }: { data: SessionRecord; onChanged: () => void }) {
  const { accessToken } = useAuth();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const [correcting, setCorrecting] = useState<string | null>(null);
  const tz = data.session.timeZone;

  const exportCsv = async () => {
    if (!accessToken) return;
    setExporting(true);
    setExportError(null);
    try {
      await downloadWithToken(`/api/sessions/${data.session.id}/attendance.csv`, accessToken, `attendance-${data.session.id}.csv`);
    } catch (e) {
      setExportError(e instanceof ApiError ? e.message : 'The export failed.');
    } finally {
      setExporting(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="attendance-heading">
      <div className="panel__head">
        <h2 className="panel__title" id="attendance-heading">
          Attendance
        </h2>
        <button type="button" className="button button--secondary button--small" onClick={() => void exportCsv()} disabled={exporting} data-testid="attendance-export">
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </div>
      <p className="record-attendance-summary" data-testid="attendance-summary">
        {attendanceCountsText(countAttendanceMarks(data.attendance.flatMap((r) => (r.mark ? [r.mark] : []))))}
      </p>
      <p className="muted">Whole minutes in the room within the scheduled time; reconnects are added up, overlaps counted once.</p>
      {exportError && (
        <p className="notice notice--error" role="alert">
          {exportError}
        </p>
      )}
      <div className="table-wrap">
        <table className="table table--attendance">
          <caption className="visually-hidden">Minutes in the room per participant</caption>
          <thead>
            <tr>
              <th scope="col">Participant</th>
              <th scope="col">Minutes</th>
              <th scope="col">Joined</th>
              <th scope="col">Left</th>
              <th scope="col">Flags</th>
              {data.access === 'therapist' && <th scope="col">Correction</th>}
            </tr>
          </thead>
          <tbody>
            {data.attendance.map((row) => (
              <tr key={row.userId} data-testid="attendance-row" data-user-id={row.userId} data-minutes={row.minutes} data-role={row.role}>
                <th scope="row">
                  {row.name}
                  <span className="table__sub">{row.role}</span>
                </th>
                <td data-testid="attendance-minutes">
                  <span className="table__inline-label">Minutes</span>
                  <strong>{row.minutes}</strong> min
                  {row.segments > 1 && <span className="table__sub">{row.segments} stretches</span>}
                </td>
                <td data-testid="attendance-joined">
                  <span className="table__inline-label">Joined</span>
                  {formatTime(row.firstJoinedAt, tz)}
                  {waitedAMinute(row) && (
                    <span className="table__sub" data-testid="attendance-checked-in" data-at={row.checkedInAt}>
                      checked in {formatTime(row.checkedInAt, tz)}
                    </span>
                  )}
                </td>
                <td>
                  <span className="table__inline-label">Left</span>
                  {row.present ? 'still in the room' : formatTime(row.lastLeftAt, tz)}
                </td>
                <td className="table__cell--wide">
                  <span className="table__inline-label">Flags</span>
                  <AttendanceFlags row={row} />
                </td>
                {data.access === 'therapist' && (
                  <td className="table__cell--wide">
                    {row.correction && (
                      <span className="table__sub" data-testid="attendance-correction">
                        Corrected to {row.correction.minutes} min: {row.correction.reason}
                      </span>
                    )}
                    {row.role !== 'therapist' &&
                      (correcting === row.userId ? (
                        <CorrectionForm
                          sessionId={data.session.id}
                          row={row}
                          onDone={(changed) => {
                            setCorrecting(null);
                            if (changed) onChanged();
                          }}
                        />
                      ) : (
                        <button type="button" className="button button--quiet button--small" onClick={() => setCorrecting(row.userId)} data-testid="attendance-correct">
                          Correct
                        </button>
                      ))}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Checked in a minute or more before first entering the room (or never entered): the check-in is worth showing. */
function waitedAMinute(row: AttendanceRow): boolean {
  if (!row.checkedInAt) return false;
  if (!row.firstJoinedAt) return true;
  return new Date(row.firstJoinedAt).getTime() - new Date(row.checkedInAt).getTime() >= 60_000;
}

const MARK_CLASS: Record<NonNullable<AttendanceRow['mark']>, string> = { attended: 'flag--ok', late: 'flag--strong', no_show: 'flag--danger', not_yet: '' };

function AttendanceFlags({ row }: { row: AttendanceRow }) {
  const flags: string[] = [];
  // A late mark says by how much itself; other rows (a therapist) keep the plain flag.
  if (row.lateMinutes > 0 && row.mark !== 'late') flags.push(`${row.lateMinutes} min late`);
  if (row.leftEarlyMinutes > 0) flags.push(`left ${row.leftEarlyMinutes} min early`);
  if (!row.mark && row.segments === 0) flags.push('absent');
  // Checked in, then nobody admitted them (or they left the waiting room): not the same as not coming.
  if (row.segments === 0 && row.checkedInAt) flags.push('checked in, never admitted');
  if (!row.mark && flags.length === 0) return <span className="muted">—</span>;
  return (
    <span className="flags">
      {row.mark && (
        <span className={`flag ${MARK_CLASS[row.mark]}`} data-testid="attendance-mark" data-mark={row.mark}>
          {row.mark === 'late' && row.lateMinutes > 0 ? `${row.lateMinutes} min late` : ATTENDANCE_MARK_LABEL[row.mark]}
        </span>
      )}
      {flags.map((f) => (
        <span key={f} className="flag">
          {f}
        </span>
      ))}
    </span>
  );
}

function CorrectionForm({ sessionId, row, onDone }: { sessionId: string; row: AttendanceRow; onDone: (changed: boolean) => void }) {
  const { accessToken } = useAuth();
  const id = useId();
  const [minutes, setMinutes] = useState(String(row.correction?.minutes ?? row.minutes));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim().length < RECORDS_LIMITS.reasonMin) {
      setError('Say why you are correcting this row.');
      return;
    }
    try {
      await apiRequest(`/api/sessions/${sessionId}/attendance/corrections`, {
        method: 'POST',
        token: accessToken,
        body: { userId: row.userId, minutes: Number(minutes), reason: reason.trim() },
      });
      onDone(true);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The correction was not saved.');
    }
  };
  return (
    <form className="form form--inline" onSubmit={(e) => void submit(e)} data-testid="attendance-correction-form">
      <label className="field__label" htmlFor={`${id}-m`}>
        Minutes
      </label>
      <input id={`${id}-m`} className="field__input" type="number" min={0} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
      <label className="field__label" htmlFor={`${id}-r`}>
        Reason (required)
      </label>
      <input id={`${id}-r`} className="field__input" value={reason} maxLength={RECORDS_LIMITS.reasonMax} onChange={(e) => setReason(e.target.value)} />
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="form__actions">
        <button type="submit" className="button button--primary button--small">
          Save correction
        </button>
        <button type="button" className="button button--quiet button--small" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------------------- note

type SaveState = 'idle' | 'dirty' | 'saving' | 'saved' | 'error';

function NotePanel({ data, onChanged }: { data: SessionRecord; onChanged: () => void }) {
  const { accessToken } = useAuth();
  const { note } = data;
  const signed = note.status === 'signed';
  const editable = data.access === 'therapist' && !signed;
  const [narrative, setNarrative] = useState(note.narrative);
  const [members, setMembers] = useState<Record<string, string>>(() => Object.fromEntries(note.members.map((m) => [m.userId, m.text])));
  const [saveState, setSaveState] = useState<SaveState>('idle');
  const [error, setError] = useState<string | null>(null);
  const [signing, setSigning] = useState<'sign' | 'cosign' | null>(null);
  const version = useRef(note.version);
  const latest = useRef({ narrative, members });
  latest.current = { narrative, members };
  const chain = useRef<Promise<boolean>>(Promise.resolve(true));
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    version.current = note.version;
  }, [note.version]);

  /** Saves what is on screen now; saves run one after another. */
  const save = useCallback((): Promise<boolean> => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const run = chain.current.then(async () => {
      setSaveState('saving');
      const body = {
        narrative: latest.current.narrative,
        members: Object.entries(latest.current.members).map(([userId, text]) => ({ userId, text })),
        version: version.current,
      };
      try {
        await apiRequest(`/api/sessions/${data.session.id}/note`, { method: 'PUT', token: accessToken, body });
        version.current += 1;
        setSaveState('saved');
        setError(null);
        return true;
      } catch (e) {
        setSaveState('error');
        setError(e instanceof ApiError ? e.message : 'The draft was not saved.');
        return false;
      }
    });
    chain.current = run;
    return run;
  }, [accessToken, data.session.id]);

  const changed = () => {
    setSaveState('dirty');
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void save(), RECORDS_LIMITS.autosaveMs);
  };
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const [signBusy, setSignBusy] = useState(false);
  /** Signs (or co-signs); the password only when the server asks for it. Returns what went wrong, if anything. */
  const signWith = async (kind: 'sign' | 'cosign', password?: string): Promise<ApiError | Error | null> => {
    if (kind === 'sign' && saveState !== 'idle' && saveState !== 'saved' && !(await save())) return new Error('Save the draft first.');
    try {
      await apiRequest(`/api/sessions/${data.session.id}/note/${kind}`, { method: 'POST', token: accessToken, body: password === undefined ? {} : { password } });
    } catch (e) {
      return e instanceof ApiError ? e : new Error('Signing failed.');
    }
    setSigning(null);
    onChanged();
    return null;
  };
  /** One click when the sign-in is recent; otherwise the password dialog. */
  const signNow = async (kind: 'sign' | 'cosign') => {
    setSignBusy(true);
    const problem = await signWith(kind);
    setSignBusy(false);
    if (problem instanceof ApiError && problem.code === RecordsErrorCode.PasswordNeeded) setSigning(kind);
    else if (problem) setError(problem.message);
  };

  const narrativeId = useId();
  return (
    <section className="panel note" aria-labelledby="note-heading" data-note-status={note.status}>
      <div className="panel__head">
        <h2 className="panel__title" id="note-heading">
          Group note
        </h2>
        <span className={`badge note__status note__status--${note.status}`} data-testid="note-status">
          {note.status}
        </span>
      </div>
      {signed ? (
        <p className="muted" data-testid="note-signed-by">
          Signed by {note.signedByName} on {formatWhen(note.signedAt!, data.session.timeZone)}
          {note.cosignedByName && ` · co-signed by ${note.cosignedByName} on ${formatWhen(note.cosignedAt!, data.session.timeZone)}`}. The note is locked; add
          an addendum below.
        </p>
      ) : (
        <p className="muted">
          {note.prefilled ? 'Prefilled with what Hearth recorded in the session; edit it, then sign.' : 'Draft: saved as you type.'} Signing locks it under your name (after 15 minutes signed in, Hearth asks for your password again). Patients never see notes.
        </p>
      )}
      {error && (
        <p className="notice notice--error" role="alert" data-testid="note-error">
          {error}
        </p>
      )}
      <div className="field">
        <label className="field__label" htmlFor={narrativeId}>
          Group narrative (theme, interventions)
        </label>
        <textarea
          id={narrativeId}
          className="field__input note__text"
          rows={5}
          value={narrative}
          readOnly={!editable}
          aria-readonly={!editable}
          maxLength={RECORDS_LIMITS.narrativeMax}
          onChange={(e) => {
            setNarrative(e.target.value);
            changed();
          }}
          data-testid="note-narrative"
        />
      </div>
      {note.members.length === 0 && <p className="muted">Nobody but the therapists was in the room.</p>}
      {note.members.map((m) => (
        <div className="field note__member" key={m.userId} data-testid="note-member" data-user-id={m.userId}>
          <label className="field__label" htmlFor={`${narrativeId}-${m.userId}`}>
            {m.name}: participation, presentation, risk, progress
          </label>
          <textarea
            id={`${narrativeId}-${m.userId}`}
            className="field__input note__text"
            rows={5}
            value={members[m.userId] ?? ''}
            readOnly={!editable}
            aria-readonly={!editable}
            maxLength={RECORDS_LIMITS.memberTextMax}
            onChange={(e) => {
              const text = e.target.value;
              setMembers((all) => ({ ...all, [m.userId]: text }));
              changed();
            }}
            data-testid="note-member-text"
          />
        </div>
      ))}
      {editable && (
        <div className="form__actions note__actions">
          <span className="muted" role="status" data-testid="note-save-state">
            {saveLabel(saveState)}
          </span>
          <button type="button" className="button button--secondary" onClick={() => void save()} data-testid="note-save">
            Save draft
          </button>
          <button type="button" className="button button--primary" disabled={signBusy} onClick={() => void signNow('sign')} data-testid="note-sign">
            {signBusy ? 'Signing…' : 'Sign note'}
          </button>
        </div>
      )}
      {data.canCosign && (
        <div className="form__actions">
          <button type="button" className="button button--secondary" disabled={signBusy} onClick={() => void signNow('cosign')} data-testid="note-cosign">
            Co-sign
          </button>
        </div>
      )}
      {signing && (
        <SignDialog
          kind={signing}
          onCancel={() => setSigning(null)}
          onSign={async (password) => {
            const problem = await signWith(signing, password);
            return problem?.message ?? null;
          }}
        />
      )}
      {signed && <Addenda data={data} onChanged={onChanged} />}
    </section>
  );
}

function saveLabel(s: SaveState): string {
  switch (s) {
    case 'idle':
      return '';
    case 'dirty':
      return 'Unsaved changes…';
    case 'saving':
      return 'Saving…';
    case 'saved':
      return 'Draft saved';
    case 'error':
      return 'Not saved';
  }
}

function SignDialog({ kind, onCancel, onSign }: { kind: 'sign' | 'cosign'; onCancel: () => void; onSign: (password: string) => Promise<string | null> }) {
  const id = useId();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const problem = await onSign(password);
    setBusy(false);
    if (problem) setError(problem);
  };
  return (
    <form className="form note__sign" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-t`} data-testid="note-sign-dialog">
      <p className="notice notice--info" id={`${id}-t`}>
        {kind === 'sign'
          ? 'Signing locks the note: after that only addenda can be added. Re-enter your password to sign.'
          : 'Re-enter your password to co-sign this note.'}
      </p>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-p`}>
          Your password
        </label>
        <input
          id={`${id}-p`}
          className="field__input"
          type="password"
          autoComplete="current-password"
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid="note-sign-password"
        />
      </div>
      {error && (
        <p className="field__error" role="alert" data-testid="note-sign-error">
          {error}
        </p>
      )}
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={busy || password.length === 0} data-testid="note-sign-confirm">
          {busy ? 'Signing…' : kind === 'sign' ? 'Sign and lock' : 'Co-sign'}
        </button>
        <button type="button" className="button button--quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Addenda({ data, onChanged }: { data: SessionRecord; onChanged: () => void }) {
  const { accessToken } = useAuth();
  const id = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) {
      setError('Write the addendum first.');
      return;
    }
    setBusy(true);
    try {
      await apiRequest(`/api/sessions/${data.session.id}/note/addenda`, { method: 'POST', token: accessToken, body: { text: text.trim() } });
      setText('');
      setError(null);
      onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The addendum was not added.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="note__addenda">
      <h3 className="note__subtitle">Addenda</h3>
      {data.note.addenda.length === 0 ? (
        <p className="muted">No addenda.</p>
      ) : (
        <ol className="note__addenda-list">
          {data.note.addenda.map((a) => (
            <li key={a.id} data-testid="note-addendum-item">
              <p className="note__addendum-meta">
                {formatWhen(a.at, data.session.timeZone)} · {a.authorName}
              </p>
              <p className="note__addendum-text">{a.text}</p>
            </li>
          ))}
        </ol>
      )}
      {data.access === 'therapist' && (
        <form className="form" onSubmit={(e) => void submit(e)}>
          <div className="field">
            <label className="field__label" htmlFor={`${id}-a`}>
              Add an addendum (dated and signed with your name)
            </label>
            <textarea
              id={`${id}-a`}
              className="field__input note__text"
              rows={3}
              value={text}
              maxLength={RECORDS_LIMITS.addendumMax}
              onChange={(e) => setText(e.target.value)}
              data-testid="note-addendum"
            />
          </div>
          {error && (
            <p className="field__error" role="alert">
              {error}
            </p>
          )}
          <div className="form__actions">
            <button type="submit" className="button button--secondary" disabled={busy} data-testid="note-addendum-submit">
              Add addendum
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
