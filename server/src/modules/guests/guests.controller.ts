import { Body, Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import {
  createGuestInviteBodySchema,
  guestConsentBodySchema,
  redeemGuestLinkBodySchema,
  type CreateGuestInviteBody,
  type GuestConsentBody,
  type GuestConsentRequest,
  type GuestInviteView,
  type RedeemGuestLinkBody,
  type RedeemGuestLinkResponse,
} from '@hearth/protocol';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { ZodPipe } from '../../common/validation';
import { CurrentPrincipal, Public, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { publicBaseUrl } from '../scheduling/me.controller';
import { IdParam } from '../scheduling/params';
import { GuestsService } from './guests.service';

/** Family guests: invites (therapists), consent (the patient), and opening a link (no account). */
@Controller('api')
export class GuestsController {
  constructor(
    private readonly guests: GuestsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('sessions/:sessionId/guest-invites')
  @Roles('therapist')
  invite(
    @CurrentPrincipal() p: Principal,
    @IdParam('sessionId') sessionId: string,
    @Body(new ZodPipe(createGuestInviteBodySchema)) body: CreateGuestInviteBody,
    @Req() req: Request,
  ): Promise<GuestInviteView> {
    return this.guests.invite(p, sessionId, body, publicBaseUrl(this.config, req));
  }

  @Get('sessions/:sessionId/guest-invites')
  @Roles('therapist')
  list(@CurrentPrincipal() p: Principal, @IdParam('sessionId') sessionId: string, @Req() req: Request): Promise<GuestInviteView[]> {
    return this.guests.list(p, sessionId, publicBaseUrl(this.config, req));
  }

  @Post('sessions/:sessionId/guest-invites/:inviteId/revoke')
  @Roles('therapist')
  @HttpCode(200)
  revoke(
    @CurrentPrincipal() p: Principal,
    @IdParam('sessionId') sessionId: string,
    @IdParam('inviteId') inviteId: string,
    @Req() req: Request,
  ): Promise<GuestInviteView> {
    return this.guests.revoke(p, sessionId, inviteId, publicBaseUrl(this.config, req));
  }

  /** The patient's pending disclosure requests (their schedule page shows them). */
  @Get('me/guest-consents')
  @Roles('patient')
  consents(@CurrentPrincipal() p: Principal): Promise<GuestConsentRequest[]> {
    return this.guests.consentRequests(p);
  }

  @Post('guest-invites/:inviteId/consent')
  @Roles('patient')
  @HttpCode(200)
  decide(
    @CurrentPrincipal() p: Principal,
    @IdParam('inviteId') inviteId: string,
    @Body(new ZodPipe(guestConsentBodySchema)) body: GuestConsentBody,
  ): Promise<{ status: string }> {
    return this.guests.decide(p, inviteId, body.decision);
  }

  /** No account: the link's token is the credential. */
  @Public()
  @Post('guest-links/redeem')
  @HttpCode(200)
  redeem(@Body(new ZodPipe(redeemGuestLinkBodySchema)) body: RedeemGuestLinkBody): Promise<RedeemGuestLinkResponse> {
    return this.guests.redeem(body.token);
  }
}
