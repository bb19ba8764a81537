import { GuestErrorCode } from '@hearth/protocol';
import {
  decideConsent,
  guestDisplayName,
  guestLinkMatches,
  guestLinkToken,
  GuestRuleError,
  linkRefusal,
  parseGuestLinkToken,
  refusalMessage,
  revokeInvite,
} from './guest-invite';

const window = { opensAt: new Date('2030-03-04T17:45:00Z'), endsAt: new Date('2030-03-04T19:00:00Z') };
const during = new Date('2030-03-04T18:10:00Z');
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof GuestRuleError) return e.code;
    throw e;
  }
  return null;
};

describe('guest invite: consent', () => {
  it('the patient approves or declines once; a withdrawn invite cannot be answered', () => {
    expect(decideConsent('awaiting_consent', 'approve')).toBe('approved');
    expect(decideConsent('awaiting_consent', 'decline')).toBe('declined');
    expect(code(() => decideConsent('approved', 'decline'))).toBe(GuestErrorCode.AlreadyDecided);
    expect(code(() => decideConsent('declined', 'approve'))).toBe(GuestErrorCode.AlreadyDecided);
    expect(code(() => decideConsent('revoked', 'approve'))).toBe(GuestErrorCode.AlreadyDecided);
  });

  it('the therapist withdraws before or after consent, not after a decline', () => {
    expect(revokeInvite('awaiting_consent')).toBe('revoked');
    expect(revokeInvite('approved')).toBe('revoked');
    expect(revokeInvite('revoked')).toBe('revoked');
    expect(code(() => revokeInvite('declined'))).toBe(GuestErrorCode.Declined);
  });
});

describe('guest invite: link validity', () => {
  const approved = { status: 'approved' as const, redeemedAt: null };

  it('admits only an approved, unused link inside the join window', () => {
    expect(linkRefusal(approved, window, during)).toBeNull();
    expect(linkRefusal(approved, window, window.opensAt)).toBeNull();
  });

  it('refuses before consent, after a decline or withdrawal, whatever the time', () => {
    expect(linkRefusal({ status: 'awaiting_consent', redeemedAt: null }, window, during)).toBe(GuestErrorCode.AwaitingConsent);
    expect(linkRefusal({ status: 'declined', redeemedAt: null }, window, during)).toBe(GuestErrorCode.Declined);
    expect(linkRefusal({ status: 'revoked', redeemedAt: null }, window, during)).toBe(GuestErrorCode.Revoked);
  });

  it('refuses a second device, too early, and after the session', () => {
    expect(linkRefusal({ status: 'approved', redeemedAt: during }, window, during)).toBe(GuestErrorCode.AlreadyUsed);
    expect(linkRefusal(approved, window, new Date(window.opensAt.getTime() - 1))).toBe(GuestErrorCode.NotYetOpen);
    expect(linkRefusal(approved, window, window.endsAt)).toBe(GuestErrorCode.Expired);
    expect(linkRefusal({ status: 'approved', redeemedAt: during }, window, window.endsAt)).toBe(GuestErrorCode.Expired);
  });

  it('says whom to contact', () => {
    for (const c of [GuestErrorCode.AlreadyUsed, GuestErrorCode.Expired, GuestErrorCode.Revoked, GuestErrorCode.AwaitingConsent]) {
      expect(refusalMessage(c, 'Maya Ellison')).toContain('Maya Ellison');
    }
  });
});

describe('guest invite: link tokens', () => {
  const id = '3f1c2a9e-1b2c-4d5e-8f90-1234567890ab';

  it('round-trips, and fails for another nonce, another secret or a tampered MAC', () => {
    const token = guestLinkToken('secret-a', id, 'nonce-1');
    const parsed = parseGuestLinkToken(token)!;
    expect(parsed.inviteId).toBe(id);
    expect(guestLinkMatches('secret-a', id, 'nonce-1', parsed.mac)).toBe(true);
    expect(guestLinkMatches('secret-a', id, 'nonce-2', parsed.mac)).toBe(false);
    expect(guestLinkMatches('secret-b', id, 'nonce-1', parsed.mac)).toBe(false);
    const tampered = parsed.mac.slice(0, -1) + (parsed.mac.endsWith('A') ? 'B' : 'A');
    expect(guestLinkMatches('secret-a', id, 'nonce-1', tampered)).toBe(false);
  });

  it('rejects malformed tokens', () => {
    expect(parseGuestLinkToken('not-a-token')).toBeNull();
    expect(parseGuestLinkToken(`${id}.short`)).toBeNull();
    expect(parseGuestLinkToken(`<script>.${'a'.repeat(43)}`)).toBeNull();
  });

  it('names the guest by relationship', () => {
    expect(guestDisplayName('Dana', 'sister', 'Alex')).toBe('Dana (sister of Alex)');
  });
});
