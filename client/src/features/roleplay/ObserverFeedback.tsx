import { useEffect, useId, useState } from 'react';
import { breakoutOf, type RoleplayClient, type RoleplayClientState } from '../../facilitation/RoleplayClient';
import { errorMessage } from '../../facilitation/Store';

export interface ObserverFeedbackProps {
  roleplay: RoleplayClient;
  state: RoleplayClientState;
  selfUserId: string | null;
  nameOf(id: string | null): string;
}

/** Observers: the scenario's checklist and a note for each player of this round. */
export function ObserverFeedback({ roleplay, state, selfUserId, nameOf }: ObserverFeedbackProps) {
  const ex = state.exercise;
  if (!ex || ex.scene.status === 'ready') return null;
  const room = breakoutOf(ex, selfUserId);
  const players = (room ? room.assignments : ex.assignments).filter((a) => a.userId && a.userId !== selfUserId);
  if (players.length === 0) return null;
  return (
    <div className="roleplay__feedback">
      <h3 className="roleplay__subtitle">Your observations</h3>
      <p className="side-panel__hint">Tick what you saw. The therapist shares totals only, never who ticked what.</p>
      {players.map((a) => (
        <PlayerFeedbackForm
          key={`${ex.round}-${a.userId}`}
          roleplay={roleplay}
          playerUserId={a.userId!}
          title={`${nameOf(a.userId)} as ${a.roleName}`}
          checklist={ex.scenario.checklist}
          sent={state.myFeedback.find((f) => f.playerUserId === a.userId) ?? null}
        />
      ))}
    </div>
  );
}

function PlayerFeedbackForm({
  roleplay,
  playerUserId,
  title,
  checklist,
  sent,
}: {
  roleplay: RoleplayClient;
  playerUserId: string;
  title: string;
  checklist: { key: string; text: string }[];
  sent: { checked: string[]; note: string | null } | null;
}) {
  const noteId = useId();
  const [checked, setChecked] = useState<string[]>(sent?.checked ?? []);
  const [note, setNote] = useState(sent?.note ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(Boolean(sent));
  useEffect(() => setSaved(Boolean(sent)), [sent]);

  return (
    <form
      className="roleplay__form"
      data-testid="observer-checklist"
      data-user-id={playerUserId}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        roleplay
          .submitFeedback(playerUserId, checked, note)
          .then(() => setSaved(true))
          .catch((err: unknown) => setError(errorMessage(err)))
          .finally(() => setBusy(false));
      }}
    >
      <fieldset className="roleplay__fieldset">
        <legend className="roleplay__minor">{title}</legend>
        {checklist.map((c) => (
          <label key={c.key} className="roleplay__check">
            <input
              type="checkbox"
              data-testid="observer-check"
              data-item-key={c.key}
              checked={checked.includes(c.key)}
              onChange={(e) => {
                setSaved(false);
                setChecked((list) => (e.target.checked ? [...list, c.key] : list.filter((k) => k !== c.key)));
              }}
            />
            {c.text}
          </label>
        ))}
      </fieldset>
      <label htmlFor={noteId} className="roleplay__minor">
        Note for the debrief (optional)
      </label>
      <textarea
        id={noteId}
        className="roleplay__note-input"
        data-testid="observer-note"
        rows={2}
        maxLength={1000}
        value={note}
        onChange={(e) => {
          setSaved(false);
          setNote(e.target.value);
        }}
      />
      <div className="floor__actions">
        <button type="submit" className="button button--primary button--small" data-testid="roleplay-feedback-submit" data-user-id={playerUserId} disabled={busy}>
          {sent ? 'Update feedback' : 'Send feedback'}
        </button>
        {saved && (
          <span className="roleplay__saved" role="status" data-testid="roleplay-feedback-saved">
            Sent
          </span>
        )}
      </div>
      {error && (
        <p className="side-panel__error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
