import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import {
  addSessionGuestBodySchema,
  cancelSessionBodySchema,
  createSessionBodySchema,
  updateSessionBodySchema,
  type AddSessionGuestBody,
  type CancelSessionBody,
  type CreateSessionBody,
  type SessionDetail,
  type SessionView,
  type UpdateSessionBody,
} from '@hearth/protocol';
import { ZodPipe } from '../../common/validation';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { IdParam } from './params';
import { SchedulingService } from './scheduling.service';

/** One-off group sessions, 1:1s, and changes to single occurrences. */
@Controller('api/sessions')
export class SessionsController {
  constructor(private readonly scheduling: SchedulingService) {}

  @Post()
  @Roles('admin', 'therapist')
  create(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(createSessionBodySchema)) body: CreateSessionBody): Promise<SessionView> {
    return this.scheduling.createSession(p, body);
  }

  /** Anyone taking part (or an admin of its program) sees it with its participants. */
  @Get(':sessionId')
  get(@CurrentPrincipal() p: Principal, @IdParam('sessionId') sessionId: string): Promise<SessionDetail> {
    return this.scheduling.getSession(p, sessionId);
  }

  /** Theme, title, format, or a reschedule (startsAt + endsAt). */
  @Patch(':sessionId')
  @Roles('admin', 'therapist')
  update(
    @CurrentPrincipal() p: Principal,
    @IdParam('sessionId') sessionId: string,
    @Body(new ZodPipe(updateSessionBodySchema)) body: UpdateSessionBody,
  ): Promise<SessionView> {
    return this.scheduling.updateSession(p, sessionId, body);
  }

  @Post(':sessionId/cancel')
  @HttpCode(200)
  @Roles('admin', 'therapist')
  cancel(
    @CurrentPrincipal() p: Principal,
    @IdParam('sessionId') sessionId: string,
    @Body(new ZodPipe(cancelSessionBodySchema)) body: CancelSessionBody,
  ): Promise<SessionView> {
    return this.scheduling.cancelSession(p, sessionId, body.reason);
  }

  @Post(':sessionId/guests')
  @Roles('admin', 'therapist')
  addGuest(
    @CurrentPrincipal() p: Principal,
    @IdParam('sessionId') sessionId: string,
    @Body(new ZodPipe(addSessionGuestBodySchema)) body: AddSessionGuestBody,
  ): Promise<SessionDetail> {
    return this.scheduling.addGuest(p, sessionId, body.userId);
  }
}
