import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from './app';

interface AxeNode {
  target: string[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: AxeNode[];
}

/**
 * Runs axe-core (the npm package, injected into the page) against WCAG 2.1 A/AA and
 * returns the serious and critical violations as readable lines ("rule: target").
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  // Evaluated through the DevTools protocol, not a <script> tag: the app's CSP (script-src 'self')
  // rightly refuses inline scripts, and the test must not loosen it.
  if (!loaded) await page.evaluate(`${readFileSync(path.join(REPO_ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8')}\n;undefined`);
  const violations = await page.evaluate(async () => {
    // The page as it settles, not mid-transition: a button just enabled fades to its colour over
    // 120 ms, and on a busy machine axe could measure the contrast of a colour halfway there.
    // Endless animations (a spinner, the waiting room's breathing guide) are not waited for.
    const finite = document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity);
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${v.help}`));
}
