import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import proxyaddr from 'proxy-addr';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { RateLimitedError } from '../limits/rate-limited.error';
import { RateLimitStore } from '../limits/rate-limit-store';

/** The window of SOCKET_CONNECTS_PER_IP. */
export const CONNECT_WINDOW_SECONDS = 60;

type TrustFn = (addr: string, i: number) => boolean;

/**
 * Per-IP budget of socket handshakes, counted before the token is checked (a
 * handshake costs a token verification and a database read). On the shared
 * limit store: Redis when REDIS_URL is set, so every node counts together.
 * The address is the one Express sees for HTTP: TRUST_PROXY decides how far
 * X-Forwarded-For is believed.
 */
@Injectable()
export class SocketConnectLimits {
  private readonly logger = new Logger('Realtime');
  private readonly limiter: RateLimiterAbstract;

  constructor(
    store: RateLimitStore,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.limiter = store.create({ keyPrefix: 'socket-connect:ip', points: config.SOCKET_CONNECTS_PER_IP, duration: CONNECT_WINDOW_SECONDS });
  }

  /** The client's address for this handshake, as Express computes `req.ip`. */
  clientAddress(req: IncomingMessage): string {
    const express = this.adapterHost.httpAdapter?.getInstance<{ get(setting: string): unknown }>();
    const trust = express?.get('trust proxy fn');
    const fn: TrustFn = typeof trust === 'function' ? (trust as TrustFn) : () => false;
    return proxyaddr(req, fn) || 'unknown';
  }

  /** Takes one handshake from the address's budget; the error to refuse with when over. */
  async take(req: IncomingMessage): Promise<RateLimitedError | null> {
    const ip = this.clientAddress(req);
    try {
      await this.limiter.consume(ip);
      return null;
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      // One line when an address first goes over, not one per refused handshake.
      if (e.consumedPoints === this.config.SOCKET_CONNECTS_PER_IP + 1) this.logger.warn('an address went over the socket connection limit');
      const seconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      return new RateLimitedError(`Too many connections from your network. Try again in ${seconds} s.`, seconds);
    }
  }
}
