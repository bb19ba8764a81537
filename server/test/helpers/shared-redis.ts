import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

const LOCK_KEY = 'hearth-test:shared-redis';
/** A holder that died without releasing frees the lock after this long. */
const HOLD_MS = 10 * 60_000;
export const SHARED_REDIS_WAIT_MS = HOLD_MS + 60_000;

/**
 * Takes the test lock on the shared Redis; resolves with its release.
 *
 * Hearth nodes keep a global registry in Redis (`hearth:node:*`, leases, the
 * socket.io adapter's channels): two clusters on one Redis at once see each
 * other's nodes (a draining node may hand a session to the other test's node).
 * The unit phase runs its files on two workers, and several checkouts may test
 * on one machine, so every test that starts nodes on the shared Redis holds
 * this lock while its nodes run. Waits for a holder to finish (or its hold to run out).
 */
export async function holdSharedRedis(url: string): Promise<() => Promise<void>> {
  const client = createClient({ url });
  await client.connect();
  const token = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const deadline = Date.now() + SHARED_REDIS_WAIT_MS;
  while ((await client.set(LOCK_KEY, token, { NX: true, PX: HOLD_MS })) !== 'OK') {
    if (Date.now() > deadline) {
      const holder = await client.get(LOCK_KEY).catch(() => '?');
      await client.quit();
      throw new Error(`the shared Redis test lock is still held by ${holder}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return async () => {
    try {
      if ((await client.get(LOCK_KEY)) === token) await client.del(LOCK_KEY);
    } finally {
      await client.quit();
    }
  };
}
