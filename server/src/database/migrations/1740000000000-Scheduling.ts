import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Programs → cohorts → enrollments, recurring series and their materialised
 * sessions, family guests, and calendar feeds. `session_people` is the one
 * place that says who takes part in a session; visibility, rosters and the
 * double-booking check all read it.
 */
export class Scheduling1740000000000 implements MigrationInterface {
  name = 'Scheduling1740000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE programs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        specialty text NOT NULL CHECK (specialty IN ('adult', 'adolescent', 'young_adult', 'women', 'men', 'lgbtq', 'veterans', 'other')),
        time_zone text NOT NULL,
        weekly_target_minutes integer NOT NULL CHECK (weekly_target_minutes BETWEEN 60 AND 2400),
        display_name_policy text NOT NULL DEFAULT 'first_name' CHECK (display_name_policy IN ('full_name', 'first_name', 'initials')),
        join_window_minutes_before integer NOT NULL DEFAULT 15 CHECK (join_window_minutes_before BETWEEN 0 AND 120),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Staff and patients belong to programs; an admin administers the programs they belong to.
    await q.query(`
      CREATE TABLE program_members (
        program_id uuid NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (program_id, user_id)
      )`);
    await q.query(`CREATE INDEX program_members_user_idx ON program_members (user_id)`);
    await q.query(`
      CREATE TABLE cohorts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        program_id uuid NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        track text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (program_id, name)
      )`);
    await q.query(`
      CREATE TABLE cohort_therapists (
        cohort_id uuid NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('lead', 'co')),
        PRIMARY KEY (cohort_id, user_id)
      )`);
    await q.query(`CREATE UNIQUE INDEX cohort_therapists_one_lead_idx ON cohort_therapists (cohort_id) WHERE role = 'lead'`);
    await q.query(`CREATE INDEX cohort_therapists_user_idx ON cohort_therapists (user_id)`);
    await q.query(`
      CREATE TABLE enrollments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cohort_id uuid NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        patient_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        start_date date NOT NULL,
        end_date date,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (end_date IS NULL OR end_date >= start_date)
      )`);
    await q.query(`CREATE INDEX enrollments_cohort_idx ON enrollments (cohort_id)`);
    await q.query(`CREATE INDEX enrollments_patient_idx ON enrollments (patient_id)`);
    await q.query(`
      CREATE TABLE session_series (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        program_id uuid NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
        cohort_id uuid NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        title text NOT NULL,
        format text NOT NULL CHECK (format IN ('group_therapy', 'psychoeducation', 'life_skills', 'family')),
        rrule text NOT NULL,
        start_date date NOT NULL,
        start_time text NOT NULL CHECK (start_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 10 AND 480),
        time_zone text NOT NULL,
        themes jsonb NOT NULL DEFAULT '[]',
        materialised_until timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        program_id uuid NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
        series_id uuid REFERENCES session_series(id) ON DELETE SET NULL,
        -- The slot the series gave this occurrence, kept when it is rescheduled.
        series_slot timestamptz,
        cohort_id uuid REFERENCES cohorts(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('group', 'individual')),
        format text NOT NULL CHECK (format IN ('group_therapy', 'psychoeducation', 'life_skills', 'family', 'individual_therapy')),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
        theme text,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
        cancelled_reason text,
        cancelled_at timestamptz,
        therapist_id uuid REFERENCES users(id) ON DELETE RESTRICT,
        patient_id uuid REFERENCES users(id) ON DELETE RESTRICT,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at > starts_at),
        CHECK (ends_at - starts_at <= interval '8 hours'),
        CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
        CHECK (
          (kind = 'group' AND cohort_id IS NOT NULL AND therapist_id IS NULL AND patient_id IS NULL
            AND format IN ('group_therapy', 'psychoeducation', 'life_skills', 'family'))
          OR
          (kind = 'individual' AND cohort_id IS NULL AND therapist_id IS NOT NULL AND patient_id IS NOT NULL
            AND series_id IS NULL AND format IN ('individual_therapy', 'family'))
        ),
        CHECK ((series_id IS NULL) = (series_slot IS NULL)),
        UNIQUE (series_id, series_slot)
      )`);
    await q.query(`CREATE INDEX sessions_program_starts_idx ON sessions (program_id, starts_at)`);
    await q.query(`CREATE INDEX sessions_cohort_starts_idx ON sessions (cohort_id, starts_at) WHERE cohort_id IS NOT NULL`);
    await q.query(`CREATE INDEX sessions_therapist_starts_idx ON sessions (therapist_id, starts_at) WHERE therapist_id IS NOT NULL`);
    await q.query(`CREATE INDEX sessions_patient_starts_idx ON sessions (patient_id, starts_at) WHERE patient_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE session_guests (
        session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (session_id, user_id)
      )`);
    await q.query(`CREATE INDEX session_guests_user_idx ON session_guests (user_id)`);
    // Who takes part in each session. A cohort's patients count for the
    // sessions on days (program time zone) inside their enrollment.
    await q.query(`
      CREATE VIEW session_people AS
        SELECT s.id AS session_id, s.therapist_id AS user_id, 'therapist'::text AS role, 'lead'::text AS facilitator_role
          FROM sessions s WHERE s.therapist_id IS NOT NULL
        UNION ALL
        SELECT s.id, s.patient_id, 'patient', NULL FROM sessions s WHERE s.patient_id IS NOT NULL
        UNION ALL
        SELECT s.id, ct.user_id, 'therapist', ct.role FROM sessions s JOIN cohort_therapists ct ON ct.cohort_id = s.cohort_id
        UNION ALL
        SELECT s.id, e.patient_id, 'patient', NULL
          FROM sessions s
          JOIN programs p ON p.id = s.program_id
          JOIN enrollments e ON e.cohort_id = s.cohort_id
         WHERE e.start_date <= (s.starts_at AT TIME ZONE p.time_zone)::date
           AND (e.end_date IS NULL OR e.end_date >= (s.starts_at AT TIME ZONE p.time_zone)::date)
        UNION ALL
        SELECT g.session_id, g.user_id, 'guest', NULL FROM session_guests g`);
    await q.query(`
      CREATE TABLE calendar_feeds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX calendar_feeds_one_active_idx ON calendar_feeds (user_id) WHERE revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calendar_feeds`);
    await q.query(`DROP VIEW session_people`);
    await q.query(`DROP TABLE session_guests`);
    await q.query(`DROP TABLE sessions`);
    await q.query(`DROP TABLE session_series`);
    await q.query(`DROP TABLE enrollments`);
    await q.query(`DROP TABLE cohort_therapists`);
    await q.query(`DROP TABLE cohorts`);
    await q.query(`DROP TABLE program_members`);
    await q.query(`DROP TABLE programs`);
  }
}
