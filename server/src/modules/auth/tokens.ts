import { createHash, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { roleSchema, type Role } from '@hearth/protocol';

const claimsSchema = z.object({ sub: z.string().uuid(), sid: z.string().uuid(), role: roleSchema });
export interface AccessClaims {
  sub: string;
  sid: string;
  role: Role;
}

export class TokenSigner {
  constructor(
    private readonly secret: string,
    readonly accessTtlSeconds: number,
  ) {}

  signAccess(claims: AccessClaims): string {
    return jwt.sign(claims, this.secret, { algorithm: 'HS256', expiresIn: this.accessTtlSeconds, issuer: 'hearth' });
  }

  /** The secret that signs tokens also keys other server-made links (guest links); it never leaves the server. */
  linkSecret(purpose: 'guest-link'): string {
    return `${purpose}:${this.secret}`;
  }

  /** Returns the claims, or null for an invalid, expired or foreign token. */
  verifyAccess(token: string): AccessClaims | null {
    try {
      const payload = jwt.verify(token, this.secret, { algorithms: ['HS256'], issuer: 'hearth' });
      const parsed = claimsSchema.safeParse(payload);
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
}

export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
