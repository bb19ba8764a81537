import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { z } from 'zod';
import { loginRequestSchema, type LoginRequest, type PublicUser } from '@hearth/protocol';
import { ZodPipe } from '../../common/validation';
import { CurrentPrincipal, Public } from './auth.guard';
import { AuthService, type LoginResult, type Principal } from './auth.service';
import { LoginThrottle } from './login-throttle';

const refreshSchema = z.object({ refreshToken: z.string().min(20).max(200) });

@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly throttle: LoginThrottle,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body(new ZodPipe(loginRequestSchema)) body: LoginRequest, @Ip() ip: string): Promise<LoginResult> {
    const attempt = await this.throttle.begin(body.email, ip);
    const result = await this.auth.login(body.email, body.password);
    await this.throttle.succeeded(attempt);
    return result;
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body(new ZodPipe(refreshSchema)) body: z.infer<typeof refreshSchema>): Promise<LoginResult> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.auth.logout(principal.sessionId);
  }

  @Get('me')
  async me(@CurrentPrincipal() principal: Principal): Promise<PublicUser> {
    return this.auth.toPublicUser(await this.auth.getUser(principal.userId));
  }
}
