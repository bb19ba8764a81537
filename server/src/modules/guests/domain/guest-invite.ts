import { createHmac, timingSafeEqual } from 'node:crypto';
import { GuestErrorCode, type GuestInviteStatus } from '@hearth/protocol';

/**
 * The invite / consent / link rules as plain functions (no Nest, no
 * database): awaiting_consent → approved | declined (the patient's decision,
 * once); awaiting_consent | approved → revoked (the therapist's). A link
 * admits someone only when approved, not revoked, not used before, and inside
 * the session's join window.
 */

export interface InviteFacts {
  status: GuestInviteStatus;
  redeemedAt: Date | null;
}

export interface JoinWindow {
  opensAt: Date;
  endsAt: Date;
}

export class GuestRuleError extends Error {
  constructor(
    readonly code: GuestErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The patient's answer to a disclosure request; decided once. */
export function decideConsent(status: GuestInviteStatus, decision: 'approve' | 'decline'): GuestInviteStatus {
  if (status !== 'awaiting_consent') {
    throw new GuestRuleError(GuestErrorCode.AlreadyDecided, status === 'revoked' ? 'The therapist withdrew this invitation.' : 'You already answered this request.');
  }
  return decision === 'approve' ? 'approved' : 'declined';
}

/** The therapist withdraws an invite (before or after consent); a declined one stays declined. */
export function revokeInvite(status: GuestInviteStatus): GuestInviteStatus {
  if (status === 'declined') throw new GuestRuleError(GuestErrorCode.Declined, 'The patient declined this invitation; there is nothing to withdraw.');
  return 'revoked';
}

/** Why a link admits no one now, or null when it may be redeemed. */
export function linkRefusal(invite: InviteFacts, window: JoinWindow, now: Date): GuestErrorCode | null {
  if (invite.status === 'revoked') return GuestErrorCode.Revoked;
  if (invite.status === 'declined') return GuestErrorCode.Declined;
  if (invite.status === 'awaiting_consent') return GuestErrorCode.AwaitingConsent;
  if (now >= window.endsAt) return GuestErrorCode.Expired;
  if (invite.redeemedAt) return GuestErrorCode.AlreadyUsed;
  if (now < window.opensAt) return GuestErrorCode.NotYetOpen;
  return null;
}

/** What the guest is told, with whom to contact. Never a stack trace. */
export function refusalMessage(code: GuestErrorCode, contact: string): string {
  const ask = `Please contact ${contact}, who invited you.`;
  switch (code) {
    case GuestErrorCode.Revoked:
      return `This invitation was withdrawn. ${ask}`;
    case GuestErrorCode.Declined:
    case GuestErrorCode.AwaitingConsent:
      return `This link is not active: it opens only once the person you would join has agreed. ${ask}`;
    case GuestErrorCode.Expired:
      return `This link has expired: the session it was for is over. ${ask}`;
    case GuestErrorCode.AlreadyUsed:
      return `This link has already been used on another device; each link works once. ${ask}`;
    case GuestErrorCode.NotYetOpen:
      return `This link opens shortly before the session starts. Try again then, or ${ask.charAt(0).toLowerCase()}${ask.slice(1)}`;
    default:
      return `This link does not work. ${ask}`;
  }
}

// ---------------------------------------------------------------- link tokens

/**
 * `<inviteId>.<mac>`: the MAC is computed from a per-invite nonce with the
 * server secret, so the database holds nothing that opens a link, and the
 * therapist can be shown the same link again.
 */
export function guestLinkToken(secret: string, inviteId: string, nonce: string): string {
  return `${inviteId}.${linkMac(secret, inviteId, nonce)}`;
}

export function parseGuestLinkToken(token: string): { inviteId: string; mac: string } | null {
  const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { inviteId: m[1]!, mac: m[2]! } : null;
}

export function guestLinkMatches(secret: string, inviteId: string, nonce: string, mac: string): boolean {
  const expected = Buffer.from(linkMac(secret, inviteId, nonce));
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function linkMac(secret: string, inviteId: string, nonce: string): string {
  return createHmac('sha256', secret).update(`hearth-guest-link:${inviteId}:${nonce}`).digest('base64url');
}

/** "Dana (sister of Alex)": names stay text; the client never renders them as markup. */
export function guestDisplayName(name: string, relationship: string, patientName: string): string {
  return `${name} (${relationship} of ${patientName})`;
}
