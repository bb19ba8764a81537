import { RecordsErrorCode } from '@hearth/protocol';
import { assertUnreachable, DomainError } from '../../common/domain-error';

export { RecordsErrorCode };

export class RecordsError extends DomainError<RecordsErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case RecordsErrorCode.Forbidden:
      case RecordsErrorCode.WrongPassword:
      case RecordsErrorCode.PasswordNeeded:
      case RecordsErrorCode.CannotCosignOwn:
        return 403;
      case RecordsErrorCode.NotFound:
        return 404;
      case RecordsErrorCode.NoteSigned:
      case RecordsErrorCode.NoteNotSigned:
      case RecordsErrorCode.AlreadyCosigned:
      case RecordsErrorCode.StaleNote:
        return 409;
      case RecordsErrorCode.NotAMember:
        return 400;
      default:
        return assertUnreachable(this.code);
    }
  }
}
