import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
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
// Renews only the very lease we hold (same node and epoch). A lease that merely
// ran out while Redis was unreachable (or came back empty) is taken back when
// nobody has claimed the session since: the epoch counter is still ours, or gone.
// Anything else (another holder, a newer epoch) means the lease is lost: 0.
const RENEW = `
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if cur then return 0 end
local epoch = redis.call('GET', KEYS[2])
if epoch and epoch ~= ARGV[3] then return 0 end
if not epoch then redis.call('SET', KEYS[2], ARGV[3]) end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 2`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type Redis = ReturnType<typeof createClient>;

/** A node as it announces itself in the registry (`hearth:node:<nodeId>`). */
export interface NodeAnnouncement {
  nodeId: string;
  pid: number;
  sessions: number;
  draining: boolean;
  at: number;
}

/** Redis is unreachable (or this node is draining with no other node to send a session to). */
export class PlacementUnavailableError extends Error {}

/**
 * Which node hosts each live session, in a cluster (REDIS_URL set): a lease
 * per session in Redis, `<nodeId>|<epoch>`, claimed by the first node a
 * client joins through, renewed every 2 s, lost after 6 s without renewal.
 * The epoch grows with every new holder (fencing: a stale host sees its
 * lease is gone or taken and drops the session). Nodes also announce
 * themselves (registry with pid, how many sessions they host and whether
 * they are draining). Without REDIS_URL this is inactive and the single
 * node hosts everything.
 */
@Injectable()
export class SessionLeases implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Leases');
  private client: Redis | null = null;
  /** Sessions this node holds: sessionId → the lease value. */
  private readonly held = new Map<string, string>();
  private readonly lostListeners = new Set<(sessionId: string) => void>();
  private timer: NodeJS.Timeout | null = null;
  private beating = false;
  private drainingNow = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly node: NodeIdentity,
  ) {}

  get enabled(): boolean {
    return !!this.config.REDIS_URL;
  }

  get draining(): boolean {
    return this.drainingNow;
  }

  onModuleInit(): void {
    if (!this.config.REDIS_URL) return;
    // One client for the node's life. Commands fail at once while Redis is unreachable
    // (no offline queue): a join must not hang on a placement that cannot be made.
    const client = createClient({
      url: this.config.REDIS_URL,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: (n) => Math.min(2000, 100 * 2 ** n) },
    });
    client.on('error', (e: Error) => this.logger.warn(`Redis: ${e.message}`));
    client.connect().catch((e: unknown) => this.logger.warn(`Redis: ${e instanceof Error ? e.message : 'unreachable'}`));
    this.client = client;
    this.timer = setInterval(() => void this.heartbeat(), RENEW_MS);
    this.timer.unref();
  }

  /** Called when this node lost a session's lease (taken by another node, or gone past recovery). */
  onLost(listener: (sessionId: string) => void): void {
    this.lostListeners.add(listener);
  }

  isHeld(sessionId: string): boolean {
    return this.held.has(sessionId);
  }

  /** Sessions this node holds now. */
  heldSessions(): string[] {
    return [...this.held.keys()];
  }

  /**
   * Claims the session for this node if nobody holds it; returns the holder's node id.
   * Draining: claims nothing new and names another live node instead.
   * Throws PlacementUnavailableError when Redis is unreachable.
   */
  async claim(sessionId: string): Promise<{ hostNodeId: string; mine: boolean; fresh: boolean }> {
    const redis = this.ready();
    if (this.drainingNow && !this.held.has(sessionId)) {
      const host = (await this.hostOf(sessionId)) ?? (await this.leastLoadedOther());
      if (!host) throw new PlacementUnavailableError('draining, and no other node is up');
      return { hostNodeId: host, mine: false, fresh: false };
    }
    const value = String(
      await redis
        .eval(CLAIM, { keys: [leaseKey(sessionId), epochKey(sessionId)], arguments: [this.node.nodeId, String(LEASE_MS)] })
        .catch(unavailable),
    );
    const hostNodeId = value.slice(0, value.lastIndexOf('|'));
    const mine = hostNodeId === this.node.nodeId;
    const fresh = mine && this.held.get(sessionId) !== value;
    if (mine) this.held.set(sessionId, value);
    else if (this.held.has(sessionId)) this.lose(sessionId);
    return { hostNodeId, mine, fresh };
  }

  /** The node holding the session's lease, or null. */
  async hostOf(sessionId: string): Promise<string | null> {
    const value = await this.ready().get(leaseKey(sessionId)).catch(unavailable);
    return value ? value.slice(0, value.lastIndexOf('|')) : null;
  }

  /** The session ended here (or is handed over): let it go at once. */
  async release(sessionId: string): Promise<void> {
    const value = this.held.get(sessionId);
    this.held.delete(sessionId);
    if (!value || !this.client?.isReady) return;
    await this.client.eval(RELEASE, { keys: [leaseKey(sessionId)], arguments: [value] }).catch(() => undefined);
  }

  /** Draining: from now on this node claims no new session (it still holds what it has until released). */
  startDraining(): void {
    this.drainingNow = true;
    void this.announce().catch(() => undefined);
  }

  /** The live nodes of the cluster as they last announced themselves. */
  async nodes(): Promise<NodeAnnouncement[]> {
    const redis = this.ready();
    const out: NodeAnnouncement[] = [];
    for await (const key of redis.scanIterator({ MATCH: 'hearth:node:*', COUNT: 100 })) {
      const raw = await redis.get(key).catch(() => null);
      if (!raw) continue;
      try {
        const v = JSON.parse(raw) as Omit<NodeAnnouncement, 'nodeId'>;
        out.push({ nodeId: key.slice('hearth:node:'.length), pid: v.pid, sessions: v.sessions, draining: v.draining === true, at: v.at });
      } catch {
        // Not ours to read: skip.
      }
    }
    return out;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // Whatever was not handed over already goes now rather than after the lease runs out.
    for (const id of [...this.held.keys()]) await this.release(id);
    if (this.client?.isReady) await this.client.del(`hearth:node:${this.node.nodeId}`).catch(() => undefined);
    await this.client?.quit().catch(() => undefined);
  }

  // -------------------------------------------------------------------------

  private ready(): Redis {
    if (!this.client) throw new PlacementUnavailableError('no REDIS_URL');
    if (!this.client.isReady) throw new PlacementUnavailableError('Redis is unreachable');
    return this.client;
  }

  private async leastLoadedOther(): Promise<string | null> {
    const others = (await this.nodes()).filter((n) => n.nodeId !== this.node.nodeId && !n.draining);
    others.sort((a, b) => a.sessions - b.sessions || a.nodeId.localeCompare(b.nodeId));
    return others[0]?.nodeId ?? null;
  }

  private announce(): Promise<unknown> {
    const client = this.ready();
    const value = JSON.stringify({ pid: this.node.pid, sessions: this.held.size, draining: this.drainingNow, at: Date.now() });
    return client.set(`hearth:node:${this.node.nodeId}`, value, { PX: LEASE_MS });
  }

  private lose(sessionId: string): void {
    this.held.delete(sessionId);
    this.logger.warn(`lost the lease of session ${sessionId}; another node hosts it now`);
    for (const l of this.lostListeners) {
      try {
        l(sessionId);
      } catch (e) {
        this.logger.error(`lease-lost listener failed: ${e instanceof Error ? e.message : 'unknown'}`);
      }
    }
  }

  /** Renews every held lease and announces this node; a lease found taken is lost (fencing). */
  private async heartbeat(): Promise<void> {
    const client = this.client;
    if (!client?.isReady || this.beating) return;
    this.beating = true;
    try {
      await this.announce();
      for (const [sessionId, value] of [...this.held]) {
        const epoch = value.slice(value.lastIndexOf('|') + 1);
        const ok = Number(
          await client.eval(RENEW, { keys: [leaseKey(sessionId), epochKey(sessionId)], arguments: [value, String(LEASE_MS), epoch] }),
        );
        if (ok === 2) this.logger.warn(`took back the lease of session ${sessionId} after Redis was unreachable`);
        if (ok) continue;
        // Released meanwhile (the session ended or was handed over): nothing to lose.
        if (this.held.get(sessionId) === value) this.lose(sessionId);
      }
    } catch (e) {
      // Redis down: keep serving what we host; leases are renewed again when it is back.
      this.logger.warn(`lease heartbeat failed: ${e instanceof Error ? e.message : 'unknown'}`);
    } finally {
      this.beating = false;
    }
  }
}

function unavailable(e: unknown): never {
  throw new PlacementUnavailableError(e instanceof Error ? e.message : 'Redis is unreachable');
}

const leaseKey = (sessionId: string) => `hearth:lease:${sessionId}`;
const epochKey = (sessionId: string) => `hearth:epoch:${sessionId}`;
