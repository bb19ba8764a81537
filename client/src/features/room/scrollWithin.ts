/** The nearest ancestor that scrolls vertically (overflow auto/scroll with something to scroll). */
function scrollingAncestor(el: HTMLElement): HTMLElement | null {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const { overflowY } = getComputedStyle(p);
    if ((overflowY === 'auto' || overflowY === 'scroll') && p.scrollHeight > p.clientHeight) return p;
  }
  return null;
}

/**
 * Brings an element to the top of the one box that scrolls it, and nothing else:
 * `scrollIntoView` also scrolled the room's overflow-hidden frame on phones, pushing the
 * videos, the tabs and the way back out of reach. `offset` leaves room for sticky tabs.
 */
export function scrollWithin(el: HTMLElement, offset = 0): void {
  const box = scrollingAncestor(el);
  if (!box) return;
  const top = el.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop - offset;
  box.scrollTo({ top: Math.max(0, top), behavior: 'smooth' });
}
