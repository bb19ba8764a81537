import type { FloorView } from '@hearth/protocol';
import { request, type HearthSocket } from '../realtime/socket';
import { requestPatiently } from '../realtime/patientRequest';
import { Store } from './Store';

export interface FloorState {
  /** The server's floor, or null before the first answer. */
  floor: FloorView | null;
  /** server clock − this browser's clock, from the latest view (for the countdown). */
  clockOffsetMs: number;
  /** The last go-around that finished, for a short summary. */
  lastGoAround: { spoken: string[]; passed: string[] } | null;
}

export const initialFloorState: FloorState = { floor: null, clockOffsetMs: 0, lastGoAround: null };

/** Milliseconds left in the current turn at local time `now`, or null without a countdown. */
export function turnRemainingMs(state: FloorState, now: number): number | null {
  const ends = state.floor?.turnEndsAt;
  if (!ends) return null;
  return Math.max(0, Date.parse(ends) - (now + state.clockOffsetMs));
}

/** 0 → "00:00", 61_000 → "01:01"; rounds up so a fresh 3-minute turn reads 03:00. */
export function formatCountdown(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** Whose turn it is in a go-around (null outside one). */
export function goAroundSpeaker(floor: FloorView | null): string | null {
  const g = floor?.goAround;
  return g ? (g.order[g.index] ?? null) : null;
}

/**
 * Turn-taking in one live session: the hand queue, who holds the floor, the
 * talking stick, the turn timer and go-arounds. Every answer and push carries
 * the whole FloorView; older revisions are dropped.
 */
export class FloorClient extends Store<FloorState> {
  constructor(socket: HearthSocket, sessionId: string) {
    super(socket, sessionId, initialFloorState);
    this.onPush('turn:stateChanged', (view) => this.apply(view));
    this.onPush('turn:goAroundEnded', (p) => this.patch({ lastGoAround: { spoken: p.spoken, passed: p.passed } }));
  }

  /** Loads the floor (on entering and after every reconnect). Taken as is: the server may have restarted. */
  async refresh(): Promise<void> {
    this.applyState(await request(this.socket, 'turn:state', { sessionId: this.sessionId }));
  }

  /** The whole floor as loaded (here or with the whole facilitation state). */
  applyState(view: FloorView): void {
    this.apply(view, true);
  }

  raiseHand = () => this.run(requestPatiently(this.socket, 'turn:raiseHand', { sessionId: this.sessionId }));
  /** Own hand, or (therapists) someone else's. */
  lowerHand = (userId?: string) =>
    this.run(requestPatiently(this.socket, 'turn:lowerHand', { sessionId: this.sessionId, ...(userId ? { userId } : {}) }));
  grant = (userId: string) => this.run(requestPatiently(this.socket, 'turn:grant', { sessionId: this.sessionId, userId }));
  grantNext = () => this.run(requestPatiently(this.socket, 'turn:grantNext', { sessionId: this.sessionId }));
  release = () => this.run(requestPatiently(this.socket, 'turn:release', { sessionId: this.sessionId }));
  setTalkingStick = (on: boolean) => this.run(requestPatiently(this.socket, 'turn:setTalkingStick', { sessionId: this.sessionId, on }));
  setTimer = (minutes: number | null) => this.run(requestPatiently(this.socket, 'turn:setTimer', { sessionId: this.sessionId, minutes }));
  startGoAround = () => this.run(requestPatiently(this.socket, 'turn:startGoAround', { sessionId: this.sessionId }));
  stopGoAround = () => this.run(requestPatiently(this.socket, 'turn:stopGoAround', { sessionId: this.sessionId }));
  pass = () => this.run(requestPatiently(this.socket, 'turn:pass', { sessionId: this.sessionId }));

  private async run(answer: Promise<FloorView>): Promise<void> {
    this.apply(await answer);
  }

  private apply(view: FloorView, force = false): void {
    if (view.sessionId !== this.sessionId) return;
    const held = this.state.floor;
    if (!force && held && view.revision < held.revision) return;
    const serverTime = Date.parse(view.serverTime);
    const clockOffsetMs = Number.isFinite(serverTime) ? serverTime - Date.now() : this.state.clockOffsetMs;
    this.patch({ floor: view, clockOffsetMs, ...(view.goAround ? { lastGoAround: null } : {}) });
  }
}
