import { assertUnreachable, DomainError } from '../../common/domain-error';

export enum MediaErrorCode {
  NotInRoom = 'media_not_in_room',
  UnknownTransport = 'media_unknown_transport',
  UnknownProducer = 'media_unknown_producer',
  UnknownConsumer = 'media_unknown_consumer',
  CannotConsume = 'media_cannot_consume',
  InvalidParameters = 'media_invalid_parameters',
  /** The transport is already connected (a client connects each transport once). */
  AlreadyConnected = 'media_already_connected',
  TooMany = 'media_too_many',
  Unavailable = 'media_unavailable',
}

export class MediaError extends DomainError<MediaErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case MediaErrorCode.NotInRoom:
        return 403;
      case MediaErrorCode.UnknownTransport:
      case MediaErrorCode.UnknownProducer:
      case MediaErrorCode.UnknownConsumer:
        return 404;
      case MediaErrorCode.CannotConsume:
      case MediaErrorCode.InvalidParameters:
        return 400;
      case MediaErrorCode.AlreadyConnected:
        return 409;
      case MediaErrorCode.TooMany:
        return 429;
      case MediaErrorCode.Unavailable:
        return 503;
      default:
        return assertUnreachable(this.code);
    }
  }
}
