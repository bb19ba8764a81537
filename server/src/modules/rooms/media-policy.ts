import { Injectable, Logger } from '@nestjs/common';
import type { types } from 'mediasoup';
import { MIC_HOLD_NOTES, type ConsumerInfo, type MediaPrepared, type MediaSource, type PreparedConsumer, type SelfSource, type TransportInfo } from '@hearth/protocol';
import { MediaService } from '../media/media.service';
import type { MediaRoom } from '../media/media-room';
import { Notifier } from '../realtime/notifier';
import type { Member } from './domain/live-session';
import type { MicGate, MicGateName, PartitionLayer, ReceiveRule } from './domain/media-rules';
import type { LiveRoom } from './live-rooms';
import { RoomPushes } from './room-pushes';
import { RoomError, RoomErrorCode } from './rooms.error';

/**
 * Whether a member may send a source beyond mic and camera (the screen share):
 * the feature that owns the source decides; without a policy it is refused.
 */
export type ProducePolicy = (sessionId: string, userId: string) => boolean;

/**
 * Who hears and sees whom, applied to the SFU: consumers follow the media
 * partitions (side rooms, breakouts), microphones follow the mic gates
 * (talking stick, spotlight), extra sources follow their feature's policy.
 * The rules themselves are the session's MediaRules; this applies them.
 */
@Injectable()
export class MediaPolicy {
  private readonly logger = new Logger('Rooms');
  private readonly producePolicies = new Map<MediaSource, ProducePolicy>();
  private readonly receiveRules: ReceiveRule[] = [];

  constructor(
    private readonly media: MediaService,
    private readonly notifier: Notifier,
    private readonly pushes: RoomPushes,
  ) {}

  /** Lets a feature decide who may send `source` (e.g. the screen share); see ProducePolicy. */
  setProducePolicy(source: Exclude<MediaSource, SelfSource>, policy: ProducePolicy): void {
    this.producePolicies.set(source, policy);
  }

  /** Lets a feature open an exception to "same partition only" (see ReceiveRule). */
  addReceiveRule(rule: ReceiveRule): void {
    this.receiveRules.push(rule);
  }

  /** A feature's receive rule changed its answer: close and open consumers to match. */
  async refreshMedia(entry: LiveRoom): Promise<void> {
    await this.reconcileConsumers(entry);
  }

  private canReceive(entry: LiveRoom, viewerId: string, ownerId: string, source: MediaSource): boolean {
    return entry.rules.canReceive(entry.live, viewerId, ownerId, source, this.receiveRules);
  }

  /**
   * Both transports at once and a consumer for everything the caller may see
   * now, in one answer. A repeated prepare replaces the caller's earlier media.
   */
  async prepareMedia(
    entry: LiveRoom,
    room: MediaRoom,
    userId: string,
    caps: types.RtpCapabilities,
    send: boolean,
    /** A receive transport warmed on the pre-join page: kept (it is connected or connecting). */
    warmRecv?: TransportInfo,
  ): Promise<MediaPrepared> {
    const keep = warmRecv && room.hasPeer(userId) && room.peer(userId).transports.has(warmRecv.id) ? warmRecv : undefined;
    if (keep) room.peer(userId).closeAllBut(keep.id);
    else if (room.hasPeer(userId)) room.removePeer(userId);
    entry.lobbyMedia.delete(userId);
    const [recvInfo, sendInfo] = await Promise.all([
      // In the waiting room: a receive transport that connects now, so admission starts on a connected one.
      keep ? Promise.resolve(keep) : room.createTransport(userId, 'recv', { warm: !entry.live.isAdmitted(userId) }),
      send ? room.createTransport(userId, 'send') : Promise.resolve(null),
    ]);
    room.setRtpCapabilities(userId, caps);
    if (!entry.live.isAdmitted(userId)) {
      // Waiting: nothing is received until admission; what the room sends now is set up paused and anonymous.
      return { recv: recvInfo, send: sendInfo, consumers: [], prepared: await this.prepareAhead(entry, room, userId) };
    }
    // Those set up on the pre-join page start first: their key frames are on the way before the rest is created.
    const consumers = await this.resumePrepared(entry, room, userId);
    for (const producer of room.producersExcept(userId)) {
      if (room.consumerOf(userId, producer.id) || !this.canReceive(entry, userId, producer.appData.peerId, producer.appData.source)) continue;
      try {
        consumers.push(await room.consume(userId, producer.id));
      } catch (e) {
        this.logger.warn(`consume skipped: ${e instanceof Error ? e.message : 'unknown'}`);
      }
    }
    return { recv: recvInfo, send: sendInfo, consumers };
  }

  /**
   * For a viewer not in the room yet (pre-join page, waiting room), whose Device
   * capabilities are known: a paused consumer of every stream of the room's members it
   * does not have one of, flagged `prepared`. Nothing flows (paused at the SFU,
   * and only entering resumes it), and the viewer is told no more than ids and
   * RTP parameters: whose stream each is comes when it enters.
   */
  async prepareAhead(entry: LiveRoom, room: MediaRoom, viewerId: string): Promise<PreparedConsumer[]> {
    const out: PreparedConsumer[] = [];
    if (!room.hasPeer(viewerId) || !room.peer(viewerId).rtpCapabilities) return out;
    for (const producer of room.producersExcept(viewerId)) {
      // The room's streams only: not those of others waiting too.
      if (producer.closed || !entry.live.isAdmitted(producer.appData.peerId) || room.consumerOf(viewerId, producer.id)) continue;
      try {
        const c = await room.consume(viewerId, producer.id, { prepared: true });
        out.push({ consumerId: c.consumerId, producerId: c.producerId, kind: c.kind, rtpParameters: c.rtpParameters });
      } catch (e) {
        this.logger.warn(`prepared consume skipped: ${e instanceof Error ? e.message : 'unknown'}`);
      }
    }
    return out;
  }

  /**
   * The viewer entered: its prepared consumers that its place in the room lets it
   * receive are resumed (all at once, before anything else is created) and named
   * (`resumed: true`); the others close.
   */
  private async resumePrepared(entry: LiveRoom, room: MediaRoom, viewerId: string): Promise<ConsumerInfo[]> {
    const ready = room.consumersOf(viewerId).filter((c) => c.prepared && c.paused);
    const keep = ready.filter((c) => this.canReceive(entry, viewerId, c.producerPeerId, c.source));
    for (const c of ready) if (!keep.includes(c)) room.closeConsumer(viewerId, c.consumerId);
    const resumed = await Promise.all(
      keep.map(async (c) => {
        try {
          await room.resumePrepared(viewerId, c.consumerId);
          const info = room.consumerOf(viewerId, c.producerId);
          return info ? { ...info, resumed: true } : null;
        } catch (e) {
          this.logger.warn(`prepared resume skipped: ${e instanceof Error ? e.message : 'unknown'}`);
          return null;
        }
      }),
    );
    return resumed.filter((c): c is ConsumerInfo & { resumed: true } => c !== null);
  }

  /** The client can receive: consume everything it may see. */
  async consumeAllowed(entry: LiveRoom, room: MediaRoom, userId: string): Promise<void> {
    for (const producer of room.producersExcept(userId)) {
      if (this.canReceive(entry, userId, producer.appData.peerId, producer.appData.source)) await this.consumeFor(room, userId, producer.id);
    }
  }

  async produce(
    entry: LiveRoom,
    room: MediaRoom,
    userId: string,
    p: { transportId: string; kind: types.MediaKind; source: MediaSource; rtpParameters: types.RtpParameters; paused: boolean },
  ): Promise<{ producerId: string }> {
    if (p.source !== 'mic' && p.source !== 'camera') {
      // A screen share needs the room: nothing beyond mic and camera is prepared in the lobby.
      if (!entry.live.isAdmitted(userId)) throw new RoomError(RoomErrorCode.NotAdmitted, 'You are not in this session’s room.');
      return this.produceExtra(entry, room, userId, { ...p, source: p.source });
    }
    if (!entry.live.isAdmitted(userId)) {
      // In the lobby: nothing leaves the SFU until admission, which applies what the patient wants.
      const producer = await room.produce(userId, p.transportId, p.kind, p.rtpParameters, p.source, true);
      if (!entry.live.isAdmitted(userId)) {
        entry.lobbyMedia.set(userId, { ...entry.lobbyMedia.get(userId), [p.source]: !p.paused });
        return { producerId: producer.id };
      }
      // Admitted while the SFU made it: admission found no producer to resume, so it is done here
      // (else it stayed paused at the SFU for good: the group never saw or heard this patient).
      await this.inRoom(entry, room, userId, producer, p.source, p.paused);
      return { producerId: producer.id };
    }
    const { wanted, paused } = this.sendRule(entry, userId, p.source, p.paused);
    const producer = await room.produce(userId, p.transportId, p.kind, p.rtpParameters, p.source, paused);
    await this.announce(entry, room, userId, producer.id, p.source, wanted);
    return { producerId: producer.id };
  }

  /** What the person asked for (`wanted`), and whether the SFU holds it back (the floor rules, a therapist's lock). */
  private sendRule(entry: LiveRoom, userId: string, source: SelfSource, pausedByClient: boolean): { wanted: boolean; paused: boolean } {
    const member = entry.live.member(userId);
    const wanted = !pausedByClient && !(source === 'mic' && !!member?.micLocked);
    return { wanted, paused: !wanted || (source === 'mic' && !entry.rules.micAllowed(entry.live, userId)) };
  }

  /** A producer made paused in the lobby whose owner is in the room now: as they want it, and received by the room. */
  private async inRoom(entry: LiveRoom, room: MediaRoom, userId: string, producer: { id: string; closed: boolean }, source: SelfSource, pausedByClient: boolean): Promise<void> {
    if (producer.closed) return;
    const { wanted, paused } = this.sendRule(entry, userId, source, pausedByClient);
    if (!paused) await room.setProducerPaused(userId, source, false);
    await this.announce(entry, room, userId, producer.id, source, wanted);
  }

  /** The owner's mic or camera as they want it, told to the room; the producer offered to whoever may receive it. */
  private async announce(entry: LiveRoom, room: MediaRoom, userId: string, producerId: string, source: SelfSource, wanted: boolean): Promise<void> {
    const member = entry.live.member(userId);
    if (member) {
      entry.live.setMedia(userId, source, wanted);
      this.pushes.participant(entry, member);
    }
    await this.offerToPeers(entry, room, userId, producerId, source);
  }

  /** A consumer of this producer for every other peer that may receive it and has none yet. */
  private async offerToPeers(entry: LiveRoom, room: MediaRoom, ownerId: string, producerId: string, source: MediaSource): Promise<void> {
    for (const peerId of room.peerIds()) {
      if (peerId === ownerId || !room.peer(peerId).rtpCapabilities || room.consumes(peerId, producerId)) continue;
      if (this.canReceive(entry, peerId, ownerId, source)) await this.consumeFor(room, peerId, producerId);
    }
  }

  /**
   * A source beyond mic and camera (the screen share): allowed only by its
   * feature's policy, never gated by the floor, received like any media
   * (same partitions: side rooms and breakouts apply).
   */
  private async produceExtra(
    entry: LiveRoom,
    room: MediaRoom,
    userId: string,
    p: { transportId: string; kind: types.MediaKind; source: Exclude<MediaSource, SelfSource>; rtpParameters: types.RtpParameters; paused: boolean },
  ): Promise<{ producerId: string }> {
    const policy = this.producePolicies.get(p.source);
    if (!policy || !policy(entry.live.sessionId, userId)) {
      throw new RoomError(RoomErrorCode.SourceNotAllowed, 'Start sharing first; only the person sharing sends a screen.');
    }
    const producer = await room.produce(userId, p.transportId, p.kind, p.rtpParameters, p.source, p.paused);
    await this.offerToPeers(entry, room, userId, producer.id, p.source);
    return { producerId: producer.id };
  }

  /** Own mic/camera on or off; the SFU pauses the producer too, so "off" is off for everyone. */
  async setSelf(entry: LiveRoom, room: MediaRoom, userId: string, source: SelfSource, on: boolean): Promise<void> {
    // The shared order (packages/protocol `micHold`): the group's rules first, then the therapist's lock (setMedia).
    const hold = source === 'mic' && on ? entry.rules.groupHold(entry.live, userId) : null;
    if (hold) throw new RoomError(RoomErrorCode.FloorNotHeld, `${MIC_HOLD_NOTES[hold]}: wait for your turn.`);
    const m = entry.live.setMedia(userId, source, on);
    await room.setProducerPaused(userId, source, !on);
    this.pushes.participant(entry, m);
  }

  /** A therapist locked (or unlocked) a member's mic: a locked mic pauses at the SFU, and everyone is told. */
  async applyMicLock(entry: LiveRoom, m: Member): Promise<void> {
    if (m.micLocked) await this.media.getRoom(entry.live.sessionId)?.setProducerPaused(m.userId, 'mic', true);
    this.pushes.participant(entry, m);
  }

  /** A therapist turned a member's mic off without locking it (mute all): paused at the SFU, and everyone is told. */
  async applyMicOff(entry: LiveRoom, m: Member): Promise<void> {
    await this.media.getRoom(entry.live.sessionId)?.setProducerPaused(m.userId, 'mic', true);
    this.pushes.participant(entry, m);
  }

  /** Sets (or with null lifts) a named mic gate and applies all gates now. */
  async setMicGate(entry: LiveRoom, name: MicGateName, gate: MicGate | null): Promise<void> {
    entry.rules.setGate(name, gate);
    await this.applyMicGates(entry);
  }

  /** Moves members into (or with null out of) a partition of `layer`, then consumers and mics follow. */
  async setMediaPartition(entry: LiveRoom, userIds: string[], partition: string | null, layer: PartitionLayer): Promise<void> {
    entry.rules.setPartition(layer, userIds, partition);
    await this.reconcileConsumers(entry);
    if (entry.rules.hasGates) await this.applyMicGates(entry);
  }

  /** Someone left the room for good (left, removed, grace expired): out of any side room. */
  async forget(entry: LiveRoom, userId: string): Promise<void> {
    if (entry.rules.forget(userId)) await this.reconcileConsumers(entry);
  }

  /**
   * Gated microphones pause at the SFU, allowed ones resume if their owner
   * has them on (so a mic comes back as it was); changes are pushed.
   */
  private async applyMicGates(entry: LiveRoom): Promise<void> {
    const room = this.media.getRoom(entry.live.sessionId);
    const changed = [];
    for (const { member: m, allowed, changed: didChange } of entry.rules.evaluateGates(entry.live)) {
      if (didChange) changed.push(m);
      const shouldPause = !(m.micOn && allowed);
      const paused = room?.isProducerPaused(m.userId, 'mic');
      if (room && paused !== undefined && paused !== shouldPause) await room.setProducerPaused(m.userId, 'mic', shouldPause);
    }
    for (const m of changed) this.pushes.participant(entry, m);
  }

  /** After a partition change: close consumers no longer allowed, create newly allowed ones. */
  private async reconcileConsumers(entry: LiveRoom): Promise<void> {
    const room = this.media.getRoom(entry.live.sessionId);
    if (!room) return;
    for (const viewerId of room.peerIds()) {
      const consuming = room.consumersOf(viewerId);
      // A prepared consumer of someone not in the room yet is checked when they enter.
      const entered = entry.live.isAdmitted(viewerId);
      for (const c of consuming) {
        if (c.prepared && !entered) continue;
        if (!this.canReceive(entry, viewerId, c.producerPeerId, c.source)) room.closeConsumer(viewerId, c.consumerId);
      }
      if (!room.peer(viewerId).rtpCapabilities) continue;
      const have = new Set(consuming.map((c) => c.producerId));
      for (const producer of room.producersExcept(viewerId)) {
        if (have.has(producer.id) || producer.closed) continue;
        if (this.canReceive(entry, viewerId, producer.appData.peerId, producer.appData.source)) await this.consumeFor(room, viewerId, producer.id);
      }
    }
  }

  /**
   * Right after admission: resume the prepared producers at the SFU as the
   * member wants them, then consume in both directions (nothing to create on
   * the client but consumers).
   */
  async startPreparedMedia(entry: LiveRoom, userId: string): Promise<ConsumerInfo[]> {
    const room = this.media.getRoom(entry.live.sessionId);
    const m = entry.live.member(userId);
    if (!room || !m || !room.hasPeer(userId)) return [];
    const peer = room.peer(userId);
    // Prepared while waiting: resumed first, so their key frames are on the way while the rest is set up.
    const own: ConsumerInfo[] = await this.resumePrepared(entry, room, userId);
    if (room.isProducerPaused(userId, 'mic') === true && m.micOn && !m.micLocked && entry.rules.micAllowed(entry.live, userId)) {
      await room.setProducerPaused(userId, 'mic', false);
    }
    if (room.isProducerPaused(userId, 'camera') === true && m.cameraOn) await room.setProducerPaused(userId, 'camera', false);
    // Admitting several at once: someone admitted earlier in the loop may already consume this one.
    if (peer.rtpCapabilities) {
      for (const producer of room.producersExcept(userId)) {
        if (!room.consumes(userId, producer.id) && this.canReceive(entry, userId, producer.appData.peerId, producer.appData.source)) {
          // Handed over with the admission, all at once (one negotiation in the browser).
          const c = await this.createConsumer(room, userId, producer.id);
          if (c) own.push(c);
        }
      }
    }
    for (const producer of [...peer.producers.values()]) await this.offerToPeers(entry, room, userId, producer.id, producer.appData.source);
    return own;
  }

  /** Someone speaking in a side room is news only inside it. */
  pushActiveSpeaker(entry: LiveRoom | undefined, sessionId: string, userId: string | null): void {
    const partition = userId && entry ? entry.rules.partitionOf(userId) : null;
    const partitioned = entry ? entry.rules.partitionedUserIds() : [];
    if (!entry || !partition) {
      this.notifier.toSession(sessionId, { except: partitioned }, 'room:activeSpeakerChanged', {
        sessionId,
        userId,
      });
      return;
    }
    for (const id of partitioned) {
      if (entry.rules.partitionOf(id) === partition) this.notifier.toUser(id, 'room:activeSpeakerChanged', { sessionId, userId });
    }
  }

  private async consumeFor(room: MediaRoom, viewerId: string, producerId: string): Promise<void> {
    const consumer = await this.createConsumer(room, viewerId, producerId);
    if (consumer) this.notifier.toUser(viewerId, 'media:consumerCreated', { sessionId: room.id, consumer });
  }

  /** A paused consumer, or null where this browser cannot receive that stream (it still receives the others). */
  private async createConsumer(room: MediaRoom, viewerId: string, producerId: string): Promise<ConsumerInfo | null> {
    try {
      return await room.consume(viewerId, producerId);
    } catch (e) {
      this.logger.warn(`consume skipped: ${e instanceof Error ? e.message : 'unknown'}`);
      return null;
    }
  }
}
