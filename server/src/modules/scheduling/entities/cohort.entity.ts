import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { FacilitatorRole, ProgramTrack } from '@hearth/protocol';

/** A group of patients who meet together, led by a therapist and optional co-therapists. */
@Entity({ name: 'cohorts' })
export class CohortEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'program_id', type: 'uuid' })
  programId: string;

  @Column({ type: 'text' })
  name: string;

  /** One of its program's tracks (program_tracks; a foreign key keeps it so). */
  @Column({ type: 'text' })
  track: ProgramTrack;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

@Entity({ name: 'cohort_therapists' })
export class CohortTherapistEntity {
  @PrimaryColumn({ name: 'cohort_id', type: 'uuid' })
  cohortId: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'text' })
  role: FacilitatorRole;
}

/** A patient's place in a cohort from startDate to endDate (inclusive, program time zone; open-ended when null). */
@Entity({ name: 'enrollments' })
export class EnrollmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'cohort_id', type: 'uuid' })
  cohortId: string;

  @Column({ name: 'patient_id', type: 'uuid' })
  patientId: string;

  @Column({ name: 'start_date', type: 'date' })
  startDate: string;

  @Column({ name: 'end_date', type: 'date', nullable: true })
  endDate: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
