import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { DisplayNamePolicy, ProgramSpecialty, ProgramTrack } from '@hearth/protocol';

/** A treatment program (e.g. "Evening Adult IOP"): its specialty, clock and rules. */
@Entity({ name: 'programs' })
export class ProgramEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  specialty: ProgramSpecialty;

  /** IANA zone every local date and time of the program is in. */
  @Column({ name: 'time_zone', type: 'text' })
  timeZone: string;

  @Column({ name: 'weekly_target_minutes', type: 'integer' })
  weeklyTargetMinutes: number;

  @Column({ name: 'display_name_policy', type: 'text' })
  displayNamePolicy: DisplayNamePolicy;

  @Column({ name: 'join_window_minutes_before', type: 'integer' })
  joinWindowMinutesBefore: number;

  /** Arriving this many minutes or more after a session's start marks a patient late. */
  @Column({ name: 'late_after_minutes', type: 'integer', default: 1 })
  lateAfterMinutes: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** A track the program runs (adults, adolescents, women, men, LGBTQ+, veterans); its cohorts belong to one. */
@Entity({ name: 'program_tracks' })
export class ProgramTrackEntity {
  @PrimaryColumn({ name: 'program_id', type: 'uuid' })
  programId: string;

  @PrimaryColumn({ type: 'text' })
  track: ProgramTrack;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** A person's membership of a program; admins administer the programs they are members of. */
@Entity({ name: 'program_members' })
export class ProgramMemberEntity {
  @PrimaryColumn({ name: 'program_id', type: 'uuid' })
  programId: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
