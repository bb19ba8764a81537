import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One crisis in a live session: raised (by the patient, or by a therapist who
 * moved them to a side room without an alert), acknowledged, moved to a side
 * room and back — who and when at each step. The location and callback
 * number are copied from the session's safety check at the time. Health
 * data: therapists only; never logged.
 */
@Entity({ name: 'crisis_events' })
@Index(['sessionId', 'raisedAt'])
export class CrisisEventRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  /** The patient in crisis. */
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'raised_by', type: 'uuid' })
  raisedBy: string;

  @Column({ name: 'raised_at', type: 'timestamptz' })
  raisedAt: Date;

  @Column({ type: 'text', nullable: true })
  location: string | null;

  @Column({ name: 'callback_number', type: 'text', nullable: true })
  callbackNumber: string | null;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  @Column({ name: 'acknowledged_by', type: 'uuid', nullable: true })
  acknowledgedBy: string | null;

  @Column({ name: 'side_room_at', type: 'timestamptz', nullable: true })
  sideRoomAt: Date | null;

  @Column({ name: 'side_room_by', type: 'uuid', nullable: true })
  sideRoomBy: string | null;

  /** The therapists who went into the side room with the patient. */
  @Column({ name: 'side_room_therapists', type: 'uuid', array: true, nullable: true })
  sideRoomTherapists: string[] | null;

  @Column({ name: 'returned_at', type: 'timestamptz', nullable: true })
  returnedAt: Date | null;

  @Column({ name: 'returned_by', type: 'uuid', nullable: true })
  returnedBy: string | null;

  /** The patient took it back (pressed by mistake); therapists still see that it happened. */
  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true })
  withdrawnAt: Date | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ name: 'resolved_by', type: 'uuid', nullable: true })
  resolvedBy: string | null;

  /** One of CRISIS_OUTCOMES (protocol); no free text, so no health detail here. */
  @Column({ type: 'text', nullable: true })
  outcome: string | null;
}
