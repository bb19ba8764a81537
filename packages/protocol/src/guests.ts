import { z } from 'zod';
import { loginResponseSchema } from './auth';

/**
 * Family guests (42 CFR Part 2). A therapist invites a family member to a
 * family session; the patient they belong to consents (or declines) first;
 * only then does the invite's link admit anyone — one device, during the
 * session's join window, until revoked. The guest has no account: the link
 * signs them in to that one session only.
 */

export const guestInviteStatusSchema = z.enum(['awaiting_consent', 'approved', 'declined', 'revoked']);
export type GuestInviteStatus = z.infer<typeof guestInviteStatusSchema>;

/** Names are shown as text everywhere; the bounds keep a display name readable. */
export const createGuestInviteBodySchema = z
  .object({
    name: z.string().trim().min(1, 'Enter the family member’s name').max(60),
    relationship: z.string().trim().min(1, 'Enter how they are related (e.g. sister)').max(40),
    /** The patient whose family member this is; default the session's patient. */
    patientId: z.string().uuid().optional(),
  })
  .strict();
export type CreateGuestInviteBody = z.infer<typeof createGuestInviteBodySchema>;

/** A therapist's view of an invite; `joinUrl` only once the patient approved and while it can still be used. */
export const guestInviteViewSchema = z.object({
  id: z.string().uuid(),
  sessionId: z.string().uuid(),
  patientId: z.string().uuid(),
  patientName: z.string(),
  name: z.string(),
  relationship: z.string(),
  /** "Dana (sister of Alex)": what everyone in the room sees. */
  displayName: z.string(),
  status: guestInviteStatusSchema,
  /** The link was opened (on one device). */
  redeemed: z.boolean(),
  joinUrl: z.string().nullable(),
  createdAt: z.string(),
});
export type GuestInviteView = z.infer<typeof guestInviteViewSchema>;
export const guestInviteListSchema = z.array(guestInviteViewSchema);

/** What the patient is asked to consent to, on their schedule page. */
export const guestConsentRequestSchema = z.object({
  id: z.string().uuid(),
  sessionId: z.string().uuid(),
  sessionTitle: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  guestName: z.string(),
  relationship: z.string(),
  therapistName: z.string(),
});
export type GuestConsentRequest = z.infer<typeof guestConsentRequestSchema>;
export const guestConsentListSchema = z.array(guestConsentRequestSchema);

export const guestConsentBodySchema = z.object({ decision: z.enum(['approve', 'decline']) }).strict();
export type GuestConsentBody = z.infer<typeof guestConsentBodySchema>;

export const redeemGuestLinkBodySchema = z.object({ token: z.string().min(10).max(200) }).strict();
export type RedeemGuestLinkBody = z.infer<typeof redeemGuestLinkBodySchema>;

/** A redeemed link: a sign-in that reaches only `sessionId`. */
export const redeemGuestLinkResponseSchema = loginResponseSchema.extend({ sessionId: z.string().uuid() });
export type RedeemGuestLinkResponse = z.infer<typeof redeemGuestLinkResponseSchema>;

/** Why a link admits no one; the error body also carries `contact` (whom to ask). */
export enum GuestErrorCode {
  LinkInvalid = 'guest_link_invalid',
  AwaitingConsent = 'guest_awaiting_consent',
  Declined = 'guest_declined',
  Revoked = 'guest_revoked',
  AlreadyUsed = 'guest_link_used',
  NotYetOpen = 'guest_link_not_yet_open',
  Expired = 'guest_link_expired',
  NotFamilySession = 'guest_not_family_session',
  NotYourInvite = 'guest_not_your_invite',
  NotAPatient = 'guest_not_a_patient',
  AlreadyDecided = 'guest_already_decided',
}

/** The path a guest opens: `/guest/<token>`. */
export const guestJoinPath = (token: string) => `/guest/${encodeURIComponent(token)}`;
