/**
 * Security headers in a real browser: the built client loads and runs under
 * Hearth's content security policy with no violation (sign-in, schedule, the
 * room with camera and microphone, media both ways), and the headers are there.
 */
import type { Browser, Page } from 'playwright-core';
import { apiLogin, DESKTOP, expectMediaFlowing, gatherInRoom, liveGroupSessionId, screenshot, type Person } from './room.support';
import { startHearth, type RunningHearth } from './support/app';
import { launchChromium } from './support/browser';

jest.setTimeout(180_000);

describe('security headers and the content security policy in Chromium', () => {
  let hearth: RunningHearth;
  let browser: Browser;
  const violations: string[] = [];

  beforeAll(async () => {
    hearth = await startHearth();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.stop();
  });

  /** Records every CSP report and console error about the policy. */
  async function watch(page: Page): Promise<void> {
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`Refused to load (CSP) ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
  }

  it('sends the headers on the page and the API', async () => {
    const page = await fetch(hearth.url);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    // WebAssembly may compile (background blur's model); eval and inline scripts stay refused.
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toMatch(/'unsafe-eval'|'unsafe-inline'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('permissions-policy')).toContain('camera=(self)');
    expect(page.headers.get('strict-transport-security')).toBeNull(); // plain HTTP here: no HSTS
    const api = await fetch(`${hearth.url}/api/health`);
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('runs the app, the room and media with no CSP violation', async () => {
    const { accessToken } = await apiLogin(hearth.url, 'patient1@hearth.test');
    const sessionId = await liveGroupSessionId(hearth.url, accessToken);
    const people: Person[] = [];
    for (const email of ['therapist@hearth.test', 'patient1@hearth.test']) {
      // Watched from the very first page load on.
      const { user } = await apiLogin(hearth.url, email);
      const context = await browser.newContext({ viewport: DESKTOP });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      await watch(page);
      await page.goto(hearth.url);
      await page.getByTestId('login-email').fill(email);
      await page.getByTestId('login-password').fill('hearth-demo');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('session-card').first().waitFor();
      people.push({ email, userId: user.id, context, page });
    }
    const [therapist, patient] = people as [Person, Person];
    await gatherInRoom(therapist, [{ person: patient, location: 'Home, Phoenix', callbackNumber: '+1 602 555 0199' }], sessionId);
    await expectMediaFlowing(therapist, patient);
    await expectMediaFlowing(patient, therapist);
    await screenshot(therapist.page, 'csp-room-therapist');
    // Reload under the policy: the app boots again from scratch.
    await patient.page.reload();
    await patient.page.locator('body').waitFor();
    expect(violations).toEqual([]);
    // The watch itself works: an injected inline script is refused and reported.
    const ran = await therapist.page.evaluate(() => {
      const el = document.createElement('script');
      el.textContent = 'window.__injected = true';
      document.head.appendChild(el);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran).toBe(false);
    await therapist.page.waitForFunction(() => true);
    await new Promise((r) => setTimeout(r, 300));
    expect(violations.some((v) => /script-src/.test(v))).toBe(true);
    for (const p of people) await p.context.close();
  });
});
