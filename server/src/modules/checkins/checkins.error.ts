import { assertUnreachable, DomainError } from '../../common/domain-error';

export enum CheckinErrorCode {
  NotOpen = 'checkin_not_open',
  AlreadyOpen = 'checkin_already_open',
  PatientsOnly = 'checkin_patients_only',
  RateLimited = 'rate_limited',
}

export class CheckinError extends DomainError<CheckinErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case CheckinErrorCode.NotOpen:
      case CheckinErrorCode.AlreadyOpen:
        return 409;
      case CheckinErrorCode.PatientsOnly:
        return 403;
      case CheckinErrorCode.RateLimited:
        return 429;
      default:
        return assertUnreachable(this.code);
    }
  }
}
