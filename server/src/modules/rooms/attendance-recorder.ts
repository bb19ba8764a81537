import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { AttendanceSegment } from './entities/attendance-segment.entity';

/** How often open segments are stamped `last_seen_at`. */
export const ATTENDANCE_HEARTBEAT_MS = 15_000;
/** An open segment not stamped for this long belongs to a process that is gone. */
export const ATTENDANCE_STALE_MS = 3 * ATTENDANCE_HEARTBEAT_MS;

/**
 * Writes attendance segments crash-safely. Each open segment carries the id
 * of the process holding it and a heartbeat; a segment whose process died
 * is closed at its last heartbeat (or its start when it had none), never at
 * "now", so minutes are never overstated. A return opens a new segment.
 */
@Injectable()
export class AttendanceRecorder implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Attendance');
  /** This process; segments it opened carry it. */
  readonly recorderId = randomUUID();
  private timer: NodeJS.Timeout | null = null;

  constructor(@InjectRepository(AttendanceSegment) private readonly segments: Repository<AttendanceSegment>) {}

  onApplicationBootstrap(): void {
    void this.closeAbandoned().catch((e: unknown) => this.fail(e));
    this.timer = setInterval(() => void this.heartbeat().catch((e: unknown) => this.fail(e)), ATTENDANCE_HEARTBEAT_MS).unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Someone entered the room: a new segment, unless this process already holds one open for them. */
  async open(sessionId: string, userId: string, now: Date): Promise<void> {
    const open = await this.segments.findOne({ where: { sessionId, userId, leftAt: IsNull() } });
    if (open && open.recorderId === this.recorderId) return;
    // Left open by a process that is gone (a crash, a restart): it ended at its last heartbeat.
    if (open) await this.closeAtLastHeartbeat(open.id);
    await this.segments.insert({ sessionId, userId, joinedAt: now, leftAt: null, endReason: null, lastSeenAt: now, recorderId: this.recorderId });
  }

  async close(sessionId: string, userId: string, now: Date, reason: string): Promise<void> {
    await this.segments.update({ sessionId, userId, leftAt: IsNull() }, { leftAt: now, endReason: reason, lastSeenAt: now });
  }

  /**
   * Cluster hand-over: the session moved to another node. The segments this
   * process holds open for it close now (it saw these people until now);
   * segments another process opened are not touched.
   */
  async closeHeldHere(sessionId: string, now: Date, reason: string): Promise<void> {
    await this.segments.update({ sessionId, recorderId: this.recorderId, leftAt: IsNull() }, { leftAt: now, endReason: reason, lastSeenAt: now });
  }

  /** Stamps every open segment this process holds (people still in a room here). */
  async heartbeat(now = new Date()): Promise<void> {
    await this.segments.update({ recorderId: this.recorderId, leftAt: IsNull() }, { lastSeenAt: now });
    await this.closeAbandoned(now);
  }

  /**
   * Closes segments left open by other processes that stopped heartbeating
   * (at start-up: those of the crashed process before us), each at its last
   * heartbeat. Returns how many were closed.
   */
  async closeAbandoned(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - ATTENDANCE_STALE_MS);
    const rows: unknown = await this.segments.query(
      `UPDATE attendance_segments
          SET left_at = GREATEST(joined_at, COALESCE(last_seen_at, joined_at)), end_reason = 'crashed'
        WHERE left_at IS NULL
          AND (recorder_id IS NULL OR recorder_id <> $1)
          AND COALESCE(last_seen_at, joined_at) < $2
        RETURNING id`,
      [this.recorderId, before],
    );
    const n = countReturned(rows);
    if (n > 0) this.logger.warn(`closed ${n} attendance segment(s) left open by a stopped server at their last heartbeat`);
    return n;
  }

  private async closeAtLastHeartbeat(id: string): Promise<void> {
    await this.segments.query(
      `UPDATE attendance_segments SET left_at = GREATEST(joined_at, COALESCE(last_seen_at, joined_at)), end_reason = 'crashed'
        WHERE id = $1 AND left_at IS NULL`,
      [id],
    );
  }

  private fail(e: unknown): void {
    this.logger.error(`attendance heartbeat failed: ${e instanceof Error ? e.message : 'unknown'}`);
  }
}

/** TypeORM returns `[rows, count]` for UPDATE … RETURNING on postgres drivers, plain rows elsewhere. */
function countReturned(result: unknown): number {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[1];
  return Array.isArray(result) ? result.length : 0;
}
