import { stringify } from 'csv-stringify/sync';

/**
 * A cell a spreadsheet would run as a formula (= + - @, or a leading tab or
 * carriage return) gets a leading apostrophe, so it shows as text (OWASP).
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180 CSV with a header row; strings neutralised, dates ISO 8601, nulls empty. */
export function toCsv<T extends Record<string, unknown>>(columns: readonly (keyof T & string)[], rows: readonly T[]): string {
  return stringify(rows as T[], {
    header: true,
    columns: columns as string[],
    cast: {
      string: (v) => neutraliseFormula(v),
      date: (v) => v.toISOString(),
      number: (v) => String(v),
      boolean: (v) => (v ? 'true' : 'false'),
    },
  });
}
