import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  GuestErrorCode,
  guestJoinPath,
  joinOpensAt,
  type CreateGuestInviteBody,
  type GuestConsentRequest,
  type GuestInviteView,
  type RedeemGuestLinkResponse,
} from '@hearth/protocol';
import { AuditService } from '../audit/audit.service';
import { AuthService, TOKEN_SIGNER, type Principal } from '../auth/auth.service';
import { AuthSession } from '../auth/entities/auth-session.entity';
import type { TokenSigner } from '../auth/tokens';
import { SessionGuestEntity } from '../scheduling/entities';
import { displayNameFor, fullName, type DisplayNamePolicy } from '../users/display-name';
import { User } from '../users/entities/user.entity';
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
} from './domain/guest-invite';
import { GuestInviteEntity } from './entities/guest-invite.entity';
import { GuestError } from './guests.error';

interface SessionFacts {
  id: string;
  title: string;
  format: string;
  startsAt: Date;
  endsAt: Date;
  patientId: string | null;
  joinWindowMinutesBefore: number;
  displayNamePolicy: DisplayNamePolicy;
}

/** Guests never sign in with a password: this is no argon2 hash, so every password check fails. */
const NO_PASSWORD = '!family-guest:no-password';

/**
 * Family guests: invites (therapists of a family session), the patient's
 * consent, and redeeming a link into a sign-in scoped to that one session.
 * The disclosure itself (patient consented → guest admitted) is what the
 * audit log should record; see the README.
 */
@Injectable()
export class GuestsService {
  constructor(
    private readonly ds: DataSource,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    @Inject(TOKEN_SIGNER) private readonly signer: TokenSigner,
  ) {}

  // ---------------------------------------------------------------- therapists

  async invite(p: Principal, sessionId: string, body: CreateGuestInviteBody, baseUrl: string): Promise<GuestInviteView> {
    const session = await this.asTherapist(p, sessionId);
    if (session.format !== 'family') {
      throw new GuestError(GuestErrorCode.NotFamilySession, 'Family members can be invited to family sessions only.');
    }
    const patientId = body.patientId ?? session.patientId ?? (await this.patientsOf(sessionId))[0];
    if (!patientId || !(await this.patientsOf(sessionId)).includes(patientId)) {
      throw new GuestError(GuestErrorCode.NotAPatient, 'Choose a patient of this session the guest belongs to.');
    }
    const repo = this.ds.getRepository(GuestInviteEntity);
    const saved = await repo.save(
      repo.create({
        sessionId,
        patientId,
        invitedBy: p.userId,
        guestName: body.name,
        relationship: body.relationship,
        status: 'awaiting_consent',
        consentDecidedAt: null,
        revokedAt: null,
        linkNonce: randomBytes(16).toString('base64url'),
        redeemedAt: null,
        guestUserId: null,
      }),
    );
    return (await this.views([saved], session, baseUrl))[0]!;
  }

  async list(p: Principal, sessionId: string, baseUrl: string): Promise<GuestInviteView[]> {
    const session = await this.asTherapist(p, sessionId);
    const invites = await this.ds.getRepository(GuestInviteEntity).find({ where: { sessionId }, order: { createdAt: 'ASC' } });
    return this.views(invites, session, baseUrl);
  }

  /** Withdraws an invite; a guest already signed in from it is signed out (their sockets close). */
  async revoke(p: Principal, sessionId: string, inviteId: string, baseUrl: string, now = new Date()): Promise<GuestInviteView> {
    const session = await this.asTherapist(p, sessionId);
    const repo = this.ds.getRepository(GuestInviteEntity);
    const invite = await repo.findOne({ where: { id: inviteId, sessionId } });
    if (!invite) throw new GuestError(GuestErrorCode.LinkInvalid, 'No such invitation in this session.');
    if (invite.status !== 'revoked') {
      invite.status = this.rule(() => revokeInvite(invite.status));
      invite.revokedAt = now;
      await repo.save(invite);
      await this.audit.record({
        actorUserId: p.userId,
        action: 'guest.invite_revoked',
        subjectUserId: invite.patientId,
        objectType: 'guest_invite',
        objectId: invite.id,
        purpose: 'family session',
      });
    }
    if (invite.guestUserId) {
      const signIns = await this.ds.getRepository(AuthSession).find({ where: { userId: invite.guestUserId } });
      for (const s of signIns) if (!s.revokedAt) await this.auth.logout(s.id, now);
    }
    return (await this.views([invite], session, baseUrl))[0]!;
  }

  // ---------------------------------------------------------------- patients

  /** Requests waiting for the caller's consent, for sessions not over yet. */
  async consentRequests(p: Principal, now = new Date()): Promise<GuestConsentRequest[]> {
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT g.id, g.session_id, s.title, s.starts_at, s.ends_at, g.guest_name, g.relationship, u.first_name, u.last_name
         FROM guest_invites g JOIN sessions s ON s.id = g.session_id JOIN users u ON u.id = g.invited_by
        WHERE g.patient_id = $1 AND g.status = 'awaiting_consent' AND s.ends_at > $2 AND s.status = 'scheduled'
        ORDER BY g.created_at`,
      [p.userId, now],
    );
    return rows.map((r) => ({
      id: r.id as string,
      sessionId: r.session_id as string,
      sessionTitle: r.title as string,
      startsAt: new Date(r.starts_at as string).toISOString(),
      endsAt: new Date(r.ends_at as string).toISOString(),
      guestName: r.guest_name as string,
      relationship: r.relationship as string,
      therapistName: fullName({ firstName: r.first_name as string, lastName: r.last_name as string }),
    }));
  }

  /** The patient approves or declines disclosure to this family member (once). */
  async decide(p: Principal, inviteId: string, decision: 'approve' | 'decline', now = new Date()): Promise<{ status: string }> {
    const repo = this.ds.getRepository(GuestInviteEntity);
    const invite = await repo.findOne({ where: { id: inviteId } });
    if (!invite || invite.patientId !== p.userId) {
      throw new GuestError(GuestErrorCode.NotYourInvite, 'This request is not yours to answer.');
    }
    invite.status = this.rule(() => decideConsent(invite.status, decision));
    invite.consentDecidedAt = now;
    await repo.save(invite);
    // 42 CFR Part 2: the patient's consent (or refusal) to disclose to this family member.
    await this.audit.record({
      actorUserId: p.userId,
      action: decision === 'approve' ? 'guest.consent_approved' : 'guest.consent_declined',
      subjectUserId: invite.patientId,
      objectType: 'guest_invite',
      objectId: invite.id,
      purpose: 'family session',
      details: { sessionId: invite.sessionId, relationship: invite.relationship },
    });
    return { status: invite.status };
  }

  // ---------------------------------------------------------------- guests

  /**
   * Opens a link: checks it (approved, not revoked, unused, in the join
   * window), marks it used atomically, makes the guest's account-less
   * identity, puts them on the session's roster and signs them in to that
   * session only, until it ends.
   */
  async redeem(token: string, now = new Date()): Promise<RedeemGuestLinkResponse> {
    const parsed = parseGuestLinkToken(token);
    const invite = parsed && (await this.ds.getRepository(GuestInviteEntity).findOne({ where: { id: parsed.inviteId } }));
    if (!parsed || !invite || !guestLinkMatches(this.secret(), invite.id, invite.linkNonce, parsed.mac)) {
      throw new GuestError(GuestErrorCode.LinkInvalid, 'This link does not work. Please contact the therapist who invited you.');
    }
    const session = await this.session(this.ds.manager, invite.sessionId);
    const contact = await this.contactFor(invite.invitedBy);
    const refuse = (code: GuestErrorCode | null) => {
      if (code) throw new GuestError(code, refusalMessage(code, contact));
    };
    refuse(linkRefusal(invite, { opensAt: joinOpensAt(session, session.joinWindowMinutesBefore), endsAt: session.endsAt }, now));

    const guest = await this.ds.transaction(async (m) => {
      const claimed: unknown[] = await m.query(
        `UPDATE guest_invites SET redeemed_at = $2 WHERE id = $1 AND redeemed_at IS NULL AND status = 'approved' RETURNING id`,
        [invite.id, now],
      );
      // Lost a race with another device (or revoked meanwhile).
      if (rowCount(claimed) === 0) refuse(GuestErrorCode.AlreadyUsed);
      const patient = await m.getRepository(User).findOneOrFail({ where: { id: invite.patientId } });
      const users = m.getRepository(User);
      const user = await users.save(
        users.create({
          email: `guest-${invite.id}@guests.hearth.invalid`,
          passwordHash: NO_PASSWORD,
          role: 'family',
          firstName: invite.guestName,
          lastName: `(${invite.relationship} of ${displayNameFor(patient, session.displayNamePolicy)})`,
          disabledAt: null,
        }),
      );
      await m.getRepository(SessionGuestEntity).insert({ sessionId: session.id, userId: user.id });
      await m.update(GuestInviteEntity, { id: invite.id }, { guestUserId: user.id });
      return user;
    });
    // The disclosure itself: this family member now joins the patient's session (who, to whom, when, why).
    await this.audit.record({
      actorUserId: guest.id,
      action: 'guest.disclosed',
      subjectUserId: invite.patientId,
      objectType: 'guest_invite',
      objectId: invite.id,
      purpose: 'family session, consented by the patient',
      details: { sessionId: session.id, relationship: invite.relationship, invitedBy: invite.invitedBy },
    });
    const login = await this.auth.signInGuest(guest, session.id, session.endsAt, now);
    return { ...login, sessionId: session.id };
  }

  // ---------------------------------------------------------------- helpers

  private secret(): string {
    return this.signer.linkSecret('guest-link');
  }

  private async views(invites: GuestInviteEntity[], session: SessionFacts, baseUrl: string): Promise<GuestInviteView[]> {
    const patientIds = [...new Set(invites.map((i) => i.patientId))];
    const patients = patientIds.length ? await this.ds.getRepository(User).findBy(patientIds.map((id) => ({ id }))) : [];
    return invites.map((i) => {
      const patient = patients.find((u) => u.id === i.patientId);
      const patientName = patient ? displayNameFor(patient, session.displayNamePolicy) : 'the patient';
      const usable = i.status === 'approved' && !i.redeemedAt && session.endsAt > new Date();
      return {
        id: i.id,
        sessionId: i.sessionId,
        patientId: i.patientId,
        patientName,
        name: i.guestName,
        relationship: i.relationship,
        displayName: guestDisplayName(i.guestName, i.relationship, patientName),
        status: i.status,
        redeemed: i.redeemedAt !== null,
        joinUrl: usable ? `${baseUrl}${guestJoinPath(guestLinkToken(this.secret(), i.id, i.linkNonce))}` : null,
        createdAt: i.createdAt.toISOString(),
      };
    });
  }

  /** The session, if the caller is one of its therapists. */
  private async asTherapist(p: Principal, sessionId: string): Promise<SessionFacts> {
    const [row] = await this.ds.query(`SELECT 1 FROM session_people WHERE session_id = $1 AND user_id = $2 AND role = 'therapist'`, [
      sessionId,
      p.userId,
    ]);
    if (p.role !== 'therapist' || !row) {
      throw new GuestError(GuestErrorCode.NotYourInvite, 'Only the session’s therapists invite family members.');
    }
    return this.session(this.ds.manager, sessionId);
  }

  private async session(m: EntityManager, sessionId: string): Promise<SessionFacts> {
    const [r] = await m.query(
      `SELECT s.id, s.title, s.format, s.starts_at, s.ends_at, s.patient_id, p.join_window_minutes_before, p.display_name_policy
         FROM sessions s JOIN programs p ON p.id = s.program_id WHERE s.id = $1`,
      [sessionId],
    );
    if (!r) throw new GuestError(GuestErrorCode.LinkInvalid, 'No such session.');
    return {
      id: r.id,
      title: r.title,
      format: r.format,
      startsAt: new Date(r.starts_at),
      endsAt: new Date(r.ends_at),
      patientId: r.patient_id ?? null,
      joinWindowMinutesBefore: Number(r.join_window_minutes_before),
      displayNamePolicy: r.display_name_policy,
    };
  }

  private async patientsOf(sessionId: string): Promise<string[]> {
    const rows: { user_id: string }[] = await this.ds.query(`SELECT user_id FROM session_people WHERE session_id = $1 AND role = 'patient'`, [sessionId]);
    return rows.map((r) => r.user_id);
  }

  private async contactFor(therapistId: string): Promise<string> {
    const t = await this.ds.getRepository(User).findOne({ where: { id: therapistId } });
    return t ? fullName(t) : 'the therapist';
  }

  private rule<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof GuestRuleError) throw new GuestError(e.code, e.message);
      throw e;
    }
  }
}

/** UPDATE … RETURNING answers [rows, count] on PostgreSQL and rows on PGlite. */
function rowCount(result: unknown[]): number {
  if (result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[1];
  return result.length;
}
