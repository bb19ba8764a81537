import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditEntry, AuditQuery, AuditVerifyResult } from '@hearth/protocol';
import { checkChain, entryHash, GENESIS_HASH, type AuditFields, type ChainedEntry } from './domain/chain';
import { currentAuditOrigin } from './audit-origin';

/** What was done, in the clinic's words. */
export type AuditAction =
  | 'auth.sign_in'
  | 'auth.sign_in_failed'
  | 'safety_check.read'
  | 'crisis.alert_delivered'
  | 'crisis.alerts_read'
  | 'checkin.read'
  | 'chat.history_read'
  | 'note.read'
  | 'note.write'
  | 'note.sign'
  | 'note.cosign'
  | 'note.addendum'
  | 'note.write_refused'
  | 'attendance.read'
  | 'attendance.export'
  | 'attendance.export_refused'
  | 'attendance.correct'
  | 'audit.read'
  | 'audit.verify'
  | 'guest.consent_approved'
  | 'guest.consent_declined'
  | 'guest.disclosed'
  | 'guest.invite_revoked';

/** Where a request came from. */
export interface AuditOrigin {
  ip: string | null;
  userAgent: string | null;
}

export interface AuditRecord {
  actorUserId: string | null;
  action: AuditAction;
  /** The patient whose information this is about, when there is one. */
  subjectUserId?: string | null;
  objectType?: string | null;
  objectId?: string | null;
  /** Why: treatment, operations, emergency disclosure, billing… */
  purpose?: string | null;
  outcome?: 'ok' | 'refused' | 'failed';
  origin?: AuditOrigin | null;
  /** Non-health context (e.g. who an alert was disclosed to). Never health data. */
  details?: Record<string, unknown> | null;
}

// Any fixed 64-bit key: every writer of the chain takes it for its transaction.
const AUDIT_CHAIN_LOCK = 0x4845_4152_5448; // "HEARTH"
const VERIFY_BATCH = 1000;

type Raw = Record<string, unknown>;

/**
 * The audit log: append-only (the database refuses UPDATE and DELETE) and
 * hash-chained. Writers are serialised by a transaction-level advisory lock,
 * so concurrent writes from several processes never fork the chain.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(private readonly ds: DataSource) {}

  /** Appends one entry. Awaited by reads of health data: no entry, no data. */
  async record(r: AuditRecord): Promise<void> {
    await this.append([r]);
  }

  /** Appends entries in order, in one transaction (one chain lock). */
  async append(records: readonly AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.ds.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
      const last: Raw[] = await m.query('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1');
      let id = last[0] ? Number(last[0].id) : 0;
      let prevHash = last[0] ? String(last[0].hash) : GENESIS_HASH;
      for (const r of records) {
        id += 1;
        // None given (a socket event's handler): the caller's, when the event set one (audit-origin.ts).
        const origin = r.origin === undefined ? currentAuditOrigin() : r.origin;
        const f: AuditFields = {
          at: new Date(),
          actorUserId: r.actorUserId,
          action: r.action,
          subjectUserId: r.subjectUserId ?? null,
          objectType: r.objectType ?? null,
          objectId: r.objectId ?? null,
          purpose: r.purpose ?? null,
          outcome: r.outcome ?? 'ok',
          ip: origin?.ip ?? null,
          userAgent: origin?.userAgent?.slice(0, 400) ?? null,
          details: r.details ? JSON.stringify(r.details) : null,
        };
        const hash = entryHash(id, prevHash, f);
        await m.query(
          `INSERT INTO audit_log (id, at, actor_user_id, action, subject_user_id, object_type, object_id, purpose, outcome, ip, user_agent, details, prev_hash, hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
          [id, f.at, f.actorUserId, f.action, f.subjectUserId, f.objectType, f.objectId, f.purpose, f.outcome, f.ip, f.userAgent, f.details, prevHash, hash],
        );
        prevHash = hash;
      }
    });
  }

  /** For pushes that must not wait on the log (a crisis alert): records in the background and reports failures. */
  recordSoon(r: AuditRecord): void {
    void this.record(r).catch((e: unknown) => this.logger.error(`audit write failed for ${r.action}: ${e instanceof Error ? e.message : 'unknown'}`));
  }

  /** Records one entry per subject patient (e.g. an attendance sheet read covers each patient on it). */
  async recordEach(r: Omit<AuditRecord, 'subjectUserId'>, subjectUserIds: readonly string[]): Promise<void> {
    if (subjectUserIds.length === 0) return this.record(r);
    await this.append(subjectUserIds.map((subjectUserId) => ({ ...r, subjectUserId })));
  }

  async verify(): Promise<AuditVerifyResult> {
    let state = { entries: 0, lastId: 0, lastHash: GENESIS_HASH };
    for (;;) {
      const rows: Raw[] = await this.ds.query(`SELECT * FROM audit_log WHERE id > $1 ORDER BY id LIMIT ${VERIFY_BATCH}`, [state.lastId]);
      const check = checkChain(rows.map(toChained), state);
      if (!check.ok) return { ok: false, firstBrokenId: check.firstBrokenId, entries: check.entries, reason: check.reason };
      if (rows.length < VERIFY_BATCH) return { ok: true, entries: check.entries };
      state = check;
    }
  }

  /** Newest first. */
  async list(q: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.subjectUserId) add('a.subject_user_id = ?', q.subjectUserId);
    if (q.actorUserId) add('a.actor_user_id = ?', q.actorUserId);
    // Names as they are now; % and _ typed in a name are letters, not patterns.
    const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    if (q.subjectName) add(`(su.first_name || ' ' || su.last_name) ILIKE ? ESCAPE '\\'`, like(q.subjectName));
    if (q.actorName) add(`(au.first_name || ' ' || au.last_name) ILIKE ? ESCAPE '\\'`, like(q.actorName));
    if (q.action) add('a.action = ?', q.action);
    if (q.from) add('a.at >= ?', new Date(q.from));
    if (q.to) add('a.at < ?', new Date(q.to));
    // Names for the admin reading it; the chain itself holds ids only (a renamed user keeps their entries).
    const rows: (Raw & { actor_name: string | null; subject_name: string | null })[] = await this.ds.query(
      `SELECT a.*,
              NULLIF(TRIM(au.first_name || ' ' || au.last_name), '') AS actor_name,
              NULLIF(TRIM(su.first_name || ' ' || su.last_name), '') AS subject_name
         FROM audit_log a
         LEFT JOIN users au ON au.id = a.actor_user_id
         LEFT JOIN users su ON su.id = a.subject_user_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY a.id DESC LIMIT ${q.limit ?? 200}`,
      params,
    );
    return rows.map((r) => {
      const c = toChained(r);
      return {
        id: c.id,
        at: c.at.toISOString(),
        actorUserId: c.actorUserId,
        actorName: r.actor_name ?? null,
        action: c.action,
        subjectUserId: c.subjectUserId,
        subjectName: r.subject_name ?? null,
        objectType: c.objectType,
        objectId: c.objectId,
        purpose: c.purpose,
        outcome: c.outcome,
        ip: c.ip,
        userAgent: c.userAgent,
      };
    });
  }
}

export function toChained(r: Raw): ChainedEntry {
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: Number(r.id),
    at: r.at instanceof Date ? r.at : new Date(String(r.at)),
    actorUserId: s(r.actor_user_id),
    action: String(r.action),
    subjectUserId: s(r.subject_user_id),
    objectType: s(r.object_type),
    objectId: s(r.object_id),
    purpose: s(r.purpose),
    outcome: r.outcome as ChainedEntry['outcome'],
    ip: s(r.ip),
    userAgent: s(r.user_agent),
    details: s(r.details),
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
  };
}
