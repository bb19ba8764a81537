import { assertUnreachable, DomainError } from '../../common/domain-error';

export enum AuthErrorCode {
  InvalidCredentials = 'invalid_credentials',
  Unauthenticated = 'unauthenticated',
  SessionExpired = 'session_expired',
  Forbidden = 'forbidden',
}

export class AuthError extends DomainError<AuthErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case AuthErrorCode.InvalidCredentials:
      case AuthErrorCode.Unauthenticated:
      case AuthErrorCode.SessionExpired:
        return 401;
      case AuthErrorCode.Forbidden:
        return 403;
      default:
        return assertUnreachable(this.code);
    }
  }
}
