import { assertUnreachable, DomainError } from '../../common/domain-error';

export enum CrisisErrorCode {
  PatientsOnly = 'crisis_patients_only',
  AlertNotFound = 'crisis_alert_not_found',
  NotPresent = 'crisis_not_present',
  AlreadyInSideRoom = 'crisis_already_in_side_room',
  NotInSideRoom = 'crisis_not_in_side_room',
  /** Withdrawn or resolved already. */
  AlreadyClosed = 'crisis_already_closed',
}

export class CrisisError extends DomainError<CrisisErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case CrisisErrorCode.PatientsOnly:
        return 403;
      case CrisisErrorCode.AlertNotFound:
      case CrisisErrorCode.NotPresent:
        return 404;
      case CrisisErrorCode.AlreadyInSideRoom:
      case CrisisErrorCode.NotInSideRoom:
      case CrisisErrorCode.AlreadyClosed:
        return 409;
      default:
        return assertUnreachable(this.code);
    }
  }
}
