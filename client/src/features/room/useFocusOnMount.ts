import { useEffect, useRef } from 'react';

/**
 * Moves focus to a heading when a view replaces another (pre-join → waiting
 * room → room → ended), so keyboard and screen-reader users land where the page changed.
 */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return ref;
}
