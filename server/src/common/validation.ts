import { Injectable, type PipeTransform } from '@nestjs/common';
import type { ZodType, ZodTypeDef } from 'zod';
import { CommonErrorCode, ValidationError } from './domain-error';

/** Parses untrusted input with a zod schema; throws a ValidationError listing each problem. */
export function parseInput<T>(schema: ZodType<T, ZodTypeDef, unknown>, input: unknown, what = 'request'): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new ValidationError(CommonErrorCode.BadRequest, `Invalid ${what}: ${summary}`, issues);
}

/** `@Body(new ZodPipe(schema))` — validates an HTTP body or query at the boundary. */
@Injectable()
export class ZodPipe<T> implements PipeTransform<unknown, T> {
  constructor(
    private readonly schema: ZodType<T, ZodTypeDef, unknown>,
    private readonly what = 'request body',
  ) {}

  transform(value: unknown): T {
    return parseInput(this.schema, value, this.what);
  }
}
