import { Writable } from 'node:stream';
import { createRootLogger } from './logger';
import { REDACTED, redactValue, registerSecrets, scrubString, serializeError } from './redaction';

function capture(level: 'log' | 'debug' = 'log') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createRootLogger({ level, format: 'json', destination }) };
}

describe('log redaction', () => {
  it('replaces sensitive keys at any depth, whatever their case or separators', () => {
    const out = redactValue({
      userId: 'u1',
      safety: { location: '12 Elm St', callback_number: '+1 555 0100' },
      nested: [{ payload: { text: 'I relapsed' } }, { Authorization: 'Bearer x' }],
      note: { narrative: 'n', members: [{ text: 't' }] },
      checkin: { mood: 3, craving: 8 },
      'set-cookie': ['a=b'],
    });
    expect(out).toEqual({
      userId: 'u1',
      safety: { location: REDACTED, callback_number: REDACTED },
      nested: [{ payload: REDACTED }, { Authorization: REDACTED }],
      note: REDACTED,
      checkin: { mood: REDACTED, craving: REDACTED },
      'set-cookie': REDACTED,
    });
  });

  it('takes credentials out of strings and keeps ids', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJlX3NpZ25hdHVyZQ';
    const refresh = 'Zm9vYmFyYmF6cXV1eHF1dXhxdXV4cXV1eHF1dXhxdXV4cXV1eA';
    const id = '3f2b8a9e-4c1d-4e8f-9a7b-1c2d3e4f5a6b';
    const s = scrubString(
      `token ${jwt} refresh ${refresh} Bearer abc.def redis://:hunter2@redis:6379 postgresql://u:p4ss@db/x /guest/${id}.sig?x=1 user ${id}`,
    );
    for (const secret of [jwt, refresh, 'abc.def', 'hunter2', 'p4ss', '.sig']) expect(s).not.toContain(secret);
    expect(scrubString('GET /api/calendar/short-token.ics 200')).toBe(`GET /api/calendar/${REDACTED} 200`);
    expect(s).toContain(`user ${id}`);
  });

  it('never echoes a registered secret', () => {
    registerSecrets('correct-horse-battery-staple-0123456789');
    expect(scrubString('JWT_SECRET=correct-horse-battery-staple-0123456789 (bad)')).not.toContain('correct-horse');
  });

  it('reduces a database error to its code: no message values, no query parameters', () => {
    const e = Object.assign(new Error('invalid input syntax for type uuid: "Dana lives at 12 Elm St"'), {
      name: 'QueryFailedError',
      query: 'INSERT INTO notes(text) VALUES ($1)',
      parameters: ['my private note'],
      driverError: { code: '22P02', detail: 'Key (text)=(my private note)' },
    });
    const s = JSON.stringify(serializeError(e));
    expect(s).toContain('22P02');
    for (const leak of ['Elm St', 'my private note', 'INSERT']) expect(s).not.toContain(leak);
  });

  it('writes one JSON object a line through pino, redacted, messages scrubbed, levels named', () => {
    const { lines, logger } = capture();
    logger.info({ context: 'Chat', text: 'planted sentence', sessionId: 's1' }, 'sent');
    logger.warn('refresh with eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJl failed');
    logger.error({ err: Object.assign(new Error('boom'), { parameters: ['secret row'] }) }, 'oops');
    logger.debug('not at this level');
    expect(lines).toHaveLength(3);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((p) => p.level)).toEqual(['info', 'warn', 'error']);
    expect(lines.join('\n')).not.toMatch(/planted sentence|eyJhbGci|secret row/);
    expect((parsed[2]!.err as { stack?: string }).stack).toMatch(/^Error: boom\n\s+at /);
  });
});
