/**
 * Whether the connection is poor enough to offer audio-only (BigBlueButton's
 * listen-only, Jitsi's low-bandwidth mode). A plain state machine with no
 * WebRTC inside: RoomClient feeds it one sample every few seconds (from the
 * receive transport's stats and `navigator.connection`), tests feed it numbers.
 */

/** One reading. Counters are cumulative, as `getStats()` reports them. */
export interface QualitySample {
  /** Summed over inbound RTP streams. */
  packetsReceived: number;
  packetsLost: number;
  /** bits/s the browser estimates it can receive (the ICE candidate pair), when it says. */
  availableIncomingBitrate?: number;
  /** `navigator.connection.effectiveType` where the browser has it. */
  effectiveType?: string;
  /** `navigator.connection.saveData`: the user asked their browser to save data. */
  saveData?: boolean;
}

export type ConnectionVerdict = 'good' | 'poor';

export interface ConnectionQualityOptions {
  /** Share of packets lost over one interval that counts as bad (0–1). */
  lossRatio: number;
  /** Estimated receive bitrate below this (bits/s) counts as bad: not enough for video. */
  lowBitrate: number;
  /** Bad intervals in a row before the verdict turns poor (a blip is not a trend). */
  sustained: number;
  /** Fewer packets than this in an interval say nothing about loss. */
  minPackets: number;
}

export const DEFAULT_QUALITY_OPTIONS: ConnectionQualityOptions = {
  lossRatio: 0.08,
  lowBitrate: 200_000,
  sustained: 3,
  minPackets: 50,
};

const SLOW_NETWORKS = new Set(['slow-2g', '2g']);

export class ConnectionQuality {
  private previous: QualitySample | null = null;
  private badInARow = 0;
  private current: ConnectionVerdict = 'good';

  constructor(private readonly options: ConnectionQualityOptions = DEFAULT_QUALITY_OPTIONS) {}

  get verdict(): ConnectionVerdict {
    return this.current;
  }

  /** Takes the next reading; answers the verdict after it. */
  handleSample(sample: QualitySample): ConnectionVerdict {
    const bad = this.isBad(sample);
    this.previous = sample;
    this.badInARow = bad ? this.badInARow + 1 : 0;
    this.current = this.badInARow >= this.options.sustained ? 'poor' : 'good';
    return this.current;
  }

  /** Forget the history (new transports after a rejoin restart the counters). */
  reset(): void {
    this.previous = null;
    this.badInARow = 0;
    this.current = 'good';
  }

  private isBad(s: QualitySample): boolean {
    if (s.saveData || (s.effectiveType && SLOW_NETWORKS.has(s.effectiveType))) return true;
    if (s.availableIncomingBitrate !== undefined && s.availableIncomingBitrate > 0 && s.availableIncomingBitrate < this.options.lowBitrate) return true;
    const prev = this.previous;
    if (!prev || s.packetsReceived < prev.packetsReceived || s.packetsLost < prev.packetsLost) return false; // first reading, or counters restarted
    const received = s.packetsReceived - prev.packetsReceived;
    const lost = s.packetsLost - prev.packetsLost;
    if (received + lost < this.options.minPackets) return false;
    return lost / (received + lost) >= this.options.lossRatio;
  }
}
