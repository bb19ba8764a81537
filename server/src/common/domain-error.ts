import type { ErrorBody } from '@hearth/protocol';

/**
 * Base of every module's error. A module declares one subclass with a code
 * enum; the code travels unchanged in HTTP error bodies and socket acks.
 */
export abstract class DomainError<C extends string = string> extends Error {
  abstract readonly httpStatus: number;

  constructor(
    readonly code: C,
    message: string,
    readonly issues?: ErrorBody['issues'],
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** Extra typed fields of the body (e.g. `hostNodeId` of a redirect). */
  protected extraBody(): Partial<ErrorBody> {
    return {};
  }

  toBody(): ErrorBody {
    const base: ErrorBody = this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
    return { ...base, ...this.extraBody() };
  }
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}

export enum CommonErrorCode {
  BadRequest = 'bad_request',
  NotFound = 'not_found',
  Internal = 'internal',
}

/** Input that failed validation at the boundary. */
export class ValidationError extends DomainError<CommonErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case CommonErrorCode.BadRequest:
        return 400;
      case CommonErrorCode.NotFound:
        return 404;
      case CommonErrorCode.Internal:
        return 500;
      default:
        return assertUnreachable(this.code);
    }
  }
}
