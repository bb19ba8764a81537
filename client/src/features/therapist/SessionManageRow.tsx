import { useState, type FormEvent } from 'react';
import { cancelSessionBodySchema, sessionViewSchema, updateSessionBodySchema, type SessionView } from '@hearth/protocol';
import { useAuth } from '../auth/AuthProvider';
import { checkBody, Field, FormAlert, SubmitButton, useSubmit } from '../admin/forms';
import { sessionFormatLabels } from '../admin/labels';
import { callApi } from '../admin/resource';
import { formatSessionRange, wallClockIn, zonedInstant } from '../calendar/zonedTime';

type Mode = 'view' | 'reschedule' | 'cancel';

/** One session a therapist runs: its time, and inline forms to reschedule or cancel it. */
export function SessionManageRow({ session, onChanged }: { session: SessionView; onChanged: (session: SessionView) => void }) {
  const [mode, setMode] = useState<Mode>('view');
  const cancelled = session.status === 'cancelled';
  const ended = Date.parse(session.endsAt) <= Date.now();
  return (
    <li className="staff-list__row" data-testid="session-row" data-session-id={session.id} data-status={session.status}>
      <span className="staff-list__title">
        {session.title}
        {cancelled && <span className="badge badge--cancelled">Cancelled</span>}
      </span>
      <span className="staff-list__meta">
        <time dateTime={session.startsAt}>{formatSessionRange(new Date(session.startsAt), new Date(session.endsAt), session.timeZone)}</time>
        {' · '}
        {sessionFormatLabels[session.format]}
        {cancelled && session.cancelledReason ? ` · Reason: ${session.cancelledReason}` : ''}
      </span>
      {!cancelled && !ended && mode === 'view' && (
        <div className="form__actions">
          <button type="button" className="button button--quiet button--small" onClick={() => setMode('reschedule')} data-testid="reschedule-session">
            Reschedule
          </button>
          <button type="button" className="button button--quiet button--small" onClick={() => setMode('cancel')} data-testid="cancel-session">
            Cancel session
          </button>
        </div>
      )}
      {mode === 'reschedule' && <RescheduleForm session={session} onDone={(s) => (setMode('view'), onChanged(s))} onClose={() => setMode('view')} />}
      {mode === 'cancel' && <CancelForm session={session} onDone={(s) => (setMode('view'), onChanged(s))} onClose={() => setMode('view')} />}
    </li>
  );
}

function RescheduleForm({ session, onDone, onClose }: { session: SessionView; onDone: (s: SessionView) => void; onClose: () => void }) {
  const { accessToken } = useAuth();
  const start = wallClockIn(new Date(session.startsAt), session.timeZone);
  const [date, setDate] = useState(start.date);
  const [time, setTime] = useState(start.time);
  const [minutes, setMinutes] = useState(String(Math.round((Date.parse(session.endsAt) - Date.parse(session.startsAt)) / 60_000)));
  const { pending, failure, setFailure, run } = useSubmit();
  const fields = failure?.fields ?? {};

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    let startsAt = '';
    let endsAt = '';
    try {
      startsAt = zonedInstant(date, time, session.timeZone);
      endsAt = new Date(Date.parse(startsAt) + Number(minutes) * 60_000).toISOString();
    } catch {
      return setFailure({ message: 'Please correct the fields marked below.', fields: { startsAt: 'Enter a date and a time.' } });
    }
    const checked = checkBody(updateSessionBodySchema, { startsAt, endsAt });
    if (!checked.ok) return setFailure(checked.failure);
    const updated = await run(() =>
      callApi(`/api/sessions/${session.id}`, sessionViewSchema, { method: 'PATCH', body: checked.body, token: accessToken }),
    );
    if (updated) onDone(updated);
  }

  return (
    <form className="form form--inline" onSubmit={onSubmit} noValidate aria-busy={pending} data-testid="reschedule-form">
      <div className="form__row form__row--3">
        <Field label="New date" error={fields.startsAt}>
          {(p) => <input {...p} type="date" className="field__input" data-testid="reschedule-date" value={date} onChange={(e) => setDate(e.target.value)} />}
        </Field>
        <Field label={`Start (${session.timeZone.replace(/_/g, ' ')})`}>
          {(p) => <input {...p} type="time" className="field__input" data-testid="reschedule-time" value={time} onChange={(e) => setTime(e.target.value)} />}
        </Field>
        <Field label="Minutes" error={fields.endsAt}>
          {(p) => (
            <input {...p} type="number" min={10} max={480} step={5} className="field__input" data-testid="reschedule-duration" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
          )}
        </Field>
      </div>
      <FormAlert failure={failure} testId="reschedule-error" />
      <div className="form__actions">
        <SubmitButton pending={pending} testId="reschedule-submit">
          Move session
        </SubmitButton>
        <button type="button" className="button button--quiet" onClick={onClose}>
          Keep as is
        </button>
      </div>
    </form>
  );
}

function CancelForm({ session, onDone, onClose }: { session: SessionView; onDone: (s: SessionView) => void; onClose: () => void }) {
  const { accessToken } = useAuth();
  const [reason, setReason] = useState('');
  const { pending, failure, setFailure, run } = useSubmit();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const checked = checkBody(cancelSessionBodySchema, reason.trim() ? { reason } : {});
    if (!checked.ok) return setFailure(checked.failure);
    const updated = await run(() =>
      callApi(`/api/sessions/${session.id}/cancel`, sessionViewSchema, { method: 'POST', body: checked.body, token: accessToken }),
    );
    if (updated) onDone(updated);
  }

  return (
    <form className="form form--inline" onSubmit={onSubmit} noValidate aria-busy={pending} data-testid="cancel-form">
      <Field label="Reason (shown to the people in the session)" hint="Optional. Keep health details out of it." error={failure?.fields.reason}>
        {(p) => <input {...p} className="field__input" maxLength={500} data-testid="cancel-reason" value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <FormAlert failure={failure} testId="cancel-error" />
      <div className="form__actions">
        <SubmitButton pending={pending} testId="cancel-submit">
          Cancel this session
        </SubmitButton>
        <button type="button" className="button button--quiet" onClick={onClose}>
          Keep it
        </button>
      </div>
    </form>
  );
}
