import { z } from 'zod';
import type { SideRoomView } from '@hearth/protocol';
import { CrisisError, CrisisErrorCode } from '../crisis.error';

/** Open side rooms as they outlive the process (so nobody in one is put back into the group's media). */
export const sideRoomsSnapshotSchema = z.object({
  rooms: z.array(z.object({ patientUserId: z.string().min(1), therapists: z.array(z.string().min(1)), since: z.number() })),
});
export type SideRoomsSnapshot = z.infer<typeof sideRoomsSnapshotSchema>;

/**
 * The private side rooms of one session as a plain state machine: one per
 * patient in crisis, with the therapists who went with them. Nobody is in
 * two side rooms. The media rule (who receives whom) is applied by the rooms
 * module from `partitionOf`.
 */
export class SideRooms {
  private readonly rooms = new Map<string, { therapists: string[]; since: Date }>();

  get isEmpty(): boolean {
    return this.rooms.size === 0;
  }

  toSnapshot(): SideRoomsSnapshot {
    return {
      rooms: [...this.rooms].map(([patientUserId, r]) => ({ patientUserId, therapists: [...r.therapists], since: r.since.getTime() })),
    };
  }

  static fromSnapshot(snap: SideRoomsSnapshot): SideRooms {
    const s = new SideRooms();
    for (const r of snap.rooms) s.rooms.set(r.patientUserId, { therapists: [...r.therapists], since: new Date(r.since) });
    return s;
  }

  static partitionFor(patientUserId: string): string {
    return `side:${patientUserId}`;
  }

  open(patientUserId: string, therapistUserIds: string[], now: Date): SideRoomView {
    const therapists = [...new Set(therapistUserIds)];
    for (const id of [patientUserId, ...therapists]) {
      if (this.roomOf(id)) throw new CrisisError(CrisisErrorCode.AlreadyInSideRoom, 'Already in a side room.');
    }
    this.rooms.set(patientUserId, { therapists, since: now });
    return this.view(patientUserId)!;
  }

  /** Closes a patient's side room; returns who was in it. */
  close(patientUserId: string): string[] {
    const room = this.rooms.get(patientUserId);
    if (!room) throw new CrisisError(CrisisErrorCode.NotInSideRoom, 'That person is not in a side room.');
    this.rooms.delete(patientUserId);
    return [patientUserId, ...room.therapists];
  }

  /**
   * Someone left the session for good. A patient's side room closes (returns
   * the therapists to send back); a therapist just leaves theirs.
   */
  leave(userId: string): { closed: string | null; members: string[] } {
    if (this.rooms.has(userId)) return { closed: userId, members: this.close(userId) };
    for (const room of this.rooms.values()) room.therapists = room.therapists.filter((t) => t !== userId);
    return { closed: null, members: [] };
  }

  /** The patient whose side room `userId` is in (null: the main room). */
  roomOf(userId: string): string | null {
    if (this.rooms.has(userId)) return userId;
    for (const [patient, room] of this.rooms) if (room.therapists.includes(userId)) return patient;
    return null;
  }

  view(patientUserId: string): SideRoomView | null {
    const room = this.rooms.get(patientUserId);
    if (!room) return null;
    return { patientUserId, userIds: [patientUserId, ...room.therapists], since: room.since.toISOString() };
  }

  all(): SideRoomView[] {
    return [...this.rooms.keys()].map((id) => this.view(id)!);
  }
}
