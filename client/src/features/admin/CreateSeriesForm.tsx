import { useState, type FormEvent } from 'react';
import {
  createSeriesBodySchema,
  createSeriesResponseSchema,
  groupFormatSchema,
  type CreateSeriesResponse,
} from '@hearth/protocol';
import { useAuth } from '../auth/AuthProvider';
import { formatSessionRange, wallClockIn } from '../calendar/zonedTime';
import { checkBody, Field, FormAlert, SubmitButton, useSubmit, type FormFailure } from './forms';
import { sessionFormatLabels } from './labels';
import { callApi } from './resource';
import { buildWeeklyRRule, describeWeekdays, WEEKDAYS, type WeekdayCode } from './rrule';

/** How many of the new sessions the preview lists. */
const PREVIEW = 6;

interface SeriesDraft {
  title: string;
  format: (typeof groupFormatSchema.options)[number];
  weekdays: WeekdayCode[];
  startTime: string;
  durationMinutes: string;
  startDate: string;
  until: string;
  count: string;
  themes: string;
}

function initialDraft(timeZone: string): SeriesDraft {
  return {
    title: '',
    format: 'group_therapy',
    weekdays: [],
    startTime: '18:00',
    durationMinutes: '180',
    startDate: wallClockIn(new Date(), timeZone).date,
    until: '',
    count: '',
    themes: '',
  };
}

/** Admin: a weekly group track for a cohort, with a preview of the sessions the server made. */
export function CreateSeriesForm({ cohortId, timeZone, onCreated }: { cohortId: string; timeZone: string; onCreated: () => void }) {
  const { accessToken } = useAuth();
  const [draft, setDraft] = useState<SeriesDraft>(() => initialDraft(timeZone));
  const [result, setResult] = useState<CreateSeriesResponse | null>(null);
  const { pending, failure, setFailure, run } = useSubmit();
  const fields = failure?.fields ?? {};
  const set = <K extends keyof SeriesDraft>(key: K, value: SeriesDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const rule = buildWeeklyRRule({
    weekdays: draft.weekdays,
    until: draft.until || undefined,
    count: draft.count.trim() === '' ? undefined : Number(draft.count),
  });

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setResult(null);
    const ruleFailure: FormFailure | null = rule.ok
      ? null
      : { message: 'Please correct the fields marked below.', fields: { [rule.field]: rule.message } };
    const checked = checkBody(createSeriesBodySchema, {
      title: draft.title,
      format: draft.format,
      rrule: rule.ok ? rule.rrule : 'FREQ=WEEKLY',
      startDate: draft.startDate,
      startTime: draft.startTime,
      durationMinutes: draft.durationMinutes.trim() === '' ? Number.NaN : Number(draft.durationMinutes),
      themes: draftThemes(draft.themes),
    });
    if (ruleFailure || !checked.ok) {
      return setFailure({
        message: 'Please correct the fields marked below.',
        fields: { ...(checked.ok ? {} : checked.failure.fields), ...(ruleFailure?.fields ?? {}) },
      });
    }
    const created = await run(() =>
      callApi(`/api/admin/cohorts/${cohortId}/series`, createSeriesResponseSchema, { method: 'POST', body: checked.body, token: accessToken }),
    );
    if (created) {
      setResult(created);
      setDraft(initialDraft(timeZone));
      onCreated();
    }
  }

  const toggleDay = (code: WeekdayCode, on: boolean) =>
    set('weekdays', on ? [...draft.weekdays, code] : draft.weekdays.filter((d) => d !== code));
  const daysError = fields.weekdays ?? fields.rrule;

  return (
    <details className="disclosure" open={result !== null || undefined}>
      <summary className="disclosure__summary">Add a recurring series</summary>
      {result && <SeriesPreview result={result} />}
      <form className="form" onSubmit={onSubmit} noValidate aria-busy={pending} data-testid="create-series">
        <div className="form__row">
          <Field label="Title" hint="For example: Evening group." error={fields.title}>
            {(p) => <input {...p} className="field__input" data-testid="series-title" value={draft.title} onChange={(e) => set('title', e.target.value)} />}
          </Field>
          <Field label="Format" error={fields.format}>
            {(p) => (
              <select
                {...p}
                className="field__input"
                data-testid="series-format"
                value={draft.format}
                onChange={(e) => set('format', groupFormatSchema.parse(e.target.value))}
              >
                {groupFormatSchema.options.map((f) => (
                  <option key={f} value={f}>
                    {sessionFormatLabels[f]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <fieldset className="fieldset" aria-describedby={daysError ? 'series-days-error' : undefined} aria-invalid={Boolean(daysError)}>
          <legend className="field__label">Days of the week</legend>
          <div className="checks checks--days">
            {WEEKDAYS.map((day) => (
              <label key={day.code} className="check check--day">
                <input
                  type="checkbox"
                  data-testid="series-weekday"
                  value={day.code}
                  checked={draft.weekdays.includes(day.code)}
                  onChange={(e) => toggleDay(day.code, e.target.checked)}
                />
                <span aria-hidden="true">{day.short}</span>
                <span className="visually-hidden">{day.label}</span>
              </label>
            ))}
          </div>
          {daysError && (
            <p className="field__error" id="series-days-error">
              {daysError}
            </p>
          )}
        </fieldset>
        <div className="form__row form__row--3">
          <Field label="First date" error={fields.startDate}>
            {(p) => <input {...p} type="date" className="field__input" data-testid="series-start-date" value={draft.startDate} onChange={(e) => set('startDate', e.target.value)} />}
          </Field>
          <Field label="Start time" error={fields.startTime}>
            {(p) => <input {...p} type="time" className="field__input" data-testid="series-start-time" value={draft.startTime} onChange={(e) => set('startTime', e.target.value)} />}
          </Field>
          <Field label="Minutes" error={fields.durationMinutes}>
            {(p) => (
              <input
                {...p}
                type="number"
                inputMode="numeric"
                min={10}
                max={480}
                step={5}
                className="field__input"
                data-testid="series-duration"
                value={draft.durationMinutes}
                onChange={(e) => set('durationMinutes', e.target.value)}
              />
            )}
          </Field>
        </div>
        <div className="form__row">
          <Field label="Last date (optional)" error={fields.until}>
            {(p) => <input {...p} type="date" className="field__input" data-testid="series-until" value={draft.until} onChange={(e) => set('until', e.target.value)} />}
          </Field>
          <Field label="Or number of sessions (optional)" error={fields.count}>
            {(p) => (
              <input
                {...p}
                type="number"
                inputMode="numeric"
                min={1}
                max={500}
                className="field__input"
                data-testid="series-count"
                value={draft.count}
                onChange={(e) => set('count', e.target.value)}
              />
            )}
          </Field>
        </div>
        <Field label="Themes (optional)" hint="One per line; given to the sessions in turn, then from the top again." error={fields.themes}>
          {(p) => (
            <textarea {...p} rows={4} className="field__input" data-testid="series-themes" value={draft.themes} onChange={(e) => set('themes', e.target.value)} />
          )}
        </Field>
        <p className="muted" data-testid="series-rule" aria-live="polite">
          {rule.ok
            ? `Every ${describeWeekdays(draft.weekdays)} at ${draft.startTime || '–'} (${timeZone.replace(/_/g, ' ')}). Rule: ${rule.rrule}`
            : 'Tick the days to see the rule.'}
        </p>
        <FormAlert failure={failure} testId="create-series-error" />
        <div>
          <SubmitButton pending={pending} testId="create-series-submit">
            Create series
          </SubmitButton>
        </div>
      </form>
    </details>
  );
}

function draftThemes(text: string): string[] | undefined {
  const themes = text
    .split('\n')
    .map((t) => t.trim())
    .filter(Boolean);
  return themes.length ? themes : undefined;
}

function SeriesPreview({ result }: { result: CreateSeriesResponse }) {
  const upcoming = [...result.sessions].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt)).slice(0, PREVIEW);
  return (
    <div className="notice notice--success" role="status" data-testid="series-preview">
      <p>
        <strong>{result.series.title}</strong>: {result.sessions.length} sessions scheduled. The next ones:
      </p>
      <ol className="preview-list">
        {upcoming.map((s) => (
          <li key={s.id} data-testid="series-preview-item" data-session-id={s.id}>
            {formatSessionRange(new Date(s.startsAt), new Date(s.endsAt), s.timeZone)}
            {s.theme ? ` · ${s.theme}` : ''}
          </li>
        ))}
      </ol>
    </div>
  );
}
