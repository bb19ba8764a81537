/** A span of time that some people are committed to. Half-open: [startsAt, endsAt). */
export interface Booking {
  /** The existing session's id; absent for a proposal. */
  sessionId?: string;
  title?: string;
  startsAt: Date;
  endsAt: Date;
  people: readonly string[];
}

export interface Conflict {
  personId: string;
  proposed: { startsAt: Date; endsAt: Date };
  existing: { sessionId?: string; title?: string; startsAt: Date; endsAt: Date };
}

export function overlaps(a: { startsAt: Date; endsAt: Date }, b: { startsAt: Date; endsAt: Date }): boolean {
  return a.startsAt < b.endsAt && b.startsAt < a.endsAt;
}

/**
 * Every way the proposed bookings would put someone in two places at once:
 * against existing sessions and against each other. Back-to-back is fine.
 */
export function findConflicts(proposed: readonly Booking[], existing: readonly Booking[]): Conflict[] {
  const conflicts: Conflict[] = [];
  const byPerson = new Map<string, Booking[]>();
  for (const b of existing) {
    for (const p of b.people) {
      const list = byPerson.get(p) ?? [];
      list.push(b);
      byPerson.set(p, list);
    }
  }
  const accepted: Booking[] = [];
  for (const b of proposed) {
    for (const personId of new Set(b.people)) {
      const clash =
        (byPerson.get(personId) ?? []).find((e) => e.sessionId !== b.sessionId && overlaps(b, e)) ??
        accepted.find((a) => a.people.includes(personId) && overlaps(a, b));
      if (clash) {
        conflicts.push({
          personId,
          proposed: { startsAt: b.startsAt, endsAt: b.endsAt },
          existing: { sessionId: clash.sessionId, title: clash.title, startsAt: clash.startsAt, endsAt: clash.endsAt },
        });
      }
    }
    accepted.push(b);
  }
  return conflicts;
}

/**
 * The earliest start ≥ `earliest` where `durationMinutes` fits between the busy
 * spans and the whole slot ends by `latestEnd`; null when none does.
 */
export function firstFreeSlot(
  busy: readonly { startsAt: Date; endsAt: Date }[],
  earliest: Date,
  durationMinutes: number,
  latestEnd: Date,
): { startsAt: Date; endsAt: Date } | null {
  const sorted = [...busy].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  let start = earliest;
  for (;;) {
    const slot = { startsAt: start, endsAt: new Date(start.getTime() + durationMinutes * 60_000) };
    if (slot.endsAt > latestEnd) return null;
    const clash = sorted.find((b) => overlaps(slot, b));
    if (!clash) return slot;
    start = clash.endsAt;
  }
}

/** The latest slot ending ≤ `latest` that fits between the busy spans and starts at or after `earliestStart`. */
export function lastFreeSlotBefore(
  busy: readonly { startsAt: Date; endsAt: Date }[],
  latest: Date,
  durationMinutes: number,
  earliestStart: Date,
): { startsAt: Date; endsAt: Date } | null {
  const sorted = [...busy].sort((a, b) => b.endsAt.getTime() - a.endsAt.getTime());
  let end = latest;
  for (;;) {
    const slot = { startsAt: new Date(end.getTime() - durationMinutes * 60_000), endsAt: end };
    if (slot.startsAt < earliestStart) return null;
    const clash = sorted.find((b) => overlaps(slot, b));
    if (!clash) return slot;
    end = clash.startsAt;
  }
}
