import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createClient } from 'redis';
import { APP_CONFIG, type AppConfig } from '../../config/config';

export interface LimiterOptions {
  /** Namespace of the keys (e.g. `login:account`). */
  keyPrefix: string;
  /** Attempts allowed per window. */
  points: number;
  /** Window length in seconds. */
  duration: number;
  /** Once over the limit, refuse for this many seconds (0: until the window ends). */
  blockDuration?: number;
}

/**
 * Where counters live: in this process by default, in Redis when REDIS_URL is
 * set (so every server process of a cluster counts together). If Redis is
 * unreachable, an in-memory limiter takes over instead of failing open.
 */
@Injectable()
export class RateLimitStore implements OnModuleDestroy {
  private readonly logger = new Logger('RateLimits');
  private redis: ReturnType<typeof createClient> | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (config.REDIS_URL) {
      this.redis = createClient({ url: config.REDIS_URL, disableOfflineQueue: true });
      this.redis.on('error', (e: Error) => this.logger.warn(`Redis: ${e.name}`));
      void this.redis.connect().catch(() => undefined);
    }
  }

  get backend(): 'memory' | 'redis' {
    return this.redis ? 'redis' : 'memory';
  }

  create(opts: LimiterOptions): RateLimiterAbstract {
    const base = {
      keyPrefix: `hearth:${opts.keyPrefix}`,
      points: opts.points,
      duration: opts.duration,
      blockDuration: opts.blockDuration ?? 0,
    };
    if (!this.redis) return new RateLimiterMemory(base);
    return new RateLimiterRedis({
      ...base,
      storeClient: this.redis,
      useRedisPackage: true,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(base),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
