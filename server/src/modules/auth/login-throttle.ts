import { Inject, Injectable, Logger } from '@nestjs/common';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { RateLimitedError } from '../limits/rate-limited.error';
import { RateLimitStore } from '../limits/rate-limit-store';
import { sha256 } from './tokens';

const MAX_DELAY_MS = 8000;
/** Failures in a row before the delay starts (typos are free). */
const FREE_FAILURES = 3;
/** An IP address is slowed down one step per this many failures (a clinic shares one address). */
const IP_FAILURES_PER_STEP = 10;

export interface LoginAttempt {
  accountKey: string;
  ip: string;
}

/**
 * Brute-force protection for sign-in: a progressive delay and a temporary lock
 * per account and per IP address. Counting is by the e-mail as typed
 * (normalised), whether or not such an account exists, so the answers never
 * reveal which accounts exist. Each attempt is counted *before* the password
 * is checked, so parallel attempts cannot slip past the limit; a success
 * clears the account's count and gives the IP address its attempt back.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger('Auth');
  private readonly byAccount: RateLimiterAbstract;
  private readonly byIp: RateLimiterAbstract;

  constructor(
    store: RateLimitStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const window = config.LOGIN_LOCK_MINUTES * 60;
    this.byAccount = store.create({ keyPrefix: 'login:account', points: config.LOGIN_MAX_FAILURES_PER_ACCOUNT, duration: window, blockDuration: window });
    this.byIp = store.create({ keyPrefix: 'login:ip', points: config.LOGIN_MAX_FAILURES_PER_IP, duration: window, blockDuration: window });
  }

  /** Counts an attempt and waits the progressive delay; throws `rate_limited` while locked. */
  async begin(email: string, ip: string): Promise<LoginAttempt> {
    // Hashed: e-mail addresses stay out of Redis keys.
    const attempt = { accountKey: sha256(email.trim().toLowerCase()), ip: ip || 'unknown' };
    let account: RateLimiterRes;
    let address: RateLimiterRes;
    try {
      [account, address] = await Promise.all([this.byAccount.consume(attempt.accountKey), this.byIp.consume(attempt.ip)]);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      // Log once when the lock starts, not on every refused attempt; no e-mail or IP in the line.
      if (e.consumedPoints === Math.min(this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT, this.config.LOGIN_MAX_FAILURES_PER_IP) + 1) {
        this.logger.warn('sign-in locked after repeated failures');
      }
      const seconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw new RateLimitedError(`Too many sign-in attempts. Try again in ${Math.ceil(seconds / 60)} minute(s).`, seconds);
    }
    const step = Math.max(account.consumedPoints - 1 - FREE_FAILURES, Math.floor((address.consumedPoints - 1) / IP_FAILURES_PER_STEP) - FREE_FAILURES);
    if (step >= 0 && this.config.LOGIN_DELAY_MS > 0) {
      await new Promise((r) => setTimeout(r, Math.min(MAX_DELAY_MS, this.config.LOGIN_DELAY_MS * 2 ** step)));
    }
    return attempt;
  }

  /** The password was right: the account starts afresh and the address gets its attempt back. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    await Promise.all([this.byAccount.delete(attempt.accountKey), this.byIp.reward(attempt.ip, 1)]).catch(() => undefined);
  }
}
