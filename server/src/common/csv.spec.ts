import { toCsv } from './csv';

describe('CSV export', () => {
  it('quotes, and neutralises cells a spreadsheet would run as formulas', () => {
    const csv = toCsv(['name', 'minutes'], [
      { name: '=HYPERLINK("http://evil")', minutes: 5 },
      { name: '+1', minutes: 0 },
      { name: '-2', minutes: 1 },
      { name: '@SUM(A1)', minutes: 2 },
      { name: 'Doe, "Jo"', minutes: 3 },
    ]);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('name,minutes');
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://evil"")",5`);
    expect(lines[2]).toBe(`'+1,0`);
    expect(lines[3]).toBe(`'-2,1`);
    expect(lines[4]).toBe(`'@SUM(A1),2`);
    expect(lines[5]).toBe(`"Doe, ""Jo""",3`);
  });
});
