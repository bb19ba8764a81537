import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per live session: its live state (lobby, admission, floor, side
 * rooms, role-play…) as a JSON snapshot, so a restart or another node can
 * rebuild it. `version` guards against lost updates; `node_id` says who wrote last.
 */
export class LiveSessionState1771000000000 implements MigrationInterface {
  name = 'LiveSessionState1771000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE live_session_states (
        session_id uuid PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        version integer NOT NULL,
        snapshot jsonb NOT NULL,
        node_id text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE live_session_states`);
  }
}
