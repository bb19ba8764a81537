import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refresh tokens already redeemed (hashes only), so that presenting one again
 * is recognised as reuse — a stolen token — and ends the whole sign-in.
 */
export class RefreshTokenReuse1773000000000 implements MigrationInterface {
  name = 'RefreshTokenReuse1773000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth_rotated_refresh_tokens (
        token_hash text PRIMARY KEY,
        auth_session_id uuid NOT NULL REFERENCES auth_sessions(id) ON DELETE CASCADE,
        rotated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX auth_rotated_refresh_tokens_session_idx ON auth_rotated_refresh_tokens (auth_session_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth_rotated_refresh_tokens`);
  }
}
