/**
 * What may never reach a log line, and how it is taken out.
 *
 * Three layers, because a log is read by more people than a chart is:
 * 1. Known fields (credentials, safety check, chat, check-in answers, notes,
 *    names) are replaced wherever they appear in a logged object, at any depth.
 * 2. Strings (messages included) lose anything that looks like a credential:
 *    JWTs, bearer headers, passwords in URLs, guest links, long opaque tokens,
 *    and the literal values of this process's own secrets.
 * 3. Errors keep their class, code and stack frames only: never a database
 *    driver's query parameters or row detail.
 * Nobody logs request bodies or socket payloads in the first place; this is
 * what catches a mistake.
 */

export const REDACTED = '[redacted]';

/** Keys whose values are never logged (compared without case, `-` and `_`). */
const SENSITIVE_KEYS = [
  // credentials and sessions
  'authorization', 'cookie', 'setcookie', 'password', 'currentpassword', 'newpassword', 'token', 'accesstoken',
  'refreshtoken', 'idtoken', 'secret', 'jwtsecret', 'apikey', 'databaseurl', 'redisurl', 'handshake', 'auth',
  // safety check
  'location', 'callbacknumber', 'callbackphone', 'phone',
  // chat, notes, role-play, free text
  'text', 'body', 'narrative', 'members', 'addenda', 'note', 'notes', 'reason', 'feedback', 'debrief', 'goals',
  // check-ins
  'answers', 'mood', 'craving',
  // who someone is
  'email', 'name', 'displayname', 'firstname', 'lastname', 'patientname', 'guestname', 'therapistname',
  'relationship', 'signedbyname', 'cosignedbyname', 'authorname',
  // whole payloads and database statements
  'payload', 'parameters', 'query', 'params', 'detail', 'driverError',
].map(normaliseKey);

const sensitive = new Set(SENSITIVE_KEYS);

function normaliseKey(key: string): string {
  return key.replace(/[-_]/g, '').toLowerCase();
}

export function isSensitiveKey(key: string): boolean {
  return sensitive.has(normaliseKey(key));
}

/** Literal secret values of this process (JWT_SECRET, passwords inside DATABASE_URL/REDIS_URL). */
const secretValues = new Set<string>();

/** Registers values that must never appear in a log line (ignores short ones: they would blank ordinary words). */
export function registerSecrets(...values: (string | undefined)[]): void {
  for (const v of values) if (v && v.length >= 6) secretValues.add(v);
}

/** The password (and user) inside a connection URL, to register as secrets. */
export function urlCredentials(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const u = new URL(url);
    return [decodeURIComponent(u.password), u.password].filter(Boolean);
  } catch {
    return [];
  }
}

const PATTERNS: [RegExp, string][] = [
  // JSON Web Tokens (access tokens)
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Authorization headers written out
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
  // user:password@ in any URL (postgres, redis, http)
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"']*@/gi, `$1${REDACTED}@`],
  // guest links carry their own secret
  [/\/guest\/[^\s/?#"']+/g, `/guest/${REDACTED}`],
  // so do calendar feed URLs
  [/\/api\/calendar\/[^\s/?#"']+/g, `/api/calendar/${REDACTED}`],
  // opaque tokens: refresh tokens, HMACs, random secrets (ids are 36 characters and stay)
  [/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])/g, REDACTED],
  // password=… in query strings or messages
  [/\b(password|passwd|pwd|token|secret)=[^\s&"']+/gi, `$1=${REDACTED}`],
];

/** A string with credentials and this process's secrets taken out. */
export function scrubString(s: string): string {
  let out = s;
  for (const secret of secretValues) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

/**
 * A copy of a logged object with sensitive keys replaced and strings scrubbed.
 * Walks plain objects and arrays only (other objects are left to pino's
 * serializers); errors go through `serializeError`.
 */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return serializeError(value);
  if (depth > 8) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSensitiveKey(k) ? REDACTED : redactValue(v, depth + 1);
  }
  return out;
}

export interface SerializedError {
  type: string;
  message: string;
  code?: string | number;
  stack?: string;
}

/**
 * An error as a log may hold it: class, code, message and stack, all scrubbed.
 * A database error keeps only its SQLSTATE and constraint: its message can
 * quote a value and its driver object carries the statement's parameters.
 */
export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { type: typeof e, message: 'non-error thrown' };
  const raw = e as Error & { code?: unknown; driverError?: { code?: unknown; constraint?: unknown; table?: unknown } };
  const driver = raw.driverError;
  const isDatabase = e.name === 'QueryFailedError' || driver !== undefined || e.constructor?.name === 'DatabaseError';
  const code = driver?.code ?? raw.code;
  let message: string;
  if (isDatabase) {
    const constraint = (driver as { constraint?: unknown } | undefined)?.constraint ?? (raw as { constraint?: unknown }).constraint;
    message = `database error${typeof code === 'string' ? ` ${code}` : ''}${typeof constraint === 'string' ? ` (constraint ${constraint})` : ''}`;
  } else {
    message = scrubString(e.message);
  }
  const frames = e.stack ? e.stack.split('\n').filter((l) => /^\s+at /.test(l)) : [];
  return {
    type: e.name,
    message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(frames.length ? { stack: [`${e.name}: ${message}`, ...frames.map(scrubString)].join('\n') } : {}),
  };
}
