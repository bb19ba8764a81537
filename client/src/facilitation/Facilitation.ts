import type { HearthSocket } from '../realtime/socket';
import { RequestError } from '../realtime/socket';
import { ChatClient } from './ChatClient';
import { CheckinClient } from './CheckinClient';
import { CrisisClient } from './CrisisClient';
import { FloorClient } from './FloorClient';
import { RoleplayClient } from './RoleplayClient';

/** Delays between attempts while a reconnect's rejoin has not been answered yet (`not_admitted`). */
const RETRY_MS = [300, 800, 1_500, 3_000, 5_000];

/**
 * Group facilitation of one live session: chat, turns, check-ins, the
 * crisis flag and role-play exercises over the page's socket. The room snapshot does not carry their
 * state, so it is asked for on entering the room, on every `room:admitted`,
 * and after every reconnect (once the room has taken us back).
 */
export class Facilitation {
  readonly chat: ChatClient;
  readonly floor: FloorClient;
  readonly checkins: CheckinClient;
  readonly crisis: CrisisClient;
  readonly roleplay: RoleplayClient;
  private closed = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly offs: (() => void)[] = [];

  constructor(
    readonly socket: HearthSocket,
    readonly sessionId: string,
    selfUserId: () => string | null,
    /** The bearer token, for the role-play scenario library over HTTP. */
    token: () => string | null = () => null,
  ) {
    this.chat = new ChatClient(socket, sessionId);
    this.floor = new FloorClient(socket, sessionId);
    this.checkins = new CheckinClient(socket, sessionId);
    this.crisis = new CrisisClient(socket, sessionId, selfUserId);
    this.roleplay = new RoleplayClient(socket, sessionId, token);

    const onAdmitted = (p: { sessionId: string }) => {
      if (p.sessionId === sessionId) this.refresh();
    };
    // Back after a drop: the room client rejoins first; until then we are `not_admitted` and retry.
    const onConnect = () => this.refresh();
    socket.on('room:admitted', onAdmitted);
    socket.on('connect', onConnect);
    this.offs.push(
      () => socket.off('room:admitted', onAdmitted),
      () => socket.off('connect', onConnect),
    );
  }

  /** Loads every feature's state; retries a few times while the room has not taken us (back) yet. */
  refresh(): void {
    if (this.closed) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const parts = [this.chat.refresh(), this.floor.refresh(), this.checkins.refresh(), this.crisis.refresh(), this.roleplay.refresh()];
    void Promise.allSettled(parts).then((results) => {
      const notYet = results.some(
        (r) => r.status === 'rejected' && r.reason instanceof RequestError && (r.reason.code === 'not_admitted' || r.reason.code === 'timeout'),
      );
      if (!notYet || this.closed) {
        this.attempt = 0;
        return;
      }
      const delay = RETRY_MS[this.attempt++];
      if (delay === undefined) return;
      this.retryTimer = setTimeout(() => this.refresh(), delay);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.offs.forEach((off) => off());
    this.chat.close();
    this.floor.close();
    this.checkins.close();
    this.crisis.close();
    this.roleplay.close();
  }
}
