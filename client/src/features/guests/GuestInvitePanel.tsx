import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { guestInviteListSchema, guestInviteViewSchema, sessionDetailSchema, type GuestInviteView, type SessionParticipant } from '@hearth/protocol';
import { ApiError, apiRequest } from '../../realtime/api';
import { useAuth } from '../auth/AuthProvider';

const POLL_MS = 3_000;

const STATUS_TEXT: Record<GuestInviteView['status'], string> = {
  awaiting_consent: 'Waiting for the patient’s consent',
  approved: 'Approved',
  declined: 'Declined',
  revoked: 'Withdrawn',
};

/**
 * Therapists, in a family session's room: invite a family member (name,
 * relationship, the patient they belong to). The patient is asked on their
 * schedule page; once they agree the guest's link appears here to send.
 */
export function GuestInvitePanel({ sessionId }: { sessionId: string }) {
  const { accessToken } = useAuth();
  const ids = { name: useId(), relationship: useId(), patient: useId(), title: useId() };
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [relationship, setRelationship] = useState('');
  const [patients, setPatients] = useState<SessionParticipant[]>([]);
  const [patientId, setPatientId] = useState('');
  const [invites, setInvites] = useState<GuestInviteView[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const token = accessToken ?? undefined;
  const base = `/api/sessions/${encodeURIComponent(sessionId)}`;

  const load = useCallback(async () => {
    const parsed = guestInviteListSchema.safeParse(await apiRequest<unknown>(`${base}/guest-invites`, { token }));
    if (parsed.success) setInvites(parsed.data);
  }, [base, token]);

  useEffect(() => {
    void apiRequest<unknown>(base, { token })
      .then((body) => {
        const parsed = sessionDetailSchema.safeParse(body);
        if (!parsed.success) return;
        const list = parsed.data.participants.filter((p) => p.role === 'patient');
        setPatients(list);
        setPatientId((current) => current || list[0]?.userId || '');
      })
      .catch(() => undefined);
    const tick = () => void load().catch(() => undefined);
    tick();
    // The patient answers on their own page: keep the list current.
    const timer = setInterval(tick, POLL_MS);
    return () => clearInterval(timer);
    // Once per session; the token renews quietly.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sessionId]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const made = guestInviteViewSchema.parse(
        await apiRequest<unknown>(`${base}/guest-invites`, {
          method: 'POST',
          token,
          body: { name, relationship, ...(patientId ? { patientId } : {}) },
        }),
      );
      setInvites((list) => [...list.filter((i) => i.id !== made.id), made]);
      setName('');
      setRelationship('');
      setOpen(false);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'We could not send the invitation. Please try again.');
    } finally {
      setBusy(false);
    }
  }

  async function revoke(id: string) {
    setError(null);
    try {
      const changed = guestInviteViewSchema.parse(await apiRequest<unknown>(`${base}/guest-invites/${encodeURIComponent(id)}/revoke`, { method: 'POST', token }));
      setInvites((list) => list.map((i) => (i.id === id ? changed : i)));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'We could not withdraw the invitation.');
    }
  }

  return (
    <section className="panel guest-panel" aria-labelledby={ids.title}>
      <div className="guest-panel__head">
        <h2 className="panel__title" id={ids.title}>
          Family guests
        </h2>
        <button type="button" className="button button--secondary button--small" data-testid="invite-guest" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          Invite a family member
        </button>
      </div>
      {open && (
        <form className="form guest-panel__form" onSubmit={(e) => void submit(e)}>
          <div className="field">
            <label className="field__label" htmlFor={ids.name}>
              Their name
            </label>
            <input id={ids.name} className="field__input" data-testid="guest-name" maxLength={60} value={name} onChange={(e) => setName(e.target.value)} required />
          </div>
          <div className="field">
            <label className="field__label" htmlFor={ids.relationship}>
              Relationship to the patient
            </label>
            <input
              id={ids.relationship}
              className="field__input"
              data-testid="guest-relationship"
              placeholder="e.g. sister"
              maxLength={40}
              value={relationship}
              onChange={(e) => setRelationship(e.target.value)}
              required
            />
          </div>
          {patients.length > 1 && (
            <div className="field">
              <label className="field__label" htmlFor={ids.patient}>
                Family member of
              </label>
              <select id={ids.patient} className="field__input" data-testid="guest-patient" value={patientId} onChange={(e) => setPatientId(e.target.value)}>
                {patients.map((p) => (
                  <option key={p.userId} value={p.userId}>
                    {p.displayName}
                  </option>
                ))}
              </select>
            </div>
          )}
          <p className="muted">The patient is asked to consent first (42 CFR Part 2); the link works only after they agree.</p>
          <button type="submit" className="button button--primary" data-testid="guest-invite-submit" disabled={busy || !name.trim() || !relationship.trim()}>
            Ask for consent
          </button>
        </form>
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {invites.length > 0 && (
        <ul className="guest-panel__list">
          {invites.map((i) => (
            <li key={i.id} className="guest-panel__invite" data-testid="guest-invite" data-guest-id={i.id} data-status={i.status}>
              <p className="guest-panel__name">{i.displayName}</p>
              <p className={`guest-panel__status guest-panel__status--${i.status}`} role={i.status === 'declined' ? 'status' : undefined}>
                {i.status === 'declined'
                  ? `${i.patientName} declined: ${i.name} will not join.`
                  : i.status === 'approved' && i.redeemed
                    ? 'Link opened: they are in the waiting room or the session'
                    : STATUS_TEXT[i.status]}
              </p>
              {i.joinUrl && (
                <p className="guest-panel__link">
                  <a href={i.joinUrl} data-testid="guest-invite-link" target="_blank" rel="noreferrer">
                    Guest link for {i.name}
                  </a>{' '}
                  <button type="button" className="button button--quiet button--small" onClick={() => void navigator.clipboard?.writeText(i.joinUrl!)}>
                    Copy
                  </button>
                </p>
              )}
              {(i.status === 'awaiting_consent' || i.status === 'approved') && (
                <button type="button" className="button button--quiet button--small" data-testid="guest-invite-revoke" onClick={() => void revoke(i.id)}>
                  Withdraw
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
