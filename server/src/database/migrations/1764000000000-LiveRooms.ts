import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LiveRooms1764000000000 implements MigrationInterface {
  name = 'LiveRooms1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE attendance_segments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        joined_at timestamptz NOT NULL,
        left_at timestamptz,
        end_reason text,
        CHECK (left_at IS NULL OR left_at >= joined_at)
      )`);
    await q.query(`CREATE INDEX attendance_segments_session_user_idx ON attendance_segments (session_id, user_id)`);
    // At most one open segment per person and session.
    await q.query(`CREATE UNIQUE INDEX attendance_segments_open_idx ON attendance_segments (session_id, user_id) WHERE left_at IS NULL`);
    await q.query(`
      CREATE TABLE safety_checks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        location text NOT NULL,
        callback_number text NOT NULL,
        consent_version text NOT NULL,
        group_agreement boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX safety_checks_session_user_idx ON safety_checks (session_id, user_id)`);
    // A therapist ended the live session: nobody rejoins, even after a server restart.
    await q.query(`
      CREATE TABLE session_endings (
        session_id uuid PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        ended_at timestamptz NOT NULL,
        ended_by uuid NOT NULL REFERENCES users(id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE session_endings`);
    await q.query(`DROP TABLE safety_checks`);
    await q.query(`DROP TABLE attendance_segments`);
  }
}
