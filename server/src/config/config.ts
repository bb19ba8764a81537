import { cpus } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(1).max(65535);

/**
 * Test-only: `event:ms[,event:ms…]` (e.g. `media:produce:12000`) makes the server answer
 * those socket requests late, so browser tests can prove a slow server throws nobody out.
 */
const testDelayEvents = z
  .string()
  .transform((raw, ctx) => {
    const delays: Record<string, number> = {};
    for (const item of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
      const cut = item.lastIndexOf(':');
      const event = item.slice(0, cut);
      const ms = Number(item.slice(cut + 1));
      if (cut <= 0 || !/^[a-z]+:[A-Za-z]+$/.test(event) || !Number.isInteger(ms) || ms < 1 || ms > 120_000) {
        ctx.addIssue({ code: 'custom', message: `"${item}" is not event:milliseconds (1–120000), e.g. media:produce:12000` });
        return z.NEVER;
      }
      delays[event] = ms;
    }
    return delays;
  });

/**
 * Every environment variable Hearth reads, parsed once at start-up.
 * The README's configuration table mirrors this schema.
 */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Public URL printed at start and used in ICS links; defaults to http://localhost:PORT. */
    PUBLIC_URL: z.string().url().optional(),
    /** PostgreSQL connection string; unset → embedded PGlite under DATA_DIR. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
    DATA_DIR: z.string().min(1).default(path.resolve(process.cwd(), '.hearth-data')),
    /** HMAC secret for access tokens; required in production (≥ 32 chars). */
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86400).default(900),
    REFRESH_TOKEN_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
    /** Automatic logoff after this many minutes without activity (HIPAA §164.312(a)(2)(iii)). */
    IDLE_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(240).default(15),
    /** How long a dropped participant keeps their place in the room. */
    RECONNECT_GRACE_SECONDS: z.coerce.number().int().min(5).max(600).default(60),
    /** This process's id in a cluster (health, placement, leases); unset → generated at start. */
    NODE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" and "-" only (at most 64)')
      .optional(),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
    MEDIASOUP_WORKERS: z.coerce.number().int().min(1).max(64).default(Math.max(1, cpus().length)),
    RTC_LISTEN_IP: z.string().ip().default('127.0.0.1'),
    /** IP or host name clients reach the server's media ports on (set behind NAT). */
    RTC_ANNOUNCED_ADDRESS: z.string().min(1).optional(),
    RTC_MIN_PORT: port.default(40000),
    RTC_MAX_PORT: port.default(49999),
    /** Directory of the built client to serve; unset → client/dist next to the server when it exists. */
    CLIENT_DIST: z.string().optional(),
    /** Seed the demo program and accounts when the database has no users. */
    SEED_DEMO: bool.default('false'),
    /** Sign-in throttling: failed attempts on one account (per window) before it is locked for LOGIN_LOCK_MINUTES. */
    LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(3).max(1000).default(10),
    /** Failed sign-ins from one IP address (per window) before that address is locked for LOGIN_LOCK_MINUTES. */
    LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(10).max(100_000).default(100),
    /** The counting window and the lock's length, in minutes. */
    LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
    /** First step of the progressive delay (doubling, up to 8 s) after 3 failures in a row; 0 turns the delay off. */
    LOGIN_DELAY_MS: z.coerce.number().int().min(0).max(5000).default(250),
    /**
     * Benchmarks only (bench/join-time): a file to which the SFU appends, per video consumer,
     * when the first key frame after its start or resume left for the viewer (times and ids, nothing else).
     */
    MEDIA_KEYFRAME_LOG: z.string().min(1).optional(),
    /** Multiplies every per-user socket event budget (tests and load benchmarks raise it). */
    SOCKET_RATE_LIMIT_SCALE: z.coerce.number().min(0.1).max(100_000).default(1),
    /** Socket handshakes allowed from one IP address per minute (all nodes together with REDIS_URL); over it, `connect_error` `rate_limited`. */
    SOCKET_CONNECTS_PER_IP: z.coerce.number().int().min(5).max(1_000_000).default(300),
    /** Express `trust proxy`: unset when clients connect directly; `1` (hops), `loopback` or a subnet behind a balancer, so per-IP limits see the client's address. */
    TRUST_PROXY: z.string().regex(/^(true|\d{1,2}|[0-9a-fA-F:.,/ ]+|loopback|linklocal|uniquelocal)$/, 'must be true, a hop count, loopback or addresses').optional(),
    /** Send Strict-Transport-Security (only when Hearth is reached over HTTPS, e.g. behind a TLS balancer). */
    HSTS: bool.default('false'),
    LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
    /** `json` (one object a line, for log shippers) or `pretty` (a terminal); unset → json in production, pretty elsewhere. */
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    /** Tests only (refused in production): answer these socket requests late. */
    HEARTH_TEST_DELAY_EVENTS: testDelayEvents.default(''),
  })
  .superRefine((env, ctx) => {
    if (env.RTC_MIN_PORT >= env.RTC_MAX_PORT) {
      ctx.addIssue({ code: 'custom', path: ['RTC_MAX_PORT'], message: 'must be greater than RTC_MIN_PORT' });
    }
    if (env.NODE_ENV === 'production' && Object.keys(env.HEARTH_TEST_DELAY_EVENTS).length > 0) {
      ctx.addIssue({ code: 'custom', path: ['HEARTH_TEST_DELAY_EVENTS'], message: 'is for tests only and refused in production' });
    }
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'is required in production: generate one with `openssl rand -hex 32`',
      });
    }
  });

export type AppConfig = z.infer<typeof envSchema>;

/** Never echoed in error messages: they hold secrets (passwords in URLs). */
const SECRET_VARIABLES = new Set(['JWT_SECRET', 'DATABASE_URL', 'REDIS_URL']);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings mean "unset" (docker-compose passes them for optional variables).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = i.path.join('.') || '(environment)';
        const value = typeof cleaned[name] === 'string' && !SECRET_VARIABLES.has(name)
          ? ` (got "${cleaned[name]}")`
          : '';
        return `${name}${value}: ${i.message}`;
      }),
    );
  }
  return parsed.data;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
