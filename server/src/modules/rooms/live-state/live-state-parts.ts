import { z, type ZodType, type ZodTypeDef } from 'zod';

/**
 * One feature's share of a live session's state (the room's members, the
 * floor, side rooms, chat settings, a role-play exercise). The feature keeps
 * its rules in its own domain class; the part only says how to capture that
 * class as a plain snapshot and how to rebuild it. The core never names a
 * feature: it composes whatever parts are registered.
 */
export interface LiveStatePart<T> {
  /** Key in the session's snapshot (stable across versions). */
  readonly key: string;
  /** Restore order: lower first (the room's members before anything that refers to them). */
  readonly order: number;
  readonly schema: ZodType<T, ZodTypeDef, unknown>;
  /** The feature's state for this session now; undefined when it has none. */
  capture(sessionId: string): T | undefined;
  /** Rebuilds the feature's state for this session (timers re-armed from deadlines). */
  restore(sessionId: string, state: T, now: Date): Promise<void> | void;
  /**
   * Cluster: another node hosts the session now. Forget it here (timers
   * included) without side effects: it has not ended, it moved.
   */
  drop?(sessionId: string): void;
}

export const SNAPSHOT_FORMAT = 1;

/** The stored document: a format number and one entry per part. */
export const sessionSnapshotSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  parts: z.record(z.unknown()),
});
export type SessionSnapshot = z.infer<typeof sessionSnapshotSchema>;

/** Where a snapshot failed to parse: paths and zod codes only, never values (they may be health data). */
export type SnapshotProblem = { part: string; issues: string[] };

/**
 * Parses a stored snapshot against the registered parts. All or nothing: a
 * session restored in part could, say, readmit a patient to the group without
 * their side room, so one bad part means the session starts clean.
 */
export function parseSessionSnapshot(
  raw: unknown,
  parts: readonly LiveStatePart<unknown>[],
): { ok: true; states: { part: LiveStatePart<unknown>; state: unknown }[] } | { ok: false; problem: SnapshotProblem } {
  const doc = sessionSnapshotSchema.safeParse(raw);
  if (!doc.success) return { ok: false, problem: { part: '(document)', issues: describe(doc.error) } };
  const states: { part: LiveStatePart<unknown>; state: unknown }[] = [];
  for (const part of [...parts].sort((a, b) => a.order - b.order)) {
    const value = doc.data.parts[part.key];
    if (value === undefined) continue;
    const parsed = part.schema.safeParse(value);
    if (!parsed.success) return { ok: false, problem: { part: part.key, issues: describe(parsed.error) } };
    states.push({ part, state: parsed.data });
  }
  return { ok: true, states };
}

/** Captures every part that has state for this session. */
export function captureSessionSnapshot(sessionId: string, parts: readonly LiveStatePart<unknown>[]): SessionSnapshot {
  const out: Record<string, unknown> = {};
  for (const part of parts) {
    const state = part.capture(sessionId);
    if (state !== undefined) out[part.key] = state;
  }
  return { format: SNAPSHOT_FORMAT, parts: out };
}

function describe(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.code}`);
}
