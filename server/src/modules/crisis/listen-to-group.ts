import type { MediaSource } from '@hearth/protocol';
import { partitionLayer, type ReceiveRule } from '../rooms/rooms.service';

/**
 * Therapists in a side room who keep hearing the group ("listen to the group").
 * Plain state per session, and the receive rule the rooms module applies:
 * a listening therapist in a side room receives the main room's microphones —
 * audio only (no cameras, no shared screen), and one way: nobody in the main
 * room receives the side room, and the patient in it does not hear the group.
 */
export class GroupListening {
  private readonly listening = new Map<string, Set<string>>();

  /** Returns whether anything changed. */
  set(sessionId: string, userId: string, on: boolean): boolean {
    let who = this.listening.get(sessionId);
    if (on) {
      if (who?.has(userId)) return false;
      if (!who) this.listening.set(sessionId, (who = new Set()));
      who.add(userId);
      return true;
    }
    if (!who?.delete(userId)) return false;
    if (who.size === 0) this.listening.delete(sessionId);
    return true;
  }

  listens(sessionId: string, userId: string): boolean {
    return this.listening.get(sessionId)?.has(userId) ?? false;
  }

  forget(sessionId: string): void {
    this.listening.delete(sessionId);
  }

  /** For RoomsService.addReceiveRule. */
  readonly rule: ReceiveRule = (sessionId, viewer, owner, source: MediaSource) =>
    source === 'mic' &&
    owner.partition === null &&
    partitionLayer(viewer.partition) === 'side-room' &&
    this.listens(sessionId, viewer.userId);
}
