import type { Request } from 'express';
import type { AuditOrigin } from './audit.service';

/** The request's origin for the audit log (the socket address; behind a proxy, set Express's trust proxy). */
export function originOf(req: Pick<Request, 'ip' | 'headers'>): AuditOrigin {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua : null };
}
