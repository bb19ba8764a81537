import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Clinical records: heartbeats on attendance segments (a crash closes them at
 * the last heartbeat, never later), attendance corrections, group notes with
 * addenda, and the append-only, hash-chained audit log.
 */
export class Records1770000000000 implements MigrationInterface {
  name = 'Records1770000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE attendance_segments ADD COLUMN last_seen_at timestamptz`);
    await q.query(`ALTER TABLE attendance_segments ADD COLUMN recorder_id text`);
    await q.query(`CREATE INDEX attendance_segments_open_seen_idx ON attendance_segments (last_seen_at) WHERE left_at IS NULL`);

    await q.query(`
      CREATE TABLE attendance_corrections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        minutes integer NOT NULL CHECK (minutes >= 0),
        reason text NOT NULL CHECK (char_length(btrim(reason)) >= 3),
        corrected_by uuid NOT NULL REFERENCES users(id),
        corrected_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX attendance_corrections_session_idx ON attendance_corrections (session_id, user_id, corrected_at)`);

    await q.query(`
      CREATE TABLE session_notes (
        session_id uuid PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        narrative text NOT NULL,
        members jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('draft', 'signed')),
        version integer NOT NULL,
        updated_by uuid NOT NULL REFERENCES users(id),
        updated_at timestamptz NOT NULL,
        signed_by uuid REFERENCES users(id),
        signed_at timestamptz,
        cosigned_by uuid REFERENCES users(id),
        cosigned_at timestamptz,
        CHECK ((status = 'signed') = (signed_at IS NOT NULL))
      )`);
    // A signed note's content is frozen in the database too; only the co-signature may be added.
    await q.query(`
      CREATE FUNCTION session_notes_freeze_signed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'signed' AND (
             NEW.narrative IS DISTINCT FROM OLD.narrative OR NEW.members IS DISTINCT FROM OLD.members
          OR NEW.status IS DISTINCT FROM OLD.status OR NEW.signed_by IS DISTINCT FROM OLD.signed_by
          OR NEW.signed_at IS DISTINCT FROM OLD.signed_at
          OR (OLD.cosigned_at IS NOT NULL AND (NEW.cosigned_at IS DISTINCT FROM OLD.cosigned_at OR NEW.cosigned_by IS DISTINCT FROM OLD.cosigned_by))) THEN
          RAISE EXCEPTION 'a signed note cannot be changed; add an addendum' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER session_notes_freeze_signed BEFORE UPDATE ON session_notes FOR EACH ROW EXECUTE FUNCTION session_notes_freeze_signed()`);

    await q.query(`
      CREATE TABLE session_note_addenda (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES session_notes(session_id) ON DELETE CASCADE,
        text text NOT NULL CHECK (char_length(btrim(text)) >= 1),
        author_id uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX session_note_addenda_session_idx ON session_note_addenda (session_id, created_at)`);

    // id is assigned by the writer as previous id + 1 under a lock, so a deleted row leaves a gap.
    await q.query(`
      CREATE TABLE audit_log (
        id bigint PRIMARY KEY,
        at timestamptz NOT NULL,
        actor_user_id uuid,
        action text NOT NULL,
        subject_user_id uuid,
        object_type text,
        object_id text,
        purpose text,
        outcome text NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed')),
        ip text,
        user_agent text,
        details text,
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_log_subject_idx ON audit_log (subject_user_id, at)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, at)`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only()`);
    await q.query(`DROP TABLE session_note_addenda`);
    await q.query(`DROP TABLE session_notes`);
    await q.query(`DROP FUNCTION session_notes_freeze_signed()`);
    await q.query(`DROP TABLE attendance_corrections`);
    await q.query(`DROP INDEX attendance_segments_open_seen_idx`);
    await q.query(`ALTER TABLE attendance_segments DROP COLUMN recorder_id`);
    await q.query(`ALTER TABLE attendance_segments DROP COLUMN last_seen_at`);
  }
}
