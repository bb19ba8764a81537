import { Param, Query } from '@nestjs/common';
import { uuidSchema } from '@hearth/protocol';
import type { ZodType, ZodTypeDef } from 'zod';
import { ZodPipe } from '../../common/validation';

/** A path id, checked to be a UUID (400 otherwise). */
export const IdParam = (name: string) => Param(name, new ZodPipe(uuidSchema, name));

/** The whole query string, validated (unknown keys refused). */
export const ValidQuery = <T>(schema: ZodType<T, ZodTypeDef, unknown>) => Query(new ZodPipe(schema, 'query'));
