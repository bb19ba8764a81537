import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Role-play: the scenario library, exercises run in live sessions, their rounds and observer feedback. */
export class Roleplay1766000000000 implements MigrationInterface {
  name = 'Roleplay1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE roleplay_scenarios (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        builtin_key text UNIQUE,
        owner_user_id uuid REFERENCES users(id) ON DELETE CASCADE,
        shared_program_id uuid REFERENCES programs(id) ON DELETE SET NULL,
        title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 120),
        skill text NOT NULL,
        setting text NOT NULL,
        roles jsonb NOT NULL,
        goals jsonb NOT NULL,
        checklist jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX roleplay_scenarios_owner_idx ON roleplay_scenarios (owner_user_id)`);
    await q.query(`CREATE INDEX roleplay_scenarios_program_idx ON roleplay_scenarios (shared_program_id)`);

    await q.query(`
      CREATE TABLE roleplay_exercises (
        id uuid PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        scenario_id uuid REFERENCES roleplay_scenarios(id) ON DELETE SET NULL,
        scenario jsonb NOT NULL,
        started_by uuid NOT NULL REFERENCES users(id),
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        CHECK (ended_at IS NULL OR ended_at >= started_at)
      )`);
    await q.query(`CREATE INDEX roleplay_exercises_session_idx ON roleplay_exercises (session_id, started_at)`);
    // One exercise at a time per session, even with several server processes.
    await q.query(`CREATE UNIQUE INDEX roleplay_exercises_one_active_idx ON roleplay_exercises (session_id) WHERE ended_at IS NULL`);

    await q.query(`
      CREATE TABLE roleplay_rounds (
        exercise_id uuid NOT NULL REFERENCES roleplay_exercises(id) ON DELETE CASCADE,
        round integer NOT NULL CHECK (round >= 1),
        assignments jsonb NOT NULL,
        breakouts jsonb,
        duration_seconds integer NOT NULL CHECK (duration_seconds > 0),
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        end_reason text,
        PRIMARY KEY (exercise_id, round)
      )`);

    await q.query(`
      CREATE TABLE roleplay_feedback (
        exercise_id uuid NOT NULL REFERENCES roleplay_exercises(id) ON DELETE CASCADE,
        round integer NOT NULL,
        observer_user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        player_user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        checked jsonb NOT NULL,
        note text CHECK (note IS NULL OR char_length(note) <= 1000),
        submitted_at timestamptz NOT NULL,
        PRIMARY KEY (exercise_id, round, observer_user_id, player_user_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE roleplay_feedback`);
    await q.query(`DROP TABLE roleplay_rounds`);
    await q.query(`DROP TABLE roleplay_exercises`);
    await q.query(`DROP TABLE roleplay_scenarios`);
  }
}
