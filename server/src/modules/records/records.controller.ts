import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  addendumBodySchema,
  attendanceCorrectionBodySchema,
  saveNoteBodySchema,
  signNoteBodySchema,
  type AddendumBody,
  type AttendanceWeek,
  type AttendanceCorrectionBody,
  type RecentRecord,
  type SaveNoteBody,
  type SessionRecord,
  type SignNoteBody,
} from '@hearth/protocol';
import { ZodPipe } from '../../common/validation';
import { originOf } from '../audit/audit-origin';
import { AuditService, type AuditOrigin } from '../audit/audit.service';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { ScheduleQueries } from '../scheduling/schedule-queries';
import { AttendanceService } from './attendance.service';
import { NotesService } from './notes.service';
import { ProgramAttendance } from './program-attendance';
import { RecordsAccess, type SessionForRecords } from './records-access';
import { RecordsError, RecordsErrorCode } from './records.error';

const SessionIdPipe = new ZodPipe(z.string().uuid(), 'session id');
const RECENT_DAYS = 14;
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const programRangeSchema = z.object({ from: localDate.optional(), to: localDate.optional() }).strict();

/**
 * A session's clinical record: attendance (view, CSV, corrections) and its
 * note. The session's therapists and program admins only; every read and
 * write, and every refused export, goes into the audit log.
 */
@Controller('api')
export class RecordsController {
  constructor(
    private readonly access: RecordsAccess,
    private readonly attendance: AttendanceService,
    private readonly notes: NotesService,
    private readonly audit: AuditService,
    private readonly program: ProgramAttendance,
  ) {}

  @Get('sessions/:sessionId/record')
  async record(@CurrentPrincipal() p: Principal, @Param('sessionId', SessionIdPipe) sessionId: string, @Req() req: Request): Promise<SessionRecord> {
    const s = await this.guarded(p, sessionId, originOf(req), 'note.read');
    const rows = await this.attendance.rows(s);
    const { note, canCosign } = await this.notes.get(s, rows, p.userId);
    const origin = originOf(req);
    const patients = patientIds(s);
    await this.audit.append([
      ...this.each(p, 'note.read', s, patients, origin),
      ...this.each(p, 'attendance.read', s, patients, origin),
    ]);
    return {
      session: {
        id: s.row.id,
        title: s.row.title,
        kind: s.row.kind,
        startsAt: s.row.startsAt.toISOString(),
        endsAt: s.row.endsAt.toISOString(),
        timeZone: s.row.timeZone,
        endedAt: s.endedAt?.toISOString() ?? null,
      },
      access: s.access,
      attendance: rows,
      note,
      canCosign,
    };
  }

  @Get('sessions/:sessionId/attendance.csv')
  async attendanceCsv(
    @CurrentPrincipal() p: Principal,
    @Param('sessionId', SessionIdPipe) sessionId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const s = await this.guarded(p, sessionId, originOf(req), 'attendance.export_refused');
    const rows = await this.attendance.rows(s);
    await this.audit.append(this.each(p, 'attendance.export', s, patientIds(s), originOf(req), 'billing'));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="attendance-${s.row.startsAt.toISOString().slice(0, 10)}-${s.row.id}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    res.send(this.attendance.csv(s, rows));
  }

  /** Attended minutes per patient per day of a week (default this week) against the target. Program admins only. */
  @Get('programs/:programId/attendance-week')
  async programWeek(
    @CurrentPrincipal() p: Principal,
    @Param('programId', new ZodPipe(z.string().uuid(), 'program id')) programId: string,
    @Query(new ZodPipe(z.object({ weekOf: localDate.optional() }).strict(), 'week')) q: { weekOf?: string },
    @Req() req: Request,
  ): Promise<AttendanceWeek> {
    const week = await this.program.week(p, programId, q.weekOf);
    const base = { actorUserId: p.userId, action: 'attendance.read' as const, objectType: 'program', objectId: programId, purpose: 'billing', origin: originOf(req) };
    await this.audit.append(week.patients.length ? week.patients.map((x) => ({ ...base, subjectUserId: x.patientId })) : [base]);
    return week;
  }

  /** A program's attendance over local dates `from`–`to` (default: this week), one row per patient per session. Program admins only. */
  @Get('programs/:programId/attendance.csv')
  async programCsv(
    @CurrentPrincipal() p: Principal,
    @Param('programId', new ZodPipe(z.string().uuid(), 'program id')) programId: string,
    @Query(new ZodPipe(programRangeSchema, 'date range')) q: z.infer<typeof programRangeSchema>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    let out: Awaited<ReturnType<ProgramAttendance['csv']>>;
    try {
      out = await this.program.csv(p, programId, q);
    } catch (e) {
      if (e instanceof RecordsError && e.code === RecordsErrorCode.Forbidden) {
        await this.audit.record({ actorUserId: p.userId, action: 'attendance.export_refused', objectType: 'program', objectId: programId, outcome: 'refused', origin: originOf(req) });
      }
      throw e;
    }
    const base = { actorUserId: p.userId, action: 'attendance.export' as const, objectType: 'program', objectId: programId, purpose: 'billing', origin: originOf(req) };
    await this.audit.append(out.patientIds.length ? out.patientIds.map((subjectUserId) => ({ ...base, subjectUserId })) : [base]);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${out.filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.send(out.csv);
  }

  @Post('sessions/:sessionId/attendance/corrections')
  @HttpCode(204)
  async correct(
    @CurrentPrincipal() p: Principal,
    @Param('sessionId', SessionIdPipe) sessionId: string,
    @Body(new ZodPipe(attendanceCorrectionBodySchema)) body: AttendanceCorrectionBody,
    @Req() req: Request,
  ): Promise<void> {
    const s = await this.guarded(p, sessionId, originOf(req), 'note.write_refused');
    await this.attendance.correct(p, s, body.userId, body.minutes, body.reason);
    await this.audit.record({
      actorUserId: p.userId,
      action: 'attendance.correct',
      subjectUserId: body.userId,
      objectType: 'session',
      objectId: s.row.id,
      purpose: 'billing',
      origin: originOf(req),
      details: { minutes: body.minutes },
    });
  }

  @Put('sessions/:sessionId/note')
  @HttpCode(204)
  async save(
    @CurrentPrincipal() p: Principal,
    @Param('sessionId', SessionIdPipe) sessionId: string,
    @Body(new ZodPipe(saveNoteBodySchema)) body: SaveNoteBody,
    @Req() req: Request,
  ): Promise<void> {
    const s = await this.guarded(p, sessionId, originOf(req), 'note.write_refused');
    try {
      await this.notes.save(p, s, await this.attendance.rows(s), body);
    } catch (e) {
      await this.refusedWrite(p, s, e, originOf(req));
      throw e;
    }
    await this.audit.append(this.each(p, 'note.write', s, body.members.map((m) => m.userId), originOf(req)));
  }

  @Post('sessions/:sessionId/note/sign')
  @HttpCode(204)
  async sign(
    @CurrentPrincipal() p: Principal,
    @Param('sessionId', SessionIdPipe) sessionId: string,
    @Body(new ZodPipe(signNoteBodySchema)) body: SignNoteBody,
    @Req() req: Request,
  ): Promise<void> {
    const s = await this.guarded(p, sessionId, originOf(req), 'note.write_refused');
    try {
      await this.notes.sign(p, s, await this.attendance.rows(s), body.password);
    } catch (e) {
      await this.refusedWrite(p, s, e, originOf(req));
      throw e;
    }
    await this.audit.append(this.each(p, 'note.sign', s, patientIds(s), originOf(req)));
  }

  @Post('sessions/:sessionId/note/cosign')
  @HttpCode(204)
  async cosign(
    @CurrentPrincipal() p: Principal,
    @Param('sessionId', SessionIdPipe) sessionId: string,
    @Body(new ZodPipe(signNoteBodySchema)) body: SignNoteBody,
    @Req() req: Request,
  ): Promise<void> {
    const s = await this.guarded(p, sessionId, originOf(req), 'note.write_refused');
    await this.notes.cosign(p, s, body.password);
    await this.audit.append(this.each(p, 'note.cosign', s, patientIds(s), originOf(req)));
  }

  @Post('sessions/:sessionId/note/addenda')
  @HttpCode(201)
  async addendum(
    @CurrentPrincipal() p: Principal,
    @Param('sessionId', SessionIdPipe) sessionId: string,
    @Body(new ZodPipe(addendumBodySchema)) body: AddendumBody,
    @Req() req: Request,
  ): Promise<{ id: string }> {
    const s = await this.guarded(p, sessionId, originOf(req), 'note.write_refused');
    const id = await this.notes.addAddendum(p, s, body.text);
    await this.audit.append(this.each(p, 'note.addendum', s, patientIds(s), originOf(req)));
    return { id };
  }

  /** The therapist's sessions of the last two weeks that have started, with their note's state. */
  @Get('me/records')
  @Roles('therapist')
  async recent(@CurrentPrincipal() p: Principal): Promise<RecentRecord[]> {
    const now = new Date();
    const from = new Date(now.getTime() - RECENT_DAYS * 86_400_000);
    const rows = (await new ScheduleQueries(this.access.manager).sessionsFor(p.userId, { from, to: now }, { asAdmin: false })).filter(
      (r) => r.myRole === 'therapist' && r.status !== 'cancelled' && r.startsAt <= now,
    );
    const statuses = await this.notes.statuses(rows.map((r) => r.id));
    // Counts only (no names): who came is on the record page, which audits its reads.
    const counts = await Promise.all(rows.map(async (r) => this.attendance.counts(await this.access.load(r, 'therapist'), now)));
    return rows
      .map((r, i): RecentRecord => ({
        sessionId: r.id,
        title: r.title,
        kind: r.kind,
        startsAt: r.startsAt.toISOString(),
        endsAt: r.endsAt.toISOString(),
        noteStatus: statuses.get(r.id) ?? 'none',
        timeZone: r.timeZone,
        attendance: counts[i]!,
      }))
      .sort((a, b) => Date.parse(b.startsAt) - Date.parse(a.startsAt));
  }

  // -------------------------------------------------------------------------

  /** The session for its therapists and program admins; anyone else is refused, and the refusal is audited. */
  private async guarded(p: Principal, sessionId: string, origin: AuditOrigin, refusedAction: 'note.read' | 'attendance.export_refused' | 'note.write_refused'): Promise<SessionForRecords> {
    try {
      return await this.access.require(p, sessionId);
    } catch (e) {
      if (e instanceof RecordsError && e.code === RecordsErrorCode.Forbidden) {
        await this.audit.record({
          actorUserId: p.userId,
          action: refusedAction === 'note.read' ? 'note.read' : refusedAction,
          objectType: 'session',
          objectId: sessionId,
          outcome: 'refused',
          origin,
        });
      }
      throw e;
    }
  }

  private async refusedWrite(p: Principal, s: SessionForRecords, e: unknown, origin: AuditOrigin): Promise<void> {
    if (!(e instanceof RecordsError)) return;
    await this.audit.record({
      actorUserId: p.userId,
      action: 'note.write_refused',
      objectType: 'session_note',
      objectId: s.row.id,
      outcome: 'refused',
      origin,
      details: { code: e.code },
    });
  }

  private each(
    p: Principal,
    action: 'note.read' | 'note.write' | 'note.sign' | 'note.cosign' | 'note.addendum' | 'attendance.read' | 'attendance.export',
    s: SessionForRecords,
    subjects: readonly string[],
    origin: AuditOrigin,
    purpose = 'treatment',
  ) {
    const base = { actorUserId: p.userId, action, objectType: action.startsWith('note') ? 'session_note' : 'attendance', objectId: s.row.id, purpose, origin };
    return subjects.length ? subjects.map((subjectUserId) => ({ ...base, subjectUserId })) : [base];
  }
}

function patientIds(s: SessionForRecords): string[] {
  return s.people.filter((x) => x.role === 'patient').map((x) => x.userId);
}
