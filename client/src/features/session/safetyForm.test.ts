import { CONSENT_VERSION } from '@hearth/protocol';
import { CONSENT_REQUIRED_MESSAGE, validateSafety } from './safetyForm';

const good = { location: 'Home, 12 Palm St, Tempe', callbackNumber: '+1 (480) 555-0134', consentAccepted: true };

describe('validateSafety', () => {
  it('accepts a location, a phone number and consent, and builds what room:join sends', () => {
    const result = validateSafety(good);
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    expect(result.safety).toEqual({ location: 'Home, 12 Palm St, Tempe', callbackNumber: '+1 (480) 555-0134' });
    expect(result.consent).toEqual({ telehealthConsentVersion: CONSENT_VERSION, groupAgreement: true });
  });

  it('trims what was typed', () => {
    const result = validateSafety({ ...good, location: '  Home  ' });
    expect(result.valid && result.safety.location).toBe('Home');
  });

  it('asks for a location with the protocol’s own message', () => {
    const result = validateSafety({ ...good, location: ' a ' });
    expect(result.valid).toBe(false);
    expect(result.errors.location).toBe('Enter where you are right now');
    expect(result.errors.callbackNumber).toBeUndefined();
  });

  it('refuses something that is not a phone number', () => {
    for (const callbackNumber of ['', 'call me', '12345', '555-CALL-NOW']) {
      const result = validateSafety({ ...good, callbackNumber });
      expect(result.valid).toBe(false);
      expect(result.errors.callbackNumber).toBe('Enter a phone number we can call you back on');
    }
  });

  it('says plainly when a location is too long', () => {
    const result = validateSafety({ ...good, location: 'x'.repeat(301) });
    expect(result.errors.location).toMatch(/longer than we can keep/);
  });

  it('requires the consent box', () => {
    const result = validateSafety({ ...good, consentAccepted: false });
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual({ consentAccepted: CONSENT_REQUIRED_MESSAGE });
  });

  it('reports every problem at once', () => {
    const result = validateSafety({ location: '', callbackNumber: '', consentAccepted: false });
    expect(Object.keys(result.errors).sort()).toEqual(['callbackNumber', 'consentAccepted', 'location']);
  });
});
