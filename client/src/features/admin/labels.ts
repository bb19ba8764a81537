import { SESSION_TYPE_LABELS, type DisplayNamePolicy, type ProgramSpecialty, type SessionFormat } from '@hearth/protocol';

export const specialtyLabels: Record<ProgramSpecialty, string> = {
  adult: 'Adults',
  adolescent: 'Adolescents',
  young_adult: 'Young adults',
  women: 'Women',
  men: 'Men',
  lgbtq: 'LGBTQ+',
  veterans: 'Veterans',
  other: 'Other',
};

export const namePolicyLabels: Record<DisplayNamePolicy, string> = {
  first_name: 'First name only (Alex)',
  initials: 'Initials only (A. R.)',
  full_name: 'Full name (Alex Rivera)',
};

/** The session types the schedule shows, named once in the protocol. */
export const sessionFormatLabels: Record<SessionFormat, string> = SESSION_TYPE_LABELS;

/** IOP weekly hours by specialty: 6 h for adolescents, 9 h otherwise (the server's default too). */
export function defaultWeeklyHours(specialty: ProgramSpecialty): number {
  return specialty === 'adolescent' ? 6 : 9;
}

/** "9 h", "9 h 10 min", "45 min" */
export function formatHours(minutes: number): string {
  const total = Math.round(minutes);
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** The IANA zones this browser knows, with `current` first-class even if Intl omits it (UTC). */
export function timeZoneOptions(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes(current) ? zones : [current, ...zones];
}

const longDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
/** "Nov 24, 2025" (in the reader's locale) for a calendar date `YYYY-MM-DD`. */
export function formatLocalDate(date: string): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) ? date : longDate.format(parsed);
}
