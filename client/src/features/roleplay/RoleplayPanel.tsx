import { useEffect, useId, useMemo, useState } from 'react';
import { SCENE_SECONDS, type ParticipantView, type RoleplayView, type RoomRole, type ScenarioView } from '@hearth/protocol';
import { formatCountdown } from '../../facilitation/FloorClient';
import { breakoutOf, sceneRemainingMs, type RoleplayClient, type RoleplayClientState } from '../../facilitation/RoleplayClient';
import { errorMessage } from '../../facilitation/Store';
import { useStore } from '../turns/useStore';
import { ObserverFeedback } from './ObserverFeedback';
import { skillLabel } from './labels';

export interface RoleplayPanelProps {
  roleplay: RoleplayClient;
  selfUserId: string | null;
  selfRole: RoomRole | null;
  participants: ParticipantView[];
}

/** Scene lengths offered to the therapist, in seconds. */
const LENGTHS = [30, 60, 120, 180, 300, 420, 600, 900, 1200, 1800].filter((s) => s >= SCENE_SECONDS.min && s <= SCENE_SECONDS.max);
const lengthLabel = (s: number) => (s < 60 ? `${s} seconds` : `${s / 60} min`);

const STATUS_TEXT: Record<RoleplayView['scene']['status'], string> = {
  ready: 'Getting ready',
  running: 'Scene in progress',
  paused: 'Scene paused',
  ended: 'Scene ended',
};

/** The scene's countdown (mm:ss), ticking locally against the server's clock. */
export function SceneTimer({ state }: { state: RoleplayClientState }) {
  const [now, setNow] = useState(() => Date.now());
  const running = state.exercise?.scene.status === 'running';
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [running, state.exercise?.scene.endsAt]);
  const left = sceneRemainingMs(state, now);
  if (left === null) return null;
  const text = formatCountdown(left);
  return (
    <span
      className={`turn-timer roleplay__timer${running && left <= 30_000 ? ' turn-timer--ending' : ''}`}
      role="timer"
      aria-label={`Time left in the scene: ${text}`}
    >
      <span data-testid="roleplay-timer" aria-hidden="true">
        {text}
      </span>
    </span>
  );
}

/** Role-play exercises: the library and controls (therapists), your role (players), feedback (observers). */
export function RoleplayPanel({ roleplay, selfUserId, selfRole, participants }: RoleplayPanelProps) {
  const headingId = useId();
  const state = useStore(roleplay);
  const isTherapist = selfRole === 'therapist';
  const ex = state.exercise;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = (task: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    task()
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };
  const nameOf = (id: string | null) =>
    id === null ? 'Nobody yet' : id === selfUserId ? 'You' : (participants.find((p) => p.userId === id)?.displayName ?? 'Someone who left');

  if (!ex && !isTherapist) return null;

  return (
    <section className="side-panel roleplay" aria-labelledby={headingId} id="room-roleplay" data-testid="roleplay-panel">
      <div className="side-panel__head">
        <h2 className="side-panel__title" id={headingId}>
          Role-play
        </h2>
        {ex && (
          <span className="roleplay__round" data-testid="roleplay-round">
            Round {ex.round}
          </span>
        )}
      </div>

      {!ex ? (
        <ScenarioLibrary roleplay={roleplay} busy={busy} onStart={(id) => run(() => roleplay.start(id))} />
      ) : (
        <>
          <ExerciseSummary view={ex} state={state} nameOf={nameOf} selfUserId={selfUserId} isTherapist={isTherapist} />
          {state.yourRole?.role && (
            <div className="roleplay__instructions" data-testid="roleplay-instructions" data-role-id={state.yourRole.role.key}>
              <h3 className="roleplay__subtitle">Your role: {state.yourRole.role.name}</h3>
              <p className="roleplay__private">Only you can see these instructions.</p>
              <p className="roleplay__text">{state.yourRole.role.instructions}</p>
            </div>
          )}
          {!isTherapist && !state.yourRole?.role && (
            <ObserverFeedback roleplay={roleplay} state={state} selfUserId={selfUserId} nameOf={nameOf} />
          )}
          {isTherapist && (
            <TherapistControls roleplay={roleplay} state={state} participants={participants} selfUserId={selfUserId} busy={busy} run={run} nameOf={nameOf} />
          )}
        </>
      )}

      {error && (
        <p className="side-panel__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function ExerciseSummary({
  view,
  state,
  nameOf,
  selfUserId,
  isTherapist,
}: {
  view: RoleplayView;
  state: RoleplayClientState;
  nameOf: (id: string | null) => string;
  selfUserId: string | null;
  isTherapist: boolean;
}) {
  const mine = breakoutOf(view, selfUserId);
  const cast = mine ? mine.assignments : view.assignments;
  const isObserver = view.observerUserIds.includes(selfUserId ?? '') && !isTherapist;
  const sceneOn = view.scene.status === 'running' || view.scene.status === 'paused';
  return (
    <div className="roleplay__summary">
      <p className="roleplay__title" data-testid="roleplay-title">
        {view.scenario.title} <span className="roleplay__skill">{skillLabel(view.scenario.skill)}</span>
      </p>
      <div className="roleplay__scene-line">
        <span className={`roleplay__status roleplay__status--${view.scene.status}`} data-testid="roleplay-status" data-status={view.scene.status}>
          {STATUS_TEXT[view.scene.status]}
          {mine ? ` · ${mine.name}` : ''}
        </span>
        <SceneTimer state={state} />
      </div>
      {sceneOn && isObserver && !mine && (
        <p className="roleplay__note" data-testid="roleplay-observing">
          You are observing: your microphone is held by the scene until it ends.
        </p>
      )}
      <details className="roleplay__details">
        <summary>Setting and goals</summary>
        <p className="roleplay__text">{view.scenario.setting}</p>
        <ul className="roleplay__goals">
          {view.scenario.goals.map((g) => (
            <li key={g}>{g}</li>
          ))}
        </ul>
      </details>
      <ul className="roleplay__cast" data-testid="roleplay-cast" aria-label="Who plays which role">
        {cast.map((a) => (
          <li key={a.roleKey} data-role-id={a.roleKey} data-user-id={a.userId ?? undefined}>
            <span className="roleplay__cast-role">{a.roleName}</span>
            <span className="roleplay__cast-who">{nameOf(a.userId)}</span>
          </li>
        ))}
      </ul>
      {mine === null && view.breakouts && <p className="roleplay__note">The group is in breakout rooms.</p>}
    </div>
  );
}

function ScenarioLibrary({ roleplay, busy, onStart }: { roleplay: RoleplayClient; busy: boolean; onStart(id: string): void }) {
  const [scenarios, setScenarios] = useState<ScenarioView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open || scenarios) return;
    let live = true;
    roleplay
      .scenarios()
      .then((list) => live && setScenarios(list))
      .catch((e: unknown) => live && setLoadError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [open, scenarios, roleplay]);
  const chosen = scenarios?.find((s) => s.id === selected) ?? null;

  if (!open) {
    return (
      <div className="roleplay__empty">
        <p className="side-panel__hint">Practise a skill together: pick a scenario, cast players, everyone else observes.</p>
        <button type="button" className="button button--secondary button--small" data-testid="roleplay-open-library" onClick={() => setOpen(true)}>
          Choose a scenario
        </button>
      </div>
    );
  }
  return (
    <div className="roleplay__library">
      {loadError && <p className="side-panel__error" role="alert">{loadError}</p>}
      {!scenarios && !loadError && <p className="side-panel__hint">Loading scenarios…</p>}
      {scenarios && (
        <ul className="roleplay__scenarios" aria-label="Scenario library">
          {scenarios.map((s) => (
            <li key={s.id}>
              <button
                type="button"
                className={`roleplay__scenario${s.id === selected ? ' is-selected' : ''}`}
                data-testid="roleplay-scenario"
                data-scenario-id={s.id}
                aria-pressed={s.id === selected}
                onClick={() => setSelected(s.id)}
              >
                <span className="roleplay__scenario-title">{s.title}</span>
                <span className="roleplay__scenario-meta">
                  {skillLabel(s.skill)} · {s.roles.length} roles
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {chosen && (
        <div className="roleplay__preview" data-testid="roleplay-preview" aria-live="polite">
          <h3 className="roleplay__subtitle">{chosen.title}</h3>
          <p className="roleplay__text">{chosen.setting}</p>
          <h4 className="roleplay__minor">Roles</h4>
          <ul className="roleplay__goals">
            {chosen.roles.map((r) => (
              <li key={r.key}>
                <strong>{r.name}</strong>: {r.instructions}
              </li>
            ))}
          </ul>
          <h4 className="roleplay__minor">Goals</h4>
          <ul className="roleplay__goals">
            {chosen.goals.map((g) => (
              <li key={g}>{g}</li>
            ))}
          </ul>
          <h4 className="roleplay__minor">Observers look for</h4>
          <ul className="roleplay__goals">
            {chosen.checklist.map((c) => (
              <li key={c.key}>{c.text}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="floor__actions">
        <button
          type="button"
          className="button button--primary button--small"
          data-testid="roleplay-start"
          disabled={busy || !chosen}
          onClick={() => chosen && onStart(chosen.id)}
        >
          Start exercise
        </button>
        <button type="button" className="button button--quiet button--small" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** Splits people into pairs (a trio takes the odd one out). */
export function splitGroups(userIds: string[], size: 2 | 3): string[][] {
  const groups: string[][] = [];
  for (let i = 0; i < userIds.length; i += size) groups.push(userIds.slice(i, i + size));
  const last = groups[groups.length - 1];
  if (last && last.length < 2 && groups.length > 1) groups[groups.length - 2]!.push(...last.splice(0));
  return groups.filter((g) => g.length >= 2);
}

function TherapistControls({
  roleplay,
  state,
  participants,
  selfUserId,
  busy,
  run,
  nameOf,
}: {
  roleplay: RoleplayClient;
  state: RoleplayClientState;
  participants: ParticipantView[];
  selfUserId: string | null;
  busy: boolean;
  run(task: () => Promise<unknown>): void;
  nameOf(id: string | null): string;
}) {
  const ex = state.exercise!;
  const lengthId = useId();
  const sizeId = useId();
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [seconds, setSeconds] = useState(180);
  const [size, setSize] = useState<2 | 3>(2);
  const [withNotes, setWithNotes] = useState(false);
  const status = ex.scene.status;
  const sceneOn = status === 'running' || status === 'paused';
  const castable = !sceneOn && !ex.breakouts;
  const cast = useMemo(() => Object.fromEntries(ex.assignments.map((a) => [a.roleKey, a.userId ?? ''])), [ex.assignments]);
  useEffect(() => setDraft({}), [ex.revision]);
  const value = (key: string) => draft[key] ?? cast[key] ?? '';
  const changed = ex.assignments.some((a) => value(a.roleKey) !== (a.userId ?? ''));
  const allCast = ex.assignments.every((a) => a.userId);
  const present = participants;
  const patients = present.filter((p) => p.role === 'patient').map((p) => p.userId);
  const mine = breakoutOf(ex, selfUserId);
  const feedback = state.therapist?.feedback ?? [];
  const responders = new Set(feedback.map((f) => f.observerUserId)).size;

  // Observers' feedback is not pushed: look again now and then while an exercise runs.
  useEffect(() => {
    const t = setInterval(() => void roleplay.refresh().catch(() => undefined), 5_000);
    return () => clearInterval(t);
  }, [roleplay]);

  return (
    <div className="roleplay__controls" role="group" aria-label="Run the role-play">
      {!ex.breakouts && (
        <fieldset className="roleplay__fieldset">
          <legend className="roleplay__minor">Cast the roles</legend>
          {ex.assignments.map((a) => {
            const id = `${lengthId}-${a.roleKey}`;
            return (
              <div key={a.roleKey} className="roleplay__role-row" data-testid="roleplay-role" data-role-id={a.roleKey} data-user-id={a.userId ?? undefined}>
                <label htmlFor={id}>{a.roleName}</label>
                <select
                  id={id}
                  data-testid="roleplay-role-select"
                  data-role-id={a.roleKey}
                  value={value(a.roleKey)}
                  disabled={busy || !castable}
                  onChange={(e) => setDraft((d) => ({ ...d, [a.roleKey]: e.target.value }))}
                >
                  <option value="">Nobody</option>
                  {present.map((p) => (
                    <option key={p.userId} value={p.userId}>
                      {p.userId === selfUserId ? `${p.displayName} (you)` : p.displayName}
                    </option>
                  ))}
                </select>
              </div>
            );
          })}
          <div className="floor__actions">
            <button
              type="button"
              className="button button--secondary button--small"
              data-testid="roleplay-assign"
              disabled={busy || !castable || !changed}
              onClick={() => run(() => roleplay.assign(ex.assignments.map((a) => ({ roleKey: a.roleKey, userId: value(a.roleKey) || null }))))}
            >
              Save cast
            </button>
            <button
              type="button"
              className="button button--quiet button--small"
              data-testid="roleplay-swap"
              disabled={busy || !castable || !allCast}
              onClick={() => run(() => roleplay.swapRoles())}
            >
              Swap roles
            </button>
          </div>
          <p className="side-panel__hint">Everyone else observes{ex.observerUserIds.length ? ` (${ex.observerUserIds.length})` : ''}.</p>
        </fieldset>
      )}

      <div className="floor__actions">
        {!sceneOn && (
          <>
            <label htmlFor={lengthId} className="floor__timer-label">
              Scene length
            </label>
            <select id={lengthId} data-testid="roleplay-scene-length" value={seconds} disabled={busy} onChange={(e) => setSeconds(Number(e.target.value))}>
              {LENGTHS.map((s) => (
                <option key={s} value={s}>
                  {lengthLabel(s)}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button button--primary button--small"
              data-testid="roleplay-start-scene"
              disabled={busy || (!ex.breakouts && !allCast)}
              onClick={() => run(() => roleplay.startScene(seconds))}
            >
              {status === 'ended' ? 'Replay scene' : 'Start scene'}
            </button>
          </>
        )}
        {status === 'running' && (
          <button type="button" className="button button--secondary button--small" data-testid="roleplay-pause" disabled={busy} onClick={() => run(roleplay.pauseScene)}>
            Pause
          </button>
        )}
        {status === 'paused' && (
          <button type="button" className="button button--secondary button--small" data-testid="roleplay-resume" disabled={busy} onClick={() => run(roleplay.resumeScene)}>
            Resume
          </button>
        )}
        {sceneOn && (
          <button type="button" className="button button--secondary button--small" data-testid="roleplay-end-scene" disabled={busy} onClick={() => run(roleplay.endScene)}>
            End scene
          </button>
        )}
      </div>

      <div className="roleplay__breakouts">
        <h3 className="roleplay__minor">Breakout rooms</h3>
        {!ex.breakouts ? (
          <div className="floor__actions">
            <label htmlFor={sizeId} className="floor__timer-label">
              Split into
            </label>
            <select id={sizeId} data-testid="breakout-size" value={size} disabled={busy || sceneOn} onChange={(e) => setSize(Number(e.target.value) as 2 | 3)}>
              <option value={2}>Pairs</option>
              <option value={3}>Trios</option>
            </select>
            <button
              type="button"
              className="button button--secondary button--small"
              data-testid="breakout-start"
              disabled={busy || sceneOn || patients.length < 2}
              onClick={() => run(() => roleplay.startBreakouts(splitGroups(patients, size)))}
            >
              Start breakouts
            </button>
          </div>
        ) : (
          <>
            <ul className="roleplay__rooms" aria-label="Breakout rooms">
              {ex.breakouts.map((b) => (
                <li key={b.id} className="roleplay__room" data-testid="breakout-room" data-breakout-id={b.id} data-user-ids={b.userIds.join(' ')}>
                  <span className="roleplay__room-name">{b.name}</span>
                  <span className="roleplay__room-who">{b.userIds.map(nameOf).join(', ')}</span>
                  {mine?.id === b.id ? (
                    <span className="roleplay__here">You are here</span>
                  ) : (
                    <button
                      type="button"
                      className="button button--quiet button--small"
                      data-testid="breakout-join"
                      data-breakout-id={b.id}
                      disabled={busy}
                      aria-label={`Drop into ${b.name}`}
                      onClick={() => run(() => roleplay.joinBreakout(b.id))}
                    >
                      Drop in
                    </button>
                  )}
                </li>
              ))}
            </ul>
            <div className="floor__actions">
              {mine && (
                <button type="button" className="button button--quiet button--small" data-testid="breakout-leave" disabled={busy} onClick={() => run(() => roleplay.joinBreakout(null))}>
                  Back to main room
                </button>
              )}
              <button type="button" className="button button--secondary button--small" data-testid="breakout-return" disabled={busy} onClick={() => run(roleplay.returnEveryone)}>
                Return everyone
              </button>
            </div>
          </>
        )}
      </div>

      <div className="roleplay__debrief-tools">
        <h3 className="roleplay__minor">Debrief</h3>
        <p className="side-panel__hint" data-testid="roleplay-responses">
          {responders === 0 ? 'No observer feedback yet this round.' : `${responders} observer${responders === 1 ? '' : 's'} sent feedback this round.`}
        </p>
        <label className="roleplay__check">
          <input type="checkbox" data-testid="roleplay-debrief-notes" checked={withNotes} onChange={(e) => setWithNotes(e.target.checked)} />
          Include observers’ notes (without names)
        </label>
        <div className="floor__actions">
          <button type="button" className="button button--secondary button--small" data-testid="roleplay-debrief" disabled={busy} onClick={() => run(() => roleplay.showDebrief(withNotes))}>
            Show debrief to everyone
          </button>
          <button type="button" className="button button--danger button--small" data-testid="roleplay-end" disabled={busy} onClick={() => run(roleplay.end)}>
            End exercise
          </button>
        </div>
      </div>
    </div>
  );
}
