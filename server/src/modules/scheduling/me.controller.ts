import { Controller, Delete, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import {
  sessionRangeQuerySchema,
  type CalendarLink,
  type CalendarLinkStatus,
  type Cohort,
  type NextSessionResponse,
  type SessionRangeQuery,
  type SessionView,
} from '@hearth/protocol';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { ValidQuery } from './params';
import { SchedulingService } from './scheduling.service';

/** Where a public link should point: PUBLIC_URL, or the origin the request came to. */
export function publicBaseUrl(config: AppConfig, req: Request): string {
  return (config.PUBLIC_URL ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/+$/, '');
}

/** The signed-in user's own schedule, cohorts and calendar link; every role. */
@Controller('api/me')
export class MeController {
  constructor(
    private readonly scheduling: SchedulingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The caller's sessions overlapping ?from–?to (default: a day ago to two weeks ahead), soonest first. */
  @Get('sessions')
  sessions(@CurrentPrincipal() p: Principal, @ValidQuery(sessionRangeQuerySchema) q: SessionRangeQuery): Promise<SessionView[]> {
    return this.scheduling.mySessions(p, q);
  }

  @Get('next-session')
  next(@CurrentPrincipal() p: Principal): Promise<NextSessionResponse> {
    return this.scheduling.nextSession(p);
  }

  @Get('cohorts')
  cohorts(@CurrentPrincipal() p: Principal): Promise<Cohort[]> {
    return this.scheduling.myCohorts(p);
  }

  /** Whether a calendar feed is active. Its URL is shown only when made (the server keeps a hash). */
  @Get('calendar-link')
  calendarLinkStatus(@CurrentPrincipal() p: Principal): Promise<CalendarLinkStatus> {
    return this.scheduling.calendarLinkStatus(p);
  }

  /** Makes a new personal ICS feed URL; the previous one stops working. */
  @Post('calendar-link')
  createCalendarLink(@CurrentPrincipal() p: Principal, @Req() req: Request): Promise<CalendarLink> {
    return this.scheduling.createCalendarLink(p, publicBaseUrl(this.config, req));
  }

  @Delete('calendar-link')
  @HttpCode(204)
  async revokeCalendarLink(@CurrentPrincipal() p: Principal): Promise<void> {
    await this.scheduling.revokeCalendarLink(p);
  }
}
