import { useEffect, useRef } from 'react';

/**
 * Moves focus to a heading when a view replaces another (pre-join → waiting
 * room → room → ended), so keyboard and screen-reader users land where the page changed.
 */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    // After the view's first paint: focus() lays the page out at once, and in the middle of a
    // view's first render (entering the room) that held a busy machine for tens of ms.
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Unless the person has moved focus meanwhile (a dialog opened, a control clicked).
    const free = () => !document.activeElement || document.activeElement === document.body || !document.activeElement.isConnected;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        if (free()) ref.current?.focus({ preventScroll: true });
      }, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer) clearTimeout(timer);
    };
  }, []);
  return ref;
}
