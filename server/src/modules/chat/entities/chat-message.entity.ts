import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One chat message in a live session: to the group (`toUserId` null) or
 * private between two people. Deleting keeps the row (who deleted it, when)
 * but it is never sent again. Health data: never logged.
 */
@Entity({ name: 'chat_messages' })
@Index(['sessionId', 'seq'])
export class ChatMessageRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Server receive order (the database assigns it). */
  @Column({ type: 'bigint', insert: false, update: false })
  seq: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ name: 'from_user_id', type: 'uuid' })
  fromUserId: string;

  /** The name the sender had in this session when they wrote. */
  @Column({ name: 'from_display_name', type: 'text' })
  fromDisplayName: string;

  @Column({ name: 'to_user_id', type: 'uuid', nullable: true })
  toUserId: string | null;

  @Column({ type: 'text' })
  text: string;

  @Column({ name: 'sent_at', type: 'timestamptz' })
  sentAt: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;

  @Column({ name: 'deleted_by', type: 'uuid', nullable: true })
  deletedBy: string | null;
}
