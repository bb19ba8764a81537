import { request, RequestError, type HearthSocket } from '../realtime/socket';
import { ChatClient } from './ChatClient';
import { CheckinClient } from './CheckinClient';
import { CrisisClient } from './CrisisClient';
import { FloorClient } from './FloorClient';
import { RoleplayClient } from './RoleplayClient';

/** Delays between attempts while the room has not taken us (back) yet (`not_admitted`) or the answer timed out. */
const RETRY_MS = [300, 800, 1_500, 3_000, 5_000];

/**
 * Group facilitation of one live session: chat, turns, check-ins, the
 * crisis flag and role-play exercises over the page's socket. Their state is
 * loaded in one `facilitation:state` request each time the room takes us in
 * (`entries`: joined, admitted, back after a reconnect) — never before, and
 * never in the way of the media, which starts on its own.
 */
export class Facilitation {
  readonly chat: ChatClient;
  readonly floor: FloorClient;
  readonly checkins: CheckinClient;
  readonly crisis: CrisisClient;
  readonly roleplay: RoleplayClient;
  private closed = false;
  private attempt = 0;
  private generation = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly offs: (() => void)[] = [];

  constructor(
    readonly socket: HearthSocket,
    readonly sessionId: string,
    selfUserId: () => string | null,
    /** The bearer token, for the role-play scenario library over HTTP. */
    token: () => string | null = () => null,
    /** Subscribes to the room's entries (RoomClient.onEntered); each one loads the state once. */
    entries?: (listener: () => void) => () => void,
  ) {
    this.chat = new ChatClient(socket, sessionId);
    this.floor = new FloorClient(socket, sessionId);
    this.checkins = new CheckinClient(socket, sessionId);
    this.crisis = new CrisisClient(socket, sessionId, selfUserId);
    this.roleplay = new RoleplayClient(socket, sessionId, token);

    if (entries) {
      this.offs.push(
        entries(() => {
          this.attempt = 0;
          this.refresh();
        }),
      );
    }
  }

  /** Loads every feature's state in one request; retries a few times while the room has not taken us (back) yet. */
  refresh(): void {
    if (this.closed) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const generation = ++this.generation;
    void request(this.socket, 'facilitation:state', { sessionId: this.sessionId }).then(
      (s) => {
        // A newer load (a later entry) wins.
        if (this.closed || generation !== this.generation) return;
        this.attempt = 0;
        this.chat.applyHistory(s.chat);
        this.floor.applyState(s.floor);
        this.checkins.applyState(s.checkins);
        this.crisis.applyState(s.crisis);
        this.roleplay.applyState(s.roleplay);
      },
      (e: unknown) => {
        const notYet = e instanceof RequestError && (e.code === 'not_admitted' || e.code === 'timeout');
        if (!notYet || this.closed || generation !== this.generation) {
          this.attempt = 0;
          return;
        }
        const delay = RETRY_MS[this.attempt++];
        if (delay === undefined) return;
        this.retryTimer = setTimeout(() => this.refresh(), delay);
      },
    );
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
