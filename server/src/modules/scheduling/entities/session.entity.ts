import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { SessionFormat, SessionKind, SessionStatus } from '@hearth/protocol';

/** A recurring group session; its occurrences are materialised as sessions. */
@Entity({ name: 'session_series' })
export class SessionSeriesEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'program_id', type: 'uuid' })
  programId: string;

  @Column({ name: 'cohort_id', type: 'uuid' })
  cohortId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  format: SessionFormat;

  /** Normalised RRULE without DTSTART. */
  @Column({ type: 'text' })
  rrule: string;

  @Column({ name: 'start_date', type: 'date' })
  startDate: string;

  /** `HH:MM`, program time zone. */
  @Column({ name: 'start_time', type: 'text' })
  startTime: string;

  @Column({ name: 'duration_minutes', type: 'integer' })
  durationMinutes: number;

  /** The program's zone when the series was made. */
  @Column({ name: 'time_zone', type: 'text' })
  timeZone: string;

  @Column({ type: 'jsonb' })
  themes: string[];

  @Column({ name: 'materialised_until', type: 'timestamptz' })
  materialisedUntil: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/**
 * One scheduled session: a series occurrence, a one-off group session, or a
 * 1:1. Live rooms, attendance and notes reference its id.
 */
@Entity({ name: 'sessions' })
export class ScheduledSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'program_id', type: 'uuid' })
  programId: string;

  @Column({ name: 'series_id', type: 'uuid', nullable: true })
  seriesId: string | null;

  /** The slot the series gave this occurrence; unchanged by a reschedule. */
  @Column({ name: 'series_slot', type: 'timestamptz', nullable: true })
  seriesSlot: Date | null;

  @Column({ name: 'cohort_id', type: 'uuid', nullable: true })
  cohortId: string | null;

  @Column({ type: 'text' })
  kind: SessionKind;

  @Column({ type: 'text' })
  format: SessionFormat;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', nullable: true })
  theme: string | null;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ type: 'text' })
  status: SessionStatus;

  @Column({ name: 'cancelled_reason', type: 'text', nullable: true })
  cancelledReason: string | null;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  /** 1:1 only; a group's therapists are its cohort's. */
  @Column({ name: 'therapist_id', type: 'uuid', nullable: true })
  therapistId: string | null;

  /** 1:1 only. */
  @Column({ name: 'patient_id', type: 'uuid', nullable: true })
  patientId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** A family member invited to a family session. */
@Entity({ name: 'session_guests' })
export class SessionGuestEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** A personal ICS feed; the URL's token is stored only as a SHA-256 hash. */
@Entity({ name: 'calendar_feeds' })
export class CalendarFeedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
