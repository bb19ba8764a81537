import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '@hearth/protocol';
import { AuthError, AuthErrorCode } from './auth.error';
import { AuthService, type Principal } from './auth.service';

const PUBLIC_KEY = 'hearth:public';
const ROLES_KEY = 'hearth:roles';
const GUEST_KEY = 'hearth:guest-allowed';

/** Marks a route that needs no sign-in. Everything else does. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/** Restricts a route to these roles (checked after authentication). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/**
 * Lets a family guest's session-scoped sign-in call this route (every other
 * route refuses it); a `:sessionId` in the path must be the guest's session.
 */
export const GuestAllowed = () => SetMetadata(GUEST_KEY, true);

export type AuthedRequest = Request & { principal?: Principal };

/** The authenticated caller of an HTTP route. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new AuthError(AuthErrorCode.Unauthenticated, 'Sign in to continue.');
  return principal;
});

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/** Global guard: every HTTP route is authenticated unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true; // sockets authenticate in the gateway
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    req.principal = await this.auth.authenticate(bearerToken(req.headers.authorization));
    const scope = req.principal.scopeSessionId;
    if (scope) {
      const sessionParam = (req.params as Record<string, string | undefined>).sessionId;
      if (!this.reflector.getAllAndOverride<boolean>(GUEST_KEY, targets) || (sessionParam !== undefined && sessionParam !== scope)) {
        throw new AuthError(AuthErrorCode.Forbidden, 'A guest link opens only the session it was made for.');
      }
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(req.principal.role)) {
      throw new AuthError(AuthErrorCode.Forbidden, 'Your role does not allow this.');
    }
    return true;
  }
}
