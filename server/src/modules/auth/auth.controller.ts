import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { loginRequestSchema, type LoginRequest, type PublicUser } from '@hearth/protocol';
import { ZodPipe } from '../../common/validation';
import { originOf } from '../audit/audit-origin';
import { AuditService } from '../audit/audit.service';
import { AuthError, AuthErrorCode } from './auth.error';
import { CurrentPrincipal, GuestAllowed, Public } from './auth.guard';
import { AuthService, type LoginResult, type Principal } from './auth.service';
import { LoginThrottle } from './login-throttle';

const refreshSchema = z.object({ refreshToken: z.string().min(20).max(200) });

@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body(new ZodPipe(loginRequestSchema)) body: LoginRequest, @Req() req: Request): Promise<LoginResult> {
    const attempt = await this.throttle.begin(body.email, req.ip ?? '');
    let result: LoginResult;
    try {
      result = await this.auth.login(body.email, body.password);
    } catch (e) {
      if (e instanceof AuthError && e.code === AuthErrorCode.InvalidCredentials) {
        // The address tried is kept (not the password): repeated failures are what an audit looks for.
        await this.audit.record({ actorUserId: null, action: 'auth.sign_in_failed', outcome: 'failed', origin: originOf(req), details: { email: body.email.toLowerCase() } });
      }
      throw e;
    }
    await this.throttle.succeeded(attempt);
    await this.audit.record({
      actorUserId: result.user.id,
      action: 'auth.sign_in',
      // A patient's sign-in belongs in their own accounting of access.
      subjectUserId: result.user.role === 'patient' ? result.user.id : null,
      objectType: 'auth_session',
      origin: originOf(req),
    });
    return result;
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body(new ZodPipe(refreshSchema)) body: z.infer<typeof refreshSchema>): Promise<LoginResult> {
    return this.auth.refresh(body.refreshToken);
  }

  @GuestAllowed()
  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.auth.logout(principal.sessionId);
  }

  @GuestAllowed()
  @Get('me')
  async me(@CurrentPrincipal() principal: Principal): Promise<PublicUser> {
    return this.auth.toPublicUser(await this.auth.getUser(principal.userId));
  }
}
