import { AsyncLocalStorage } from 'node:async_hooks';
import type { Request } from 'express';
import type { AuditOrigin } from './audit.service';

/** The request's origin for the audit log (the socket address; behind a proxy, set Express's trust proxy). */
export function originOf(req: Pick<Request, 'ip' | 'headers'>): AuditOrigin {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua : null };
}

const socketOrigins = new AsyncLocalStorage<AuditOrigin>();

/**
 * Runs `fn` (a socket event's handler, and everything it awaits) with `origin` as the audit
 * origin of the entries it writes that name none: a chat history load or a check-in read over
 * the socket records the caller's address and browser as an HTTP request does.
 */
export function withAuditOrigin<T>(origin: AuditOrigin, fn: () => T): T {
  return socketOrigins.run(origin, fn);
}

/** The origin set by `withAuditOrigin` for the work in progress; null outside one. */
export function currentAuditOrigin(): AuditOrigin | null {
  return socketOrigins.getStore() ?? null;
}
