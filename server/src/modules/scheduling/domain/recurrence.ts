import { Frequency, RRule, Weekday, type Options } from 'rrule';
import { SchedulingError, SchedulingErrorCode } from '../scheduling.error';
import { addMinutes, assertTimeZone, fromFloating, instantOf, parseLocalDate, toFloating, wallClockOf, type WallClock } from './local-time';

/**
 * Recurring sessions: an RFC 5545 RRULE checked against what a treatment
 * program needs, then expanded by the `rrule` package.
 *
 * rrule.js's own `tzid` option re-zones results into the *process's* local
 * zone (see its README, "Timezone Support"), so output would depend on where
 * the server runs. Instead the rule is expanded in floating wall-clock time
 * (dtstart = 18:00 "UTC" meaning 18:00 local) and each occurrence is placed in
 * the program's zone with luxon: 18:00 stays 18:00 local across DST changes.
 */

const FREQS: Record<string, Frequency> = { DAILY: Frequency.DAILY, WEEKLY: Frequency.WEEKLY, MONTHLY: Frequency.MONTHLY };
const DAYS: Record<string, Weekday> = { MO: RRule.MO, TU: RRule.TU, WE: RRule.WE, TH: RRule.TH, FR: RRule.FR, SA: RRule.SA, SU: RRule.SU };
const REFUSED: Record<string, string> = {
  DTSTART: 'give the first session as startDate and startTime instead of DTSTART',
  TZID: 'sessions use the program’s time zone; leave TZID out',
  BYHOUR: 'the time of day comes from startTime; leave BYHOUR out',
  BYMINUTE: 'the time of day comes from startTime; leave BYMINUTE out',
  BYSECOND: 'the time of day comes from startTime; leave BYSECOND out',
};
const SUPPORTED = ['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'WKST'];

/** At most this many sessions in one series. */
export const MAX_OCCURRENCES = 500;

/** An RRULE that passed the checks; `text` is its normal form (upper case, no `RRULE:` prefix). */
export interface RecurrenceRule {
  text: string;
  options: Partial<Options>;
  /** UNTIL as given: a local date (inclusive), a local date-time, or a UTC instant. */
  until?: { kind: 'date'; wall: WallClock } | { kind: 'local'; wall: WallClock } | { kind: 'utc'; instant: Date };
}

function invalid(message: string): never {
  throw new SchedulingError(SchedulingErrorCode.InvalidRecurrence, `Invalid RRULE: ${message}.`);
}

function intIn(key: string, value: string, min: number, max: number, nonZero = false): number {
  if (!/^[+-]?\d{1,4}$/.test(value)) invalid(`${key} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max || (nonZero && n === 0)) invalid(`${key} must be between ${min} and ${max}${nonZero ? ' and not 0' : ''}, got ${n}`);
  return n;
}

function parseUntil(value: string): NonNullable<RecurrenceRule['until']> {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value);
  if (!m) invalid(`UNTIL must look like 20250630 or 20250630T235959Z, got "${value}"`);
  const [, y, mo, d, h, mi, s, z] = m;
  const date = `${y}-${mo}-${d}`;
  const time = h === undefined ? '23:59' : `${h}:${mi}`;
  let wall: WallClock;
  try {
    wall = parseLocalDate(date, time);
  } catch {
    return invalid(`UNTIL is not a real date: ${value}`);
  }
  if (h === undefined) return { kind: 'date', wall: { ...wall, second: 59 } };
  if (Number(s) > 59) invalid(`UNTIL is not a real time: ${value}`);
  wall.second = Number(s);
  if (z) return { kind: 'utc', instant: toFloating(wall) }; // UTC fields are the real instant here
  return { kind: 'local', wall };
}

/** Checks an RRULE line; refuses anything the expansion would silently ignore or misread. */
export function parseRecurrenceRule(input: string): RecurrenceRule {
  const text = input.trim().replace(/^RRULE:/i, '').toUpperCase();
  if (!text) invalid('it is empty');
  if (/[\r\n]/.test(text)) invalid('give one RRULE line, without DTSTART');
  const parts = new Map<string, string>();
  for (const part of text.split(';')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) invalid(`"${part}" is not KEY=VALUE`);
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    const refusal = REFUSED[key];
    if (refusal) invalid(refusal);
    if (!SUPPORTED.includes(key)) invalid(`${key} is not supported (use ${SUPPORTED.join(', ')})`);
    if (parts.has(key)) invalid(`${key} appears twice`);
    parts.set(key, value);
  }
  const freqName = parts.get('FREQ');
  if (!freqName) invalid('FREQ is required (DAILY, WEEKLY or MONTHLY)');
  const freq = FREQS[freqName];
  if (freq === undefined) invalid(`FREQ=${freqName} is not supported for sessions (use DAILY, WEEKLY or MONTHLY)`);
  const options: Partial<Options> = { freq };
  const rule: RecurrenceRule = { text: '', options };

  for (const [key, value] of parts) {
    const list = value.split(',');
    switch (key) {
      case 'FREQ':
        break;
      case 'INTERVAL':
        options.interval = intIn(key, value, 1, 52);
        break;
      case 'COUNT':
        options.count = intIn(key, value, 1, MAX_OCCURRENCES);
        break;
      case 'UNTIL':
        rule.until = parseUntil(value);
        break;
      case 'BYDAY':
        options.byweekday = list.map((item) => {
          const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
          if (!m) invalid(`BYDAY must list days as MO,TU,WE,TH,FR,SA,SU, got "${item}"`);
          const day = DAYS[m[2]!]!;
          if (m[1] === undefined) return day;
          if (freq !== Frequency.MONTHLY) invalid(`BYDAY=${item}: a numbered weekday needs FREQ=MONTHLY`);
          return day.nth(intIn('BYDAY', m[1], -5, 5, true));
        });
        break;
      case 'BYMONTHDAY':
        options.bymonthday = list.map((v) => intIn(key, v, -31, 31, true));
        break;
      case 'BYMONTH':
        options.bymonth = list.map((v) => intIn(key, v, 1, 12));
        break;
      case 'BYSETPOS':
        options.bysetpos = list.map((v) => intIn(key, v, -31, 31, true));
        break;
      case 'WKST': {
        const day = DAYS[value];
        if (!day) invalid(`WKST must be one of MO,TU,WE,TH,FR,SA,SU, got "${value}"`);
        options.wkst = day;
        break;
      }
      default:
        invalid(`${key} is not supported`);
    }
  }
  if (options.count !== undefined && rule.until) invalid('give COUNT or UNTIL, not both');
  if (options.bysetpos && !options.byweekday && !options.bymonthday) invalid('BYSETPOS needs BYDAY or BYMONTHDAY');
  rule.text = [...parts].map(([k, v]) => `${k}=${v}`).join(';');
  return rule;
}

export interface RecurrencePattern {
  rule: RecurrenceRule;
  /** First session's local date and time in `timeZone`. */
  startDate: string;
  startTime: string;
  durationMinutes: number;
  timeZone: string;
}

export interface Occurrence {
  /** 0 for the first occurrence of the series, counting from startDate. */
  index: number;
  startsAt: Date;
  endsAt: Date;
  /** Local date in the program's zone. */
  localDate: string;
}

/**
 * Occurrences that start inside [from, to). Indexes count from the series'
 * first occurrence, so themes rotate the same way whatever the window.
 */
export function expandRecurrence(pattern: RecurrencePattern, window: { from: Date; to: Date }): Occurrence[] {
  assertTimeZone(pattern.timeZone);
  const dtstart = toFloating(parseLocalDate(pattern.startDate, pattern.startTime));
  const { rule } = pattern;
  let until: Date | undefined;
  if (rule.until?.kind === 'utc') until = toFloating(wallClockOf(rule.until.instant, pattern.timeZone));
  else if (rule.until) until = toFloating(rule.until.wall);
  if (until && until < dtstart) invalid('UNTIL is before the first session');

  // Floating end of the window with a day's margin either way for any offset.
  const floatingTo = new Date(toFloating(wallClockOf(window.to, pattern.timeZone)).getTime() + 86_400_000);
  const rrule = new RRule({ ...rule.options, dtstart, until: until ?? null, tzid: null });
  const floating = rrule.all((date, i) => i < MAX_OCCURRENCES && date < floatingTo);

  const out: Occurrence[] = [];
  floating.forEach((f, index) => {
    const wall = fromFloating(f);
    const startsAt = instantOf(wall, pattern.timeZone);
    if (startsAt < window.from || startsAt >= window.to) return;
    out.push({
      index,
      startsAt,
      endsAt: addMinutes(startsAt, pattern.durationMinutes),
      localDate: `${wall.year}-${String(wall.month).padStart(2, '0')}-${String(wall.day).padStart(2, '0')}`,
    });
  });
  return out;
}

/** The rule with its start, as RFC 5545 text (for calendars and the API). */
export function toRfc5545(pattern: Omit<RecurrencePattern, 'durationMinutes'>): string {
  const [y, m, d] = pattern.startDate.split('-');
  const [hh, mm] = pattern.startTime.split(':');
  return `DTSTART;TZID=${pattern.timeZone}:${y}${m}${d}T${hh}${mm}00\nRRULE:${pattern.rule.text}`;
}
