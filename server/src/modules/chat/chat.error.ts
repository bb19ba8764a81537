import { assertUnreachable, DomainError } from '../../common/domain-error';

export enum ChatErrorCode {
  RecipientNotAllowed = 'chat_recipient_not_allowed',
  RecipientNotFound = 'chat_recipient_not_found',
  MessageNotFound = 'chat_message_not_found',
  RateLimited = 'rate_limited',
}

export class ChatError extends DomainError<ChatErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case ChatErrorCode.RecipientNotAllowed:
        return 403;
      case ChatErrorCode.RecipientNotFound:
      case ChatErrorCode.MessageNotFound:
        return 404;
      case ChatErrorCode.RateLimited:
        return 429;
      default:
        return assertUnreachable(this.code);
    }
  }
}
