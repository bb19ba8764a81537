import { Inject, Injectable, Logger } from '@nestjs/common';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { ClientEventName } from '@hearth/protocol';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { RateLimitedError } from '../limits/rate-limited.error';
import { RateLimitStore } from '../limits/rate-limit-store';

export interface EventBudget {
  /** Events allowed per window, per user (all their tabs together). */
  points: number;
  seconds: number;
}

/**
 * Per-user budgets of socket events: generous for a person using the app
 * (reconnects, toggling the mic, a dozen video tiles resuming at once),
 * far below what a script can send. Events not listed get DEFAULT_BUDGET.
 */
export const EVENT_BUDGETS: Partial<Record<ClientEventName, EventBudget>> = {
  'room:join': { points: 10, seconds: 60 },
  'room:leave': { points: 10, seconds: 60 },
  'media:setSelf': { points: 20, seconds: 10 },
  'media:createTransport': { points: 10, seconds: 10 },
  'media:connectTransport': { points: 10, seconds: 10 },
  'media:restartIce': { points: 10, seconds: 10 },
  'media:produce': { points: 10, seconds: 10 },
  'media:setRtpCapabilities': { points: 10, seconds: 10 },
  'media:resumeConsumer': { points: 200, seconds: 10 },
  'media:setPreferredLayers': { points: 200, seconds: 10 },
  'chat:send': { points: 30, seconds: 10 },
  'crisis:raise': { points: 10, seconds: 60 },
  'turn:raiseHand': { points: 20, seconds: 10 },
  // A reaction is a moment's sign, not a stream: a few in a row, then the tiles would only flicker.
  'room:react': { points: 8, seconds: 10 },
  'checkin:submit': { points: 20, seconds: 10 },
};
export const DEFAULT_BUDGET: EventBudget = { points: 60, seconds: 10 };
/** All events of one user together. */
export const TOTAL_BUDGET: EventBudget = { points: 400, seconds: 10 };

/** Per-user socket event limits, on the shared limit store (Redis when configured). */
@Injectable()
export class SocketEventLimits {
  private readonly logger = new Logger('Realtime');
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private readonly total: RateLimiterAbstract;

  constructor(
    private readonly store: RateLimitStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.total = this.limiter('all', TOTAL_BUDGET);
  }

  /** Takes one event from the user's budgets; returns the error to answer with when over. */
  async take(userId: string, event: ClientEventName): Promise<RateLimitedError | null> {
    const budget = EVENT_BUDGETS[event] ?? DEFAULT_BUDGET;
    let limiter = this.limiters.get(event);
    if (!limiter) this.limiters.set(event, (limiter = this.limiter(event, budget)));
    try {
      await limiter.consume(userId);
      await this.total.consume(userId);
      return null;
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      // One warn line when a user first goes over, not one per refused event.
      if (e.consumedPoints === this.scaled(budget) + 1 || e.consumedPoints === this.scaled(TOTAL_BUDGET) + 1) {
        this.logger.warn(`${event}: a user went over the event limit`);
      }
      const seconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      return new RateLimitedError(`Too many requests. Try again in ${seconds} s.`, seconds);
    }
  }

  private scaled(b: EventBudget): number {
    return Math.max(1, Math.round(b.points * this.config.SOCKET_RATE_LIMIT_SCALE));
  }

  private limiter(name: string, b: EventBudget): RateLimiterAbstract {
    return this.store.create({ keyPrefix: `socket:${name}`, points: this.scaled(b), duration: b.seconds });
  }
}
