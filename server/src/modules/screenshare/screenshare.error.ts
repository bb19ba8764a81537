import { ScreenShareErrorCode } from '@hearth/protocol';
import { assertUnreachable, DomainError } from '../../common/domain-error';

export { ScreenShareErrorCode };

export class ScreenShareError extends DomainError<ScreenShareErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case ScreenShareErrorCode.NotAllowed:
      case ScreenShareErrorCode.NotSharing:
        return 403;
      case ScreenShareErrorCode.Busy:
        return 409;
      default:
        return assertUnreachable(this.code);
    }
  }
}
