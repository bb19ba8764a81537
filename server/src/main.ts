import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { createHearthApp, databaseTarget } from './app.factory';
import { DatabaseStartError, describeTarget } from './database/data-source';
import { WorkerStartError } from './modules/media/worker-pool';

function fail(title: string, detail: string): never {
  process.stderr.write(`\nHearth cannot start: ${title}\n${detail}\n\n`);
  process.exit(1);
}

/**
 * SIGTERM/SIGINT are graceful (Nest's shutdown hooks: clients told, live state
 * flushed, connections closed); whatever hangs, the process is gone within 10 s.
 */
function exitWithin(ms: number): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(`Hearth: graceful shutdown took over ${ms} ms; exiting.\n`);
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
  let hearth;
  try {
    hearth = await createHearthApp(config);
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
  fail('unexpected error', e instanceof Error ? (e.stack ?? e.message) : String(e));
});
