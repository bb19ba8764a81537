import { errorBodySchema, type ErrorBody } from '@hearth/protocol';

/** An HTTP error from Hearth's API, carrying the server's `{code, message}` body. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status; 0 when the server could not be reached at all. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ErrorBody['issues'] = undefined,
  ) {
    super(message);
  }
}

export interface ApiRequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Access token, sent as `Authorization: Bearer …`. */
  token?: string | null;
  signal?: AbortSignal;
}

/** Called with the token the server refused. */
type UnauthorizedHandler = (refusedToken: string) => void;
let unauthorizedHandler: UnauthorizedHandler | null = null;

/**
 * Registers what happens when the server rejects our token (401 on a request that
 * carried one): the auth provider renews it or signs out. Returns an unregister function.
 */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): () => void {
  unauthorizedHandler = handler;
  return () => {
    if (unauthorizedHandler === handler) unauthorizedHandler = null;
  };
}

const fallbackMessages: Record<number, string> = {
  400: 'Something in the request was not right. Please check and try again.',
  401: 'Please sign in again.',
  403: 'You do not have access to this.',
  404: 'We could not find that.',
  429: 'Too many attempts. Please wait a moment and try again.',
};

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toApiError(status: number, body: unknown): ApiError {
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) {
    return new ApiError(status, parsed.data.code, parsed.data.message, parsed.data.issues);
  }
  const message =
    fallbackMessages[status] ??
    (status >= 500 ? 'Hearth is having trouble right now. Please try again in a moment.' : `Request failed (${status}).`);
  return new ApiError(status, status >= 500 ? 'internal' : 'http_error', message);
}

/**
 * Calls Hearth's HTTP API (same origin, paths start with `/api`) with JSON in and out.
 * Resolves with the parsed body; throws `ApiError` on a non-2xx answer or a network failure.
 * The caller validates the body's shape: the type parameter is a promise, not a check.
 */
export async function apiRequest<T>(path: string, options: ApiRequestOptions = {}): Promise<T> {
  const { method = 'GET', body, token, signal } = options;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'network', "We couldn't reach Hearth. Check your internet connection and try again.");
  }

  const data = parseJson(await response.text());
  if (!response.ok) {
    // A rejected token means the session is over; a failed login is just a failed login.
    if (response.status === 401 && token) unauthorizedHandler?.(token);
    throw toApiError(response.status, data);
  }
  return data as T;
}
