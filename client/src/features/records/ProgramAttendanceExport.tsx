import { useState, type FormEvent } from 'react';
import { ApiError } from '../../realtime/api';
import { useAuth } from '../auth/AuthProvider';
import { downloadWithToken } from './download';

/** Admin: a program's attendance (minutes per patient per session) as CSV for a date range; empty dates mean this week. */
export function ProgramAttendanceExport({ programId }: { programId: string }) {
  const { accessToken } = useAuth();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!accessToken) return;
    const q = new URLSearchParams();
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    setBusy(true);
    setError(null);
    try {
      await downloadWithToken(`/api/programs/${programId}/attendance.csv${q.size ? `?${q}` : ''}`, accessToken, 'attendance.csv');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The export failed.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="program-attendance-heading">
      <h2 className="panel__title" id="program-attendance-heading">
        Attendance export
      </h2>
      <p className="muted">Minutes in the room per patient per session, for billing. Leave the dates empty for this week.</p>
      <form className="form form__row" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label className="field__label" htmlFor="program-attendance-from">
            From
          </label>
          <input id="program-attendance-from" className="field__input" type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="program-attendance-from" />
        </div>
        <div className="field">
          <label className="field__label" htmlFor="program-attendance-to">
            To
          </label>
          <input id="program-attendance-to" className="field__input" type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="program-attendance-to" />
        </div>
        <div className="form__actions">
          <button type="submit" className="button button--secondary" disabled={busy} data-testid="program-attendance-export">
            {busy ? 'Exporting…' : 'Export CSV'}
          </button>
        </div>
      </form>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
