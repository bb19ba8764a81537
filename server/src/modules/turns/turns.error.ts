import { assertUnreachable, DomainError } from '../../common/domain-error';

export enum TurnErrorCode {
  NotHolder = 'turn_not_holder',
  QueueEmpty = 'turn_queue_empty',
  TargetNotPresent = 'turn_target_not_present',
  NoGoAround = 'turn_no_go_around',
  GoAroundActive = 'turn_go_around_active',
  RateLimited = 'rate_limited',
}

export class TurnError extends DomainError<TurnErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case TurnErrorCode.NotHolder:
        return 403;
      case TurnErrorCode.TargetNotPresent:
        return 404;
      case TurnErrorCode.QueueEmpty:
      case TurnErrorCode.NoGoAround:
      case TurnErrorCode.GoAroundActive:
        return 409;
      case TurnErrorCode.RateLimited:
        return 429;
      default:
        return assertUnreachable(this.code);
    }
  }
}
