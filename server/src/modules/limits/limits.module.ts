import { Module } from '@nestjs/common';
import { RateLimitStore } from './rate-limit-store';

/** Rate limits (login throttling, socket event budgets) on one store: memory, or Redis when REDIS_URL is set. */
@Module({ providers: [RateLimitStore], exports: [RateLimitStore] })
export class LimitsModule {}
