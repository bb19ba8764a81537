import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One signed-in device. Access tokens name it (`sid`), so logout, refresh
 * rotation and the inactivity logoff take effect on the server at once.
 */
@Entity({ name: 'auth_sessions' })
export class AuthSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** SHA-256 of the current refresh token; rotated on every refresh. */
  @Column({ name: 'refresh_token_hash', type: 'text' })
  refreshTokenHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_active_at', type: 'timestamptz' })
  lastActiveAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason: string | null;

  /** A family guest's sign-in reaches only this session (null: an ordinary sign-in). */
  @Column({ name: 'scope_session_id', type: 'uuid', nullable: true })
  scopeSessionId: string | null;
}
