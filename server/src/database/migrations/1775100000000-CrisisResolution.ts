import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Crisis alerts can be withdrawn by the patient (pressed by mistake) and resolved by a therapist with an outcome. */
export class CrisisResolution1775100000000 implements MigrationInterface {
  name = 'CrisisResolution1775100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE crisis_events ADD COLUMN withdrawn_at timestamptz`);
    await q.query(`ALTER TABLE crisis_events ADD COLUMN resolved_at timestamptz`);
    await q.query(`ALTER TABLE crisis_events ADD COLUMN resolved_by uuid REFERENCES users(id)`);
    await q.query(`ALTER TABLE crisis_events ADD COLUMN outcome text`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of ['outcome', 'resolved_by', 'resolved_at', 'withdrawn_at']) {
      await q.query(`ALTER TABLE crisis_events DROP COLUMN ${c}`);
    }
  }
}
