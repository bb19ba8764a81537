import { z } from 'zod';
import { loginResponseSchema, publicUserSchema } from '@hearth/protocol';

/** sessionStorage, not localStorage: the session ends with the tab, and a reload keeps you in. */
const STORAGE_KEY = 'hearth.auth';

/**
 * What `POST /api/auth/login` and `/api/auth/refresh` return: the protocol's LoginResponse plus
 * the rotating refresh token,
 * optional here so that a server without refresh still signs people in (they are then
 * signed out when the access token expires).
 */
export const loginResultSchema = loginResponseSchema.extend({
  refreshToken: z.string().min(1).optional(),
});
export type LoginResult = z.infer<typeof loginResultSchema>;

const storedSessionSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  /** Epoch ms after which the server refuses the access token. */
  expiresAt: z.number(),
  user: publicUserSchema,
});
export type AuthSession = z.infer<typeof storedSessionSchema>;

export function sessionFromLogin(result: LoginResult, now: number = Date.now()): AuthSession {
  return {
    accessToken: result.accessToken,
    refreshToken: result.refreshToken,
    expiresAt: now + result.expiresIn * 1000,
    user: result.user,
  };
}

/**
 * The stored session, or null when there is none, it is unreadable, or its access token
 * has expired with no refresh token to renew it.
 */
export function readStoredSession(now: number = Date.now()): AuthSession | null {
  let raw: string | null;
  try {
    raw = window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
  if (!raw) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = null;
  }
  const parsed = storedSessionSchema.safeParse(value);
  if (!parsed.success || (parsed.data.expiresAt <= now && !parsed.data.refreshToken)) {
    clearStoredSession();
    return null;
  }
  return parsed.data;
}

export function writeStoredSession(session: AuthSession): void {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  } catch {
    // Storage can be full or disabled (private mode): the session then lasts until reload.
  }
}

export function clearStoredSession(): void {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored, nothing to clear.
  }
}
