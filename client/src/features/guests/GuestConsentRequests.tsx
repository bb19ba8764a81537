import { useCallback, useEffect, useState } from 'react';
import { guestConsentListSchema, type GuestConsentRequest } from '@hearth/protocol';
import { ApiError, apiRequest } from '../../realtime/api';
import { useAuth } from '../auth/AuthProvider';
import { formatRange } from '../schedule/formatSessionTime';

const POLL_MS = 5_000;

/**
 * A patient's pending requests to let a family member join a session. Under
 * 42 CFR Part 2 the patient consents before anything of their treatment is
 * disclosed; until they approve, the invitation link admits no one.
 */
export function GuestConsentRequests() {
  const { accessToken, user } = useAuth();
  const [requests, setRequests] = useState<GuestConsentRequest[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [answered, setAnswered] = useState<string | null>(null);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      if (!accessToken) return;
      const body = await apiRequest<unknown>('/api/me/guest-consents', { token: accessToken, signal });
      const parsed = guestConsentListSchema.safeParse(body);
      if (parsed.success) setRequests(parsed.data);
    },
    [accessToken],
  );

  useEffect(() => {
    if (user?.role !== 'patient') return;
    const controller = new AbortController();
    const tick = () => void load(controller.signal).catch(() => undefined);
    tick();
    const timer = setInterval(tick, POLL_MS);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [user?.role, load]);

  if (user?.role !== 'patient' || (requests.length === 0 && !answered)) return null;

  async function decide(id: string, decision: 'approve' | 'decline', who: string) {
    setBusy(id);
    setError(null);
    try {
      await apiRequest(`/api/guest-invites/${encodeURIComponent(id)}/consent`, { method: 'POST', token: accessToken ?? undefined, body: { decision } });
      setAnswered(decision === 'approve' ? `You agreed: ${who} can join with the link your therapist has.` : `You declined. ${who} will not join, and your therapist is told.`);
      await load().catch(() => undefined);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'We could not send your answer. Please try again.');
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="panel guest-consents" aria-labelledby="guest-consents-title">
      <h2 className="panel__title" id="guest-consents-title">
        Family member requests
      </h2>
      {answered && (
        <p className="notice" role="status" data-testid="guest-consent-answered">
          {answered}
        </p>
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <ul className="guest-consents__list">
        {requests.map((r) => (
          <li key={r.id} className="guest-consent" data-testid="guest-consent" data-guest-id={r.id}>
            <p className="guest-consent__ask">
              <strong>{r.therapistName}</strong> would like <strong>{r.guestName}</strong> (your {r.relationship}) to join{' '}
              <strong>{r.sessionTitle}</strong> ({formatRange(new Date(r.startsAt), new Date(r.endsAt))}).
            </p>
            <p className="guest-consent__law">
              Federal law (42 CFR Part 2) protects your treatment records: we need your consent before {r.guestName} sees and
              hears this session. They will join this one session only, and see nothing else of your care.
            </p>
            <div className="guest-consent__actions">
              <button
                type="button"
                className="button button--primary"
                data-testid="guest-consent-approve"
                disabled={busy === r.id}
                onClick={() => void decide(r.id, 'approve', r.guestName)}
              >
                I agree
              </button>
              <button
                type="button"
                className="button button--secondary"
                data-testid="guest-consent-decline"
                disabled={busy === r.id}
                onClick={() => void decide(r.id, 'decline', r.guestName)}
              >
                Decline
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
