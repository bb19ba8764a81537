import type { PublicUser } from '@hearth/protocol';
import { sessionFromLogin, writeStoredSession, type LoginResult } from '../features/auth/authStorage';

export interface FakeRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeReply {
  status: number;
  body?: unknown;
}

type Handler = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

export const patientUser: PublicUser = {
  id: '5d0c8a4e-2f1b-4a7e-9c3d-1e2f3a4b5c6d',
  role: 'patient',
  displayName: 'Pat Rivera',
};

/** A successful login body, as the server sends it. */
export function loginResponse(overrides: Partial<LoginResult> = {}): LoginResult {
  return { accessToken: 'token-abc', refreshToken: 'refresh-abc', expiresIn: 3600, user: patientUser, ...overrides };
}

/** Puts a signed-in session in sessionStorage, as a previous login in this tab would have. */
export function storeSignedInSession(response: LoginResult = loginResponse()): void {
  writeStoredSession(sessionFromLogin(response));
}

/**
 * Replaces global fetch with a router of `"METHOD /path"` handlers. Unknown routes fail the
 * test loudly. Returns the list of requests made, in order.
 */
export function installFakeApi(routes: Record<string, Handler>): FakeRequest[] {
  const requests: FakeRequest[] = [];
  const fakeFetch = jest.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const path = String(input);
    const method = init.method ?? 'GET';
    const headers = { ...(init.headers as Record<string, string> | undefined) };
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const request: FakeRequest = { method, path, headers, body };
    requests.push(request);
    const handler = routes[`${method} ${path}`];
    if (!handler) throw new Error(`Unexpected request ${method} ${path}`);
    const reply = await handler(request);
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
    return {
      ok: reply.status >= 200 && reply.status < 300,
      status: reply.status,
      text: async () => text,
    } as Response;
  });
  global.fetch = fakeFetch as typeof fetch;
  return requests;
}

/** A promise with its resolve exposed, to hold a request open while a test looks at the pending UI. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
