/**
 * Builds the RRULE of a weekly group track from what the admin ticks: weekdays, and an
 * optional last date or number of sessions. The server checks the rule strictly; this
 * only writes the common shape (`FREQ=WEEKLY;BYDAY=MO,WE,TH[;UNTIL=…|;COUNT=…]`).
 */

export const WEEKDAYS = [
  { code: 'MO', label: 'Monday', short: 'Mon' },
  { code: 'TU', label: 'Tuesday', short: 'Tue' },
  { code: 'WE', label: 'Wednesday', short: 'Wed' },
  { code: 'TH', label: 'Thursday', short: 'Thu' },
  { code: 'FR', label: 'Friday', short: 'Fri' },
  { code: 'SA', label: 'Saturday', short: 'Sat' },
  { code: 'SU', label: 'Sunday', short: 'Sun' },
] as const;
export type WeekdayCode = (typeof WEEKDAYS)[number]['code'];

export interface WeeklyRuleInput {
  weekdays: readonly WeekdayCode[];
  /** Last date (inclusive, program time zone), `YYYY-MM-DD`. */
  until?: string;
  /** Number of sessions in the series. */
  count?: number;
}

export type WeeklyRuleResult = { ok: true; rrule: string } | { ok: false; field: 'weekdays' | 'until' | 'count'; message: string };

const ORDER = WEEKDAYS.map((d) => d.code);

/** The RRULE for a weekly series, or which input is wrong and why. */
export function buildWeeklyRRule({ weekdays, until, count }: WeeklyRuleInput): WeeklyRuleResult {
  const days = ORDER.filter((code) => weekdays.includes(code));
  if (days.length === 0) return { ok: false, field: 'weekdays', message: 'Choose at least one day of the week.' };
  const parts = ['FREQ=WEEKLY', `BYDAY=${days.join(',')}`];
  if (until && count !== undefined) {
    return { ok: false, field: 'count', message: 'Give either a last date or a number of sessions, not both.' };
  }
  if (until) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(until)) return { ok: false, field: 'until', message: 'Enter the last date as YYYY-MM-DD.' };
    parts.push(`UNTIL=${until.replace(/-/g, '')}`);
  }
  if (count !== undefined) {
    if (!Number.isInteger(count) || count < 1 || count > 500) {
      return { ok: false, field: 'count', message: 'The number of sessions is a whole number from 1 to 500.' };
    }
    parts.push(`COUNT=${count}`);
  }
  return { ok: true, rrule: parts.join(';') };
}

/** "Mon, Wed and Thu" for a rule's days, in week order. */
export function describeWeekdays(weekdays: readonly WeekdayCode[]): string {
  const names = WEEKDAYS.filter((d) => weekdays.includes(d.code)).map((d) => d.short);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
