import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { Public } from '../auth/auth.guard';
import { publicBaseUrl } from './me.controller';
import { SchedulingError, SchedulingErrorCode } from './scheduling.error';
import { SchedulingService } from './scheduling.service';

/** Calendar apps fetch this without signing in; the secret token in the URL is the credential. */
@Controller('api/calendar')
export class CalendarController {
  constructor(
    private readonly scheduling: SchedulingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get(':file')
  async feed(@Param('file') file: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    const match = /^(.+)\.ics$/.exec(file);
    if (!match) throw new SchedulingError(SchedulingErrorCode.NotFound, 'No such calendar.');
    const body = await this.scheduling.calendarFeed(match[1]!, publicBaseUrl(this.config, req));
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    return body;
  }
}
