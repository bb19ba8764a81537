import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NodeIdentity } from '../../cluster/node-identity';
import { SessionLeases } from '../../cluster/session-leases';
import { addAckSettler } from '../../realtime/ack';
import { captureSessionSnapshot, parseSessionSnapshot, type LiveStatePart } from './live-state-parts';

/**
 * Keeps each live session's state in PostgreSQL (or embedded PGlite) so it
 * outlives the process: features register a part (LiveStatePart) and call
 * `changed(sessionId)` after every change; the store captures all parts of
 * that session into one JSON snapshot and writes it, guarded by a version
 * column (a write based on an older version is refused, and this process
 * stops writing that session). On start every stored session is rebuilt,
 * part by part, before the server accepts connections.
 *
 * Writes are serial and coalesced: changes made in one tick become one write
 * of the latest state.
 */
@Injectable()
export class LiveStateStore implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('LiveState');
  private readonly parts: LiveStatePart<unknown>[] = [];
  /** Version of each session's row as this process last wrote or read it. */
  private readonly versions = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private readonly forgotten = new Set<string>();
  /** Sessions another writer moved past us: this process no longer writes them. */
  private readonly fenced = new Set<string>();
  private flushing: Promise<void> | null = null;
  private stopped = false;
  private removeSettler: (() => void) | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly node: NodeIdentity,
    private readonly leases: SessionLeases,
  ) {}

  /** Call from the feature's constructor or onModuleInit (before the application starts). */
  register<T>(part: LiveStatePart<T>): void {
    if (this.parts.some((p) => p.key === part.key)) throw new Error(`live state part "${part.key}" registered twice`);
    this.parts.push(part as LiveStatePart<unknown>);
  }

  /** The session's state changed: persist it (soon, with whatever else changes in this tick). */
  changed(sessionId: string): void {
    if (this.stopped || this.forgotten.has(sessionId)) return;
    this.dirty.add(sessionId);
    this.kick();
  }

  /** The session ended: its live state goes. */
  forget(sessionId: string): void {
    this.forgotten.add(sessionId);
    this.dirty.add(sessionId);
    this.kick();
  }

  /** Resolves when every change so far is written. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async onApplicationBootstrap(): Promise<void> {
    // In a cluster a session is rebuilt by the node that claims its lease (RoomsService.join), not by every node at start.
    if (!this.leases.enabled) await this.restoreAll();
    // What a client sees acknowledged survives a crash right after.
    this.removeSettler = addAckSettler(() => this.flush());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.removeSettler?.();
    await this.flush();
    // Sockets closing during shutdown are not news: everyone is "reconnecting" after a restart anyway.
    this.stopped = true;
  }

  /** Rebuilds every stored session that has not ended. */
  async restoreAll(now = new Date()): Promise<number> {
    await this.ds.query(
      `DELETE FROM live_session_states s USING session_endings e WHERE e.session_id = s.session_id`,
    );
    const rows: { session_id: string; version: number; snapshot: unknown }[] = await this.ds.query(
      `SELECT session_id, version, snapshot FROM live_session_states`,
    );
    let restored = 0;
    for (const row of rows) {
      this.versions.set(row.session_id, row.version);
      if (await this.restoreOne(row.session_id, row.snapshot, now)) restored += 1;
    }
    if (restored > 0) this.logger.log(`restored the live state of ${restored} session(s)`);
    return restored;
  }

  /** Cluster: this node just claimed the session's lease; rebuild it from its snapshot, if it has one. */
  async restoreSession(sessionId: string, now = new Date()): Promise<boolean> {
    const [row]: { version: number; snapshot: unknown }[] = await this.ds.query(
      `SELECT s.version, s.snapshot FROM live_session_states s
       WHERE s.session_id = $1 AND NOT EXISTS (SELECT 1 FROM session_endings e WHERE e.session_id = s.session_id)`,
      [sessionId],
    );
    this.fenced.delete(sessionId);
    if (!row) return false;
    this.versions.set(sessionId, row.version);
    return this.restoreOne(sessionId, row.snapshot, now);
  }

  /**
   * Cluster: this node no longer hosts the session (its lease was lost or
   * handed over). Every part forgets it, last restored first; nothing is
   * written. The next claim here rebuilds it from the stored snapshot.
   */
  drop(sessionId: string): void {
    this.dirty.delete(sessionId);
    this.versions.delete(sessionId);
    this.fenced.delete(sessionId);
    for (const part of [...this.parts].sort((a, b) => b.order - a.order)) {
      try {
        part.drop?.(sessionId);
      } catch (e) {
        this.logger.error(`dropping ${part.key} of session ${sessionId} failed: ${e instanceof Error ? e.name : 'unknown'}`);
      }
    }
  }

  // -------------------------------------------------------------------------

  private async restoreOne(sessionId: string, raw: unknown, now: Date): Promise<boolean> {
    const parsed = parseSessionSnapshot(typeof raw === 'string' ? safeJson(raw) : raw, this.parts);
    if (!parsed.ok) {
      // Paths and codes only: the values may be health data.
      this.logger.warn(
        `live state of session ${sessionId} does not parse (${parsed.problem.part}: ${parsed.problem.issues.join('; ')}); the session starts clean`,
      );
      return false;
    }
    for (const { part, state } of parsed.states) {
      try {
        await part.restore(sessionId, state, now);
      } catch (e) {
        this.logger.error(`restoring ${part.key} of session ${sessionId} failed: ${e instanceof Error ? e.name : 'unknown'}`);
      }
    }
    return true;
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = (async () => {
      // Let the rest of this tick's changes join the same write.
      await new Promise<void>((r) => setImmediate(r));
      while (this.dirty.size > 0) {
        const ids = [...this.dirty];
        this.dirty.clear();
        for (const id of ids) await this.writeSafely(id);
      }
    })().finally(() => {
      this.flushing = null;
    });
  }

  private async writeSafely(sessionId: string): Promise<void> {
    try {
      await this.write(sessionId);
    } catch (e) {
      this.logger.error(`writing the live state of session ${sessionId} failed: ${e instanceof Error ? e.message.slice(0, 120) : 'unknown'}`);
      if (this.stopped) return;
      // Try again shortly with whatever the state is then.
      setTimeout(() => this.changed(sessionId), 1000).unref();
    }
  }

  private async write(sessionId: string): Promise<void> {
    if (this.fenced.has(sessionId)) return;
    // Fencing: a node that lost a session's lease no longer writes it.
    if (this.leases.enabled && !this.leases.isHeld(sessionId)) return;
    if (this.forgotten.has(sessionId)) {
      await this.ds.query(`DELETE FROM live_session_states WHERE session_id = $1`, [sessionId]);
      this.versions.delete(sessionId);
      return;
    }
    const json = JSON.stringify(captureSessionSnapshot(sessionId, this.parts));
    let version = this.versions.get(sessionId);
    if (version === undefined) {
      const inserted: { version: number }[] = await this.ds.query(
        `INSERT INTO live_session_states (session_id, version, snapshot, node_id) VALUES ($1, 1, $2::jsonb, $3)
         ON CONFLICT (session_id) DO NOTHING RETURNING version`,
        [sessionId, json, this.node.nodeId],
      );
      if (inserted.length > 0) {
        this.versions.set(sessionId, 1);
        return;
      }
      const [row]: { version: number }[] = await this.ds.query(`SELECT version FROM live_session_states WHERE session_id = $1`, [sessionId]);
      if (!row) return this.write(sessionId);
      version = row.version;
    }
    const updated: { version: number }[] = await this.ds.query(
      `WITH u AS (
         UPDATE live_session_states SET snapshot = $2::jsonb, version = version + 1, node_id = $3, updated_at = now()
         WHERE session_id = $1 AND version = $4 RETURNING version
       ) SELECT version FROM u`,
      [sessionId, json, this.node.nodeId, version],
    );
    if (updated.length === 0) {
      this.fenced.add(sessionId);
      this.logger.error(`live state of session ${sessionId} moved past version ${version} elsewhere; this node stops writing it`);
      return;
    }
    this.versions.set(sessionId, updated[0]!.version);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
