import type { types } from 'mediasoup';
import type { ConsumerAppData, PeerId, ProducerAppData, TransportAppData } from './media-types';
import { MediaError, MediaErrorCode } from './media-error';

const MAX_TRANSPORTS = 4;

/** One participant's mediasoup objects inside a room. Owns them; close() cascades and is idempotent. */
export class MediaPeer {
  readonly transports = new Map<string, types.WebRtcTransport<TransportAppData>>();
  readonly producers = new Map<string, types.Producer<ProducerAppData>>();
  readonly consumers = new Map<string, types.Consumer<ConsumerAppData>>();
  rtpCapabilities: types.RtpCapabilities | undefined;
  private closed = false;

  constructor(readonly id: PeerId) {}

  get isClosed(): boolean {
    return this.closed;
  }

  addTransport(transport: types.WebRtcTransport<TransportAppData>): void {
    if (this.transports.size >= MAX_TRANSPORTS) {
      transport.close();
      throw new MediaError(MediaErrorCode.TooMany, 'Too many media connections for one participant.');
    }
    this.transports.set(transport.id, transport);
    transport.observer.once('close', () => this.transports.delete(transport.id));
  }

  /** Closes every transport but `keepId` (a warm receive transport that joins the room as it is). */
  closeAllBut(keepId: string): void {
    for (const [id, t] of [...this.transports]) if (id !== keepId) t.close();
  }

  transport(id: string): types.WebRtcTransport<TransportAppData> {
    const t = this.transports.get(id);
    if (!t) throw new MediaError(MediaErrorCode.UnknownTransport, 'Unknown media connection.');
    return t;
  }

  addProducer(producer: types.Producer<ProducerAppData>): void {
    this.producers.set(producer.id, producer);
    producer.observer.once('close', () => this.producers.delete(producer.id));
  }

  producer(id: string): types.Producer<ProducerAppData> {
    const p = this.producers.get(id);
    if (!p) throw new MediaError(MediaErrorCode.UnknownProducer, 'Unknown media track.');
    return p;
  }

  producerBySource(source: ProducerAppData['source']): types.Producer<ProducerAppData> | undefined {
    for (const p of this.producers.values()) if (p.appData.source === source) return p;
    return undefined;
  }

  addConsumer(consumer: types.Consumer<ConsumerAppData>): void {
    this.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => this.consumers.delete(consumer.id));
  }

  consumer(id: string): types.Consumer<ConsumerAppData> {
    const c = this.consumers.get(id);
    if (!c) throw new MediaError(MediaErrorCode.UnknownConsumer, 'Unknown media track.');
    return c;
  }

  /** Closes transports, and with them every producer and consumer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of [...this.transports.values()]) t.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }
}
