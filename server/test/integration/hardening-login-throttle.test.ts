import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

/**
 * Sign-in throttling: a progressive delay, then a temporary lock per account
 * and per IP address, the same for accounts that do not exist.
 */
describe('sign-in throttling (PostgreSQL)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp('postgres', {
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
      LOGIN_MAX_FAILURES_PER_IP: '30',
      LOGIN_DELAY_MS: '300',
      TRUST_PROXY: 'loopback',
    });
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** A sign-in from `ip` (the balancer in front of us says so in X-Forwarded-For). */
  async function signIn(email: string, password: string, ip: string) {
    const res = await fetch(`${app.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ email, password }),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { code?: string; message?: string } };
  }

  const ip = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

  it('locks an account after repeated failures, even in parallel, and refuses the right password while locked', async () => {
    const from = ip();
    const results = await Promise.all(Array.from({ length: 10 }, () => signIn('patient1@hearth.test', 'wrong-password', from)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    const refused = results.find((r) => r.status === 429)!;
    expect(refused.body.code).toBe('rate_limited');
    expect(Number(refused.retryAfter)).toBeGreaterThan(60);

    // The right password, even from another address, waits for the lock to end.
    const locked = await signIn('patient1@hearth.test', 'hearth-demo', ip());
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
    // Other accounts are not affected.
    expect((await signIn('patient2@hearth.test', 'hearth-demo', from)).status).toBe(200);
  });

  it('treats an account that does not exist exactly like one that does', async () => {
    const from = ip();
    const real: number[] = [];
    const ghost: number[] = [];
    for (let i = 0; i < 7; i++) {
      real.push((await signIn('patient3@hearth.test', 'wrong-password', from)).status);
      ghost.push((await signIn(`nobody-${from}@hearth.test`, 'wrong-password', from)).status);
    }
    expect(real).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(ghost).toEqual(real);
    const a = await signIn('patient3@hearth.test', 'x', from);
    const b = await signIn(`nobody-${from}@hearth.test`, 'x', from);
    expect(b.body).toEqual(a.body);
  });

  it('slows down repeated failures progressively', async () => {
    const from = ip();
    for (let i = 0; i < 3; i++) expect((await signIn('patient4@hearth.test', 'wrong', from)).status).toBe(401);
    const started = Date.now();
    expect((await signIn('patient4@hearth.test', 'wrong', from)).status).toBe(401);
    const fourth = Date.now() - started;
    const started5 = Date.now();
    expect((await signIn('patient4@hearth.test', 'wrong', from)).status).toBe(401);
    const fifth = Date.now() - started5;
    // Lower bounds only: a loaded machine can only make these slower.
    expect(fourth).toBeGreaterThanOrEqual(300);
    expect(fifth).toBeGreaterThanOrEqual(600);
  });

  it('forgives typos: a success starts the account afresh', async () => {
    const from = ip();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++) expect((await signIn('patient5@hearth.test', 'typo', from)).status).toBe(401);
      expect((await signIn('patient5@hearth.test', 'hearth-demo', from)).status).toBe(200);
    }
  });

  it('locks an IP address that tries many accounts, not the others', async () => {
    const attacker = ip();
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await signIn(`guess-${i}@hearth.test`, 'wrong', attacker)).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    expect((await signIn('patient6@hearth.test', 'hearth-demo', attacker)).status).toBe(429);
    expect((await signIn('patient6@hearth.test', 'hearth-demo', ip())).status).toBe(200);
  });
});
