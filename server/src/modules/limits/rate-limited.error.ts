import { DomainError } from '../../common/domain-error';

export enum RateLimitErrorCode {
  RateLimited = 'rate_limited',
}

/** Too many requests: HTTP 429 with `Retry-After`, or a `rate_limited` ack on a socket. */
export class RateLimitedError extends DomainError<RateLimitErrorCode> {
  readonly httpStatus = 429;

  constructor(
    message: string,
    /** Whole seconds until the caller may try again (the `Retry-After` header). */
    readonly retryAfterSeconds: number,
  ) {
    super(RateLimitErrorCode.RateLimited, message);
  }

  /** A socket ack says when to try again too (a rejoining browser waits that long). */
  protected override extraBody() {
    return { retryAfterSeconds: this.retryAfterSeconds };
  }
}
