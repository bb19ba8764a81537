import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { toCsv } from '../../common/csv';
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

  /** The same filter as a CSV file (up to 1000 entries, newest first). */
  @Get('export.csv')
  async exportCsv(
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
    @Res() res: Response,
    @Query(new ZodPipe(auditQuerySchema, 'audit query')) q: AuditQuery,
  ): Promise<void> {
    const entries = await this.audit.list({ ...q, limit: q.limit ?? 1000 });
    await this.audit.record({ actorUserId: p.userId, action: 'audit.read', subjectUserId: q.subjectUserId ?? null, purpose: 'operations', origin: originOf(req), details: { export: true } });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="audit-log.csv"');
    res.setHeader('Cache-Control', 'no-store');
    res.send(
      toCsv(
        ['id', 'at', 'action', 'actor_user_id', 'actor_name', 'subject_user_id', 'subject_name', 'object_type', 'object_id', 'purpose', 'outcome', 'ip', 'user_agent'],
        entries.map((e) => ({
          id: e.id,
          at: e.at,
          action: e.action,
          actor_user_id: e.actorUserId ?? '',
          actor_name: e.actorName ?? '',
          subject_user_id: e.subjectUserId ?? '',
          subject_name: e.subjectName ?? '',
          object_type: e.objectType ?? '',
          object_id: e.objectId ?? '',
          purpose: e.purpose ?? '',
          outcome: e.outcome,
          ip: e.ip ?? '',
          user_agent: e.userAgent ?? '',
        })),
      ),
    );
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
