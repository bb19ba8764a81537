import { useEffect, useId, useRef } from 'react';
import type { RoleplayClient } from '../../facilitation/RoleplayClient';
import { useStore } from '../turns/useStore';

/** The debrief the therapist put on everyone's screen: per player, how many observers ticked each item. */
export function DebriefOverlay({ roleplay, nameOf }: { roleplay: RoleplayClient; nameOf(id: string): string }) {
  const { debrief, exercise } = useStore(roleplay);
  const titleId = useId();
  const closeRef = useRef<HTMLButtonElement>(null);
  const shown = Boolean(debrief);
  useEffect(() => {
    if (shown) closeRef.current?.focus();
  }, [shown]);
  if (!debrief) return null;
  return (
    <div className="roleplay-debrief" role="dialog" aria-modal="false" aria-labelledby={titleId} data-testid="roleplay-debrief-view"
      onKeyDown={(e) => {
        if (e.key === 'Escape') roleplay.dismissDebrief();
      }}
    >
      <div className="roleplay-debrief__card">
        <h2 id={titleId} className="roleplay-debrief__title">
          Debrief{exercise ? `: ${exercise.scenario.title}` : ''} · round {debrief.round}
        </h2>
        <p className="roleplay-debrief__meta">
          {debrief.observersResponded === 0
            ? 'No observer feedback this round.'
            : `${debrief.observersResponded} observer${debrief.observersResponded === 1 ? '' : 's'} responded. Totals only, no names.`}
        </p>
        <div className="roleplay-debrief__players">
          {debrief.players.map((p) => (
            <section key={p.userId} className="roleplay-debrief__player" data-testid="roleplay-debrief-player" data-user-id={p.userId}>
              <h3 className="roleplay__subtitle">
                {nameOf(p.userId)} <span className="roleplay__skill">{p.roleName}</span>
              </h3>
              <ul className="roleplay-debrief__items">
                {p.checklist.map((c) => (
                  <li key={c.key} data-item-key={c.key} data-count={c.count}>
                    <span className="roleplay-debrief__bar" aria-hidden="true">
                      <span style={{ width: `${debrief.observersResponded ? (100 * c.count) / debrief.observersResponded : 0}%` }} />
                    </span>
                    <span className="roleplay-debrief__text">{c.text}</span>
                    <span className="roleplay-debrief__count">
                      {c.count}
                      <span className="sr-only"> of {debrief.observersResponded}</span>
                    </span>
                  </li>
                ))}
              </ul>
              {p.notes.length > 0 && (
                <ul className="roleplay-debrief__notes" aria-label="Observers’ notes">
                  {p.notes.map((n, i) => (
                    <li key={i}>“{n}”</li>
                  ))}
                </ul>
              )}
            </section>
          ))}
        </div>
        <button ref={closeRef} type="button" className="button button--secondary" data-testid="roleplay-debrief-close" onClick={roleplay.dismissDebrief}>
          Close
        </button>
      </div>
    </div>
  );
}
