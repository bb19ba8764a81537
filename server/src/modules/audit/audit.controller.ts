import { Controller, Get, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { auditQuerySchema, type AuditEntry, type AuditQuery, type AuditVerifyResult } from '@hearth/protocol';
import { ZodPipe } from '../../common/validation';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { originOf } from './audit-origin';
import { AuditService } from './audit.service';

/** Program admins read and verify the audit log; everyone else gets 403. Reading it is itself audited. */
@Controller('api/audit')
@Roles('admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('verify')
  async verify(@CurrentPrincipal() p: Principal, @Req() req: Request): Promise<AuditVerifyResult> {
    const result = await this.audit.verify();
    await this.audit.record({ actorUserId: p.userId, action: 'audit.verify', purpose: 'operations', origin: originOf(req) });
    return result;
  }

  @Get()
  async list(
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
    @Query(new ZodPipe(auditQuerySchema, 'audit query')) q: AuditQuery,
  ): Promise<AuditEntry[]> {
    const entries = await this.audit.list(q);
    await this.audit.record({
      actorUserId: p.userId,
      action: 'audit.read',
      subjectUserId: q.subjectUserId ?? null,
      purpose: 'operations',
      origin: originOf(req),
    });
    return entries;
  }
}
