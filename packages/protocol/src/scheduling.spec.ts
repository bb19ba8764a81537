import { createSessionBodySchema, createProgramBodySchema, isValidTimeZone, sessionRangeQuerySchema, updateSessionBodySchema } from './scheduling';

const uuid = '3f1c2a6e-8b1d-4c39-9a51-2b7c1e0d9f10';

describe('scheduling schemas', () => {
  it('knows IANA time zones and refuses made-up ones', () => {
    expect(isValidTimeZone('America/Phoenix')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    const parsed = createProgramBodySchema.safeParse({ name: 'X', specialty: 'adult', timeZone: 'Mars/Olympus_Mons' });
    expect(parsed.success).toBe(false);
  });

  it('fills program defaults: first names, 15-minute join window, late from the first minute', () => {
    expect(createProgramBodySchema.parse({ name: 'X', specialty: 'veterans', timeZone: 'America/Denver' })).toEqual({
      name: 'X',
      specialty: 'veterans',
      timeZone: 'America/Denver',
      displayNamePolicy: 'first_name',
      joinWindowMinutesBefore: 15,
      lateAfterMinutes: 1,
    });
    expect(createProgramBodySchema.safeParse({ name: 'X', specialty: 'veterans', timeZone: 'America/Denver', lateAfterMinutes: 61 }).success).toBe(false);
  });

  it('refuses impossible instants, sessions that end first, and a group format on a 1:1', () => {
    const base = { kind: 'individual', programId: uuid, therapistId: uuid, patientId: uuid };
    expect(createSessionBodySchema.safeParse({ ...base, startsAt: '2031-02-30T10:00:00Z', endsAt: '2031-03-01T10:00:00Z' }).success).toBe(false);
    expect(createSessionBodySchema.safeParse({ ...base, startsAt: '2031-03-01T10:00:00Z', endsAt: '2031-03-01T09:00:00Z' }).success).toBe(false);
    expect(createSessionBodySchema.safeParse({ ...base, format: 'life_skills', startsAt: '2031-03-01T10:00:00Z', endsAt: '2031-03-01T11:00:00Z' }).success).toBe(false);
    expect(createSessionBodySchema.parse({ ...base, startsAt: '2031-03-01T10:00:00-07:00', endsAt: '2031-03-01T11:00:00-07:00' }).format).toBe('individual_therapy');
  });

  it('wants startsAt and endsAt together when rescheduling', () => {
    expect(updateSessionBodySchema.safeParse({ startsAt: '2031-03-01T10:00:00Z' }).success).toBe(false);
    expect(updateSessionBodySchema.safeParse({}).success).toBe(false);
    expect(updateSessionBodySchema.safeParse({ theme: null }).success).toBe(true);
  });

  it('bounds schedule ranges and refuses unknown query keys', () => {
    expect(sessionRangeQuerySchema.safeParse({ from: '2031-01-01T00:00:00Z', to: '2031-06-01T00:00:00Z' }).success).toBe(false);
    expect(sessionRangeQuerySchema.safeParse({ since: 'yesterday' }).success).toBe(false);
    expect(sessionRangeQuerySchema.safeParse({}).success).toBe(true);
  });
});
