/**
 * The browser the e2e tests (and bench/join-time) launch gets the features it is meant to:
 * exactly one `--disable-features` (Chromium keeps only the last one), carrying
 * playwright-core's own list and ours (support/chromium-features.json). If a playwright-core
 * upgrade changes its list, its switch is no longer the one `ignoreDefaultArgs` removes and
 * this test fails: copy the new list into chromium-features.json.
 * It also checks what ours is for: a new context's window starts no WebUI renderer of its own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { CHROMIUM_FEATURES, launchChromium } from './support/browser';

jest.setTimeout(120_000);

/** Command lines of the Chromium processes started from this test process, and their descendants. */
function chromiumProcesses(): string[][] {
  const parentOf = new Map<number, number>();
  const argsOf = new Map<number, string[]>();
  for (const entry of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      // Chromium's child processes rewrite their title: one string with spaces instead of NUL-separated arguments.
      argsOf.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8').split(/[\0 ]/).filter(Boolean));
    } catch {
      // gone meanwhile
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p)) if (p === process.pid) return true;
    return false;
  };
  return [...argsOf].filter(([pid, args]) => mine(pid) && args[0]?.includes('chromium')).map(([, args]) => args);
}

describe('the e2e browser’s feature switches', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it('one --disable-features with playwright-core’s list and ours; no WebUI renderer per window', async () => {
    for (let i = 0; i < 2; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto('data:text/html,<p>hello</p>');
    }
    const processes = chromiumProcesses();
    const main = processes.find((args) => args.includes('--remote-debugging-pipe'));
    expect(main).toBeDefined();
    const switches = main!.filter((a) => a.startsWith('--disable-features='));
    expect(switches).toHaveLength(1);
    const disabled = switches[0]!.slice('--disable-features='.length).split(',');
    for (const feature of [...CHROMIUM_FEATURES.playwrightDisabled, ...CHROMIUM_FEATURES.hearthDisabled]) expect(disabled).toContain(feature);
    // Pages did start renderers; none of them is the browser window's own WebUI.
    expect(processes.filter((args) => args.includes('--type=renderer')).length).toBeGreaterThanOrEqual(2);
    expect(processes.filter((args) => args.includes('--top-chrome-webui'))).toEqual([]);
  });
});
