/** The session a family guest's sign-in reaches (kept for this tab, so "home" means that session). */
const KEY = 'hearth.guestSessionId';

export function rememberGuestSession(sessionId: string): void {
  try {
    sessionStorage.setItem(KEY, sessionId);
  } catch {
    // Storage refused (private mode): the guest simply lands on the guest home page.
  }
}

export function guestSessionId(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}
