import { rateQuality, StatsSampler, type StatsSource, type TrackStats } from '../src/stats';

/** A getStats report as the browser returns it: a map of stats entries by id. */
function report(entries: Record<string, unknown>[]): RTCStatsReport {
  return new Map(entries.map((entry, index) => [String(index), entry])) as unknown as RTCStatsReport;
}

function source(id: string, direction: 'inbound' | 'outbound', reports: RTCStatsReport[]): StatsSource {
  let call = 0;
  return { id, direction, kind: 'video', source: 'camera', peerId: 'peer-a', getStats: async () => reports[Math.min(call++, reports.length - 1)] as RTCStatsReport };
}

describe('StatsSampler', () => {
  test('inbound track sums counters and reads the round trip', async () => {
    const sampler = new StatsSampler();
    const inbound = report([
      { type: 'inbound-rtp', bytesReceived: 5000, packetsReceived: 95, packetsLost: 5, jitter: 0.012, framesDecoded: 40 },
      { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.004 },
    ]);

    const [stats] = await sampler.sample([source('consumer-1', 'inbound', [inbound])]);

    expect(stats?.bytes).toBe(5000);
    expect(stats?.framesDecoded).toBe(40);
    expect(stats?.lossRate).toBeCloseTo(0.05);
    expect(stats?.jitterMs).toBeCloseTo(12);
    expect(stats?.roundTripMs).toBeCloseTo(4);
    expect(stats?.bitrate).toBe(0);
  });

  test('bitrate covers the time between two samples', async () => {
    let now = 1000;
    const sampler = new StatsSampler(() => now);
    const track = source('consumer-1', 'inbound', [
      report([{ type: 'inbound-rtp', bytesReceived: 0, packetsReceived: 0 }]),
      report([{ type: 'inbound-rtp', bytesReceived: 12_500, packetsReceived: 10 }]),
    ]);

    await sampler.sample([track]);
    now += 100;
    const [stats] = await sampler.sample([track]);

    // 100 kbit in 0.1 s.
    expect(stats?.bitrate).toBe(1_000_000);
  });

  test('outbound track sums simulcast layers', async () => {
    const sampler = new StatsSampler();
    const outbound = report([
      { type: 'outbound-rtp', rid: 'r0', bytesSent: 1000, packetsSent: 10 },
      { type: 'outbound-rtp', rid: 'r1', bytesSent: 3000, packetsSent: 20 },
      { type: 'remote-inbound-rtp', packetsLost: 3, roundTripTime: 0.05, jitter: 0.002 },
    ]);

    const [stats] = await sampler.sample([source('producer-1', 'outbound', [outbound])]);

    expect(stats?.bytes).toBe(4000);
    expect(stats?.packets).toBe(30);
    expect(stats?.packetsLost).toBe(3);
    expect(stats?.roundTripMs).toBeCloseTo(50);
  });
});

describe('rateQuality', () => {
  const track = (lossRate: number, roundTripMs?: number): TrackStats => ({
    id: 'x',
    direction: 'inbound',
    kind: 'video',
    source: 'camera',
    bytes: 0,
    packets: 0,
    packetsLost: 0,
    lossRate,
    bitrate: 0,
    roundTripMs,
  });

  test.each([
    ['no tracks', 'unknown', []],
    ['clean link', 'good', [track(0, 20)]],
    ['5 % loss', 'fair', [track(0.05, 20)]],
    ['400 ms round trip', 'fair', [track(0, 400)]],
    ['15 % loss on one track', 'poor', [track(0), track(0.15)]],
    ['700 ms round trip', 'poor', [track(0, 700)]],
  ] as const)('%s is %s', (_name, expected, tracks) => {
    expect(rateQuality([...tracks])).toBe(expected);
  });
});
