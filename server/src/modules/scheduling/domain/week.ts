import { DateTime } from 'luxon';
import type { WeekFlag } from '@hearth/protocol';
import { overlaps } from './conflicts';

/** Monday 00:00 to the next Monday 00:00 in `zone`, around the given local date. */
export function weekOf(date: string, zone: string): { start: Date; end: Date; weekStart: string; weekEnd: string } {
  const monday = DateTime.fromISO(date, { zone }).startOf('week'); // luxon weeks are ISO: Monday first
  const nextMonday = monday.plus({ weeks: 1 });
  return {
    start: monday.toJSDate(),
    end: nextMonday.toJSDate(),
    weekStart: monday.toISODate() as string,
    weekEnd: nextMonday.minus({ days: 1 }).toISODate() as string,
  };
}

/** The default weekly target of an IOP: 6 h for adolescents, 9 h for adults. */
export function defaultWeeklyHours(specialty: string): number {
  return specialty === 'adolescent' ? 6 : 9;
}

export interface WeekSession {
  patientId: string;
  kind: 'group' | 'individual';
  startsAt: Date;
  endsAt: Date;
}

export interface WeekSummary {
  patientId: string;
  scheduledMinutes: number;
  individualSessions: number;
  flags: WeekFlag[];
}

/**
 * Scheduled minutes per patient inside the week (a session crossing the week's
 * edge counts for its part inside), with the flags a program lead acts on.
 */
export function summariseWeek(
  patientIds: readonly string[],
  sessions: readonly WeekSession[],
  week: { start: Date; end: Date },
  targetMinutes: number,
): WeekSummary[] {
  return patientIds.map((patientId) => {
    let minutes = 0;
    let individualSessions = 0;
    for (const s of sessions) {
      if (s.patientId !== patientId || !overlaps(s, { startsAt: week.start, endsAt: week.end })) continue;
      const from = Math.max(s.startsAt.getTime(), week.start.getTime());
      const to = Math.min(s.endsAt.getTime(), week.end.getTime());
      minutes += (to - from) / 60_000;
      if (s.kind === 'individual') individualSessions += 1;
    }
    const flags: WeekFlag[] = [];
    if (minutes < targetMinutes) flags.push('below_target');
    if (individualSessions === 0) flags.push('no_individual_session');
    return { patientId, scheduledMinutes: Math.round(minutes), individualSessions, flags };
  });
}
