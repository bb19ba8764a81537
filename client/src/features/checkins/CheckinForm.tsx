import { useEffect, useId, useRef, useState } from 'react';
import { CHECKIN_WORD_MAX } from '@hearth/protocol';
import type { CheckinClient } from '../../facilitation/CheckinClient';
import { errorMessage } from '../../facilitation/Store';
import { useStore } from '../turns/useStore';
import { validateCheckin, type CheckinDraft, type CheckinErrors } from './checkinForm';

interface ScaleProps {
  label: string;
  low: string;
  high: string;
  testId: string;
  value: number | null;
  error?: string;
  onChange(v: number): void;
}

/**
 * A 0–10 slider that starts unset (no anchoring on the middle). Listens to the
 * native input event too, so choosing the value it shows while unset still counts.
 */
function Scale({ label, low, high, testId, value, error, onChange }: ScaleProps) {
  const id = useId();
  const ref = useRef<HTMLInputElement>(null);
  const changeRef = useRef(onChange);
  changeRef.current = onChange;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const handler = () => changeRef.current(Number(el.value));
    el.addEventListener('input', handler);
    el.addEventListener('change', handler);
    return () => {
      el.removeEventListener('input', handler);
      el.removeEventListener('change', handler);
    };
  }, []);
  return (
    <div className={`scale${value === null ? ' scale--unset' : ''}`}>
      <div className="scale__head">
        <label htmlFor={id} className="scale__label">
          {label}
        </label>
        <output htmlFor={id} className="scale__value" data-testid={`${testId}-value`}>
          {value === null ? 'not chosen' : `${value} / 10`}
        </output>
      </div>
      <input
        ref={ref}
        id={id}
        type="range"
        min={0}
        max={10}
        step={1}
        data-testid={testId}
        value={value ?? 5}
        aria-valuetext={value === null ? 'not chosen' : `${value} out of 10`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(Number(e.target.value))}
      />
      <div className="scale__ends" aria-hidden="true">
        <span>0 · {low}</span>
        <span>10 · {high}</span>
      </div>
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A patient's private check-in: mood and craving (0–10) and an optional word. Only therapists see answers. */
export function CheckinForm({ checkins }: { checkins: CheckinClient }) {
  const headingId = useId();
  const wordId = useId();
  const { open, mine } = useStore(checkins);
  const [draft, setDraft] = useState<CheckinDraft>({ mood: null, craving: null, word: '' });
  const [errors, setErrors] = useState<CheckinErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(false);

  // A new check-in starts blank; a reload shows the answer already given.
  const openId = open?.id ?? null;
  useEffect(() => {
    setDraft(mine ? { mood: mine.mood, craving: mine.craving, word: mine.word ?? '' } : { mood: null, craving: null, word: '' });
    setErrors({});
    setEditing(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [openId]);

  if (!open) return null;

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const found = validateCheckin(draft);
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setError(null);
    checkins
      .submit({ mood: draft.mood!, craving: draft.craving!, word: draft.word })
      .then(() => setEditing(false))
      .catch((err: unknown) => setError(errorMessage(err)))
      .finally(() => setBusy(false));
  };

  return (
    <section className="side-panel checkin-form" aria-labelledby={headingId} id="room-checkin" data-testid="checkin-form">
      <h2 className="side-panel__title" id={headingId}>
        Check-in
      </h2>
      <p className="side-panel__hint">Private: only your therapists see your answers.</p>
      {mine && !editing ? (
        <div className="checkin-form__done" role="status">
          <p>
            Thank you. You shared mood <strong>{mine.mood}/10</strong> and craving <strong>{mine.craving}/10</strong>
            {mine.word ? (
              <>
                {' '}
                and “<span>{mine.word}</span>”
              </>
            ) : null}
            .
          </p>
          <button type="button" className="button button--quiet button--small" onClick={() => setEditing(true)}>
            Change my answer
          </button>
        </div>
      ) : (
        <form onSubmit={submit} noValidate className="checkin-form__form">
          <Scale
            label="Mood right now"
            low="very low"
            high="very good"
            testId="checkin-mood"
            value={draft.mood}
            error={errors.mood}
            onChange={(mood) => setDraft((d) => ({ ...d, mood }))}
          />
          <Scale
            label="Craving right now"
            low="none"
            high="strongest"
            testId="checkin-craving"
            value={draft.craving}
            error={errors.craving}
            onChange={(craving) => setDraft((d) => ({ ...d, craving }))}
          />
          <div className="field">
            <label htmlFor={wordId} className="field__label">One word for how you feel (optional)</label>
            <input
              id={wordId}
              className="field__input"
              data-testid="checkin-word"
              value={draft.word}
              maxLength={CHECKIN_WORD_MAX + 10}
              aria-invalid={errors.word ? true : undefined}
              onChange={(e) => setDraft((d) => ({ ...d, word: e.target.value }))}
            />
            {errors.word && <p className="field__error">{errors.word}</p>}
          </div>
          <button type="submit" className="button button--primary button--small" data-testid="checkin-submit" disabled={busy}>
            {mine ? 'Update my check-in' : 'Send to my therapist'}
          </button>
          {error && (
            <p className="side-panel__error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
