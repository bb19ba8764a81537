import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A check-in a therapist opened in a live session (at most one open at a time). */
@Entity({ name: 'checkins' })
@Index(['sessionId', 'openedAt'])
export class CheckinRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ name: 'opened_by', type: 'uuid' })
  openedBy: string;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'closed_by', type: 'uuid', nullable: true })
  closedBy: string | null;
}
