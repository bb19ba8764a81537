import { useEffect, useRef } from 'react';
import type { CrisisAlertView } from '@hearth/protocol';

type AudioContextCtor = new () => AudioContext;

/** Two short tones (Web Audio, nothing to download). Silent where the browser has no audio. */
export function playAlertChime(
  win: Window & { webkitAudioContext?: AudioContextCtor } = window,
  tones: readonly number[] = [880, 660],
): boolean {
  const Ctor: AudioContextCtor | undefined = (win as unknown as { AudioContext?: AudioContextCtor }).AudioContext ?? win.webkitAudioContext;
  if (!Ctor) return false;
  try {
    const ctx = new Ctor();
    const start = ctx.currentTime;
    tones.forEach((hz, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = hz;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + i * 0.25);
      osc.stop(start + i * 0.25 + 0.2);
    });
    setTimeout(() => void ctx.close().catch(() => undefined), 1_000);
    return true;
  } catch {
    return false;
  }
}

/** A system notification when the tab is hidden and the therapist allowed them; no health detail in it. */
function notify(name: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !document.hidden) return;
  try {
    new Notification('Hearth: crisis alert', { body: `${name} pressed “I need help now”.`, tag: 'hearth-crisis' });
  } catch {
    // Some browsers allow notifications from a service worker only.
  }
}

/**
 * Therapists: a sound (and, with the tab hidden, a notification) for each new
 * open alert. Alerts present when the room opened do not sound.
 */
export function useCrisisChime(alerts: CrisisAlertView[], play: () => void = () => void playAlertChime()): void {
  const known = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (known.current === null) {
      known.current = new Set(alerts.map((a) => a.id));
      return;
    }
    const fresh = alerts.filter((a) => !known.current!.has(a.id) && !a.resolvedAt && !a.withdrawnAt);
    for (const a of alerts) known.current.add(a.id);
    if (fresh.length === 0) return;
    play();
    notify(fresh[0]!.displayName || 'A patient');
  }, [alerts, play]);
}

/**
 * Therapists: one soft tone when someone new enters the waiting room (not for
 * those already there when the room opened), unless `quiet()` says not now
 * (the chime is off, or the therapist is looking at the list: waitingRoomAlert.ts).
 */
export function useArrivalChime(
  waitingUserIds: string[],
  enabled: boolean,
  play: () => void = () => void playAlertChime(window, [523]),
  quiet: () => boolean = () => false,
): void {
  const known = useRef<Set<string> | null>(null);
  const quietRef = useRef(quiet);
  quietRef.current = quiet;
  const key = waitingUserIds.join(',');
  useEffect(() => {
    if (!enabled) return;
    const ids = key ? key.split(',') : [];
    if (known.current === null) {
      known.current = new Set(ids);
      return;
    }
    const fresh = ids.filter((id) => !known.current!.has(id));
    known.current = new Set(ids);
    if (fresh.length && !quietRef.current()) play();
  }, [key, enabled, play]);
}
