import { assertUnreachable, DomainError } from '../../common/domain-error';

export enum SchedulingErrorCode {
  /** The program, cohort, session… does not exist, or the caller may not see it. */
  NotFound = 'not_found',
  /** The caller can see it but their part does not allow this action. */
  Forbidden = 'forbidden',
  InvalidRecurrence = 'invalid_recurrence',
  InvalidTimeZone = 'invalid_time_zone',
  /** Times or dates that cannot work: in the past, no occurrences, outside an enrollment… */
  InvalidSchedule = 'invalid_schedule',
  /** A referenced person has the wrong role or is not a member of the program. */
  InvalidReference = 'invalid_reference',
  /** A patient, therapist or guest would be in two sessions at once. */
  DoubleBooked = 'double_booked',
  AlreadyExists = 'already_exists',
  /** The session is cancelled or over. */
  InvalidState = 'invalid_state',
}

export class SchedulingError extends DomainError<SchedulingErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case SchedulingErrorCode.NotFound:
        return 404;
      case SchedulingErrorCode.Forbidden:
        return 403;
      case SchedulingErrorCode.InvalidRecurrence:
      case SchedulingErrorCode.InvalidTimeZone:
      case SchedulingErrorCode.InvalidSchedule:
      case SchedulingErrorCode.InvalidReference:
        return 400;
      case SchedulingErrorCode.DoubleBooked:
      case SchedulingErrorCode.AlreadyExists:
      case SchedulingErrorCode.InvalidState:
        return 409;
      default:
        return assertUnreachable(this.code);
    }
  }
}
