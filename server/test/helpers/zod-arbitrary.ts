import fc from 'fast-check';
import type { ZodTypeAny } from 'zod';

/**
 * fast-check arbitraries from the protocol's zod schemas: values that fit the
 * schema's shape (most of them valid), for the kinds of zod types the protocol
 * uses. `override` may supply an arbitrary for a named object field (e.g. real
 * session ids), so generated requests can reach past validation.
 */
export function arbitraryFor(schema: ZodTypeAny, override: (key: string) => fc.Arbitrary<unknown> | undefined = () => undefined): fc.Arbitrary<unknown> {
  const def = schema._def as Record<string, unknown> & { typeName: string };
  switch (def.typeName) {
    case 'ZodString': {
      const checks = (def.checks as { kind: string; value?: number; regex?: RegExp }[]) ?? [];
      if (checks.some((c) => c.kind === 'uuid')) return fc.uuid();
      if (checks.some((c) => c.kind === 'datetime')) return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (checks.some((c) => c.kind === 'date')) return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      const min = checks.find((c) => c.kind === 'min')?.value ?? 0;
      const max = checks.find((c) => c.kind === 'max')?.value ?? 200;
      return fc.string({ minLength: min, maxLength: Math.min(max, 300), unit: 'grapheme' });
    }
    case 'ZodNumber': {
      const checks = (def.checks as { kind: string; value?: number; inclusive?: boolean }[]) ?? [];
      const min = checks.find((c) => c.kind === 'min')?.value ?? -1000;
      const max = checks.find((c) => c.kind === 'max')?.value ?? 1000;
      return checks.some((c) => c.kind === 'int') ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true });
    }
    case 'ZodBoolean':
      return fc.boolean();
    case 'ZodLiteral':
      return fc.constant(def.value);
    case 'ZodEnum':
      return fc.constantFrom(...(def.values as string[]));
    case 'ZodNull':
      return fc.constant(null);
    case 'ZodAny':
    case 'ZodUnknown':
      return fc.jsonValue({ maxDepth: 2 });
    case 'ZodArray': {
      const min = (def.minLength as { value: number } | null)?.value ?? 0;
      const max = (def.maxLength as { value: number } | null)?.value ?? 5;
      return fc.array(arbitraryFor(def.type as ZodTypeAny, override), { minLength: min, maxLength: Math.min(max, 5) });
    }
    case 'ZodTuple':
      return fc.tuple(...(def.items as ZodTypeAny[]).map((t) => arbitraryFor(t, override)));
    case 'ZodRecord':
      return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 });
    case 'ZodObject': {
      const shape = (schema as unknown as { shape: Record<string, ZodTypeAny> }).shape;
      const fields: Record<string, fc.Arbitrary<unknown>> = {};
      const optional: string[] = [];
      for (const [key, field] of Object.entries(shape)) {
        fields[key] = override(key) ?? arbitraryFor(field, override);
        const t = (field._def as { typeName: string }).typeName;
        if (t === 'ZodOptional' || t === 'ZodDefault') optional.push(key);
      }
      const required = Object.keys(fields).filter((k) => !optional.includes(k));
      return fc.record(fields, { requiredKeys: required });
    }
    case 'ZodUnion':
      return fc.oneof(...(def.options as ZodTypeAny[]).map((o) => arbitraryFor(o, override)));
    case 'ZodDiscriminatedUnion':
      return fc.oneof(...[...(def.options as ZodTypeAny[])].map((o) => arbitraryFor(o, override)));
    case 'ZodOptional':
      return fc.option(arbitraryFor(def.innerType as ZodTypeAny, override), { nil: undefined });
    case 'ZodNullable':
      return fc.option(arbitraryFor(def.innerType as ZodTypeAny, override), { nil: null });
    case 'ZodDefault':
    case 'ZodReadonly':
    case 'ZodCatch':
      return arbitraryFor(def.innerType as ZodTypeAny, override);
    case 'ZodEffects':
      return arbitraryFor(def.schema as ZodTypeAny, override);
    case 'ZodPipeline':
      return arbitraryFor(def.in as ZodTypeAny, override);
    case 'ZodBranded':
      return arbitraryFor(def.type as ZodTypeAny, override);
    case 'ZodLazy':
      return arbitraryFor((def.getter as () => ZodTypeAny)(), override);
    default:
      throw new Error(`no arbitrary for ${def.typeName}: teach server/test/helpers/zod-arbitrary.ts`);
  }
}

/** Strings that have broken servers before: injection, markup, path tricks, odd unicode, big. */
export const HOSTILE_STRINGS = [
  "' OR 1=1 --",
  "'); DROP TABLE users; --",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '{{constructor.constructor("return process")()}}',
  '${process.exit(1)}',
  '../../../../etc/passwd',
  '%00\u0000null',
  '\u202e\u200b\ud83d\ude00',
  '__proto__',
  'constructor',
  'A'.repeat(10_000),
  '00000000-0000-0000-0000-000000000000',
];

/** Payloads of the wrong shape altogether. */
export function hostilePayload(): fc.Arbitrary<unknown> {
  const hostileString = fc.constantFrom(...HOSTILE_STRINGS);
  return fc.oneof(
    fc.constantFrom(null, undefined, 0, -1, 1e308, true, '', [], {}),
    hostileString,
    fc.jsonValue({ maxDepth: 4 }),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 20 }),
    fc.dictionary(fc.oneof(hostileString, fc.string({ maxLength: 10 })), fc.oneof(hostileString, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 8 }),
    fc.constant(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}')),
    fc.constant(nested(200)),
  );
}

function nested(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

/** Replaces some string leaves of a generated payload with hostile strings (keys kept). */
export function withHostileStrings(payload: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(payload, fc.constantFrom(...HOSTILE_STRINGS), fc.nat()).map(([p, bad, n]) => {
    if (!p || typeof p !== 'object' || Array.isArray(p)) return p;
    const keys = Object.keys(p);
    if (keys.length === 0) return p;
    const key = keys[n % keys.length]!;
    return { ...(p as Record<string, unknown>), [key]: bad };
  });
}
