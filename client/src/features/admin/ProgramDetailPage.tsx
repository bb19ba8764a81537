import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { z } from 'zod';
import {
  cohortSchema,
  LATE_AFTER_MINUTES,
  createCohortBodySchema,
  createMemberBodySchema,
  memberSchema,
  PROGRAM_TRACK_LABELS,
  PROGRAM_TRACKS,
  programSchema,
  roleSchema,
  updateProgramBodySchema,
  type Cohort,
  type Member,
  type Program,
  type ProgramTrack,
  type Role,
} from '@hearth/protocol';
import { useAuth } from '../auth/AuthProvider';
import { roleLabel } from '../layout/roleLabel';
import { useDocumentTitle } from '../layout/useDocumentTitle';
import { checkBody, Field, FormAlert, SubmitButton, useSubmit } from './forms';
import { namePolicyLabels, specialtyLabels } from './labels';
import { LoadState } from './LoadState';
import { callApi, useResource } from './resource';
import { AttendanceWeekPanel } from '../records/AttendanceWeekPanel';
import { ProgramAttendanceExport } from '../records/ProgramAttendanceExport';

const memberListSchema = z.array(memberSchema);
const cohortListSchema = z.array(cohortSchema);

/** Admin: one program's people and cohorts. */
export function ProgramDetailPage() {
  const { programId = '' } = useParams();
  const program = useResource(`/api/admin/programs/${encodeURIComponent(programId)}`, programSchema);
  useDocumentTitle(program.state.status === 'ready' ? program.state.data.name : 'Program');
  return (
    <section className="page page--staff" aria-labelledby="program-heading">
      <p className="breadcrumb">
        <Link to="/admin/programs">Programs</Link>
      </p>
      <LoadState resource={program.state} what="this program" testId="program" onRetry={program.reload}>
        {(data) => <ProgramDetail program={data} onChanged={(next) => program.update(() => next)} />}
      </LoadState>
    </section>
  );
}

function ProgramDetail({ program, onChanged }: { program: Program; onChanged: (program: Program) => void }) {
  const members = useResource(`/api/admin/programs/${program.id}/members`, memberListSchema);
  const cohorts = useResource('/api/me/cohorts', cohortListSchema);
  const memberList = members.state.status === 'ready' ? members.state.data : [];
  return (
    <>
      <h1 className="page__title" id="program-heading" data-testid="program-title">
        {program.name}
      </h1>
      <dl className="facts">
        <div>
          <dt>Specialty</dt>
          <dd>{specialtyLabels[program.specialty]}</dd>
        </div>
        <div>
          <dt>Time zone</dt>
          <dd>{program.timeZone.replace(/_/g, ' ')}</dd>
        </div>
        <div>
          <dt>Weekly target</dt>
          <dd>{program.weeklyHoursTarget} h</dd>
        </div>
        <div>
          <dt>Names</dt>
          <dd>{namePolicyLabels[program.displayNamePolicy]}</dd>
        </div>
        <div>
          <dt>Join opens</dt>
          <dd>{program.joinWindowMinutesBefore} min before</dd>
        </div>
        <div>
          <dt>Late from</dt>
          <dd data-testid="program-late-after">{lateAfterText(program.lateAfterMinutes)}</dd>
        </div>
      </dl>
      <LateAfterForm program={program} onSaved={onChanged} />

      <AttendanceWeekPanel programId={program.id} timeZone={program.timeZone} />
      <ProgramAttendanceExport programId={program.id} />

      <section className="panel" aria-labelledby="cohorts-heading">
        <h2 className="panel__title" id="cohorts-heading">
          Tracks and cohorts
        </h2>
        <LoadState resource={cohorts.state} what="the cohorts" testId="cohorts" onRetry={cohorts.reload}>
          {(all) => {
            const mine = all.filter((c) => c.programId === program.id);
            // Every track the program runs, and (defensively) any track a cohort still names.
            const tracks = PROGRAM_TRACKS.filter((t) => program.tracks.includes(t) || mine.some((c) => c.track === t));
            return (
              <div className="track-list">
                {tracks.map((track) => {
                  const inTrack = mine.filter((c) => c.track === track);
                  const headingId = `track-${track}-heading`;
                  return (
                    <section key={track} className="track-list__track" data-testid="program-track-section" data-track={track} aria-labelledby={headingId}>
                      <h3 className="track-list__title" id={headingId}>
                        {PROGRAM_TRACK_LABELS[track]} track
                      </h3>
                      {inTrack.length === 0 ? (
                        <p className="muted">No cohorts in this track yet.</p>
                      ) : (
                        <ul className="staff-list">
                          {inTrack.map((cohort) => (
                            <li key={cohort.id} className="staff-list__row" data-testid="cohort-row" data-cohort-id={cohort.id}>
                              <Link to={`/admin/programs/${program.id}/cohorts/${cohort.id}`} className="staff-list__title">
                                {cohort.name}
                              </Link>
                              <span className="staff-list__meta">
                                {cohort.activePatientCount} {cohort.activePatientCount === 1 ? 'patient' : 'patients'} ·{' '}
                                {cohort.therapists.map((t) => t.displayName).join(', ')}
                              </span>
                            </li>
                          ))}
                        </ul>
                      )}
                    </section>
                  );
                })}
              </div>
            );
          }}
        </LoadState>
        <ProgramTracksForm program={program} onSaved={onChanged} />
        <CreateCohortForm
          program={program}
          members={memberList}
          onCreated={(cohort) => cohorts.update((list) => [...list, cohort])}
        />
      </section>

      <section className="panel" aria-labelledby="members-heading">
        <h2 className="panel__title" id="members-heading">
          People
        </h2>
        <LoadState resource={members.state} what="the people of this program" testId="members" onRetry={members.reload}>
          {(list) => <MemberTable members={list} />}
        </LoadState>
        <CreateMemberForm programId={program.id} onCreated={(member) => members.update((list) => [...list, member])} />
      </section>
    </>
  );
}

function MemberTable({ members }: { members: Member[] }) {
  if (members.length === 0) return <p className="muted">No accounts yet.</p>;
  const sorted = [...members].sort((a, b) => a.role.localeCompare(b.role) || a.lastName.localeCompare(b.lastName));
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">E-mail</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((m) => (
            <tr key={m.id} data-testid="member-row" data-user-id={m.id}>
              <th scope="row">
                {m.firstName} {m.lastName}
              </th>
              <td>{roleLabel(m.role)}</td>
              <td className="table__wrap">{m.email}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const emptyMember = { email: '', firstName: '', lastName: '', role: 'patient' as Role, password: '' };

export function CreateMemberForm({ programId, onCreated }: { programId: string; onCreated: (member: Member) => void }) {
  const { accessToken } = useAuth();
  const [draft, setDraft] = useState(emptyMember);
  const [created, setCreated] = useState<Member | null>(null);
  const { pending, failure, setFailure, run } = useSubmit();
  const fields = failure?.fields ?? {};
  const set = (key: keyof typeof emptyMember, value: string) => setDraft((d) => ({ ...d, [key]: value }));

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    const checked = checkBody(createMemberBodySchema, draft);
    if (!checked.ok) return setFailure(checked.failure);
    const member = await run(() =>
      callApi(`/api/admin/programs/${programId}/members`, memberSchema, { method: 'POST', body: checked.body, token: accessToken }),
    );
    if (member) {
      onCreated(member);
      setCreated(member);
      setDraft(emptyMember);
    }
  }

  return (
    <details className="disclosure">
      <summary className="disclosure__summary">Create an account</summary>
      <form className="form" onSubmit={onSubmit} noValidate aria-busy={pending} data-testid="create-member">
        <div className="form__row">
          <Field label="First name" error={fields.firstName}>
            {(p) => (
              <input {...p} className="field__input" autoComplete="off" data-testid="member-first-name" value={draft.firstName} onChange={(e) => set('firstName', e.target.value)} />
            )}
          </Field>
          <Field label="Last name" error={fields.lastName}>
            {(p) => (
              <input {...p} className="field__input" autoComplete="off" data-testid="member-last-name" value={draft.lastName} onChange={(e) => set('lastName', e.target.value)} />
            )}
          </Field>
        </div>
        <div className="form__row">
          <Field label="E-mail" error={fields.email}>
            {(p) => (
              <input {...p} className="field__input" type="email" autoComplete="off" data-testid="member-email" value={draft.email} onChange={(e) => set('email', e.target.value)} />
            )}
          </Field>
          <Field label="Role" error={fields.role}>
            {(p) => (
              <select {...p} className="field__input" data-testid="member-role" value={draft.role} onChange={(e) => set('role', roleSchema.parse(e.target.value))}>
                {roleSchema.options.map((role) => (
                  <option key={role} value={role}>
                    {roleLabel(role)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field label="Initial password" hint="At least 12 characters. Hand it over in person or by phone, never by e-mail." error={fields.password}>
          {(p) => (
            <input {...p} className="field__input" type="text" autoComplete="new-password" data-testid="member-password" value={draft.password} onChange={(e) => set('password', e.target.value)} />
          )}
        </Field>
        <FormAlert failure={failure} testId="create-member-error" />
        {created && (
          <p className="notice notice--success" role="status" data-testid="create-member-done">
            Account created for {created.firstName} {created.lastName} ({roleLabel(created.role)}).
          </p>
        )}
        <div>
          <SubmitButton pending={pending} testId="create-member-submit">
            Create account
          </SubmitButton>
        </div>
      </form>
    </details>
  );
}

export function CreateCohortForm({
  program,
  members,
  onCreated,
}: {
  program: Program;
  members: Member[];
  onCreated: (cohort: Cohort) => void;
}) {
  const { accessToken } = useAuth();
  const therapists = members.filter((m) => m.role === 'therapist');
  const [name, setName] = useState('');
  const onlyTrack = program.tracks.length === 1 ? program.tracks[0]! : '';
  const [track, setTrack] = useState<ProgramTrack | ''>(onlyTrack);
  const [therapistId, setTherapistId] = useState('');
  const [coTherapistIds, setCoTherapistIds] = useState<string[]>([]);
  const [created, setCreated] = useState<Cohort | null>(null);
  const { pending, failure, setFailure, run } = useSubmit();
  const fields = failure?.fields ?? {};

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    const checked = checkBody(createCohortBodySchema, {
      name,
      track: track === '' ? undefined : track,
      therapistId,
      coTherapistIds: coTherapistIds.filter((id) => id !== therapistId),
    });
    // The server names the track when the program runs only one; with several, the admin picks.
    const noTrack = track === '' && program.tracks.length > 1;
    if (!checked.ok || noTrack) {
      const f = checked.ok ? { message: 'Check the highlighted field.', fields: {} as Record<string, string> } : checked.failure;
      if (f.fields.therapistId) f.fields.therapistId = 'Choose the lead therapist.';
      if (f.fields.track || noTrack) f.fields.track = 'Choose one of the program’s tracks.';
      return setFailure(f);
    }
    const cohort = await run(() =>
      callApi(`/api/admin/programs/${program.id}/cohorts`, cohortSchema, { method: 'POST', body: checked.body, token: accessToken }),
    );
    if (cohort) {
      onCreated(cohort);
      setCreated(cohort);
      setName('');
      setTrack(onlyTrack);
      setCoTherapistIds([]);
    }
  }

  const toggleCo = (id: string, on: boolean) => setCoTherapistIds((ids) => (on ? [...ids, id] : ids.filter((x) => x !== id)));

  return (
    <details className="disclosure">
      <summary className="disclosure__summary">Create a cohort</summary>
      <form className="form" onSubmit={onSubmit} noValidate aria-busy={pending} data-testid="create-cohort">
        <div className="form__row">
          <Field label="Cohort name" error={fields.name}>
            {(p) => <input {...p} className="field__input" data-testid="cohort-name" value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Track" hint="One of the tracks this program runs." error={fields.track}>
            {(p) => (
              <select
                {...p}
                className="field__input"
                data-testid="cohort-track"
                value={track}
                onChange={(e) => setTrack(e.target.value as ProgramTrack | '')}
              >
                {program.tracks.length > 1 && <option value="">Choose…</option>}
                {program.tracks.map((t) => (
                  <option key={t} value={t}>
                    {PROGRAM_TRACK_LABELS[t]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field
          label="Lead therapist"
          hint={therapists.length === 0 ? 'Create a therapist account first (People, below).' : undefined}
          error={fields.therapistId}
        >
          {(p) => (
            <select {...p} className="field__input" data-testid="cohort-lead" value={therapistId} onChange={(e) => setTherapistId(e.target.value)}>
              <option value="">Choose…</option>
              {therapists.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.firstName} {t.lastName}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset className="fieldset" aria-describedby={fields.coTherapistIds ? 'co-therapists-error' : undefined}>
          <legend className="field__label">Co-therapists</legend>
          {therapists.filter((t) => t.id !== therapistId).length === 0 && <p className="muted">No other therapists in this program.</p>}
          <div className="checks">
            {therapists
              .filter((t) => t.id !== therapistId)
              .map((t) => (
                <label key={t.id} className="check">
                  <input
                    type="checkbox"
                    data-testid="cohort-co-therapist"
                    value={t.id}
                    checked={coTherapistIds.includes(t.id)}
                    onChange={(e) => toggleCo(t.id, e.target.checked)}
                  />
                  {t.firstName} {t.lastName}
                </label>
              ))}
          </div>
          {fields.coTherapistIds && (
            <p className="field__error" id="co-therapists-error">
              {fields.coTherapistIds}
            </p>
          )}
        </fieldset>
        <FormAlert failure={failure} testId="create-cohort-error" />
        {created && (
          <p className="notice notice--success" role="status" data-testid="create-cohort-done">
            Created <Link to={`/admin/programs/${program.id}/cohorts/${created.id}`}>{created.name}</Link>. Open it to enroll
            patients and add sessions.
          </p>
        )}
        <div>
          <SubmitButton pending={pending} testId="create-cohort-submit">
            Create cohort
          </SubmitButton>
        </div>
      </form>
    </details>
  );
}

/** Admin: which tracks the program runs (a track that still has cohorts stays; the server says which). */
function ProgramTracksForm({ program, onSaved }: { program: Program; onSaved: (program: Program) => void }) {
  const { accessToken } = useAuth();
  const [tracks, setTracks] = useState<ProgramTrack[]>(program.tracks);
  const [saved, setSaved] = useState(false);
  const { pending, failure, setFailure, run } = useSubmit();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const checked = checkBody(updateProgramBodySchema, { tracks });
    if (!checked.ok) return setFailure(checked.failure);
    const next = await run(() => callApi(`/api/admin/programs/${program.id}`, programSchema, { method: 'PATCH', body: checked.body, token: accessToken }));
    if (next) {
      onSaved(next);
      setTracks(next.tracks);
      setSaved(true);
    }
  }

  const toggle = (t: ProgramTrack, on: boolean) => setTracks((list) => (on ? [...list, t] : list.filter((x) => x !== t)));

  return (
    <details className="disclosure">
      <summary className="disclosure__summary">Change the tracks this program runs</summary>
      <form className="form" onSubmit={onSubmit} noValidate aria-busy={pending} data-testid="program-tracks">
        <fieldset className="fieldset">
          <legend className="field__label">Tracks</legend>
          <div className="checks">
            {PROGRAM_TRACKS.map((t) => (
              <label key={t} className="check">
                <input type="checkbox" data-testid="program-track" value={t} checked={tracks.includes(t)} onChange={(e) => toggle(t, e.target.checked)} />
                {PROGRAM_TRACK_LABELS[t]}
              </label>
            ))}
          </div>
        </fieldset>
        <FormAlert failure={failure} testId="program-tracks-error" />
        {saved && (
          <p className="notice notice--success" role="status" data-testid="program-tracks-done">
            Saved: {program.tracks.map((t) => PROGRAM_TRACK_LABELS[t]).join(', ')}.
          </p>
        )}
        <SubmitButton pending={pending} testId="program-tracks-submit">
          Save tracks
        </SubmitButton>
      </form>
    </details>
  );
}

function lateAfterText(minutes: number): string {
  return minutes <= 1 ? '1 min after the start' : `${minutes} min after the start (grace period)`;
}

/**
 * Admin: when a patient counts as late (the record page's marks, the therapists' cards and the
 * CSV exports). Arriving in the waiting room counts as arriving; lateness itself is still shown
 * in minutes when it stays under the grace period.
 */
function LateAfterForm({ program, onSaved }: { program: Program; onSaved: (program: Program) => void }) {
  const { accessToken } = useAuth();
  const [minutes, setMinutes] = useState(String(program.lateAfterMinutes));
  const [saved, setSaved] = useState(false);
  const { pending, failure, setFailure, run } = useSubmit();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const checked = checkBody(updateProgramBodySchema, { lateAfterMinutes: minutes.trim() === '' ? NaN : Number(minutes) });
    if (!checked.ok) return setFailure(checked.failure);
    const next = await run(() => callApi(`/api/admin/programs/${program.id}`, programSchema, { method: 'PATCH', body: checked.body, token: accessToken }));
    if (next) {
      onSaved(next);
      setMinutes(String(next.lateAfterMinutes));
      setSaved(true);
    }
  }

  return (
    <details className="disclosure">
      <summary className="disclosure__summary">Change when a patient counts as late</summary>
      <form className="form" onSubmit={onSubmit} noValidate aria-busy={pending} data-testid="program-late-after-form">
        <Field
          label={`Late from (minutes after the start, ${LATE_AFTER_MINUTES.min}–${LATE_AFTER_MINUTES.max})`}
          hint="Checking in to the waiting room counts as arriving. 1 marks any arrival a whole minute after the start; more allows a grace period."
          error={failure?.fields?.lateAfterMinutes}
        >
          {(a11y) => (
            <input
              {...a11y}
              className="field__input"
              type="number"
              inputMode="numeric"
              min={LATE_AFTER_MINUTES.min}
              max={LATE_AFTER_MINUTES.max}
              value={minutes}
              onChange={(e) => setMinutes(e.target.value)}
              data-testid="program-late-after-input"
            />
          )}
        </Field>
        <FormAlert failure={failure} testId="program-late-after-error" />
        {saved && (
          <p className="notice notice--success" role="status" data-testid="program-late-after-done">
            Saved: late from {lateAfterText(program.lateAfterMinutes)}.
          </p>
        )}
        <SubmitButton pending={pending} testId="program-late-after-submit">
          Save
        </SubmitButton>
      </form>
    </details>
  );
}
