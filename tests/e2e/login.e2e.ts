import type { Browser, Page } from 'playwright-core';
import { startHearth, type RunningHearth } from './support/app';
import { launchChromium } from './support/browser';

jest.setTimeout(120_000);

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
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok', mediasoupWorkers: 1 });
  });

  it('shows the login page on any path and refuses a wrong password', async () => {
    await page.goto(`${hearth.url}/some/deep/link`);
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
  });
});
