import { useEffect, useRef, useSyncExternalStore, type RefObject } from 'react';

/**
 * The therapist's waiting-room chime: a setting kept on the device (not the
 * server: it is about this laptop's speakers), and the rule for when an
 * arrival sounds. The tab title's count is `titleFor` in JoinSessionPage.
 */
const MUTED_KEY = 'hearth:arrival-chime-muted';
const listeners = new Set<() => void>();

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null; // storage blocked (private mode, policy): the chime stays on for this page
  }
}
let mutedHere: boolean | null = null;

/** Whether the therapist turned the waiting-room chime off on this device. */
export function arrivalChimeMuted(): boolean {
  if (mutedHere !== null) return mutedHere;
  return storage()?.getItem(MUTED_KEY) === '1';
}

export function setArrivalChimeMuted(muted: boolean): void {
  mutedHere = muted;
  try {
    if (muted) storage()?.setItem(MUTED_KEY, '1');
    else storage()?.removeItem(MUTED_KEY);
  } catch {
    // Quota or policy: the choice holds for this page only.
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab of the same therapist changed it.
  const onStorage = (e: StorageEvent) => {
    if (e.key !== MUTED_KEY) return;
    mutedHere = null;
    listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function useArrivalChimeMuted(): [boolean, (muted: boolean) => void] {
  const muted = useSyncExternalStore(subscribe, arrivalChimeMuted, () => false);
  return [muted, setArrivalChimeMuted];
}

/**
 * An arrival sounds unless the chime is off, or the therapist is already
 * looking at the waiting-room list (the tab focused and the list on screen).
 */
export function arrivalShouldSound({ muted, tabFocused, lobbyInView }: { muted: boolean; tabFocused: boolean; lobbyInView: boolean }): boolean {
  if (muted) return false;
  return !(tabFocused && lobbyInView);
}

/** This tab is the one in front and has the keyboard. */
export function tabFocused(doc: Document = document): boolean {
  return doc.visibilityState === 'visible' && doc.hasFocus();
}

/** Whether the element is on screen (false where IntersectionObserver is missing: then an arrival sounds). */
export function useInView(ref: RefObject<Element | null>): RefObject<boolean> {
  const inView = useRef(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) inView.current = e.isIntersecting && e.intersectionRatio > 0;
      },
      { threshold: [0, 0.25] },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return inView;
}
