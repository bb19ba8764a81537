import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Family guests invited by link (42 CFR Part 2): an invite names the guest,
 * their relationship and the patient they belong to; the patient's consent
 * comes first; the link admits one device during the session's join window.
 * A redeemed link signs the guest in with an auth session scoped to that one
 * session (`auth_sessions.scope_session_id`).
 */
export class FamilyGuests1772000000000 implements MigrationInterface {
  name = 'FamilyGuests1772000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE guest_invites (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        patient_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        invited_by uuid NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
        guest_name text NOT NULL CHECK (length(guest_name) BETWEEN 1 AND 60),
        relationship text NOT NULL CHECK (length(relationship) BETWEEN 1 AND 40),
        status text NOT NULL DEFAULT 'awaiting_consent' CHECK (status IN ('awaiting_consent', 'approved', 'declined', 'revoked')),
        consent_decided_at timestamptz,
        revoked_at timestamptz,
        link_nonce text NOT NULL,
        redeemed_at timestamptz,
        guest_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status IN ('approved', 'declined')) <= (consent_decided_at IS NOT NULL)),
        CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX guest_invites_session_idx ON guest_invites (session_id)`);
    await q.query(`CREATE INDEX guest_invites_patient_idx ON guest_invites (patient_id, status)`);
    await q.query(`ALTER TABLE auth_sessions ADD COLUMN scope_session_id uuid REFERENCES sessions(id) ON DELETE CASCADE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth_sessions DROP COLUMN scope_session_id`);
    await q.query(`DROP TABLE guest_invites`);
  }
}
