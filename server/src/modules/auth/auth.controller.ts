import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';
import { loginRequestSchema, type LoginRequest, type PublicUser } from '@hearth/protocol';
import { ZodPipe } from '../../common/validation';
import { CurrentPrincipal, GuestAllowed, Public } from './auth.guard';
import { AuthService, type LoginResult, type Principal } from './auth.service';

const refreshSchema = z.object({ refreshToken: z.string().min(20).max(200) });

@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body(new ZodPipe(loginRequestSchema)) body: LoginRequest): Promise<LoginResult> {
    return this.auth.login(body.email, body.password);
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
