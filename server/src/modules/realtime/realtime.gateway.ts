import { Inject, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Server, Socket } from 'socket.io';
import { z } from 'zod';
import {
  isClientEvent,
  GUEST_SOCKET_EVENTS,
  PROTOCOL_VERSION,
  systemPingSchema,
  type Ack,
  type ClientToServerEvents,
  type ErrorBody,
  type InterServerEvents,
  type ServerToClientEvents,
  type SocketData,
} from '@hearth/protocol';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { DomainError } from '../../common/domain-error';
import { AuthService } from '../auth/auth.service';
import { handleRequest } from './ack';
import { Notifier } from './notifier';
import { SocketActivity } from './socket-activity';
import { SocketConnectLimits } from './socket-connect-limits';
import { SocketEventLimits } from './socket-event-limits';
import { requestRetries, type RetryAnswers } from './request-retries';
import { withAuditOrigin } from '../audit/audit-origin';

export type HearthServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HearthSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const handshakeSchema = z.object({ token: z.string().min(1).max(4096), protocolVersion: z.number().int() });

/** Error passed to socket.io's `connect_error` on the client: `err.message` and `err.data`. */
function connectError(code: string, message: string, extra: { retryAfterSeconds?: number } = {}): Error & { data: ErrorBody } {
  return Object.assign(new Error(message), { data: { code, message, ...extra } });
}

/**
 * The only place that touches socket.io's server. Authenticates the handshake
 * (access token + protocol version) before any event handler runs.
 */
@WebSocketGateway({ serveClient: false, maxHttpBufferSize: 64 * 1024, pingInterval: 10_000, pingTimeout: 10_000 })
export class RealtimeGateway implements OnGatewayInit<HearthServer>, OnGatewayConnection<HearthSocket> {
  private readonly logger = new Logger('Realtime');
  private redisClients: { quit(): Promise<unknown> }[] = [];
  private server: HearthServer | undefined;
  /** Re-sent requests answered once per user, across their sockets (request-retries.ts). */
  private readonly retryAnswers: RetryAnswers = new Map();

  constructor(
    private readonly auth: AuthService,
    private readonly notifier: Notifier,
    private readonly limits: SocketEventLimits,
    private readonly activity: SocketActivity,
    private readonly connectLimits: SocketConnectLimits,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async afterInit(server: HearthServer): Promise<void> {
    this.server = server;
    this.notifier.attach(server);
    // Per-IP handshake budget first: a flood of handshakes costs no token check.
    server.use((socket, next) => {
      this.connectLimits.take(socket.request).then(
        (limited) => (limited ? next(connectError(limited.code, limited.message, { retryAfterSeconds: limited.retryAfterSeconds })) : next()),
        () => next(),
      );
    });
    server.use((socket, next) => {
      const parsed = handshakeSchema.safeParse(socket.handshake.auth);
      if (!parsed.success) return next(connectError('unauthenticated', 'Sign in to continue.'));
      if (parsed.data.protocolVersion !== PROTOCOL_VERSION) {
        return next(
          connectError(
            'protocol_mismatch',
            `This page speaks protocol ${parsed.data.protocolVersion}, the server ${PROTOCOL_VERSION}: reload the page to update Hearth.`,
          ),
        );
      }
      this.auth
        .authenticate(parsed.data.token)
        .then((principal) => {
          socket.data.userId = principal.userId;
          socket.data.role = principal.role;
          socket.data.authSessionId = principal.sessionId;
          if (principal.scopeSessionId) socket.data.scopeSessionId = principal.scopeSessionId;
          next();
        })
        .catch((e: unknown) => {
          if (e instanceof DomainError) next(connectError(e.code, e.message));
          else next(connectError('internal', 'Something went wrong on our side. Please try again.'));
        });
    });
    this.auth.onSignOut(({ userId, sessionId, reason }) => {
      // Every process checks its own sockets (fetchSockets spans the Redis adapter too).
      void server
        .in(`user:${userId}`)
        .fetchSockets()
        .then((sockets) => {
          for (const s of sockets) {
            if (s.data.authSessionId !== sessionId) continue;
            s.emit('system:disconnected', { reason: reason === 'idle' ? 'Signed out after inactivity.' : 'Signed out.' });
            s.disconnect(true);
          }
        })
        .catch(() => undefined);
    });
    if (this.config.REDIS_URL) await this.attachRedis(server, this.config.REDIS_URL);
    this.activity.start(server);
  }

  handleConnection(socket: HearthSocket): void {
    // Personal room: pushes to one user reach all their tabs, on any server process.
    void socket.join(`user:${socket.data.userId}`);
    // A guest's socket reaches only its own session's room and media events.
    const scope = socket.data.scopeSessionId;
    if (scope) socket.use((packet, next) => guestEventFilter(scope, packet, next));
    // Re-sent requests (after a slow answer) run once; see request-retries.ts.
    socket.use(
      requestRetries(this.config.HEARTH_TEST_DELAY_EVENTS, { answers: this.retryAnswers, userId: socket.data.userId }) as Parameters<HearthSocket['use']>[0],
    );
    // The audit log's origin for what the handlers write: this socket's address and browser.
    const ua = socket.request.headers['user-agent'];
    const origin = { ip: this.connectLimits.clientAddress(socket.request), userAgent: typeof ua === 'string' ? ua : null };
    // Before any handler: unknown events, per-user limits, activity (idle logoff). Last, so the
    // handler runs inside this call of next() and sees the origin.
    socket.use((packet, next) => {
      this.screen(socket, packet).then(
        (pass) => pass && withAuditOrigin(origin, () => next()),
        () => withAuditOrigin(origin, () => next()),
      );
    });
    socket.on('disconnect', () => this.activity.forget(socket));
  }

  /** Whether an incoming event may reach its handler; answers the ack itself when not. */
  private async screen(socket: HearthSocket, packet: unknown[]): Promise<boolean> {
    const [event, payload] = packet;
    const last = packet[packet.length - 1];
    const ack = packet.length > 1 && typeof last === 'function' ? (last as (a: Ack<never>) => void) : undefined;
    if (!isClientEvent(event)) {
      ack?.({ ok: false, error: { code: 'bad_request', message: 'Unknown event.' } });
      return false;
    }
    const limited = await this.limits.take(socket.data.userId, event);
    if (limited) {
      ack?.({ ok: false, error: limited.toBody() });
      return false;
    }
    if (!(await this.activity.seen(socket, event, payload))) {
      ack?.({ ok: false, error: { code: 'session_expired', message: 'You were signed out. Please sign in again.' } });
      return false;
    }
    return true;
  }

  @SubscribeMessage('system:ping')
  ping(@MessageBody() payload: unknown): Promise<Ack<{ serverTime: number }>> {
    return handleRequest('system:ping', systemPingSchema, payload ?? {}, () => ({ serverTime: Date.now() }));
  }

  /** Several server processes share rooms and broadcasts through Redis. */
  private async attachRedis(server: HearthServer, url: string): Promise<void> {
    const pub = createClient({ url });
    const sub = pub.duplicate();
    for (const c of [pub, sub]) c.on('error', (e: Error) => this.logger.error(`Redis: ${e.message}`));
    await Promise.all([pub.connect(), sub.connect()]);
    this.redisClients = [pub, sub];
    // The adapter publishes without waiting for the answer. A PUBLISH pending when Redis drops then
    // rejects with nobody listening, and an unhandled rejection ends this process: everyone in its rooms
    // dropped by a Redis blip. Such a failure is already logged by the client's 'error' listener above.
    const publish = pub.publish.bind(pub);
    pub.publish = ((...args: Parameters<typeof publish>) => {
      const pending = publish(...args);
      pending.catch(() => undefined);
      return pending;
    }) as typeof pub.publish;
    server.adapter(createAdapter(pub, sub));
    this.logger.log('socket.io shares state through Redis');
  }

  /**
   * Shutting down (SIGTERM, deploy): tell this process's clients first, so
   * they show "reconnecting" and come back by themselves — to this node once
   * it is up again, or to another. Only this process's sockets (`local`).
   */
  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.local.emit('system:restarting', { reason: 'The server is restarting. Reconnecting…' });
    // Give the push a moment to leave before the connections close.
    await new Promise((r) => setTimeout(r, 200));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.redisClients.map((c) => c.quit().catch(() => undefined)));
  }
}

const guestEvents = new Set<string>(GUEST_SOCKET_EVENTS);

/**
 * A family guest's socket reaches only its own session and only the events a
 * guest may use; anything else is answered `forbidden` and never reaches a handler.
 */
/** Events that name no session and reveal nothing about anyone (a ping; the SFU's codecs). */
const SESSIONLESS_EVENTS = new Set<string>(['system:ping', 'media:capabilities']);

export function guestEventFilter(scopeSessionId: string, packet: unknown[], next: (err?: Error) => void): void {
  const [event, payload] = packet;
  const ack = packet[packet.length - 1];
  const sessionId = payload && typeof payload === 'object' ? (payload as { sessionId?: unknown }).sessionId : undefined;
  const allowed = typeof event === 'string' && guestEvents.has(event) && (SESSIONLESS_EVENTS.has(event) || sessionId === scopeSessionId);
  if (allowed) return next();
  if (typeof ack === 'function') {
    (ack as (a: Ack<never>) => void)({
      ok: false,
      error: { code: 'forbidden', message: 'A guest link opens only the session it was made for.' },
    });
  }
}
