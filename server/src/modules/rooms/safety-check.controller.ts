import { Controller, Get, Param, Req } from '@nestjs/common';
import type { Request } from 'express';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { z } from 'zod';
import type { MySafetyCheck } from '@hearth/protocol';
import { CommonErrorCode, ValidationError } from '../../common/domain-error';
import { ZodPipe } from '../../common/validation';
import { originOf } from '../audit/audit-origin';
import { AuditService } from '../audit/audit.service';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { SafetyCheckRecord } from './entities/safety-check.entity';

/** A person's own safety check for a session; nobody else's is ever served here. */
@Controller('api/sessions/:sessionId/safety-check')
export class SafetyCheckController {
  constructor(
    @InjectRepository(SafetyCheckRecord) private readonly checks: Repository<SafetyCheckRecord>,
    private readonly audit: AuditService,
  ) {}

  @Get()
  async mine(
    @Param('sessionId', new ZodPipe(z.string().uuid(), 'session id')) sessionId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<MySafetyCheck> {
    const latest = await this.checks.findOne({
      where: { sessionId, userId: principal.userId },
      order: { createdAt: 'DESC' },
    });
    if (!latest) throw new ValidationError(CommonErrorCode.NotFound, 'No safety check for this session yet.');
    await this.audit.record({
      actorUserId: principal.userId,
      action: 'safety_check.read',
      subjectUserId: principal.userId,
      objectType: 'safety_check',
      objectId: latest.id,
      purpose: 'treatment',
      origin: originOf(req),
    });
    return { location: latest.location, callbackNumber: latest.callbackNumber, checkedAt: latest.createdAt.toISOString() };
  }
}
