import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies defaults for a bare environment', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.IDLE_TIMEOUT_MINUTES).toBe(15);
    expect(c.MEDIASOUP_WORKERS).toBeGreaterThanOrEqual(1);
  });

  it('names every bad variable and its value', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toMatch(/PORT \(got "abc"\)/);
      expect(msg).toMatch(/DATABASE_URL: must start with postgres/);
      expect(msg).not.toMatch(/mysql:\/\/x/); // connection strings may hold passwords
    }
  });

  it('refuses an empty RTC port range', () => {
    expect(() => loadConfig({ RTC_MIN_PORT: '5000', RTC_MAX_PORT: '4000' })).toThrow(
      /RTC_MAX_PORT.*greater than RTC_MIN_PORT/,
    );
  });

  it('requires a JWT secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET.*required in production/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).JWT_SECRET).toHaveLength(32);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('never echoes a Redis URL (it may hold a password)', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://user:s3cret@host:6379' })).toThrow(/REDIS_URL: must start with redis/);
    try {
      loadConfig({ REDIS_URL: 'http://user:s3cret@host:6379' });
    } catch (e) {
      expect((e as Error).message).not.toMatch(/s3cret/);
    }
  });

  it('has sign-in throttling and socket limits a clinic can live with, and bounds them', () => {
    const c = loadConfig({});
    expect(c.LOGIN_MAX_FAILURES_PER_ACCOUNT).toBe(10);
    expect(c.LOGIN_MAX_FAILURES_PER_IP).toBe(100);
    expect(c.LOGIN_LOCK_MINUTES).toBe(15);
    expect(c.SOCKET_RATE_LIMIT_SCALE).toBe(1);
    expect(c.HSTS).toBe(false);
    expect(() => loadConfig({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '1' })).toThrow(/LOGIN_MAX_FAILURES_PER_ACCOUNT/);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone; rm -rf' })).toThrow(/TRUST_PROXY/);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).TRUST_PROXY).toBe('loopback');
  });

  it('parses the test-only request delays, and refuses them in production', () => {
    expect(loadConfig({}).HEARTH_TEST_DELAY_EVENTS).toEqual({});
    expect(loadConfig({ HEARTH_TEST_DELAY_EVENTS: 'media:produce:12000, room:join:500' }).HEARTH_TEST_DELAY_EVENTS).toEqual({
      'media:produce': 12000,
      'room:join': 500,
    });
    expect(() => loadConfig({ HEARTH_TEST_DELAY_EVENTS: 'media:produce' })).toThrow(/HEARTH_TEST_DELAY_EVENTS.*not event:milliseconds/);
    expect(() => loadConfig({ HEARTH_TEST_DELAY_EVENTS: 'media:produce:0' })).toThrow(/HEARTH_TEST_DELAY_EVENTS/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), HEARTH_TEST_DELAY_EVENTS: 'media:produce:12000' }),
    ).toThrow(/HEARTH_TEST_DELAY_EVENTS.*refused in production/);
  });
});
