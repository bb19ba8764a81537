import { useEffect, useId, useRef, useState } from 'react';
import { REACTION_LABELS, REACTIONS, type Reaction } from '@hearth/protocol';
import { MoreIcon } from './icons';
import { REACTION_ICONS } from './reactionIcons';

/** One switch in the "More" menu. */
export interface MoreToggle {
  key: string;
  label: string;
  /** Shown under the label (what it does, or why it is unavailable). */
  note?: string;
  on: boolean;
  disabled?: boolean;
  testId: string;
  /** A finer state than on/off for tests and styling (e.g. blur 'starting'), as data-state. */
  state?: string;
  onChange(on: boolean): void;
}

export interface MoreAction {
  key: string;
  label: string;
  note?: string;
  testId: string;
  disabled?: boolean;
  onSelect(): void;
}

/**
 * Less-used room settings behind one "More" button (the phone's controls bar
 * has no room for them): a disclosure with switches, closed by Escape, a
 * click outside, or choosing an action.
 */
export function MoreMenu({
  toggles,
  actions = [],
  onReact,
}: {
  toggles: MoreToggle[];
  actions?: MoreAction[];
  /** Reactions at the top of the menu (absent: none offered). */
  onReact?: (reaction: Reaction) => void;
}) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  return (
    <div className="more" ref={root}>
      <button
        ref={button}
        type="button"
        className="control"
        data-testid="more-menu"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <MoreIcon />
        <span className="control__label">More</span>
      </button>
      <div className="more__panel" id={panelId} hidden={!open} role="group" aria-label="More settings">
        {onReact && (
          <div className="more__reactions" role="group" aria-label="React to the group without speaking">
            {REACTIONS.map((r) => {
              const Icon = REACTION_ICONS[r];
              return (
                <button
                  key={r}
                  type="button"
                  className="more__reaction"
                  data-testid={`react-${r}`}
                  onClick={() => {
                    setOpen(false);
                    onReact(r);
                  }}
                >
                  <span className="more__reaction-symbol" aria-hidden="true">
                    <Icon size={22} />
                  </span>
                  <span className="more__reaction-label">{REACTION_LABELS[r].label}</span>
                </button>
              );
            })}
          </div>
        )}
        {actions.map((a) => (
          <button
            key={a.key}
            type="button"
            className="more__item"
            data-testid={a.testId}
            disabled={a.disabled}
            onClick={() => {
              setOpen(false);
              a.onSelect();
            }}
          >
            <span className="more__label">{a.label}</span>
            {a.note && <span className="more__note">{a.note}</span>}
          </button>
        ))}
        {toggles.map((t) => (
          <button
            key={t.key}
            type="button"
            className="more__item more__item--switch"
            data-testid={t.testId}
            data-state={t.state}
            aria-pressed={t.on}
            disabled={t.disabled}
            onClick={() => t.onChange(!t.on)}
          >
            <span className="more__switch" aria-hidden="true" />
            <span className="more__text">
              <span className="more__label">{t.label}</span>
              {t.note && <span className="more__note">{t.note}</span>}
            </span>
          </button>
        ))}
      </div>
    </div>
  );
}
