import { useState } from 'react';
import { calendarLinkSchema, calendarLinkStatusSchema, type CalendarLink } from '@hearth/protocol';
import { apiRequest } from '../../realtime/api';
import { useAuth } from '../auth/AuthProvider';
import { failureFrom, FormAlert, useSubmit } from '../admin/forms';
import { LoadState } from '../admin/LoadState';
import { callApi, useResource } from '../admin/resource';
import { useDocumentTitle } from '../layout/useDocumentTitle';

const createdFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' });

/** Subscribe to one's sessions from a phone or desktop calendar (ICS). */
export function CalendarPage() {
  useDocumentTitle('Calendar');
  return (
    <section className="page page--staff" aria-labelledby="calendar-heading">
      <h1 className="page__title" id="calendar-heading">
        Calendar
      </h1>
      <p className="page__lede">Add your Hearth sessions to the calendar on your phone or computer. It updates by itself.</p>
      <CalendarLinkPanel />
    </section>
  );
}

export function CalendarLinkPanel() {
  const { accessToken } = useAuth();
  const status = useResource('/api/me/calendar-link', calendarLinkStatusSchema);
  const [link, setLink] = useState<CalendarLink | null>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const [revoked, setRevoked] = useState(false);
  const { pending, failure, setFailure, run } = useSubmit();

  async function create() {
    setCopied(null);
    setRevoked(false);
    const made = await run(() => callApi('/api/me/calendar-link', calendarLinkSchema, { method: 'POST', token: accessToken }));
    if (made) {
      setLink(made);
      status.update(() => ({ active: true, createdAt: made.createdAt }));
    }
  }

  async function revoke() {
    setCopied(null);
    const done = await run(async () => {
      await apiRequest<unknown>('/api/me/calendar-link', { method: 'DELETE', token: accessToken });
      return true;
    });
    if (done) {
      setLink(null);
      setRevoked(true);
      status.update(() => ({ active: false, createdAt: null }));
    }
  }

  async function copy() {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link.url);
      setCopied('yes');
    } catch (error) {
      setCopied('no');
      setFailure(failureFrom(error));
    }
  }

  return (
    <div className="panel" data-testid="calendar-panel">
      <h2 className="panel__title">Your calendar link</h2>
      <p className="notice notice--info" data-testid="calendar-link-note">
        <strong>This link is private.</strong> Anyone who has it can see when your sessions are. Don't post or forward it. If
        it gets out, turn it off or make a new one: the old link stops working at once.
      </p>
      <LoadState resource={status.state} what="your calendar link" testId="calendar-link-status" onRetry={status.reload}>
        {(s) => (
          <div className="stack">
            {link ? (
              <div className="field">
                <label className="field__label" htmlFor="calendar-link-url">
                  Calendar address (copy it into your calendar app's "subscribe" or "add by URL")
                </label>
                <div className="copy-row">
                  <input
                    id="calendar-link-url"
                    className="field__input"
                    readOnly
                    value={link.url}
                    data-testid="calendar-link"
                    onFocus={(e) => e.currentTarget.select()}
                  />
                  <button type="button" className="button button--secondary" onClick={copy} data-testid="calendar-link-copy">
                    Copy
                  </button>
                </div>
                <p className="field__hint" role="status">
                  {copied === 'yes' ? 'Copied.' : copied === 'no' ? 'Copying did not work here: select the address and copy it.' : 'Shown once: Hearth keeps only a fingerprint of it.'}
                </p>
              </div>
            ) : s.active ? (
              <p data-testid="calendar-link-active">
                A calendar link is on{s.createdAt ? ` since ${createdFormat.format(new Date(s.createdAt))}` : ''}. For your privacy it
                can't be shown again; make a new one if you need the address.
              </p>
            ) : (
              <p data-testid="calendar-link-inactive">
                {revoked ? 'Your calendar link is turned off. Calendars using it will stop updating.' : 'You have no calendar link.'}
              </p>
            )}
            <FormAlert failure={failure} testId="calendar-link-error" />
            <div className="form__actions">
              <button type="button" className="button button--primary" onClick={create} disabled={pending} data-testid="calendar-link-create">
                {s.active ? 'Make a new link' : 'Create calendar link'}
              </button>
              {s.active && (
                <button type="button" className="button button--quiet" onClick={revoke} disabled={pending} data-testid="calendar-link-revoke">
                  Turn off link
                </button>
              )}
            </div>
          </div>
        )}
      </LoadState>
    </div>
  );
}
