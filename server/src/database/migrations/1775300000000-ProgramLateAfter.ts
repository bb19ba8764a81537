import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A program's attendance rule: a patient arriving `late_after_minutes` or more after a
 * session's start is marked late. 1 (the rule so far: the first whole minute) unless the
 * program allows a grace period, up to an hour.
 */
export class ProgramLateAfter1775300000000 implements MigrationInterface {
  name = 'ProgramLateAfter1775300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE programs ADD COLUMN late_after_minutes integer NOT NULL DEFAULT 1 CHECK (late_after_minutes BETWEEN 1 AND 60)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE programs DROP COLUMN late_after_minutes`);
  }
}
