import { createHash } from 'node:crypto';

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What one audit entry says; everything here is covered by its hash. */
export interface AuditFields {
  at: Date;
  actorUserId: string | null;
  action: string;
  subjectUserId: string | null;
  objectType: string | null;
  objectId: string | null;
  purpose: string | null;
  outcome: 'ok' | 'refused' | 'failed';
  ip: string | null;
  userAgent: string | null;
  details: string | null;
}

export interface ChainedEntry extends AuditFields {
  id: number;
  prevHash: string;
  hash: string;
}

/** SHA-256 over the previous hash and the entry's fields, in a fixed order. */
export function entryHash(id: number, prevHash: string, f: AuditFields): string {
  const canonical = JSON.stringify([
    id,
    prevHash,
    f.at.toISOString(),
    f.actorUserId,
    f.action,
    f.subjectUserId,
    f.objectType,
    f.objectId,
    f.purpose,
    f.outcome,
    f.ip,
    f.userAgent,
    f.details,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export type ChainCheck =
  | { ok: true; entries: number; lastId: number; lastHash: string }
  | { ok: false; firstBrokenId: number; entries: number; reason: string };

/**
 * Walks a chain in id order, carrying on from `from` (the last verified
 * entry of an earlier batch). Ids run 1, 2, 3… with no gap, each prev_hash is
 * the previous hash, and each hash recomputes: an edited row fails its own
 * hash, a deleted one leaves a gap at the next row.
 */
export function checkChain(rows: readonly ChainedEntry[], from: { entries: number; lastId: number; lastHash: string } = { entries: 0, lastId: 0, lastHash: GENESIS_HASH }): ChainCheck {
  let { entries, lastId, lastHash } = from;
  for (const r of rows) {
    if (r.id !== lastId + 1) return { ok: false, firstBrokenId: r.id, entries, reason: `entry ${lastId + 1} is missing` };
    if (r.prevHash !== lastHash) return { ok: false, firstBrokenId: r.id, entries, reason: 'does not link to the entry before it' };
    if (entryHash(r.id, r.prevHash, r) !== r.hash) return { ok: false, firstBrokenId: r.id, entries, reason: 'its content does not match its hash' };
    entries += 1;
    lastId = r.id;
    lastHash = r.hash;
  }
  return { ok: true, entries, lastId, lastHash };
}
