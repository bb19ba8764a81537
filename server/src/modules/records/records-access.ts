import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/auth.service';
import { ScheduleQueries, type PersonRow, type SessionRow } from '../scheduling/schedule-queries';
import { RecordsError, RecordsErrorCode } from './records.error';

export interface SessionForRecords {
  row: SessionRow;
  people: PersonRow[];
  /** Therapists of the session write notes; program admins read and export. */
  access: 'therapist' | 'admin';
  endedAt: Date | null;
}

/** Who may see a session's clinical record: its therapists and the admins of its program. Nobody else. */
@Injectable()
export class RecordsAccess {
  constructor(private readonly ds: DataSource) {}

  get manager() {
    return this.ds.manager;
  }

  /** The session, or null when it does not exist. */
  async find(p: Principal, sessionId: string): Promise<{ row: SessionRow; access: 'therapist' | 'admin' | null } | null> {
    const row = await new ScheduleQueries(this.ds.manager).sessionById(p.userId, sessionId);
    if (!row) return null;
    if (row.myRole === 'therapist') return { row, access: 'therapist' };
    if (p.role === 'admin') {
      const member: unknown[] = await this.ds.query('SELECT 1 FROM program_members WHERE program_id = $1 AND user_id = $2', [row.programId, p.userId]);
      if (member.length > 0) return { row, access: 'admin' };
    }
    return { row, access: null };
  }

  /** Throws 404 for no such session and 403 for anyone but its therapists and program admins. */
  async require(p: Principal, sessionId: string): Promise<SessionForRecords> {
    const found = await this.find(p, sessionId);
    if (!found) throw new RecordsError(RecordsErrorCode.NotFound, 'No such session.');
    if (!found.access) throw new RecordsError(RecordsErrorCode.Forbidden, 'Only the session’s therapists and program admins see its record.');
    return this.load(found.row, found.access);
  }

  async load(row: SessionRow, access: 'therapist' | 'admin'): Promise<SessionForRecords> {
    const people = (await new ScheduleQueries(this.ds.manager).peopleOf([row.id])).get(row.id) ?? [];
    const ended: { ended_at: Date }[] = await this.ds.query('SELECT ended_at FROM session_endings WHERE session_id = $1', [row.id]);
    return { row, people, access, endedAt: ended[0] ? new Date(ended[0].ended_at) : null };
  }
}
