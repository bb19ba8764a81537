import type { Ack } from '@hearth/protocol';
import type { HearthSocket } from '../realtime/socket';

/** The answer to a request; `undefined` leaves it unanswered (a slow server). */
export type Reply = (payload: unknown) => Ack<unknown> | undefined;

/** A socket.io stand-in for tests: records requests, answers them from `replies`, and lets the test push events. */
export class FakeSocket {
  connected = true;
  /** Requests as sent, without the retry key (`requestId`), which goes to `retryKeys`. */
  readonly sent: { event: string; payload: unknown }[] = [];
  readonly retryKeys: (string | undefined)[] = [];
  private readonly handlers = new Map<string, Set<(p?: unknown) => void>>();
  /** socket.io's Manager as the room client uses it (the query of the next connection). */
  readonly io = { opts: {} as { query?: Record<string, string> } };

  constructor(readonly replies: Record<string, Reply> = {}) {}

  get asSocket(): HearthSocket {
    return this as unknown as HearthSocket;
  }

  emit(event: string, payload: unknown, ack: (a: Ack<unknown>) => void): void {
    const { requestId, ...rest } = (payload ?? {}) as { requestId?: string };
    const body = payload && typeof payload === 'object' ? rest : payload;
    this.sent.push({ event, payload: body });
    this.retryKeys.push(requestId);
    const reply = this.replies[event] ?? (event === 'facilitation:state' ? this.facilitationState : undefined);
    if (!reply) throw new Error(`unexpected request ${event}`);
    queueMicrotask(() => {
      const answer = reply(body);
      if (answer) ack(answer);
    });
  }

  /**
   * Like the server, `facilitation:state` answers what the five per-feature
   * state requests would (from `replies`; a feature without a reply answers empty).
   */
  private readonly facilitationState: Reply = (payload) => {
    const parts = {
      chat: ['chat:history', { messages: [], patientPrivateChatAllowed: false }],
      floor: ['turn:state', null],
      checkins: ['checkin:state', { open: null }],
      crisis: ['crisis:state', { alerts: [], sideRooms: [] }],
      roleplay: ['roleplay:state', { exercise: null, yourRole: null, myFeedback: [] }],
    } as const;
    const state: Record<string, unknown> = {};
    for (const [key, [event, empty]] of Object.entries(parts)) {
      const reply = this.replies[event];
      if (!reply) {
        if (empty === null) throw new Error(`unexpected request facilitation:state (no ${event} reply)`);
        state[key] = empty;
        continue;
      }
      const answer = reply(payload);
      if (!answer || !answer.ok) return answer;
      state[key] = answer.data;
    }
    return { ok: true, data: state };
  };

  on(event: string, handler: (p?: unknown) => void): void {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)!.add(handler);
  }

  off(event: string, handler: (p?: unknown) => void): void {
    this.handlers.get(event)?.delete(handler);
  }

  /** The server pushes an event, or socket.io fires connect / disconnect. */
  fire(event: string, payload?: unknown): void {
    if (event === 'connect') this.connected = true;
    if (event === 'disconnect') this.connected = false;
    this.handlers.get(event)?.forEach((h) => h(payload));
  }

  /** Like socket.io: closing by hand fires `disconnect`; `connect()` connects again at once. */
  disconnect(): void {
    if (this.connected) this.fire('disconnect');
  }

  connect(): void {
    if (!this.connected) this.fire('connect');
  }

  listenerCount(): number {
    return [...this.handlers.values()].reduce((n, s) => n + s.size, 0);
  }

  requests(event: string): unknown[] {
    return this.sent.filter((s) => s.event === event).map((s) => s.payload);
  }
}

export const ok = <T>(data: T): Ack<T> => ({ ok: true, data });
export const refused = (code: string, message = code): Ack<never> => ({ ok: false, error: { code, message } });
export const flush = () => new Promise((r) => setTimeout(r, 0));
