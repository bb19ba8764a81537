import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, In, IsNull, type Repository } from 'typeorm';
import type { LoginResponse, PublicUser } from '@hearth/protocol';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { User } from '../users/entities/user.entity';
import { fullName } from '../users/display-name';
import { assertUnreachable } from '../../common/domain-error';
import { AuthError, AuthErrorCode } from './auth.error';
import { AuthSession } from './entities/auth-session.entity';
import { dummyPasswordHash, verifyPassword } from './password';
import { newRefreshToken, sha256, TokenSigner } from './tokens';

export const TOKEN_SIGNER = Symbol('TOKEN_SIGNER');

/** Who is calling: resolved from a valid access token on every request and socket. */
export interface Principal {
  userId: string;
  sessionId: string;
  role: User['role'];
  /** A family guest's sign-in: the one live session it reaches. */
  scopeSessionId?: string;
}

export type LoginResult = LoginResponse;

// Touching last_active_at on every request would write on every call; a minute's precision is enough.
const ACTIVITY_WRITE_INTERVAL_MS = 60_000;

/**
 * A rotated refresh token presented again this soon after its rotation is taken
 * for two tabs refreshing at once (refused, sign-in kept); later, for theft.
 */
const REFRESH_RACE_WINDOW_MS = 2000;

export type SignOutListener = (signOut: { userId: string; sessionId: string; reason: 'logout' | 'idle' | 'revoked' }) => void;

type RefreshOutcome =
  | { kind: 'rotated'; sessionId: string; userId: string }
  | { kind: 'inactive'; sessionId: string }
  | { kind: 'reused'; sessionId: string; rotatedAt: Date }
  | { kind: 'unknown' };

@Injectable()
export class AuthService {
  private readonly signOutListeners = new Set<SignOutListener>();

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(AuthSession) private readonly sessions: Repository<AuthSession>,
    @Inject(TOKEN_SIGNER) private readonly signer: TokenSigner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async login(email: string, password: string, now = new Date()): Promise<LoginResult> {
    const user = await this.users.findOne({ where: { email: email.toLowerCase() } });
    if (!user || user.disabledAt) {
      await verifyPassword(await dummyPasswordHash(), password);
      throw new AuthError(AuthErrorCode.InvalidCredentials, 'Email or password is incorrect.');
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      throw new AuthError(AuthErrorCode.InvalidCredentials, 'Email or password is incorrect.');
    }
    const refreshToken = newRefreshToken();
    const session = await this.sessions.save(
      this.sessions.create({
        userId: user.id,
        refreshTokenHash: sha256(refreshToken),
        lastActiveAt: now,
        expiresAt: new Date(now.getTime() + this.config.REFRESH_TOKEN_TTL_HOURS * 3600_000),
        revokedAt: null,
        scopeSessionId: null,
      }),
    );
    return { ...this.issue(user, session), refreshToken };
  }

  /**
   * Signs a family guest in from their invite link: a sign-in that reaches
   * only `scopeSessionId` and ends with it (`expiresAt`). Checked by the
   * guard (HTTP) and the gateway (socket events) on every request.
   */
  async signInGuest(user: User, scopeSessionId: string, expiresAt: Date, now = new Date()): Promise<LoginResult> {
    const refreshToken = newRefreshToken();
    const session = await this.sessions.save(
      this.sessions.create({
        userId: user.id,
        refreshTokenHash: sha256(refreshToken),
        lastActiveAt: now,
        expiresAt,
        revokedAt: null,
        scopeSessionId,
      }),
    );
    return { ...this.issue(user, session), refreshToken };
  }

  /**
   * Rotates the refresh token, redeeming the old one exactly once in one
   * transaction (the row is locked, so concurrent refreshes with one token
   * queue and only the first finds it). Presenting an already-rotated token
   * again means it was copied: the whole sign-in ends and its sockets close.
   */
  async refresh(refreshToken: string, now = new Date()): Promise<LoginResult> {
    const hash = sha256(refreshToken);
    const next = newRefreshToken();
    const outcome = await this.dataSource.transaction(async (m): Promise<RefreshOutcome> => {
      const [row] = (await m.query(
        `SELECT id, user_id, last_active_at, expires_at, revoked_at FROM auth_sessions WHERE refresh_token_hash = $1 FOR UPDATE`,
        [hash],
      )) as { id: string; user_id: string; last_active_at: Date; expires_at: Date; revoked_at: Date | null }[];
      if (!row) {
        const [used] = (await m.query(`SELECT auth_session_id, rotated_at FROM auth_rotated_refresh_tokens WHERE token_hash = $1`, [hash])) as {
          auth_session_id: string;
          rotated_at: Date;
        }[];
        return used ? { kind: 'reused', sessionId: used.auth_session_id, rotatedAt: new Date(used.rotated_at) } : { kind: 'unknown' };
      }
      const idle = now.getTime() - new Date(row.last_active_at).getTime() > this.config.IDLE_TIMEOUT_MINUTES * 60_000;
      if (row.revoked_at || idle || now >= new Date(row.expires_at)) return { kind: 'inactive', sessionId: row.id };
      await m.query(`UPDATE auth_sessions SET refresh_token_hash = $2, last_active_at = $3 WHERE id = $1`, [row.id, sha256(next), now]);
      await m.query(`INSERT INTO auth_rotated_refresh_tokens (token_hash, auth_session_id, rotated_at) VALUES ($1, $2, $3)`, [hash, row.id, now]);
      return { kind: 'rotated', sessionId: row.id, userId: row.user_id };
    });
    switch (outcome.kind) {
      case 'unknown':
        throw new AuthError(AuthErrorCode.Unauthenticated, 'Please sign in again.');
      case 'reused':
        if (now.getTime() - outcome.rotatedAt.getTime() > REFRESH_RACE_WINDOW_MS) await this.revoke(outcome.sessionId, 'refresh_reuse', now);
        throw new AuthError(AuthErrorCode.Unauthenticated, 'Please sign in again.');
      case 'inactive': {
        const session = await this.sessions.findOne({ where: { id: outcome.sessionId } });
        if (session) await this.assertActive(session, now); // revokes an idle one, then throws
        throw new AuthError(AuthErrorCode.Unauthenticated, 'Please sign in again.');
      }
      case 'rotated': {
        const user = await this.users.findOne({ where: { id: outcome.userId } });
        const session = await this.sessions.findOne({ where: { id: outcome.sessionId } });
        if (!user || user.disabledAt || !session) throw new AuthError(AuthErrorCode.Unauthenticated, 'Please sign in again.');
        return { ...this.issue(user, session), refreshToken: next };
      }
      default:
        return assertUnreachable(outcome);
    }
  }

  /** Ends a sign-in at once (its access tokens stop working, its sockets close). */
  async revoke(sessionId: string, reason: string, now = new Date()): Promise<void> {
    const session = await this.sessions.findOne({ where: { id: sessionId } });
    if (!session || session.revokedAt) return;
    await this.sessions.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: now, revokedReason: reason });
    this.notifySignOut({ userId: session.userId, sessionId, reason: 'revoked' });
  }

  async logout(sessionId: string, now = new Date()): Promise<void> {
    const session = await this.sessions.findOne({ where: { id: sessionId } });
    await this.sessions.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: now, revokedReason: 'logout' });
    if (session) this.notifySignOut({ userId: session.userId, sessionId, reason: 'logout' });
  }

  /** Lets the realtime layer close a signed-out device's sockets (auth knows nothing of sockets). */
  onSignOut(listener: SignOutListener): () => void {
    this.signOutListeners.add(listener);
    return () => this.signOutListeners.delete(listener);
  }

  private notifySignOut(e: Parameters<SignOutListener>[0]): void {
    for (const l of this.signOutListeners) l(e);
  }

  /**
   * Resolves an access token to a principal, checking on the server that its
   * session is neither revoked nor idle longer than IDLE_TIMEOUT_MINUTES.
   */
  async authenticate(accessToken: string | undefined, now = new Date()): Promise<Principal> {
    if (!accessToken) throw new AuthError(AuthErrorCode.Unauthenticated, 'Sign in to continue.');
    const claims = this.signer.verifyAccess(accessToken);
    if (!claims) throw new AuthError(AuthErrorCode.Unauthenticated, 'Your sign-in has expired. Please sign in again.');
    const session = await this.sessions.findOne({ where: { id: claims.sid } });
    if (!session || session.userId !== claims.sub) {
      throw new AuthError(AuthErrorCode.Unauthenticated, 'Please sign in again.');
    }
    await this.assertActive(session, now);
    if (now.getTime() - session.lastActiveAt.getTime() > ACTIVITY_WRITE_INTERVAL_MS) {
      await this.sessions.update({ id: session.id }, { lastActiveAt: now });
    }
    return session.scopeSessionId
      ? { userId: claims.sub, sessionId: claims.sid, role: claims.role, scopeSessionId: session.scopeSessionId }
      : { userId: claims.sub, sessionId: claims.sid, role: claims.role };
  }

  /**
   * Activity seen on a socket (an event, or presence in a live session) counts
   * like an HTTP call. Returns false when the sign-in is already over (idle,
   * past its end, revoked); an idle one is revoked then and its sockets close.
   */
  async touchFromSocket(sessionId: string, now = new Date()): Promise<boolean> {
    const session = await this.sessions.findOne({ where: { id: sessionId } });
    if (!session) return false;
    try {
      await this.assertActive(session, now);
    } catch {
      return false;
    }
    await this.sessions.update({ id: sessionId, revokedAt: IsNull() }, { lastActiveAt: now });
    return true;
  }

  /**
   * The server-side idle logoff for sockets: ends each of these sign-ins that
   * is idle or past its end (and re-announces revoked ones), so that their
   * sockets close even if the device never makes another request.
   */
  async expireIdle(sessionIds: string[], now = new Date()): Promise<void> {
    if (sessionIds.length === 0) return;
    const sessions = await this.sessions.find({ where: { id: In(sessionIds) } });
    for (const session of sessions) {
      if (session.revokedAt) {
        this.notifySignOut({ userId: session.userId, sessionId: session.id, reason: session.revokedReason === 'idle' ? 'idle' : 'revoked' });
        continue;
      }
      await this.assertActive(session, now).catch(() => undefined);
    }
  }

  async getUser(userId: string): Promise<User> {
    const user = await this.users.findOne({ where: { id: userId } });
    if (!user) throw new AuthError(AuthErrorCode.Unauthenticated, 'Please sign in again.');
    return user;
  }

  toPublicUser(user: User): PublicUser {
    return { id: user.id, role: user.role, displayName: fullName(user) };
  }

  private async assertActive(session: AuthSession, now: Date): Promise<void> {
    if (session.revokedAt) throw new AuthError(AuthErrorCode.Unauthenticated, 'You have signed out. Please sign in again.');
    const idleMs = this.config.IDLE_TIMEOUT_MINUTES * 60_000;
    if (now.getTime() - session.lastActiveAt.getTime() > idleMs || now >= session.expiresAt) {
      await this.sessions.update({ id: session.id }, { revokedAt: now, revokedReason: 'idle' });
      this.notifySignOut({ userId: session.userId, sessionId: session.id, reason: 'idle' });
      throw new AuthError(
        AuthErrorCode.SessionExpired,
        `You were signed out after ${this.config.IDLE_TIMEOUT_MINUTES} minutes without activity.`,
      );
    }
  }

  private issue(user: User, session: AuthSession): Omit<LoginResponse, 'refreshToken'> {
    return {
      accessToken: this.signer.signAccess({ sub: user.id, sid: session.id, role: user.role }),
      expiresIn: this.signer.accessTtlSeconds,
      user: this.toPublicUser(user),
    };
  }
}
