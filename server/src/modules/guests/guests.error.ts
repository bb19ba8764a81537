import { GuestErrorCode } from '@hearth/protocol';
import { assertUnreachable, DomainError } from '../../common/domain-error';

export { GuestErrorCode };

export class GuestError extends DomainError<GuestErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case GuestErrorCode.LinkInvalid:
        return 404;
      case GuestErrorCode.AwaitingConsent:
      case GuestErrorCode.Declined:
      case GuestErrorCode.Revoked:
      case GuestErrorCode.AlreadyUsed:
      case GuestErrorCode.NotYetOpen:
      case GuestErrorCode.Expired:
      case GuestErrorCode.AlreadyDecided:
        return 409;
      case GuestErrorCode.NotFamilySession:
      case GuestErrorCode.NotAPatient:
        return 400;
      case GuestErrorCode.NotYourInvite:
        return 403;
      default:
        return assertUnreachable(this.code);
    }
  }
}
