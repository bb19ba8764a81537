import { CONSENT_VERSION, safetyCheckSchema, type Consent, type SafetyCheck } from '@hearth/protocol';

/** What the patient has typed and ticked on the pre-join page. */
export interface SafetyDraft {
  location: string;
  callbackNumber: string;
  consentAccepted: boolean;
}

export type SafetyField = keyof SafetyDraft;

export const emptySafetyDraft: SafetyDraft = { location: '', callbackNumber: '', consentAccepted: false };

export type SafetyValidation =
  | { valid: true; safety: SafetyCheck; consent: Consent; errors: Partial<Record<SafetyField, string>> }
  | { valid: false; errors: Partial<Record<SafetyField, string>> };

export const CONSENT_REQUIRED_MESSAGE = 'Please read and accept the consent and group agreement to continue';

/**
 * Checks the safety check with the protocol's own schema (the server runs the
 * same one), and the consent box. Messages are the schema's, written for patients.
 */
export function validateSafety(draft: SafetyDraft): SafetyValidation {
  const errors: Partial<Record<SafetyField, string>> = {};
  const parsed = safetyCheckSchema.safeParse({ location: draft.location, callbackNumber: draft.callbackNumber });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if ((field === 'location' || field === 'callbackNumber') && !errors[field]) {
        errors[field] = issue.code === 'too_big' ? 'That is longer than we can keep; please shorten it' : issue.message;
      }
    }
  }
  if (!draft.consentAccepted) errors.consentAccepted = CONSENT_REQUIRED_MESSAGE;
  if (!parsed.success || !draft.consentAccepted) return { valid: false, errors };
  return {
    valid: true,
    safety: parsed.data,
    consent: { telehealthConsentVersion: CONSENT_VERSION, groupAgreement: true },
    errors,
  };
}
