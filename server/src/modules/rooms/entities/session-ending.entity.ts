import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A live session a therapist ended for everyone. */
@Entity({ name: 'session_endings' })
export class SessionEnding {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ name: 'ended_at', type: 'timestamptz' })
  endedAt: Date;

  @Column({ name: 'ended_by', type: 'uuid' })
  endedBy: string;
}
