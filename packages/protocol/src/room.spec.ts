import { CONSENT_VERSION, produceSchema, roomJoinSchema, safetyCheckSchema } from './room';

describe('room payload schemas', () => {
  it('accepts a real safety check and trims it', () => {
    expect(safetyCheckSchema.parse({ location: '  12 Elm St, Phoenix ', callbackNumber: ' +1 (602) 555-0101 ' })).toEqual({
      location: '12 Elm St, Phoenix',
      callbackNumber: '+1 (602) 555-0101',
    });
  });

  it('refuses an empty location and a callback number that is not a phone number', () => {
    const r = safetyCheckSchema.safeParse({ location: ' ', callbackNumber: 'call me' });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues.map((i) => i.path[0]).sort()).toEqual(['callbackNumber', 'location']);
  });

  it('requires the current consent version and the group agreement', () => {
    const base = { sessionId: '6f1c1b8e-2f7a-4c1e-9d3a-0b1c2d3e4f50', safety: { location: 'home', callbackNumber: '6025550101' } };
    expect(roomJoinSchema.safeParse({ ...base, consent: { telehealthConsentVersion: CONSENT_VERSION, groupAgreement: true } }).success).toBe(true);
    expect(roomJoinSchema.safeParse({ ...base, consent: { telehealthConsentVersion: '2020-01', groupAgreement: true } }).success).toBe(false);
    expect(roomJoinSchema.safeParse({ ...base, consent: { telehealthConsentVersion: CONSENT_VERSION, groupAgreement: false } }).success).toBe(false);
  });

  it('bounds RTP parameters so a huge payload is refused before it reaches mediasoup', () => {
    const codec = { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000 };
    const p = {
      sessionId: '6f1c1b8e-2f7a-4c1e-9d3a-0b1c2d3e4f50',
      transportId: '6f1c1b8e-2f7a-4c1e-9d3a-0b1c2d3e4f51',
      kind: 'audio',
      source: 'mic',
      rtpParameters: { codecs: [codec], encodings: [{ ssrc: 1 }] },
    };
    expect(produceSchema.safeParse(p).success).toBe(true);
    expect(produceSchema.safeParse({ ...p, rtpParameters: { codecs: Array(17).fill(codec) } }).success).toBe(false);
    expect(produceSchema.safeParse({ ...p, kind: 'data' }).success).toBe(false);
  });
});
