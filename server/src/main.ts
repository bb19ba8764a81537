import 'reflect-metadata';
import type { Logger as PinoLogger } from 'pino';
import { ConfigError, loadConfig } from './config/config';
import { createHearthApp, databaseTarget, rootLoggerFor } from './app.factory';
import { logFormatOf } from './common/logging/logger';
import { scrubString, serializeError } from './common/logging/redaction';
import { DatabaseStartError, describeTarget } from './database/data-source';
import { NodeIdentity } from './modules/cluster/node-identity';
import { WorkerStartError } from './modules/media/worker-pool';

/** JSON lines when LOG_FORMAT says so (or production), plain text for a person otherwise. */
const json = logFormatOf(process.env) === 'json';
let logger: PinoLogger | undefined;

function fail(title: string, detail: string): never {
  if (json) {
    const line = { level: 'fatal', time: new Date().toISOString(), pid: process.pid, msg: `Hearth cannot start: ${title}`, detail: scrubString(detail) };
    process.stderr.write(`${JSON.stringify(line)}\n`);
  } else {
    process.stderr.write(`\nHearth cannot start: ${title}\n${scrubString(detail)}\n\n`);
  }
  process.exit(1);
}

/** In JSON mode Node's own warnings are log lines too (its default printer writes plain text). */
function routeProcessWarnings(log: PinoLogger): void {
  process.removeAllListeners('warning');
  process.on('warning', (w) => log.warn({ warning: w.name, code: (w as { code?: string }).code, msg: scrubString(w.message) }));
}

/**
 * SIGTERM/SIGINT are graceful (Nest's shutdown hooks: clients told, live state
 * flushed, connections closed); whatever hangs, the process is gone within 10 s.
 */
function exitWithin(ms: number): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        if (logger) logger.error(`graceful shutdown took over ${ms} ms; exiting`);
        else process.stderr.write(`Hearth: graceful shutdown took over ${ms} ms; exiting.\n`);
        process.exit(1);
      }, ms).unref();
    });
  }
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) fail('bad configuration', `${e.message}\nSee the configuration table in README.md.`);
    throw e;
  }
  const node = NodeIdentity.fromConfig(config);
  const log = rootLoggerFor(config, node.nodeId);
  logger = log;
  if (json) routeProcessWarnings(log);
  let hearth;
  try {
    hearth = await createHearthApp(config, { logger: log, node });
  } catch (e) {
    if (e instanceof DatabaseStartError) fail('database unavailable', e.message);
    if (e instanceof WorkerStartError) fail('mediasoup worker unavailable', e.message);
    throw e;
  }
  try {
    await hearth.app.listen(config.PORT, config.HOST);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`port ${config.PORT} is in use`, 'Stop the other process or set PORT to a free port.');
    throw e;
  }
  exitWithin(9_000);
  const address = hearth.app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = config.PUBLIC_URL ?? `http://localhost:${port}`;
  if (json) {
    // The start banner as one JSON line, whatever LOG_LEVEL says (tools wait for "Hearth is running: <url>").
    log.child({}, { level: 'info' }).info({
      msg: `Hearth is running: ${url}`,
      url,
      database: describeTarget(databaseTarget(config)),
      mediasoupWorkers: hearth.workerPool.size,
      nodeId: hearth.node.nodeId,
      demoAccounts: hearth.seeded?.accounts.map((a) => ({ login: a.email, role: a.role })),
    });
    return;
  }
  const lines = [
    '',
    `Hearth is running: ${url}`,
    `  database: ${describeTarget(databaseTarget(config))}`,
    `  mediasoup workers: ${hearth.workerPool.size}`,
    `  node: ${hearth.node.nodeId} (pid ${hearth.node.pid})`,
  ];
  if (hearth.seeded) {
    lines.push(`  demo logins (password "${hearth.seeded.password}"):`);
    for (const a of hearth.seeded.accounts) lines.push(`    ${a.email.padEnd(26)} ${a.role}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

main().catch((e) => {
  const err = serializeError(e);
  fail('unexpected error', err.stack ?? `${err.type}: ${err.message}`);
});
