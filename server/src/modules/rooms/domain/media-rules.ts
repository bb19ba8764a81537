import { MIC_HOLDS, type MediaSource, type MicHold, type ParticipantView, type RoomRole } from '@hearth/protocol';
import type { LiveSession, Member } from './live-session';

/** Whether a member's microphone may be live; therapists' rules come from the feature (e.g. turns). */
export type MicGate = (userId: string, role: RoomRole) => boolean;
/** Who sets a gate: the floor (talking stick) or the role-play spotlight. Gates compose: all must allow. */
export type MicGateName = 'floor' | 'spotlight';
/**
 * Partition layers, strongest first: a crisis side room wins over a role-play
 * sub-room (someone moved to a side room from a breakout sees only the side
 * room, and goes back to their sub-room when it closes).
 */
export type PartitionLayer = 'side-room' | 'breakout';
const PARTITION_LAYERS: PartitionLayer[] = ['side-room', 'breakout'];
/** The layer of an effective partition as a ReceiveRule sees it (null: the main room). */
export function partitionLayer(partition: string | null): PartitionLayer | null {
  return PARTITION_LAYERS.find((layer) => partition?.startsWith(`${layer}:`)) ?? null;
}
/**
 * A feature's exception to "same partition only": may `viewer` (in partition
 * `viewer.partition`) receive `owner`'s `source`? null = the main room.
 * E.g. a therapist in a side room who keeps listening to the group (crisis/listen-to-group.ts).
 */
export type ReceiveRule = (
  sessionId: string,
  viewer: { userId: string; partition: string | null },
  owner: { userId: string; partition: string | null },
  source: MediaSource,
) => boolean;

/** A hold the group's rules put on a microphone (the therapist's lock is the member's own). */
export type GroupMicHold = Exclude<MicHold, 'therapist_lock'>;
/** Which gate enforces which of the shared holds (packages/protocol mic-rules); asked in MIC_HOLDS order. */
const GATE_OF_HOLD: Record<GroupMicHold, MicGateName> = { talking_stick: 'floor', scene: 'spotlight' };
const GROUP_HOLDS = MIC_HOLDS.filter((h): h is GroupMicHold => h !== 'therapist_lock');

/**
 * Who hears and sees whom in one live session, as plain rules (no Nest, no
 * mediasoup): the media partitions (side rooms, breakouts) and the mic gates
 * features set (talking stick, spotlight). Membership comes from the
 * session's LiveSession, passed in, so a restored session is read as it is.
 */
export class MediaRules {
  /** Features' rules for whose microphone may be live; a mic is live only if every gate allows it. */
  private readonly gates = new Map<MicGateName, MicGate>();
  /** Members whose microphone the gates hold off now (to push only changes). */
  private readonly gatedOut = new Set<string>();
  /** Members in a media partition, per layer: userId → partition. Absent from every layer: the main room. */
  private readonly partitions = new Map<PartitionLayer, Map<string, string>>();

  get hasGates(): boolean {
    return this.gates.size > 0;
  }

  /** Sets (or with null lifts) a named gate. */
  setGate(name: MicGateName, gate: MicGate | null): void {
    if (gate) this.gates.set(name, gate);
    else this.gates.delete(name);
  }

  /** Moves members into `partition` of `layer`, or with null out of that layer. */
  setPartition(layer: PartitionLayer, userIds: string[], partition: string | null): void {
    let map = this.partitions.get(layer);
    if (!map) this.partitions.set(layer, (map = new Map()));
    for (const id of userIds) {
      if (partition) map.set(id, partition);
      else map.delete(id);
    }
  }

  /** The effective partition (null: the main room); a side room wins over a sub-room. */
  partitionOf(userId: string): string | null {
    for (const layer of PARTITION_LAYERS) {
      const p = this.partitions.get(layer)?.get(userId);
      if (p) return `${layer}:${p}`;
    }
    return null;
  }

  /** Everyone in some partition, once each. */
  partitionedUserIds(): string[] {
    return [...new Set([...this.partitions.values()].flatMap((m) => [...m.keys()]))];
  }

  /**
   * Who receives whose media: everyone admitted sees everyone in the same
   * partition (main room or a side room), unless a feature's rule opens an exception.
   */
  canReceive(live: LiveSession, viewerId: string, ownerId: string, source: MediaSource, exceptions: readonly ReceiveRule[] = []): boolean {
    if (viewerId === ownerId || !live.isAdmitted(viewerId) || !live.isAdmitted(ownerId)) return false;
    const viewerIn = this.partitionOf(viewerId);
    const ownerIn = this.partitionOf(ownerId);
    if (viewerIn === ownerIn) return true;
    return exceptions.some((rule) => rule(live.sessionId, { userId: viewerId, partition: viewerIn }, { userId: ownerId, partition: ownerIn }, source));
  }

  /** Whether the gates let this member's microphone be live; members in a side room or a sub-room are never gated. */
  micAllowed(live: LiveSession, userId: string): boolean {
    if (this.gates.size === 0 || this.partitionOf(userId) !== null) return true;
    if (!live.member(userId)) return false;
    return this.groupHold(live, userId) === null;
  }

  /**
   * Which of the group's rules holds this microphone, the first in the
   * shared order (`MIC_HOLDS`), or null. Like `groupMicHold` on the client,
   * a side room or a sub-room is beyond the floor and the scene.
   */
  groupHold(live: LiveSession, userId: string): GroupMicHold | null {
    if (this.gates.size === 0 || this.partitionOf(userId) !== null) return null;
    const m = live.member(userId);
    if (!m) return null;
    for (const hold of GROUP_HOLDS) {
      const gate = this.gates.get(GATE_OF_HOLD[hold]);
      if (gate && !gate(userId, m.role)) return hold;
    }
    return null;
  }

  /** A participant as others see them: a microphone the floor rules hold off shows as off and locked. */
  view(live: LiveSession, m: Member): ParticipantView {
    const view = live.view(m);
    if (this.micAllowed(live, m.userId)) return view;
    return { ...view, micOn: false, micLocked: true };
  }

  /** Someone entered the room: remember whether the gates hold their mic off. */
  entered(live: LiveSession, userId: string): void {
    if (!this.micAllowed(live, userId)) this.gatedOut.add(userId);
  }

  /**
   * Re-reads every gate for everyone present: returns each member with
   * whether their mic may be live, and whether that changed since last time.
   */
  evaluateGates(live: LiveSession): Array<{ member: Member; allowed: boolean; changed: boolean }> {
    return live.present().map((m) => {
      const allowed = this.micAllowed(live, m.userId);
      const changed = allowed === this.gatedOut.has(m.userId);
      if (changed) {
        if (allowed) this.gatedOut.delete(m.userId);
        else this.gatedOut.add(m.userId);
      }
      return { member: m, allowed, changed };
    });
  }

  /** Someone left for good: out of every partition. Returns whether they were in one. */
  forget(userId: string): boolean {
    this.gatedOut.delete(userId);
    let moved = false;
    for (const map of this.partitions.values()) moved = map.delete(userId) || moved;
    return moved;
  }

  /** The session ended: no gates, no partitions. */
  clear(): void {
    this.gates.clear();
    this.partitions.clear();
  }
}
