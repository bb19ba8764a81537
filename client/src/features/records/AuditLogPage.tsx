import { useState, type FormEvent } from 'react';
import { auditEntryListSchema, auditVerifySchema, type AuditVerifyResult } from '@hearth/protocol';
import { ApiError } from '../../realtime/api';
import { callApi, useResource } from '../admin/resource';
import { LoadState } from '../admin/LoadState';
import { useAuth } from '../auth/AuthProvider';
import { useDocumentTitle } from '../layout/useDocumentTitle';
import { downloadWithToken } from './download';

/** As typed: the person fields hold a user id or part of a name (queryOf tells which). */
interface Filters {
  subjectUserId: string;
  actorUserId: string;
  from: string;
  to: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function queryOf(f: Filters): string {
  const q = new URLSearchParams();
  // Each person field takes a user id, or part of a name.
  if (f.subjectUserId) q.set(UUID.test(f.subjectUserId) ? 'subjectUserId' : 'subjectName', f.subjectUserId);
  if (f.actorUserId) q.set(UUID.test(f.actorUserId) ? 'actorUserId' : 'actorName', f.actorUserId);
  if (f.from) q.set('from', new Date(`${f.from}T00:00:00`).toISOString());
  if (f.to) q.set('to', new Date(`${f.to}T23:59:59.999`).toISOString());
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Admin: who accessed whose health data, filtered by patient, actor and date; and a check of the
 * hash chain. People show by name (the id beneath); choosing a name filters by that person.
 */
export function AuditLogPage() {
  useDocumentTitle('Audit log');
  const { accessToken } = useAuth();
  const [draft, setDraft] = useState<Filters>({ subjectUserId: '', actorUserId: '', from: '', to: '' });
  const [applied, setApplied] = useState<Filters>(draft);
  const [problem, setProblem] = useState<string | null>(null);
  const [verify, setVerify] = useState<AuditVerifyResult | null>(null);
  const entries = useResource(`/api/audit${queryOf(applied)}`, auditEntryListSchema);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    for (const who of [draft.subjectUserId, draft.actorUserId]) {
      const text = who.trim();
      if (text && !UUID.test(text) && text.length < 2) {
        setProblem('Type at least two letters of a name, or a user id.');
        return;
      }
    }
    setProblem(null);
    setApplied({ ...draft, subjectUserId: draft.subjectUserId.trim(), actorUserId: draft.actorUserId.trim() });
  };

  const runVerify = async () => {
    try {
      setVerify(await callApi('/api/audit/verify', auditVerifySchema, { token: accessToken }));
    } catch (e) {
      setProblem(e instanceof ApiError ? e.message : 'Verification failed.');
    }
  };

  /** Filters by one person at once (a name in the table was chosen), keeping the dates. */
  const filterBy = (key: 'subjectUserId' | 'actorUserId', id: string) => {
    const next = { ...draft, subjectUserId: '', actorUserId: '', [key]: id };
    setProblem(null);
    setDraft(next);
    setApplied(next);
  };
  const clearPeople = () => {
    const next = { ...draft, subjectUserId: '', actorUserId: '' };
    setDraft(next);
    setApplied(next);
  };
  const loaded = entries.state.status === 'ready' ? entries.state.data : [];
  // A filter by id reads as the person's name once entries about them are shown; a name filter reads as typed.
  const nameOf = (id: string) =>
    UUID.test(id) ? (loaded.find((e) => e.subjectUserId === id)?.subjectName ?? loaded.find((e) => e.actorUserId === id)?.actorName ?? null) : `“${id}”`;
  const person = (id: string | null, name: string | null, key: 'subjectUserId' | 'actorUserId', empty: string, testId: string) => {
    if (!id) return <>{empty}</>;
    const role = key === 'subjectUserId' ? 'as the patient' : 'as the actor';
    return (
      <>
        <button
          type="button"
          className="audit__person"
          onClick={() => filterBy(key, id)}
          title={`Show only entries with ${name ?? id} ${role}`}
          data-testid={testId}
          data-user-id={id}
        >
          {name ?? 'Unknown user'}
        </button>
        <span className="table__sub audit__id">
          <ShortId id={id} empty="" />
        </span>
      </>
    );
  };
  const filteredPeople = [
    applied.subjectUserId && `about ${nameOf(applied.subjectUserId) ?? applied.subjectUserId}`,
    applied.actorUserId && `by ${nameOf(applied.actorUserId) ?? applied.actorUserId}`,
  ].filter(Boolean);

  const field = (key: keyof Filters, label: string, type = 'text', placeholder?: string) => (
    <div className="field">
      <label className="field__label" htmlFor={`audit-${key}`}>
        {label}
      </label>
      <input id={`audit-${key}`} className="field__input" type={type} placeholder={placeholder} value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} data-testid={`audit-filter-${key}`} />
    </div>
  );

  return (
    <section className="page page--staff" aria-labelledby="audit-heading">
      <h1 className="page__title" id="audit-heading">
        Audit log
      </h1>
      <p className="page__lede">Every access to health data: sign-ins, safety checks, crisis disclosures, check-ins, chat, notes and attendance.</p>
      <section className="panel" aria-labelledby="audit-verify-heading">
        <div className="panel__head">
          <h2 className="panel__title" id="audit-verify-heading">
            Tamper check
          </h2>
          <button type="button" className="button button--secondary button--small" onClick={() => void runVerify()} data-testid="audit-verify">
            Verify the chain
          </button>
        </div>
        {verify && (
          <p className={`notice ${verify.ok ? 'notice--success' : 'notice--error'}`} role="status" data-testid="audit-verify-result" data-ok={verify.ok}>
            {verify.ok ? `Intact: ${verify.entries} entries verified.` : `Broken at entry ${verify.firstBrokenId}: ${verify.reason}.`}
          </p>
        )}
      </section>
      <form className="form form__row" onSubmit={apply} aria-label="Filter the audit log">
        {field('subjectUserId', 'Patient', 'text', 'Name or user id')}
        {field('actorUserId', 'Actor', 'text', 'Name or user id')}
        {field('from', 'From', 'date')}
        {field('to', 'To', 'date')}
        <div className="form__actions">
          <button type="submit" className="button button--primary" data-testid="audit-filter-apply">
            Filter
          </button>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              if (accessToken) {
                downloadWithToken(`/api/audit/export.csv${queryOf(applied)}`, accessToken, 'audit-log.csv').catch((e: unknown) =>
                  setProblem(e instanceof ApiError ? e.message : 'The export failed.'),
                );
              }
            }}
            data-testid="audit-export"
          >
            Export CSV
          </button>
        </div>
      </form>
      {problem && (
        <p className="notice notice--error" role="alert">
          {problem}
        </p>
      )}
      {filteredPeople.length > 0 && (
        <p className="audit__filtered" data-testid="audit-filtered-by">
          Entries {filteredPeople.join(' and ')}.{' '}
          <button type="button" className="button button--secondary button--small" onClick={clearPeople} data-testid="audit-filter-clear-people">
            Show everyone
          </button>
        </p>
      )}
      <LoadState resource={entries.state} what="the audit log" testId="audit-log" onRetry={entries.reload}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No entries match.</p>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Audit entries, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">When</th>
                    <th scope="col">Action</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Patient</th>
                    <th scope="col">Object</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Origin</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((e) => (
                    <tr key={e.id} data-testid="audit-entry" data-action={e.action} data-subject-user-id={e.subjectUserId ?? ''} data-actor-user-id={e.actorUserId ?? ''}>
                      <td>{e.id}</td>
                      <td>{new Date(e.at).toLocaleString()}</td>
                      <td>
                        {e.action}
                        {e.purpose && <span className="table__sub">{e.purpose}</span>}
                      </td>
                      <td>{person(e.actorUserId, e.actorName, 'actorUserId', 'system / unknown', 'audit-actor')}</td>
                      <td>{person(e.subjectUserId, e.subjectName, 'subjectUserId', '—', 'audit-subject')}</td>
                      <td>
                        {e.objectType ?? '—'}
                        {e.objectId && (
                          <span className="table__sub audit__id">
                            <ShortId id={e.objectId} empty="" />
                          </span>
                        )}
                      </td>
                      <td>{e.outcome}</td>
                      <td>
                        {e.ip ?? '—'}
                        {e.userAgent && <span className="table__sub">{e.userAgent.slice(0, 60)}</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </LoadState>
    </section>
  );
}

/** The first block of a UUID, the whole one on hover and for screen readers. */
function ShortId({ id, empty }: { id: string | null; empty: string }) {
  if (!id) return <>{empty}</>;
  return (
    <span title={id} aria-label={id}>
      {id.slice(0, 8)}…
    </span>
  );
}
