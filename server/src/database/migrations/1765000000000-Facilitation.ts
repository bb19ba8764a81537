import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Group facilitation: chat, check-ins and crisis events of live sessions. */
export class Facilitation1765000000000 implements MigrationInterface {
  name = 'Facilitation1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE chat_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial NOT NULL UNIQUE,
        session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        from_user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        from_display_name text NOT NULL,
        to_user_id uuid REFERENCES users(id) ON DELETE CASCADE,
        text text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 4000),
        sent_at timestamptz NOT NULL,
        deleted_at timestamptz,
        deleted_by uuid REFERENCES users(id),
        CHECK ((deleted_at IS NULL) = (deleted_by IS NULL))
      )`);
    await q.query(`CREATE INDEX chat_messages_session_seq_idx ON chat_messages (session_id, seq)`);

    await q.query(`
      CREATE TABLE checkins (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        opened_by uuid NOT NULL REFERENCES users(id),
        opened_at timestamptz NOT NULL,
        closed_at timestamptz,
        closed_by uuid REFERENCES users(id),
        CHECK (closed_at IS NULL OR closed_at >= opened_at)
      )`);
    await q.query(`CREATE INDEX checkins_session_opened_idx ON checkins (session_id, opened_at)`);
    // One open check-in per session, even with several server processes.
    await q.query(`CREATE UNIQUE INDEX checkins_one_open_idx ON checkins (session_id) WHERE closed_at IS NULL`);
    await q.query(`
      CREATE TABLE checkin_answers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        checkin_id uuid NOT NULL REFERENCES checkins(id) ON DELETE CASCADE,
        session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        mood smallint NOT NULL CHECK (mood BETWEEN 0 AND 10),
        craving smallint NOT NULL CHECK (craving BETWEEN 0 AND 10),
        word text CHECK (word IS NULL OR char_length(word) <= 40),
        submitted_at timestamptz NOT NULL,
        UNIQUE (checkin_id, user_id)
      )`);
    await q.query(`CREATE INDEX checkin_answers_user_idx ON checkin_answers (user_id, submitted_at)`);

    await q.query(`
      CREATE TABLE crisis_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        raised_by uuid NOT NULL REFERENCES users(id),
        raised_at timestamptz NOT NULL,
        location text,
        callback_number text,
        acknowledged_at timestamptz,
        acknowledged_by uuid REFERENCES users(id),
        side_room_at timestamptz,
        side_room_by uuid REFERENCES users(id),
        side_room_therapists uuid[],
        returned_at timestamptz,
        returned_by uuid REFERENCES users(id)
      )`);
    await q.query(`CREATE INDEX crisis_events_session_idx ON crisis_events (session_id, raised_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE crisis_events`);
    await q.query(`DROP TABLE checkin_answers`);
    await q.query(`DROP TABLE checkins`);
    await q.query(`DROP TABLE chat_messages`);
  }
}
