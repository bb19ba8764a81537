import { ConnectionQuality } from './connectionQuality';

/** Cumulative counters after `n` intervals of `received` packets with `lost` lost each. */
const after = (n: number, received: number, lost: number) => ({ packetsReceived: n * received, packetsLost: n * lost });

describe('ConnectionQuality (when to offer audio-only)', () => {
  it('stays good on a clean connection', () => {
    const q = new ConnectionQuality();
    for (let i = 0; i <= 10; i++) expect(q.handleSample(after(i, 500, 2))).toBe('good');
  });

  it('turns poor only after sustained loss, not on one bad interval', () => {
    const q = new ConnectionQuality();
    q.handleSample(after(0, 500, 0));
    expect(q.handleSample({ packetsReceived: 400, packetsLost: 100 })).toBe('good'); // one bad interval (20 %)
    expect(q.handleSample({ packetsReceived: 900, packetsLost: 101 })).toBe('good'); // recovered: the streak resets
    expect(q.handleSample({ packetsReceived: 1300, packetsLost: 201 })).toBe('good');
    expect(q.handleSample({ packetsReceived: 1700, packetsLost: 301 })).toBe('good');
    expect(q.handleSample({ packetsReceived: 2100, packetsLost: 401 })).toBe('poor'); // third bad interval in a row
    expect(q.verdict).toBe('poor');
    expect(q.handleSample({ packetsReceived: 2600, packetsLost: 401 })).toBe('good');
  });

  it('ignores intervals with too few packets to judge, and restarted counters', () => {
    const q = new ConnectionQuality();
    q.handleSample({ packetsReceived: 1000, packetsLost: 0 });
    for (let i = 1; i <= 5; i++) expect(q.handleSample({ packetsReceived: 1000 + i * 10, packetsLost: i * 10 })).toBe('good');
    expect(q.handleSample({ packetsReceived: 5, packetsLost: 0 })).toBe('good'); // new transport: counters from zero
  });

  it('counts a low estimated receive bitrate and slow or data-saving networks as bad', () => {
    const low = new ConnectionQuality();
    for (let i = 0; i < 2; i++) expect(low.handleSample({ ...after(i, 500, 0), availableIncomingBitrate: 90_000 })).toBe('good');
    expect(low.handleSample({ ...after(2, 500, 0), availableIncomingBitrate: 90_000 })).toBe('poor');

    const slow = new ConnectionQuality({ lossRatio: 0.08, lowBitrate: 200_000, sustained: 2, minPackets: 50 });
    expect(slow.handleSample({ ...after(0, 0, 0), effectiveType: '2g' })).toBe('good');
    expect(slow.handleSample({ ...after(1, 500, 0), effectiveType: '2g' })).toBe('poor');
    expect(slow.handleSample({ ...after(2, 500, 0), effectiveType: '4g' })).toBe('good');

    const saving = new ConnectionQuality({ lossRatio: 0.08, lowBitrate: 200_000, sustained: 1, minPackets: 50 });
    expect(saving.handleSample({ ...after(0, 0, 0), saveData: true })).toBe('poor');
  });

  it('reset forgets the streak', () => {
    const q = new ConnectionQuality({ lossRatio: 0.08, lowBitrate: 200_000, sustained: 2, minPackets: 50 });
    q.handleSample({ packetsReceived: 0, packetsLost: 0 });
    q.handleSample({ packetsReceived: 100, packetsLost: 50 });
    q.reset();
    expect(q.handleSample({ packetsReceived: 200, packetsLost: 100 })).toBe('good');
  });
});
