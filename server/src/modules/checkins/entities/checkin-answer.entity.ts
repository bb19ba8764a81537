import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A patient's answer to a check-in: mood and craving (0–10) and an optional
 * word. Health data (possibly substance-use records): readable only by the
 * session's therapists; never logged.
 */
@Entity({ name: 'checkin_answers' })
@Index(['checkinId', 'userId'], { unique: true })
@Index(['userId', 'submittedAt'])
export class CheckinAnswerRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'checkin_id', type: 'uuid' })
  checkinId: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'smallint' })
  mood: number;

  @Column({ type: 'smallint' })
  craving: number;

  @Column({ type: 'text', nullable: true })
  word: string | null;

  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt: Date;
}
