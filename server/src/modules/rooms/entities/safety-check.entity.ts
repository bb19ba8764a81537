import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A patient's pre-join safety check for one session (where they are, how to
 * call them back) and the consent they accepted. Health data: readable only
 * by the session's therapists; never logged.
 */
@Entity({ name: 'safety_checks' })
@Index(['sessionId', 'userId'])
export class SafetyCheckRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'text' })
  location: string;

  @Column({ name: 'callback_number', type: 'text' })
  callbackNumber: string;

  @Column({ name: 'consent_version', type: 'text' })
  consentVersion: string;

  @Column({ name: 'group_agreement', type: 'boolean' })
  groupAgreement: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
