import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { GuestInviteStatus } from '@hearth/protocol';

/** A family member invited to a family session (see guests.ts in the protocol). */
@Entity({ name: 'guest_invites' })
export class GuestInviteEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  /** The patient whose family member this is, and whose consent it needs. */
  @Column({ name: 'patient_id', type: 'uuid' })
  patientId: string;

  @Column({ name: 'invited_by', type: 'uuid' })
  invitedBy: string;

  @Column({ name: 'guest_name', type: 'text' })
  guestName: string;

  @Column({ type: 'text' })
  relationship: string;

  @Column({ type: 'text' })
  status: GuestInviteStatus;

  @Column({ name: 'consent_decided_at', type: 'timestamptz', nullable: true })
  consentDecidedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** Input to the link's MAC; the link itself is never stored. */
  @Column({ name: 'link_nonce', type: 'text' })
  linkNonce: string;

  @Column({ name: 'redeemed_at', type: 'timestamptz', nullable: true })
  redeemedAt: Date | null;

  @Column({ name: 'guest_user_id', type: 'uuid', nullable: true })
  guestUserId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
