import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ScenarioSnapshot } from '../domain/exercise';

/** One role-play exercise in a live session, with the scenario as it was when it started. */
@Entity({ name: 'roleplay_exercises' })
@Index(['sessionId', 'startedAt'])
export class RoleplayExerciseRecord {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ name: 'scenario_id', type: 'uuid', nullable: true })
  scenarioId: string | null;

  @Column({ type: 'jsonb' })
  scenario: ScenarioSnapshot;

  @Column({ name: 'started_by', type: 'uuid' })
  startedBy: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;
}

/** A round of an exercise: who played which role (in the main room or each sub-room) and when the scene ran. */
@Entity({ name: 'roleplay_rounds' })
export class RoleplayRoundRecord {
  @PrimaryColumn({ name: 'exercise_id', type: 'uuid' })
  exerciseId: string;

  @PrimaryColumn({ type: 'integer' })
  round: number;

  @Column({ type: 'jsonb' })
  assignments: Record<string, string | null>;

  @Column({ type: 'jsonb', nullable: true })
  breakouts: { id: string; userIds: string[]; assignments: Record<string, string> }[] | null;

  @Column({ name: 'duration_seconds', type: 'integer' })
  durationSeconds: number;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason: string | null;
}

/** An observer's checklist and note on one player in one round. Health data: therapists only; never logged. */
@Entity({ name: 'roleplay_feedback' })
export class RoleplayFeedbackRecord {
  @PrimaryColumn({ name: 'exercise_id', type: 'uuid' })
  exerciseId: string;

  @PrimaryColumn({ type: 'integer' })
  round: number;

  @PrimaryColumn({ name: 'observer_user_id', type: 'uuid' })
  observerUserId: string;

  @PrimaryColumn({ name: 'player_user_id', type: 'uuid' })
  playerUserId: string;

  @Column({ type: 'jsonb' })
  checked: string[];

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt: Date;
}
