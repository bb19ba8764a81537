import { useEffect, useState } from 'react';
import { Navigate, useNavigate, useParams } from 'react-router-dom';
import { GuestErrorCode, redeemGuestLinkResponseSchema, type RedeemGuestLinkResponse } from '@hearth/protocol';
import { ApiError, apiRequest } from '../../realtime/api';
import { useAuth } from '../auth/AuthProvider';
import { HearthMark } from '../layout/HearthMark';
import { useDocumentTitle } from '../layout/useDocumentTitle';
import { guestSessionId, rememberGuestSession } from './guestSession';

type State = { status: 'opening' } | { status: 'refused'; code: string; message: string };

// One redemption per token per page load (React's development double effects must not use the link twice).
const redeeming = new Map<string, Promise<RedeemGuestLinkResponse>>();

function redeem(token: string): Promise<RedeemGuestLinkResponse> {
  let p = redeeming.get(token);
  if (!p) {
    p = apiRequest<unknown>('/api/guest-links/redeem', { method: 'POST', body: { token } }).then((body) =>
      redeemGuestLinkResponseSchema.parse(body),
    );
    redeeming.set(token, p);
  }
  return p;
}

const TITLES: Partial<Record<string, string>> = {
  [GuestErrorCode.AlreadyUsed]: 'This link has already been used',
  [GuestErrorCode.Expired]: 'This link has expired',
  [GuestErrorCode.Revoked]: 'This invitation was withdrawn',
  [GuestErrorCode.AwaitingConsent]: 'This link is not active yet',
  [GuestErrorCode.Declined]: 'This link is not active',
  [GuestErrorCode.NotYetOpen]: 'It is too early to join',
};

/**
 * /guest/:token — a family member's invitation link. No account: the link
 * signs them in to that one session and takes them to its pre-join check.
 * A link that cannot be used says why and whom to contact.
 */
export function GuestLinkPage() {
  const { token = '' } = useParams();
  const { user, signIn } = useAuth();
  const navigate = useNavigate();
  const [state, setState] = useState<State>({ status: 'opening' });
  useDocumentTitle('Your invitation');
  const resumed = user?.role === 'family' ? guestSessionId() : null;

  useEffect(() => {
    if (resumed) return;
    let live = true;
    redeem(token)
      .then((result) => {
        if (!live) return;
        rememberGuestSession(result.sessionId);
        signIn(result);
        navigate(`/sessions/${encodeURIComponent(result.sessionId)}/join`, { replace: true });
      })
      .catch((e: unknown) => {
        if (!live) return;
        setState({
          status: 'refused',
          code: e instanceof ApiError ? e.code : 'unknown',
          message:
            e instanceof ApiError && e.status !== 0
              ? e.message
              : 'We could not reach Hearth. Check your connection and open the link again.',
        });
      });
    return () => {
      live = false;
    };
    // Once per link.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token]);

  // This device already opened the link (a reload): go back to the session.
  if (resumed) return <Navigate to={`/sessions/${encodeURIComponent(resumed)}/join`} replace />;

  return (
    <div className="login-page">
      <main className="login-card guest-link" aria-labelledby="guest-link-title">
        <div className="login-card__brand">
          <HearthMark size={44} />
          <span className="login-card__wordmark">Hearth</span>
        </div>
        {state.status === 'opening' ? (
          <>
            <h1 className="login-card__title" id="guest-link-title">
              Opening your invitation…
            </h1>
            <p className="login-card__lede" role="status">
              <span className="spinner" aria-hidden="true" /> One moment.
            </p>
          </>
        ) : (
          <section data-testid="guest-link-error" data-code={state.code} role="alert">
            <h1 className="login-card__title" id="guest-link-title">
              {TITLES[state.code] ?? 'This link does not work'}
            </h1>
            <p className="login-card__lede">{state.message}</p>
          </section>
        )}
      </main>
    </div>
  );
}

/** Where a signed-in family guest lands instead of a schedule: their one session, or an explanation. */
export function GuestHome() {
  const sessionId = guestSessionId();
  if (sessionId) return <Navigate to={`/sessions/${encodeURIComponent(sessionId)}/join`} replace />;
  return (
    <section className="page" aria-labelledby="guest-home-title">
      <h1 className="page__title" id="guest-home-title">
        Your invitation
      </h1>
      <p className="page__lede">Open the link you were sent to join the session you were invited to.</p>
    </section>
  );
}
