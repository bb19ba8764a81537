import type { Browser, Page } from 'playwright-core';
import { startHearth, type RunningHearth } from './support/app';
import { launchChromium } from './support/browser';

jest.setTimeout(240_000);

describe('the built app behind one URL', () => {
  let hearth: RunningHearth;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    hearth = await startHearth();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.stop();
  });
  beforeEach(async () => {
    page = await browser.newPage();
  });
  afterEach(async () => {
    await page?.close();
  });

  it('prints the URL and the demo logins at start, and reports health', async () => {
    expect(hearth.output()).toMatch(/patient1@hearth\.test/);
    expect(hearth.output()).toMatch(/hearth-demo/);
    const res = await fetch(`${hearth.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok', mediasoupWorkers: 1, nodeId: expect.any(String), pid: expect.any(Number) });
  });

  it('asks a signed-out visitor of a deep link to sign in, and refuses a wrong password', async () => {
    // A deep link into the app while signed out lands on the login page.
    await page.goto(`${hearth.url}/sessions/00000000-0000-4000-8000-000000000000/join`);
    await page.getByTestId('login-email').fill('patient1@hearth.test');
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error').textContent()).resolves.toMatch(/incorrect/i);
  });

  it('signs a patient in and lands on their schedule', async () => {
    await page.goto(hearth.url);
    await page.getByTestId('login-email').fill('patient1@hearth.test');
    await page.getByTestId('login-password').fill('hearth-demo');
    await page.getByTestId('login-submit').click();
    await page.getByText('Alex Rivera').first().waitFor({ timeout: 15_000 });
    expect(page.url()).not.toMatch(/\/login/);
    // The demo group session in progress is on the schedule, ready to join.
    await page.getByTestId('session-card').first().waitFor({ timeout: 15_000 });
    const cards = await page.getByTestId('session-card').all();
    const joinable: string[] = [];
    for (const card of cards) {
      if (await card.getByTestId('join-session').isEnabled()) joinable.push((await card.getAttribute('data-session-id')) ?? '');
    }
    const { accessToken } = (await (
      await fetch(`${hearth.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'patient1@hearth.test', password: 'hearth-demo' }),
      })
    ).json()) as { accessToken: string };
    const sessions = (await (
      await fetch(`${hearth.url}/api/me/sessions`, { headers: { authorization: `Bearer ${accessToken}` } })
    ).json()) as { id: string; kind: string; startsAt: string; endsAt: string }[];
    const now = Date.now();
    const live = sessions.find((x) => x.kind === 'group' && Date.parse(x.startsAt) <= now && Date.parse(x.endsAt) > now);
    expect(live).toBeDefined();
    expect(joinable).toContain(live?.id);
  });
});
