import type { RoomRole } from './room';

/**
 * Who may turn their microphone on now, and why not: one rule for the
 * server (which pauses held microphones at the SFU and refuses to unmute
 * them) and the client (which disables the button and says why).
 */

/** Why a microphone is held, strongest first: the group's rules, then the therapist's own lock. */
export const MIC_HOLDS = ['talking_stick', 'scene', 'therapist_lock'] as const;
export type MicHold = (typeof MIC_HOLDS)[number];

/** What the person sees under a held microphone. */
export const MIC_HOLD_NOTES: Record<MicHold, string> = {
  talking_stick: 'Only the person holding the floor can speak',
  scene: 'Held during the scene',
  therapist_lock: 'Muted by therapist',
};

/** The floor as far as microphones are concerned. */
export interface FloorMicFacts {
  talkingStick: boolean;
  holderUserId: string | null;
}

/** Talking stick: only its holder and therapists speak. Without the stick everyone may. */
export function floorAllowsMic(floor: FloorMicFacts | null | undefined, userId: string, role: RoomRole): boolean {
  return !floor?.talkingStick || role === 'therapist' || floor.holderUserId === userId;
}

/**
 * A role-play scene running in the main room: only its players (the
 * spotlight) and therapists speak. An empty spotlight: no scene holds anyone.
 */
export function sceneAllowsMic(spotlightUserIds: readonly string[] | null | undefined, userId: string, role: RoomRole): boolean {
  return !spotlightUserIds?.length || role === 'therapist' || spotlightUserIds.includes(userId);
}

export interface MicFacts {
  userId: string;
  role: RoomRole;
  /** In a crisis side room or a role-play sub-room: the group's floor and scene do not reach in. */
  inPartition: boolean;
  /** A therapist muted this person (on the client: the participant's `micLocked`). */
  lockedByTherapist: boolean;
  floor?: FloorMicFacts | null;
  /** The players of a scene running in the main room (the exercise's `spotlightUserIds`). */
  spotlightUserIds?: readonly string[] | null;
}

/** What holds the group's rules put on this microphone (not the therapist's lock), or null. */
export function groupMicHold(f: Omit<MicFacts, 'lockedByTherapist'>): Exclude<MicHold, 'therapist_lock'> | null {
  if (f.inPartition) return null;
  if (!floorAllowsMic(f.floor, f.userId, f.role)) return 'talking_stick';
  if (!sceneAllowsMic(f.spotlightUserIds, f.userId, f.role)) return 'scene';
  return null;
}

/** Why this person may not turn their microphone on now, or null: they may. */
export function micHold(f: MicFacts): MicHold | null {
  return groupMicHold(f) ?? (f.lockedByTherapist ? 'therapist_lock' : null);
}
