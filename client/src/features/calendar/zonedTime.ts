/**
 * Wall-clock times in a program's IANA time zone, with the browser's Intl only (no
 * date library in the client): a therapist in Chicago booking 18:00 for a Phoenix
 * program means 18:00 in Phoenix.
 */

/** The browser's own zone, e.g. "Europe/Berlin". */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();
function partsFormat(zone: string): Intl.DateTimeFormat {
  let format = partsFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormats.set(zone, format);
  }
  return format;
}

/** The wall clock in `zone` at `instant`. */
export function wallClockIn(instant: Date, zone: string): { date: string; time: string } {
  const parts = Object.fromEntries(partsFormat(zone).formatToParts(instant).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** Minutes `zone` is ahead of UTC at `instant` (Phoenix: -420). */
export function zoneOffsetMinutes(instant: Date, zone: string): number {
  const parts = Object.fromEntries(partsFormat(zone).formatToParts(instant).map((p) => [p.type, Number(p.value)]));
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

function pad(n: number): string {
  return String(Math.abs(n)).padStart(2, '0');
}

/**
 * `2025-11-24` + `18:00` in America/Phoenix → `2025-11-24T18:00:00-07:00`, the ISO
 * instant with the zone's offset that the API expects. A time skipped by a DST change
 * lands on the instant just after the gap.
 */
export function zonedInstant(date: string, time: string, zone: string): string {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const wallAsUtc = Date.UTC(y!, mo! - 1, d!, h!, mi!);
  // Two passes settle the offset on either side of a DST change.
  let offset = zoneOffsetMinutes(new Date(wallAsUtc), zone);
  offset = zoneOffsetMinutes(new Date(wallAsUtc - offset * 60_000), zone);
  const sign = offset < 0 ? '-' : '+';
  const local = new Date(wallAsUtc);
  const iso = local.toISOString().slice(0, 19);
  return `${iso}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** "Phoenix time" for America/Phoenix, "Indiana/Indianapolis" → "Indianapolis time". */
export function zoneLabel(zone: string): string {
  const city = zone.split('/').pop() ?? zone;
  return `${city.replace(/_/g, ' ')} time`;
}

const rangeFormats = new Map<string, Intl.DateTimeFormat>();
function rangeFormat(zone: string | undefined, withDay: boolean): Intl.DateTimeFormat {
  const key = `${zone ?? ''}|${withDay}`;
  let format = rangeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, {
      timeZone: zone,
      ...(withDay ? { weekday: 'short', month: 'short', day: 'numeric' } : {}),
      hour: 'numeric',
      minute: '2-digit',
    });
    rangeFormats.set(key, format);
  }
  return format;
}

/**
 * "Mon, Nov 24, 6:00 – 9:00 PM" in the browser's zone; when the program's zone differs,
 * in the program's zone with its name: "Mon, Nov 24, 6:00 – 9:00 PM (Phoenix time)".
 */
export function formatSessionRange(
  start: Date,
  end: Date,
  zone?: string | null,
  options: { withDay?: boolean; /** Name the zone even when it is the browser's (the pre-join page). */ alwaysNameZone?: boolean } = {},
): string {
  const withDay = options.withDay ?? true;
  if (options.alwaysNameZone) {
    const named = zone ?? browserTimeZone();
    const format = isOtherZone(named, start) ? rangeFormat(named, withDay) : rangeFormat(undefined, withDay);
    return `${format.formatRange(start, end)} (${zoneLabel(named)})`;
  }
  if (!zone || !isOtherZone(zone, start)) return rangeFormat(undefined, withDay).formatRange(start, end);
  return `${rangeFormat(zone, withDay).formatRange(start, end)} (${zoneLabel(zone)})`;
}

/** True when `zone` shows a different wall clock than the browser's zone at `at`. */
export function isOtherZone(zone: string, at: Date = new Date()): boolean {
  const mine = browserTimeZone();
  if (zone === mine) return false;
  try {
    return zoneOffsetMinutes(at, zone) !== zoneOffsetMinutes(at, mine);
  } catch {
    return false;
  }
}
