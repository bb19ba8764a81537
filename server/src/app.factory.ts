import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { HttpErrorFilter } from './common/http-exception.filter';
import { createRootLogger, httpLoggingOptions, logFormatOf, registerConfigSecrets } from './common/logging/logger';
import { securityHeaders, trustProxySetting } from './common/security-headers';
import type { AppConfig } from './config/config';
import { openDatabase, type DatabaseTarget } from './database/data-source';
import { NodeIdentity } from './modules/cluster/node-identity';
import { HearthIoAdapter } from './modules/realtime/hearth-io-adapter';
import { WorkerPool } from './modules/media/worker-pool';
import { seedDemo, type SeedSummary } from './seed/demo-seed';

export interface HearthApp {
  app: NestExpressApplication;
  dataSource: DataSource;
  workerPool: WorkerPool;
  /** This process in a cluster (NODE_ID or generated). */
  node: NodeIdentity;
  seeded: SeedSummary | null;
  /** The process's pino logger (everything Nest logs goes through it). */
  logger: PinoLogger;
  close(): Promise<void>;
}

/** The process's logger from the configuration (main.ts makes it before the app, to report start-up failures). */
export function rootLoggerFor(config: AppConfig, nodeId?: string): PinoLogger {
  registerConfigSecrets(config);
  return createRootLogger({ level: config.LOG_LEVEL, format: logFormatOf(config), base: nodeId ? { nodeId } : {} });
}

export function databaseTarget(config: AppConfig): DatabaseTarget {
  return config.DATABASE_URL ? { url: config.DATABASE_URL } : { pgliteDir: path.join(config.DATA_DIR, 'pglite') };
}

/** Dev convenience: a secret kept in DATA_DIR so sign-ins survive restarts. */
function resolveJwtSecret(config: AppConfig): string {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  if (config.NODE_ENV === 'test') return randomBytes(32).toString('hex');
  const file = path.join(config.DATA_DIR, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.DATA_DIR, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function resolveClientDist(config: AppConfig): string | undefined {
  const dir = config.CLIENT_DIST ?? path.resolve(__dirname, '../../client/dist');
  return existsSync(path.join(dir, 'index.html')) ? dir : undefined;
}

/** Builds the whole server: database (migrated), mediasoup workers, Nest app. Does not listen. */
export async function createHearthApp(
  config: AppConfig,
  overrides: { database?: DatabaseTarget; logger?: PinoLogger; node?: NodeIdentity } = {},
): Promise<HearthApp> {
  const node = overrides.node ?? NodeIdentity.fromConfig(config);
  const logger = overrides.logger ?? rootLoggerFor(config, node.nodeId);
  const dataSource = await openDatabase(overrides.database ?? databaseTarget(config));
  let workerPool: WorkerPool | undefined;
  try {
    const seeded = config.SEED_DEMO ? await seedDemo(dataSource) : null;
    workerPool = await WorkerPool.create({
      size: config.MEDIASOUP_WORKERS,
      rtcMinPort: config.RTC_MIN_PORT,
      rtcMaxPort: config.RTC_MAX_PORT,
    });
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, dataSource, workerPool, jwtSecret: resolveJwtSecret(config), node, logger }),
      { bufferLogs: true, bodyParser: false, abortOnError: false },
    );
    // Every `new Logger(...)` in the code base writes through pino from here on.
    app.useLogger(app.get(NestPinoLogger));
    // One 'disconnect' listener per socket for all the gateways (hearth-io-adapter.ts).
    app.useWebSocketAdapter(new HearthIoAdapter(app));
    // The access log first, so even a request the body parser refuses gets its one line.
    app.use(pinoHttp(httpLoggingOptions(logger)));
    app.useBodyParser('json', { limit: '64kb' });
    app.useGlobalFilters(new HttpErrorFilter());
    app.disable('x-powered-by');
    app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
    for (const handler of securityHeaders(config)) app.use(handler);
    app.enableShutdownHooks();
    const clientDist = resolveClientDist(config);
    if (clientDist) serveClient(app, clientDist);
    const pool = workerPool;
    return {
      app,
      dataSource,
      workerPool: pool,
      node,
      seeded,
      logger,
      async close() {
        await app.close(); // closes the DataSource through TypeOrmModule
        pool.close();
        if (dataSource.isInitialized) await dataSource.destroy();
      },
    };
  } catch (e) {
    workerPool?.close();
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    throw e;
  }
}

/** One URL: the built client, with index.html for every non-API path (client-side routing). */
function serveClient(app: NestExpressApplication, dir: string): void {
  app.useStaticAssets(dir, { index: false, maxAge: '1h' });
  const index = path.join(dir, 'index.html');
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || req.path.startsWith('/api/') || req.path.startsWith('/socket.io/')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  new Logger('Hearth').log(`Serving the web client from ${dir}`);
}
