import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { z } from 'zod';
import {
  createProgramBodySchema,
  displayNamePolicySchema,
  programSchema,
  programSpecialtySchema,
  type DisplayNamePolicy,
  type Program,
  type ProgramSpecialty,
} from '@hearth/protocol';
import { useAuth } from '../auth/AuthProvider';
import { useDocumentTitle } from '../layout/useDocumentTitle';
import { browserTimeZone } from '../calendar/zonedTime';
import { checkBody, Field, FormAlert, SubmitButton, useSubmit } from './forms';
import { defaultWeeklyHours, namePolicyLabels, specialtyLabels, timeZoneOptions } from './labels';
import { LoadState } from './LoadState';
import { callApi, useResource } from './resource';

const programListSchema = z.array(programSchema);

/** Admin: the programs they run, and a form to start a new one. */
export function ProgramsPage() {
  useDocumentTitle('Programs');
  const { state, reload, update } = useResource('/api/admin/programs', programListSchema);
  return (
    <section className="page page--staff" aria-labelledby="programs-heading">
      <h1 className="page__title" id="programs-heading">
        Programs
      </h1>
      <p className="page__lede">Each program has its own time zone, weekly hours target and name policy.</p>
      <LoadState resource={state} what="your programs" testId="programs" onRetry={reload}>
        {(programs) =>
          programs.length === 0 ? (
            <p className="state state--empty" data-testid="programs-empty">
              No programs yet. Create the first one below.
            </p>
          ) : (
            <ul className="staff-list" aria-label="Your programs">
              {programs.map((program) => (
                <li key={program.id} className="staff-list__row" data-testid="program-row" data-program-id={program.id}>
                  <Link to={`/admin/programs/${program.id}`} className="staff-list__title">
                    {program.name}
                  </Link>
                  <span className="staff-list__meta">
                    {specialtyLabels[program.specialty]} · {program.timeZone} · {program.weeklyHoursTarget} h a week
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </LoadState>
      <CreateProgramForm onCreated={(program) => update((programs) => [...programs, program])} />
    </section>
  );
}

interface ProgramDraft {
  name: string;
  specialty: ProgramSpecialty;
  timeZone: string;
  weeklyHoursTarget: string;
  /** Left alone by the admin: follows the specialty. */
  hoursTouched: boolean;
  displayNamePolicy: DisplayNamePolicy;
  joinWindowMinutesBefore: string;
}

function emptyDraft(): ProgramDraft {
  return {
    name: '',
    specialty: 'adult',
    timeZone: browserTimeZone(),
    weeklyHoursTarget: String(defaultWeeklyHours('adult')),
    hoursTouched: false,
    displayNamePolicy: 'first_name',
    joinWindowMinutesBefore: '15',
  };
}

const toNumber = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));

export function CreateProgramForm({ onCreated }: { onCreated: (program: Program) => void }) {
  const { accessToken } = useAuth();
  const [draft, setDraft] = useState<ProgramDraft>(emptyDraft);
  const [created, setCreated] = useState<Program | null>(null);
  const { pending, failure, setFailure, run } = useSubmit();
  const zones = timeZoneOptions(draft.timeZone);
  const fields = failure?.fields ?? {};

  const set = <K extends keyof ProgramDraft>(key: K, value: ProgramDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  function onSpecialty(specialty: ProgramSpecialty) {
    setDraft((d) => ({
      ...d,
      specialty,
      weeklyHoursTarget: d.hoursTouched ? d.weeklyHoursTarget : String(defaultWeeklyHours(specialty)),
    }));
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    const checked = checkBody(createProgramBodySchema, {
      name: draft.name,
      specialty: draft.specialty,
      timeZone: draft.timeZone,
      weeklyHoursTarget: toNumber(draft.weeklyHoursTarget),
      displayNamePolicy: draft.displayNamePolicy,
      joinWindowMinutesBefore: toNumber(draft.joinWindowMinutesBefore),
    });
    if (!checked.ok) return setFailure(checked.failure);
    const program = await run(() =>
      callApi('/api/admin/programs', programSchema, { method: 'POST', body: checked.body, token: accessToken }),
    );
    if (program) {
      onCreated(program);
      setCreated(program);
      setDraft(emptyDraft());
    }
  }

  return (
    <section className="panel" aria-labelledby="create-program-heading">
      <h2 className="panel__title" id="create-program-heading">
        New program
      </h2>
      <form className="form" onSubmit={onSubmit} noValidate aria-busy={pending} data-testid="create-program">
        <Field label="Name" error={fields.name}>
          {(p) => (
            <input {...p} className="field__input" data-testid="program-name" value={draft.name} onChange={(e) => set('name', e.target.value)} />
          )}
        </Field>
        <div className="form__row">
          <Field label="Specialty" error={fields.specialty}>
            {(p) => (
              <select
                {...p}
                className="field__input"
                data-testid="program-specialty"
                value={draft.specialty}
                onChange={(e) => onSpecialty(programSpecialtySchema.parse(e.target.value))}
              >
                {programSpecialtySchema.options.map((s) => (
                  <option key={s} value={s}>
                    {specialtyLabels[s]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Time zone" hint="Sessions are scheduled in this zone." error={fields.timeZone}>
            {(p) => (
              <select
                {...p}
                className="field__input"
                data-testid="program-time-zone"
                value={draft.timeZone}
                onChange={(e) => set('timeZone', e.target.value)}
              >
                {zones.map((zone) => (
                  <option key={zone} value={zone}>
                    {zone.replace(/_/g, ' ')}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="form__row">
          <Field
            label="Weekly hours target"
            hint="IOP minimum: 9 h for adults, 6 h for adolescents."
            error={fields.weeklyHoursTarget}
          >
            {(p) => (
              <input
                {...p}
                className="field__input"
                type="number"
                inputMode="decimal"
                min={1}
                max={40}
                step={0.25}
                data-testid="program-weekly-hours"
                value={draft.weeklyHoursTarget}
                onChange={(e) => setDraft((d) => ({ ...d, weeklyHoursTarget: e.target.value, hoursTouched: true }))}
              />
            )}
          </Field>
          <Field label="Join opens (minutes before start)" error={fields.joinWindowMinutesBefore}>
            {(p) => (
              <input
                {...p}
                className="field__input"
                type="number"
                inputMode="numeric"
                min={0}
                max={120}
                data-testid="program-join-window"
                value={draft.joinWindowMinutesBefore}
                onChange={(e) => set('joinWindowMinutesBefore', e.target.value)}
              />
            )}
          </Field>
        </div>
        <Field label="How patients see each other's names" error={fields.displayNamePolicy}>
          {(p) => (
            <select
              {...p}
              className="field__input"
              data-testid="program-name-policy"
              value={draft.displayNamePolicy}
              onChange={(e) => set('displayNamePolicy', displayNamePolicySchema.parse(e.target.value))}
            >
              {displayNamePolicySchema.options.map((policy) => (
                <option key={policy} value={policy}>
                  {namePolicyLabels[policy]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <FormAlert failure={failure} testId="create-program-error" />
        {created && (
          <p className="notice notice--success" role="status" data-testid="create-program-done">
            Created <Link to={`/admin/programs/${created.id}`}>{created.name}</Link>.
          </p>
        )}
        <div>
          <SubmitButton pending={pending} testId="create-program-submit">
            Create program
          </SubmitButton>
        </div>
      </form>
    </section>
  );
}
