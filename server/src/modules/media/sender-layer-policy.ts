/**
 * Cap a sender's simulcast layers at what is watched (issue 14): for each video
 * producer with several spatial layers, the highest layer any of its consumers
 * prefers — paused consumers (tiles off screen, a hidden tab, not yet resumed)
 * left out. The sender then stops encoding and sending the layers above it, which
 * saves its uplink and CPU and the SFU's receive work.
 *
 * Pure: no mediasoup, no Nest, no socket.io. MediaRoom feeds it consumer state
 * and forwards its `onChange` to the sender. A raise is reported at once (someone
 * needs a larger picture now); a lowering only after it has held for
 * `lowerAfterMs`, so a scroll, a resize, or a consumer that resumes before it
 * states its layer does not flap the sender's encoder.
 */

/** Cancels a scheduled call. */
export type Cancel = () => void;

export interface SenderLayerPolicyOptions {
  /** How long a lower cap must hold before the sender is told. */
  lowerAfterMs: number;
  /** setTimeout in production; a fake clock in tests. */
  schedule: (fn: () => void, ms: number) => Cancel;
  /** The cap of `producerId` changed: the sender should encode layers 0 … `spatialLayer` only. */
  onChange: (producerId: string, spatialLayer: number) => void;
}

/** What the policy needs to know about one consumer. */
export interface ConsumerView {
  /** Forwarding: neither paused by its receiver nor waiting to be resumed. */
  active: boolean;
  /**
   * The spatial layer its receiver asked for (by tile size); null until it says,
   * which counts as the top layer — what the SFU forwards meanwhile.
   */
  preferredSpatialLayer: number | null;
}

interface ProducerState {
  /** Spatial layers the sender encodes at most (its encodings). */
  layers: number;
  consumers: Map<string, ConsumerView>;
  /** The cap the sender was last told (it starts uncapped: the top layer). */
  announced: number;
  pendingLower: { spatialLayer: number; cancel: Cancel } | null;
}

export class SenderLayerPolicy {
  private readonly producers = new Map<string, ProducerState>();
  /** consumer id → its producer id. */
  private readonly consumerOwners = new Map<string, string>();

  constructor(private readonly options: SenderLayerPolicyOptions) {}

  /** A new video producer sending `layers` spatial layers; one layer has nothing to cap. */
  addProducer(producerId: string, layers: number): void {
    if (layers < 2 || this.producers.has(producerId)) return;
    this.producers.set(producerId, { layers, consumers: new Map(), announced: layers - 1, pendingLower: null });
    // Nobody watches yet: after the hold the sender drops to the smallest layer until someone does.
    this.evaluate(producerId);
  }

  removeProducer(producerId: string): void {
    const state = this.producers.get(producerId);
    if (!state) return;
    state.pendingLower?.cancel();
    for (const consumerId of state.consumers.keys()) this.consumerOwners.delete(consumerId);
    this.producers.delete(producerId);
  }

  /** A consumer of `producerId` was created or changed (resumed, paused, asked for a layer). */
  setConsumer(producerId: string, consumerId: string, view: ConsumerView): void {
    const state = this.producers.get(producerId);
    if (!state) return;
    state.consumers.set(consumerId, { ...view });
    this.consumerOwners.set(consumerId, producerId);
    this.evaluate(producerId);
  }

  /** Changes part of a known consumer's view; unknown consumers (audio, single-layer video) are ignored. */
  updateConsumer(consumerId: string, change: Partial<ConsumerView>): void {
    const producerId = this.consumerOwners.get(consumerId);
    const current = producerId ? this.producers.get(producerId)?.consumers.get(consumerId) : undefined;
    if (!producerId || !current) return;
    this.setConsumer(producerId, consumerId, { ...current, ...change });
  }

  removeConsumer(consumerId: string): void {
    const producerId = this.consumerOwners.get(consumerId);
    if (!producerId) return;
    this.consumerOwners.delete(consumerId);
    this.producers.get(producerId)?.consumers.delete(consumerId);
    this.evaluate(producerId);
  }

  /** The highest layer anyone watches now (0 when nobody does); undefined for an unknown producer. */
  wantedLayer(producerId: string): number | undefined {
    const state = this.producers.get(producerId);
    if (!state) return undefined;
    const top = state.layers - 1;
    let wanted = 0;
    for (const c of state.consumers.values()) {
      if (!c.active) continue;
      const layer = c.preferredSpatialLayer === null ? top : Math.min(Math.max(c.preferredSpatialLayer, 0), top);
      if (layer > wanted) wanted = layer;
    }
    return wanted;
  }

  /** The cap the sender was last told; undefined for an unknown producer. */
  announcedLayer(producerId: string): number | undefined {
    return this.producers.get(producerId)?.announced;
  }

  /** Cancels every pending lowering (the room is closing). */
  close(): void {
    for (const state of this.producers.values()) state.pendingLower?.cancel();
    this.producers.clear();
    this.consumerOwners.clear();
  }

  private evaluate(producerId: string): void {
    const state = this.producers.get(producerId);
    const wanted = this.wantedLayer(producerId);
    if (!state || wanted === undefined) return;
    if (wanted >= state.announced) {
      // Raise (or stay): at once, and forget a lowering that no longer holds.
      state.pendingLower?.cancel();
      state.pendingLower = null;
      if (wanted > state.announced) this.announce(producerId, state, wanted);
      return;
    }
    if (state.pendingLower?.spatialLayer === wanted) return;
    // A lower cap: told only once it has held for the whole wait (a new wait for a new value).
    state.pendingLower?.cancel();
    const cancel = this.options.schedule(() => {
      state.pendingLower = null;
      if (this.producers.get(producerId) !== state) return;
      const now = this.wantedLayer(producerId);
      if (now !== undefined && now < state.announced) this.announce(producerId, state, now);
    }, this.options.lowerAfterMs);
    state.pendingLower = { spatialLayer: wanted, cancel };
  }

  private announce(producerId: string, state: ProducerState, spatialLayer: number): void {
    state.announced = spatialLayer;
    this.options.onChange(producerId, spatialLayer);
  }
}
