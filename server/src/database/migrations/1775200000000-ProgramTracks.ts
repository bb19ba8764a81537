import type { MigrationInterface, QueryRunner } from 'typeorm';

const TRACKS = ['adults', 'adolescents', 'women', 'men', 'lgbtq', 'veterans'];
const TRACK_LIST = TRACKS.map((t) => `'${t}'`).join(', ');

/** A program's specialty → the track it runs by default (protocol's defaultTrackFor). */
const DEFAULT_TRACK = `CASE p.specialty
  WHEN 'adolescent' THEN 'adolescents'
  WHEN 'women' THEN 'women'
  WHEN 'men' THEN 'men'
  WHEN 'lgbtq' THEN 'lgbtq'
  WHEN 'veterans' THEN 'veterans'
  ELSE 'adults' END`;

/** Free text → a track, when the words say one ("women" before "men": one contains the other). */
const MAPPED_TRACK = `CASE
  WHEN c.track ~* '(adolesc|teen|youth)' THEN 'adolescents'
  WHEN c.track ~* '(wom[ae]n|female)' THEN 'women'
  WHEN c.track ~* '(^|[^a-z])(m[ae]n|male)([^a-z]|$)' THEN 'men'
  WHEN c.track ~* '(lgbt|queer|trans)' THEN 'lgbtq'
  WHEN c.track ~* '(veteran|military)' THEN 'veterans'
  WHEN c.track ~* 'adult' THEN 'adults'
  END`;

/**
 * Programs list the tracks they run (adults, adolescents, women, men, LGBTQ+,
 * veterans) and every cohort belongs to one of its program's tracks, instead
 * of the free-text `cohorts.track`. Existing values: text that names a track
 * becomes that track; anything else (e.g. "evening") puts the cohort in its
 * program's default track and is kept in the cohort's name, "(evening)",
 * unless the name already says it.
 */
export class ProgramTracks1775200000000 implements MigrationInterface {
  name = 'ProgramTracks1775200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE program_tracks (
        program_id uuid NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
        track text NOT NULL CHECK (track IN (${TRACK_LIST})),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (program_id, track)
      )`);
    // Every program runs its specialty's track…
    await q.query(`INSERT INTO program_tracks (program_id, track) SELECT p.id, ${DEFAULT_TRACK} FROM programs p`);
    // …the free text that names no track stays readable in the cohort's name…
    await q.query(`
      UPDATE cohorts c SET name = left(c.name || ' (' || btrim(c.track) || ')', 120)
      WHERE c.track IS NOT NULL AND btrim(c.track) <> '' AND ${MAPPED_TRACK} IS NULL
        AND strpos(lower(c.name), lower(btrim(c.track))) = 0
        AND NOT EXISTS (SELECT 1 FROM cohorts o WHERE o.program_id = c.program_id AND o.name = left(c.name || ' (' || btrim(c.track) || ')', 120))`);
    // …and each cohort gets a track: the one its text names, or its program's default.
    await q.query(`
      UPDATE cohorts c SET track = COALESCE(${MAPPED_TRACK}, (SELECT ${DEFAULT_TRACK} FROM programs p WHERE p.id = c.program_id))`);
    await q.query(`
      INSERT INTO program_tracks (program_id, track)
      SELECT DISTINCT program_id, track FROM cohorts
      ON CONFLICT DO NOTHING`);
    await q.query(`ALTER TABLE cohorts ALTER COLUMN track SET NOT NULL`);
    await q.query(`
      ALTER TABLE cohorts ADD CONSTRAINT cohorts_track_fk
        FOREIGN KEY (program_id, track) REFERENCES program_tracks (program_id, track)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cohorts DROP CONSTRAINT cohorts_track_fk`);
    await q.query(`ALTER TABLE cohorts ALTER COLUMN track DROP NOT NULL`);
    await q.query(`DROP TABLE program_tracks`);
  }
}
