import type { ServerToClientEvents } from '@hearth/protocol';
import type { HearthSocket } from '../realtime/socket';

type Listener = () => void;

/**
 * A small external store for useSyncExternalStore: state is replaced (never
 * mutated) on every change. Subclasses listen to the page's socket for their
 * session's pushes and drop them all on `close()` (idempotent).
 */
export abstract class Store<S> {
  private current: S;
  private readonly listeners = new Set<Listener>();
  private readonly offs: (() => void)[] = [];
  protected closed = false;

  protected constructor(
    readonly socket: HearthSocket,
    readonly sessionId: string,
    initial: S,
  ) {
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): S => this.current;

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.offs.forEach((off) => off());
    this.offs.length = 0;
    this.listeners.clear();
  }

  protected patch(update: Partial<S>): void {
    if (this.closed) return;
    this.current = { ...this.current, ...update };
    for (const l of this.listeners) l();
  }

  /** Listens to a push for this session only (pushes for other sessions are ignored). */
  protected onPush<E extends keyof ServerToClientEvents>(
    event: E,
    handler: (payload: Parameters<ServerToClientEvents[E]>[0]) => void,
  ): void {
    const typed = this.socket as unknown as { on(e: string, h: unknown): void; off(e: string, h: unknown): void };
    const wrapped = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if ((payload as { sessionId?: string }).sessionId !== this.sessionId) return;
      handler(payload);
    };
    typed.on(event, wrapped);
    this.offs.push(() => typed.off(event, wrapped));
  }
}

/** A refused request's message, for showing inline next to the control that failed. */
export function errorMessage(e: unknown): string {
  return e instanceof Error && e.message ? e.message : 'Something went wrong. Please try again.';
}
