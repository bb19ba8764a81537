import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, IsNull, QueryFailedError, type Repository } from 'typeorm';
import type { CheckinAnswerView, CheckinInfo, CheckinState, CheckinTrendPoint } from '@hearth/protocol';
import { RateLimiter } from '../../common/rate-limiter';
import { AuditService } from '../audit/audit.service';
import { Notifier } from '../realtime/notifier';
import { RoomsService } from '../rooms/rooms.service';
import { CheckinError, CheckinErrorCode } from './checkins.error';
import { CheckinRound } from './domain/checkin-round';
import { CheckinAnswerRecord } from './entities/checkin-answer.entity';
import { CheckinRecord } from './entities/checkin.entity';

const TREND_POINTS = 10;

/**
 * Check-ins of live sessions, stored in PostgreSQL (the open one is the row
 * with no closed_at, so any server process sees it). Answers go to the
 * session's therapists only; they are never logged.
 */
@Injectable()
export class CheckinsService implements OnModuleInit {
  private readonly logger = new Logger('Checkins');
  /** Each answer pushes to the therapists: changing it is allowed, hammering it is not. */
  private readonly submissions = new RateLimiter(5, 0.5);

  constructor(
    private readonly rooms: RoomsService,
    private readonly notifier: Notifier,
    @InjectRepository(CheckinRecord) private readonly checkins: Repository<CheckinRecord>,
    @InjectRepository(CheckinAnswerRecord) private readonly answers: Repository<CheckinAnswerRecord>,
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    // Ending the session closes its open round, so no record is left open.
    this.rooms.onPresence((e) => {
      if (e.kind !== 'ended') return;
      void this.checkins
        .update({ sessionId: e.sessionId, closedAt: IsNull() }, { closedAt: new Date(), closedBy: e.endedBy })
        .catch((err: unknown) => this.logger.error(`closing the check-in failed: ${err instanceof Error ? err.name : 'unknown'}`));
    });
  }

  async open(userId: string, sessionId: string, now = new Date()): Promise<CheckinInfo> {
    this.rooms.requireTherapist(userId, sessionId);
    CheckinRound.assertCanOpen(await this.current(sessionId));
    let record: CheckinRecord;
    try {
      record = await this.checkins.save(this.checkins.create({ sessionId, openedBy: userId, openedAt: now, closedAt: null, closedBy: null }));
    } catch (e) {
      // Two therapists at once: the partial unique index lets one through.
      const unique = e instanceof QueryFailedError && (e.driverError as { code?: string } | undefined)?.code === '23505';
      if (unique) throw new CheckinError(CheckinErrorCode.AlreadyOpen, 'A check-in is already open.');
      throw e;
    }
    const checkin = toInfo(record);
    this.notifier.toSession(sessionId, {}, 'checkin:opened', { sessionId, checkin });
    return checkin;
  }

  async submit(
    userId: string,
    req: { sessionId: string; checkinId: string; mood: number; craving: number; word?: string },
    now = new Date(),
  ): Promise<{ submittedAt: string }> {
    const member = this.rooms.requireAdmitted(userId, req.sessionId);
    if (!this.submissions.tryTake(`${req.sessionId}:${userId}`)) {
      throw new CheckinError(CheckinErrorCode.RateLimited, 'Answers sent too often. Wait a moment.');
    }
    const round = await this.current(req.sessionId);
    if (!round) throw new CheckinError(CheckinErrorCode.NotOpen, 'That check-in is not open.');
    const answer = round.accept(req.checkinId, member.role, req);
    await this.answers.upsert(
      { checkinId: round.id, sessionId: req.sessionId, userId, ...answer, submittedAt: now },
      ['checkinId', 'userId'],
    );
    const view: CheckinAnswerView = {
      checkinId: round.id,
      userId,
      displayName: member.displayName,
      ...answer,
      submittedAt: now.toISOString(),
      trend: (await this.trends(req.sessionId, [userId])).get(userId) ?? [],
    };
    this.notifier.toTherapists(req.sessionId, 'checkin:answered', { sessionId: req.sessionId, answer: view });
    return { submittedAt: view.submittedAt };
  }

  async close(userId: string, sessionId: string, checkinId: string, now = new Date()): Promise<CheckinInfo> {
    this.rooms.requireTherapist(userId, sessionId);
    const round = await this.current(sessionId);
    if (!round) throw new CheckinError(CheckinErrorCode.NotOpen, 'That check-in is not open.');
    round.close(checkinId, now);
    await this.checkins.update({ id: round.id }, { closedAt: now, closedBy: userId });
    const checkin: CheckinInfo = { id: round.id, sessionId, openedAt: round.openedAt.toISOString(), closedAt: now.toISOString() };
    this.notifier.toSession(sessionId, {}, 'checkin:closed', { sessionId, checkin });
    return checkin;
  }

  /** Patients: the open check-in and their own answer. Therapists: every answer, with trends. */
  async state(userId: string, sessionId: string): Promise<CheckinState> {
    const member = this.rooms.requireAdmitted(userId, sessionId);
    const open = await this.checkins.findOne({ where: { sessionId, closedAt: IsNull() } });
    if (member.role === 'patient') {
      const mine = open ? await this.answers.findOne({ where: { checkinId: open.id, userId } }) : null;
      return {
        open: open ? toInfo(open) : null,
        mine: mine ? { mood: mine.mood, craving: mine.craving, word: mine.word, submittedAt: mine.submittedAt.toISOString() } : null,
      };
    }
    const shown = open ?? (await this.checkins.findOne({ where: { sessionId }, order: { openedAt: 'DESC' } }));
    if (!shown) return { open: null, answers: [] };
    const rows = await this.answers.find({ where: { checkinId: shown.id }, order: { submittedAt: 'ASC' } });
    const trends = await this.trends(sessionId, rows.map((r) => r.userId));
    await this.audit.append(
      rows.map((r) => ({ actorUserId: userId, action: 'checkin.read' as const, subjectUserId: r.userId, objectType: 'checkin', objectId: shown.id, purpose: 'treatment' })),
    );
    const live = this.rooms.liveSession(sessionId);
    return {
      open: open ? toInfo(open) : null,
      answers: rows.map((r) => ({
        checkinId: r.checkinId,
        userId: r.userId,
        displayName: live?.member(r.userId)?.displayName ?? '',
        mood: r.mood,
        craving: r.craving,
        word: r.word,
        submittedAt: r.submittedAt.toISOString(),
        trend: trends.get(r.userId) ?? [],
      })),
    };
  }

  // -------------------------------------------------------------------------

  private async current(sessionId: string): Promise<CheckinRound | null> {
    const r = await this.checkins.findOne({ where: { sessionId, closedAt: IsNull() } });
    return r ? new CheckinRound(r.id, r.sessionId, r.openedAt, r.closedAt) : null;
  }

  /**
   * Each patient's answers in earlier sessions of the same program (not other
   * programs: substance-use records stay where consent covers them), oldest first.
   */
  private async trends(sessionId: string, userIds: string[]): Promise<Map<string, CheckinTrendPoint[]>> {
    const out = new Map<string, CheckinTrendPoint[]>();
    if (userIds.length === 0) return out;
    const rows: { user_id: string; session_id: string; submitted_at: Date; mood: number; craving: number }[] = await this.ds.query(
      `SELECT user_id, session_id, submitted_at, mood, craving FROM (
         SELECT a.user_id, a.session_id, a.submitted_at, a.mood, a.craving,
                row_number() OVER (PARTITION BY a.user_id ORDER BY a.submitted_at DESC) AS n
           FROM checkin_answers a
           JOIN sessions s ON s.id = a.session_id
          WHERE a.user_id = ANY($2::uuid[])
            AND a.session_id <> $1
            AND s.program_id = (SELECT program_id FROM sessions WHERE id = $1)
       ) t WHERE n <= ${TREND_POINTS}
       ORDER BY user_id, submitted_at`,
      [sessionId, userIds],
    );
    for (const r of rows) {
      const list = out.get(r.user_id) ?? [];
      list.push({ sessionId: r.session_id, submittedAt: new Date(r.submitted_at).toISOString(), mood: Number(r.mood), craving: Number(r.craving) });
      out.set(r.user_id, list);
    }
    return out;
  }
}

function toInfo(r: CheckinRecord): CheckinInfo {
  return { id: r.id, sessionId: r.sessionId, openedAt: r.openedAt.toISOString(), closedAt: r.closedAt?.toISOString() ?? null };
}
