import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ErrorBody } from '@hearth/protocol';
import type { Response } from 'express';
import { DomainError } from './domain-error';

/**
 * Turns every error into `{ code, message }` JSON. Only our own failures (5xx)
 * are logged here, as the error's class, code and stack (common/logging); a
 * client's mistake is the access log's one warn line with the code
 * (`res.locals.errorCode`). Never the request body (it may hold health data).
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = toHttpError(error);
    if (status >= 500) this.logger.error({ err: error, msg: 'request failed' });
    res.locals.errorCode = body.code;
    const retryAfter = error instanceof DomainError ? (error as { retryAfterSeconds?: unknown }).retryAfterSeconds : undefined;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    res.status(status).json(body);
  }
}

export function toHttpError(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof DomainError) return { status: error.httpStatus, body: error.toBody() };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code =
      status === 404 ? 'not_found' : status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : status === 413 ? 'payload_too_large' : status < 500 ? 'bad_request' : 'internal';
    // Our own code throws DomainErrors; a bare 400 comes from Nest mapping body-parser's
    // SyntaxError (bad JSON) or express's URIError (bad %-encoding).
    if (status === 400) {
      return { status, body: { code, message: /URI/.test(error.message) ? 'Malformed URL' : 'Malformed JSON body' } };
    }
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response && 'message' in response && typeof response.message === 'string'
        ? response.message
        : error.message;
    return { status, body: { code, message } };
  }
  // body-parser errors (malformed JSON, too large) carry a status.
  if (error && typeof error === 'object' && 'status' in error && typeof error.status === 'number' && error.status < 500) {
    const type = 'type' in error && typeof error.type === 'string' ? error.type : '';
    const message = type === 'entity.parse.failed' ? 'Malformed JSON body' : type === 'entity.too.large' ? 'Request body too large' : 'Bad request';
    return { status: error.status, body: { code: error.status === 413 ? 'payload_too_large' : 'bad_request', message } };
  }
  return { status: 500, body: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } };
}
