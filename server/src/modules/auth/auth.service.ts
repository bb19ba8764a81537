import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import type { LoginResponse, PublicUser } from '@hearth/protocol';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { User } from '../users/entities/user.entity';
import { fullName } from '../users/display-name';
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

export type SignOutListener = (signOut: { userId: string; sessionId: string; reason: 'logout' | 'idle' }) => void;

@Injectable()
export class AuthService {
  private readonly signOutListeners = new Set<SignOutListener>();

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(AuthSession) private readonly sessions: Repository<AuthSession>,
    @Inject(TOKEN_SIGNER) private readonly signer: TokenSigner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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

  /** Rotates the refresh token; an idle, revoked or reused token ends the session. */
  async refresh(refreshToken: string, now = new Date()): Promise<LoginResult> {
    const session = await this.sessions.findOne({ where: { refreshTokenHash: sha256(refreshToken) } });
    if (!session) throw new AuthError(AuthErrorCode.Unauthenticated, 'Please sign in again.');
    await this.assertActive(session, now);
    const user = await this.users.findOne({ where: { id: session.userId } });
    if (!user || user.disabledAt) throw new AuthError(AuthErrorCode.Unauthenticated, 'Please sign in again.');
    const next = newRefreshToken();
    session.refreshTokenHash = sha256(next);
    session.lastActiveAt = now;
    await this.sessions.save(session);
    return { ...this.issue(user, session), refreshToken: next };
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
