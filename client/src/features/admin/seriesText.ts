import { describeWeekdays, WEEKDAYS, type WeekdayCode } from './rrule';

/** "Every Mon, Wed and Thu" for a weekly RRULE; empty for rules this page did not write. */
export function describeRule(rrule: string): string {
  const parts = new Map(rrule.split(';').map((p) => p.split('=') as [string, string]));
  if (parts.get('FREQ') !== 'WEEKLY') return '';
  const codes = (parts.get('BYDAY') ?? '').split(',').filter((c): c is WeekdayCode => WEEKDAYS.some((d) => d.code === c));
  return codes.length ? `Every ${describeWeekdays(codes)}.` : '';
}
