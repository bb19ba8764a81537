import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { createClient } from 'redis';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { NodeIdentity } from './node-identity';

/** How long a lease lives without renewal: a dead host's sessions move after this. */
export const LEASE_MS = 6_000;
const RENEW_MS = 2_000;

// Claims the lease when nobody holds it (a new fencing epoch); returns the holder "<node>|<epoch>".
const CLAIM = `
local cur = redis.call('GET', KEYS[1])
if cur then
  if string.sub(cur, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '|' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
  return cur
end
local epoch = redis.call('INCR', KEYS[2])
local v = ARGV[1] .. '|' .. epoch
redis.call('SET', KEYS[1], v, 'PX', ARGV[2])
return v`;
// Renews only the very lease we hold (same node and epoch).
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type Redis = ReturnType<typeof createClient>;

/**
 * Which node hosts each live session, in a cluster (REDIS_URL set): a lease
 * per session in Redis, `<nodeId>|<epoch>`, claimed by the first node a
 * client joins through, renewed every 2 s, lost after 6 s without renewal.
 * The epoch grows with every new holder (fencing: a stale host sees its
 * lease is gone and stops). Nodes also announce themselves (registry with
 * pid and how many sessions they host). Without REDIS_URL this is inactive
 * and the single node hosts everything.
 */
@Injectable()
export class SessionLeases implements OnModuleDestroy {
  private readonly logger = new Logger('Leases');
  private client: Redis | null = null;
  private connecting: Promise<Redis> | null = null;
  /** Sessions this node holds: sessionId → the lease value. */
  private readonly held = new Map<string, string>();
  private readonly lostListeners = new Set<(sessionId: string) => void>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly node: NodeIdentity,
  ) {}

  get enabled(): boolean {
    return !!this.config.REDIS_URL;
  }

  /** Called when this node lost a session's lease (expired while Redis or the node stalled). */
  onLost(listener: (sessionId: string) => void): void {
    this.lostListeners.add(listener);
  }

  isHeld(sessionId: string): boolean {
    return this.held.has(sessionId);
  }

  /** Claims the session for this node if nobody holds it; returns the holder's node id. Throws when Redis is unreachable. */
  async claim(sessionId: string): Promise<{ hostNodeId: string; mine: boolean; fresh: boolean }> {
    const redis = await this.redis();
    const value = String(await redis.eval(CLAIM, { keys: [leaseKey(sessionId), epochKey(sessionId)], arguments: [this.node.nodeId, String(LEASE_MS)] }));
    const hostNodeId = value.slice(0, value.lastIndexOf('|'));
    const mine = hostNodeId === this.node.nodeId;
    const fresh = mine && this.held.get(sessionId) !== value;
    if (mine) this.held.set(sessionId, value);
    return { hostNodeId, mine, fresh };
  }

  /** The node holding the session's lease, or null. */
  async hostOf(sessionId: string): Promise<string | null> {
    const value = await (await this.redis()).get(leaseKey(sessionId));
    return value ? value.slice(0, value.lastIndexOf('|')) : null;
  }

  /** The session ended here: let it go at once. */
  async release(sessionId: string): Promise<void> {
    const value = this.held.get(sessionId);
    this.held.delete(sessionId);
    if (!value || !this.client) return;
    await this.client.eval(RELEASE, { keys: [leaseKey(sessionId)], arguments: [value] }).catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // Graceful stop: hand the sessions over now rather than after the lease runs out.
    for (const id of [...this.held.keys()]) await this.release(id);
    await this.client?.quit().catch(() => undefined);
  }

  // -------------------------------------------------------------------------

  private redis(): Promise<Redis> {
    if (this.client?.isReady) return Promise.resolve(this.client);
    if (!this.config.REDIS_URL) return Promise.reject(new Error('no REDIS_URL'));
    this.connecting ??= (async () => {
      const client = createClient({ url: this.config.REDIS_URL, socket: { reconnectStrategy: (n) => Math.min(2000, 100 * 2 ** n) } });
      client.on('error', (e: Error) => this.logger.warn(`Redis: ${e.message}`));
      await client.connect();
      this.client = client;
      this.timer = setInterval(() => void this.heartbeat(), RENEW_MS);
      this.timer.unref();
      return client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** Renews every held lease and announces this node; a lease found gone is lost (fencing). */
  private async heartbeat(): Promise<void> {
    const client = this.client;
    if (!client?.isReady) return;
    try {
      await client.set(`hearth:node:${this.node.nodeId}`, JSON.stringify({ pid: this.node.pid, sessions: this.held.size, at: Date.now() }), {
        PX: LEASE_MS,
      });
      for (const [sessionId, value] of [...this.held]) {
        const ok = Number(await client.eval(RENEW, { keys: [leaseKey(sessionId)], arguments: [value, String(LEASE_MS)] }));
        if (ok) continue;
        this.held.delete(sessionId);
        this.logger.warn(`lost the lease of session ${sessionId}; another node hosts it now`);
        for (const l of this.lostListeners) l(sessionId);
      }
    } catch (e) {
      // Redis down: keep serving what we host; leases are renewed again when it is back.
      this.logger.warn(`lease heartbeat failed: ${e instanceof Error ? e.message : 'unknown'}`);
    }
  }
}

const leaseKey = (sessionId: string) => `hearth:lease:${sessionId}`;
const epochKey = (sessionId: string) => `hearth:epoch:${sessionId}`;
