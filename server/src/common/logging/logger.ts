import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Level, type Logger as PinoLogger } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import pinoPretty from 'pino-pretty';
import type { AppConfig } from '../../config/config';
import { redactValue, registerSecrets, scrubString, serializeError, urlCredentials } from './redaction';

export type LogFormat = 'json' | 'pretty';
type NestLevel = AppConfig['LOG_LEVEL'];

/** Our LOG_LEVEL names (Nest's) → pino's. */
export const PINO_LEVEL: Record<NestLevel, Level> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * LOG_FORMAT when set; otherwise JSON in production (for log shippers) and
 * readable lines elsewhere (`npm start` in a terminal). Reads the raw
 * environment too, so a start-up failure before the config parses is
 * reported in the same format.
 */
export function logFormatOf(env: { LOG_FORMAT?: string; NODE_ENV?: string }): LogFormat {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return env.NODE_ENV === 'production' ? 'json' : 'pretty';
}

export interface RootLoggerOptions {
  level: NestLevel;
  format: LogFormat;
  /** Fields on every line (e.g. the cluster node). */
  base?: Record<string, unknown>;
  /** Where lines go; stdout by default. */
  destination?: DestinationStream;
}

/**
 * The process's one pino logger. Every line passes the redaction layer
 * (`redaction.ts`): sensitive keys at any depth, credentials in strings
 * (messages included), errors reduced to class, code and stack.
 */
export function createRootLogger(opts: RootLoggerOptions): PinoLogger {
  const options: pino.LoggerOptions = {
    level: PINO_LEVEL[opts.level],
    base: { pid: process.pid, ...opts.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => redactValue(obj) as Record<string, unknown>,
    },
    serializers: { err: (e: unknown) => (e instanceof Error ? serializeError(e) : e) },
    hooks: {
      logMethod(args, method) {
        const cleaned = args.map((a) => (typeof a === 'string' ? scrubString(a) : a)) as Parameters<typeof method>;
        method.apply(this, cleaned);
      },
    },
  };
  // Through process.stdout (synchronous for files and pipes on Linux): the start banner
  // and the log lines keep their order, and tests can watch what the process writes.
  const destination =
    opts.destination ??
    (opts.format === 'pretty'
      ? pinoPretty({
          sync: true,
          singleLine: true,
          destination: process.stdout,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,context,nodeId',
          messageFormat: '{if context}[{context}] {end}{msg}',
        })
      : process.stdout);
  return pino(options, destination);
}

/** The configuration's own secrets, so no log line can echo them. */
export function registerConfigSecrets(config: Pick<AppConfig, 'JWT_SECRET' | 'DATABASE_URL' | 'REDIS_URL'>): void {
  registerSecrets(config.JWT_SECRET, ...urlCredentials(config.DATABASE_URL), ...urlCredentials(config.REDIS_URL));
}

/** A request path as logs may hold it: no query string, no guest-link secret. */
export function loggablePath(url: string | undefined): string {
  const path = (url ?? '').split('?')[0] ?? '';
  return scrubString(path.slice(0, 200));
}

type Res = ServerResponse & { locals?: { errorCode?: unknown } };

function errorCodeOf(res: Res): string | undefined {
  const code = res.locals?.errorCode;
  return typeof code === 'string' ? code : undefined;
}

/**
 * One access line per API request: method, path without query, status,
 * time, and the error code for refusals — never headers or bodies.
 * Client mistakes (4xx) are one warn line; our own failures (5xx) an error
 * line here plus the stack from the exception filter.
 */
export function httpLoggingOptions(root: PinoLogger): PinoHttpOptions {
  const line = (req: IncomingMessage, res: ServerResponse) => `${req.method ?? ''} ${loggablePath(req.url)} ${res.statusCode}`;
  return {
    logger: root,
    quietReqLogger: true,
    genReqId: () => randomUUID(),
    autoLogging: {
      ignore: (req) => {
        const path = loggablePath(req.url);
        return !path.startsWith('/api/') || path === '/api/health';
      },
    },
    serializers: {
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: loggablePath(req.url) }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: (req, res) => line(req, res),
    customSuccessObject: (_req, res, val: Record<string, unknown>) => {
      const code = errorCodeOf(res as Res);
      return code ? { ...val, errorCode: code } : val;
    },
    customErrorMessage: (req, res) => line(req, res),
    // The exception filter has logged the error with its stack; the access line names the code only.
    customErrorObject: (_req, res, _err, val: Record<string, unknown>) => ({
      res: val.res,
      responseTime: val.responseTime,
      errorCode: errorCodeOf(res as Res) ?? 'internal',
    }),
  };
}
