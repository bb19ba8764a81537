/**
 * A live session counts as activity: a patient who only listens for an hour
 * must not be signed out of their group. The join page holds activity while
 * the person is in the room or the waiting room; the idle logoff honours it.
 */
let holds = 0;

export function holdActivity(): () => void {
  holds++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds--;
  };
}

export function isActivityHeld(): boolean {
  return holds > 0;
}
