import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { appendFile } from 'node:fs';
import type { types } from 'mediasoup';
import { mediaKindOfSource, type ConsumerInfo, type MediaSource, type TransportInfo } from '@hearth/protocol';
import { MediaError, MediaErrorCode } from './media-error';
import { MediaPeer } from './media-peer';
import { SenderLayerPolicy } from './sender-layer-policy';
import {
  MEDIA_CODECS,
  type ConsumerAppData,
  type MediaRoomEvents,
  type NetworkOptions,
  type PeerId,
  type ProducerAppData,
  type TransportAppData,
} from './media-types';

const logger = new Logger('Media');

/** A lower cap on a sender's layers must hold this long before the sender is told (see SenderLayerPolicy). */
export const SENDER_LAYER_LOWER_AFTER_MS = 2000;

/**
 * One live session's media: a Router, an ActiveSpeakerObserver and the peers.
 * Knows nothing about therapy rules — who may consume whom is decided by the
 * caller. close() cascades and is idempotent.
 */
export class MediaRoom extends EventEmitter<MediaRoomEvents> {
  private readonly peers = new Map<PeerId, MediaPeer>();
  private closed = false;
  private warmup: Promise<types.DataProducer> | null = null;
  /** Each simulcast camera's top layer, as watched: changes go to the sender ('senderMaxLayer'). */
  private readonly senderLayers = new SenderLayerPolicy({
    lowerAfterMs: SENDER_LAYER_LOWER_AFTER_MS,
    schedule: (fn, ms) => {
      const timer = setTimeout(fn, ms);
      timer.unref();
      return () => clearTimeout(timer);
    },
    onChange: (producerId, spatialLayer) => {
      const owner = this.findProducer(producerId);
      if (owner) this.emit('senderMaxLayer', { peerId: owner.producer.appData.peerId, producerId, spatialLayer });
    },
  });

  private constructor(
    readonly id: string,
    readonly router: types.Router,
    private readonly speakerObserver: types.ActiveSpeakerObserver,
    private readonly network: NetworkOptions,
  ) {
    super();
    speakerObserver.on('dominantspeaker', ({ producer }) => {
      const appData = producer.appData as ProducerAppData;
      this.emit('activeSpeaker', appData.peerId);
    });
    router.observer.once('close', () => this.close());
  }

  static async create(id: string, worker: types.Worker, network: NetworkOptions): Promise<MediaRoom> {
    const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const observer = await router.createActiveSpeakerObserver({ interval: 300 });
    return new MediaRoom(id, router, observer, network);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  peerIds(): PeerId[] {
    return [...this.peers.keys()];
  }

  hasPeer(peerId: PeerId): boolean {
    return this.peers.has(peerId);
  }

  getOrCreatePeer(peerId: PeerId): MediaPeer {
    this.assertOpen();
    let peer = this.peers.get(peerId);
    if (!peer) {
      peer = new MediaPeer(peerId);
      this.peers.set(peerId, peer);
    }
    return peer;
  }

  peer(peerId: PeerId): MediaPeer {
    const peer = this.peers.get(peerId);
    if (!peer) throw new MediaError(MediaErrorCode.NotInRoom, 'You are not connected to this room’s media.');
    return peer;
  }

  /** Closes the peer's transports (and so its producers and everyone's consumers of them). */
  removePeer(peerId: PeerId): void {
    this.peers.get(peerId)?.close();
    this.peers.delete(peerId);
  }

  setRtpCapabilities(peerId: PeerId, caps: types.RtpCapabilities): void {
    this.getOrCreatePeer(peerId).rtpCapabilities = caps;
  }

  /**
   * A WebRTC transport for the peer. `warm` (receive only): with SCTP and an
   * idle data channel for the client to open at once, so ICE and DTLS run
   * before the first consumer (the waiting room, the pre-join page).
   */
  async createTransport(peerId: PeerId, direction: 'send' | 'recv', opts: { warm?: boolean } = {}): Promise<TransportInfo> {
    const peer = this.getOrCreatePeer(peerId);
    const warm = opts.warm === true && direction === 'recv';
    const transport = await this.router.createWebRtcTransport<TransportAppData>({
      listenInfos: [
        { protocol: 'udp', ip: this.network.listenIp, announcedAddress: this.network.announcedAddress },
        { protocol: 'tcp', ip: this.network.listenIp, announcedAddress: this.network.announcedAddress },
      ],
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
      ...(warm ? { enableSctp: true, numSctpStreams: { OS: 1, MIS: 1 } } : {}),
      appData: { peerId, direction },
    });
    peer.addTransport(transport);
    const info: TransportInfo = {
      id: transport.id,
      iceParameters: { ...transport.iceParameters },
      iceCandidates: transport.iceCandidates.map((c) => ({ ...c })),
      dtlsParameters: { ...transport.dtlsParameters },
    };
    if (!warm || !transport.sctpParameters) return info;
    const warmup = await this.guard(async () =>
      transport.consumeData({ dataProducerId: (await this.warmupSource()).id }),
    ).catch(() => null); // no warm-up: the transport connects with its first consumer, as without
    if (!warmup?.sctpStreamParameters) return info;
    return {
      ...info,
      sctpParameters: { ...transport.sctpParameters },
      warmup: {
        id: warmup.id,
        dataProducerId: warmup.dataProducerId,
        sctpStreamParameters: { ...warmup.sctpStreamParameters },
        label: warmup.label,
        protocol: warmup.protocol,
      },
    };
  }

  /** The room's one idle data source, whose channel warms receive transports up (nothing is ever sent on it). */
  private warmupSource(): Promise<types.DataProducer> {
    this.warmup ??= this.router
      .createDirectTransport()
      .then((direct) => direct.produceData({ label: 'hearth-warmup' }));
    this.warmup.catch(() => (this.warmup = null));
    return this.warmup;
  }

  async connectTransport(peerId: PeerId, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.guard(() => this.peer(peerId).transport(transportId).connect({ dtlsParameters }));
  }

  async restartIce(peerId: PeerId, transportId: string): Promise<types.IceParameters> {
    return this.guard(() => this.peer(peerId).transport(transportId).restartIce());
  }

  async produce(
    peerId: PeerId,
    transportId: string,
    kind: types.MediaKind,
    rtpParameters: types.RtpParameters,
    source: MediaSource,
    paused: boolean,
  ): Promise<types.Producer<ProducerAppData>> {
    const peer = this.peer(peerId);
    const transport = peer.transport(transportId);
    if (transport.appData.direction !== 'send') {
      throw new MediaError(MediaErrorCode.InvalidParameters, 'That connection only receives media.');
    }
    if (mediaKindOfSource(source) !== kind) {
      throw new MediaError(MediaErrorCode.InvalidParameters, 'The microphone and a shared screen’s sound send audio; the camera and the screen send video.');
    }
    // One producer per source: a new camera track replaces the old one.
    peer.producerBySource(source)?.close();
    const producer = await this.guard(() =>
      transport.produce<ProducerAppData>({ kind, rtpParameters, paused, appData: { peerId, source } }),
    );
    peer.addProducer(producer);
    if (kind === 'video') {
      this.senderLayers.addProducer(producer.id, producer.rtpParameters.encodings?.length ?? 1);
      producer.observer.once('close', () => this.senderLayers.removeProducer(producer.id));
    }
    // A shared video's sound is not someone speaking: only microphones pick the active speaker.
    if (source === 'mic') {
      await this.speakerObserver.addProducer({ producerId: producer.id }).catch(() => undefined);
    }
    return producer;
  }

  /**
   * Creates a paused consumer of `producerId` for `consumerPeerId` on its
   * receive transport; the client resumes it when it is ready.
   */
  async consume(consumerPeerId: PeerId, producerId: string, opts: { prepared?: boolean } = {}): Promise<ConsumerInfo> {
    const peer = this.peer(consumerPeerId);
    const producerOwner = this.findProducer(producerId);
    if (!producerOwner) throw new MediaError(MediaErrorCode.UnknownProducer, 'That media track is gone.');
    const { producer } = producerOwner;
    if (!peer.rtpCapabilities || !this.router.canConsume({ producerId, rtpCapabilities: peer.rtpCapabilities })) {
      throw new MediaError(MediaErrorCode.CannotConsume, 'This browser cannot receive that media.');
    }
    const transport = [...peer.transports.values()].find((t) => t.appData.direction === 'recv' && !t.closed);
    if (!transport) throw new MediaError(MediaErrorCode.UnknownTransport, 'Open a receive connection first.');
    // A camera starts on its smallest layer: its key frame comes soonest and decodes fastest, so
    // the first picture shows sooner; the tile then asks for the layer its size needs.
    const startsSmall = producer.type === 'simulcast' && producer.appData.source === 'camera';
    const consumer = await transport.consume<ConsumerAppData>({
      producerId,
      rtpCapabilities: peer.rtpCapabilities,
      paused: true,
      ...(startsSmall ? { preferredLayers: { spatialLayer: 0 } } : {}),
      appData: { peerId: consumerPeerId, producerPeerId: producer.appData.peerId, source: producer.appData.source, ...(opts.prepared ? { prepared: true } : {}) },
    });
    peer.addConsumer(consumer);
    if (consumer.kind === 'video') {
      if (this.network.keyFrameLog) this.logFirstKeyFrames(consumer, this.network.keyFrameLog);
      // What the SFU forwards it until its tile asks: the sender's encoder is not reconfigured
      // (new layers, new key frames) at the very moment this consumer waits for its first key frame.
      this.senderLayers.setConsumer(producerId, consumer.id, { active: false, preferredSpatialLayer: startsSmall ? 0 : null });
      consumer.observer.once('close', () => this.senderLayers.removeConsumer(consumer.id));
    }
    const closed = () => this.emit('consumerClosed', { peerId: consumerPeerId, consumerId: consumer.id });
    consumer.on('producerclose', closed);
    consumer.on('transportclose', closed);
    consumer.on('producerpause', () => this.emit('consumerPaused', { peerId: consumerPeerId, consumerId: consumer.id, paused: true }));
    consumer.on('producerresume', () => this.emit('consumerPaused', { peerId: consumerPeerId, consumerId: consumer.id, paused: false }));
    return this.infoOf(consumer);
  }

  /**
   * Benchmarks (MEDIA_KEYFRAME_LOG): appends `<epoch ms> keyframe <consumerId>` when the first key
   * frame after the consumer's start or each resume leaves the SFU, so bench/join-time can tell the
   * SFU's and the sender's part of a first frame from the viewer's browser's.
   */
  private logFirstKeyFrames(consumer: types.Consumer<ConsumerAppData>, file: string): void {
    let waiting = true;
    consumer.observer.on('resume', () => (waiting = true));
    consumer.on('trace', (trace) => {
      if (trace.type !== 'keyframe' || trace.direction !== 'out' || !waiting) return;
      waiting = false;
      // The worker stamps the event on the monotonic clock process.hrtime reads (ms): when the frame
      // left, not when this process got to the event (later, while a join keeps it busy).
      const agoMs = Number(process.hrtime.bigint() / 1_000_000n) - Number(trace.timestamp);
      const at = performance.timeOrigin + performance.now() - Math.max(0, agoMs);
      appendFile(file, `${at.toFixed(1)} keyframe ${consumer.id}\n`, () => undefined);
    });
    void consumer.enableTraceEvent(['keyframe']).catch(() => undefined);
  }

  /** The peer's open consumer of `producerId`, as the client is told of it (undefined: none). */
  consumerOf(peerId: PeerId, producerId: string): ConsumerInfo | undefined {
    const peer = this.peers.get(peerId);
    if (!peer) return undefined;
    const consumer = [...peer.consumers.values()].find((c) => c.producerId === producerId && !c.closed);
    return consumer ? this.infoOf(consumer) : undefined;
  }

  private infoOf(consumer: types.Consumer<ConsumerAppData>): ConsumerInfo {
    return {
      consumerId: consumer.id,
      producerId: consumer.producerId,
      userId: consumer.appData.producerPeerId,
      kind: consumer.kind,
      source: consumer.appData.source,
      rtpParameters: { ...consumer.rtpParameters },
      producerPaused: consumer.producerPaused,
    };
  }

  /** A prepared consumer's viewer entered: resumed, and an ordinary consumer from now on. */
  async resumePrepared(peerId: PeerId, consumerId: string): Promise<void> {
    const consumer = this.peer(peerId).consumer(consumerId);
    consumer.appData.prepared = false;
    await this.resumeConsumer(peerId, consumerId);
  }

  async resumeConsumer(peerId: PeerId, consumerId: string): Promise<void> {
    const consumer = this.peer(peerId).consumer(consumerId);
    await this.guard(() => consumer.resume());
    this.senderLayers.updateConsumer(consumerId, { active: !consumer.paused });
  }

  async setPreferredLayers(peerId: PeerId, consumerId: string, spatialLayer: number): Promise<void> {
    const consumer = this.peer(peerId).consumer(consumerId);
    if (consumer.kind !== 'video') return;
    await this.guard(() => consumer.setPreferredLayers({ spatialLayer, temporalLayer: 2 }));
    this.senderLayers.updateConsumer(consumerId, { preferredSpatialLayer: consumer.preferredLayers?.spatialLayer ?? spatialLayer });
  }

  /**
   * A tile off screen or in a hidden tab: pause (or resume) the peer's own
   * video consumer, so the SFU forwards only what is seen. Audio is never paused.
   */
  async setConsumerVisible(peerId: PeerId, consumerId: string, visible: boolean): Promise<void> {
    const consumer = this.peer(peerId).consumer(consumerId);
    if (consumer.kind !== 'video') {
      throw new MediaError(MediaErrorCode.InvalidParameters, 'Sound keeps playing whether or not a tile is on screen.');
    }
    await this.guard(() => (visible ? consumer.resume() : consumer.pause()));
    this.senderLayers.updateConsumer(consumerId, { active: !consumer.paused });
  }

  /** Server-side mute / camera-off: the media stops at the SFU whatever the client does. */
  async setProducerPaused(peerId: PeerId, source: MediaSource, paused: boolean): Promise<boolean> {
    const producer = this.peers.get(peerId)?.producerBySource(source);
    if (!producer || producer.closed) return false;
    if (paused) await producer.pause();
    else await producer.resume();
    return true;
  }

  /** Closes a peer's producer of `source`; its consumers close with it ('producerclose' → consumerClosed). */
  closeProducer(peerId: PeerId, source: MediaSource): void {
    const producer = this.peers.get(peerId)?.producerBySource(source);
    if (producer && !producer.closed) producer.close();
  }

  /** Stops one consumer (the caller's rules no longer let that peer receive it); tells listeners as if its producer had gone. */
  closeConsumer(peerId: PeerId, consumerId: string): void {
    const consumer = this.peers.get(peerId)?.consumers.get(consumerId);
    if (!consumer || consumer.closed) return;
    consumer.close();
    this.emit('consumerClosed', { peerId, consumerId });
  }

  /** What a peer consumes now: consumer id → the peer that produces it (and its source). */
  consumersOf(peerId: PeerId): { consumerId: string; producerId: string; producerPeerId: PeerId; source: MediaSource; prepared: boolean; paused: boolean }[] {
    const peer = this.peers.get(peerId);
    if (!peer) return [];
    return [...peer.consumers.values()]
      .filter((c) => !c.closed)
      .map((c) => ({ consumerId: c.id, producerId: c.producerId, producerPeerId: c.appData.producerPeerId, source: c.appData.source, prepared: c.appData.prepared === true, paused: c.paused }));
  }

  /** Whether a peer consumes this producer now. */
  consumes(peerId: PeerId, producerId: string): boolean {
    return this.consumersOf(peerId).some((c) => c.producerId === producerId);
  }

  /** Whether a peer's producer of `source` is paused at the SFU (undefined: no such producer). */
  isProducerPaused(peerId: PeerId, source: MediaSource): boolean | undefined {
    const producer = this.peers.get(peerId)?.producerBySource(source);
    return producer && !producer.closed ? producer.paused : undefined;
  }

  /** Producers of other peers, for a newcomer to consume. */
  producersExcept(peerId: PeerId): types.Producer<ProducerAppData>[] {
    const out: types.Producer<ProducerAppData>[] = [];
    for (const [id, peer] of this.peers) if (id !== peerId) out.push(...peer.producers.values());
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.senderLayers.close();
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    if (!this.router.closed) this.router.close();
    this.emit('closed');
  }

  private findProducer(producerId: string): { peer: MediaPeer; producer: types.Producer<ProducerAppData> } | undefined {
    for (const peer of this.peers.values()) {
      const producer = peer.producers.get(producerId);
      if (producer && !producer.closed) return { peer, producer };
    }
    return undefined;
  }

  private assertOpen(): void {
    if (this.closed) throw new MediaError(MediaErrorCode.Unavailable, 'This room’s media has closed.');
  }

  /**
   * mediasoup refuses a client's mistakes (bad parameters, a transport
   * connected twice, a duplicate ssrc) with plain errors: make those typed
   * errors with one warn line and no stack. Anything else is ours and goes on.
   */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof MediaError) throw e;
      const mistake = clientMistake(e);
      if (!mistake) throw e;
      logger.warn(`client media request refused: ${mistake.code}`);
      throw mistake;
    }
  }
}

/** The typed error for a mediasoup refusal caused by what the client sent, or null when it is not one. */
export function clientMistake(e: unknown): MediaError | null {
  if (!(e instanceof Error)) return null;
  if (e instanceof TypeError || e.name === 'UnsupportedError') {
    return new MediaError(MediaErrorCode.InvalidParameters, `Invalid media parameters: ${e.message}`);
  }
  if (/connect\(\) already called/i.test(e.message)) {
    return new MediaError(MediaErrorCode.AlreadyConnected, 'That connection is already set up.');
  }
  if (/already exists|already in use|duplicated/i.test(e.message)) {
    return new MediaError(MediaErrorCode.InvalidParameters, `Invalid media parameters: ${e.message}`);
  }
  return null;
}
