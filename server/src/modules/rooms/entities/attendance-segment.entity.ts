import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One continuous stretch of a participant in a live session's room. A
 * reconnect closes one segment and opens the next, so minutes attended are
 * the sum of segments (what an insurance audit asks for).
 */
@Entity({ name: 'attendance_segments' })
@Index(['sessionId', 'userId'])
export class AttendanceSegment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'joined_at', type: 'timestamptz' })
  joinedAt: Date;

  @Column({ name: 'left_at', type: 'timestamptz', nullable: true })
  leftAt: Date | null;

  /** Last heartbeat while open; a crash closes the segment here, never later. */
  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt: Date | null;

  /** The server process that holds the segment open (heartbeats it). */
  @Column({ name: 'recorder_id', type: 'text', nullable: true })
  recorderId: string | null;

  /** Why the segment ended: left, disconnected, removed, ended, crashed (closed at its last heartbeat). */
  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason: string | null;
}
