import { StatsSampler, type StatsSource } from '../src/stats';

/** A getStats report keyed by each entry's id, as the browser returns it. */
function report(entries: (Record<string, unknown> & { id: string })[]): RTCStatsReport {
  return new Map(entries.map((entry) => [entry.id, entry])) as unknown as RTCStatsReport;
}

function inbound(stats: RTCStatsReport): StatsSource {
  return { id: 'consumer-1', direction: 'inbound', kind: 'video', source: 'camera', peerId: 'peer-a', getStats: async () => stats };
}

const candidates = [
  { id: 'local-host', type: 'local-candidate', candidateType: 'host' },
  { id: 'local-relay', type: 'local-candidate', candidateType: 'relay' },
  { id: 'remote-host', type: 'remote-candidate', candidateType: 'host' },
];

describe('localCandidateType', () => {
  test('follows the transport to its selected pair', async () => {
    const stats = report([
      ...candidates,
      { id: 'transport', type: 'transport', selectedCandidatePairId: 'pair-relay' },
      { id: 'pair-host', type: 'candidate-pair', nominated: true, state: 'succeeded', localCandidateId: 'local-host' },
      { id: 'pair-relay', type: 'candidate-pair', nominated: true, state: 'succeeded', localCandidateId: 'local-relay' },
    ]);

    const [track] = await new StatsSampler().sample([inbound(stats)]);

    expect(track?.localCandidateType).toBe('relay');
  });

  test('reads a pair marked selected without a transport', async () => {
    const stats = report([
      ...candidates,
      { id: 'pair-relay', type: 'candidate-pair', nominated: true, state: 'in-progress', localCandidateId: 'local-relay' },
      { id: 'pair-host', type: 'candidate-pair', selected: true, localCandidateId: 'local-host' },
    ]);

    const [track] = await new StatsSampler().sample([inbound(stats)]);

    expect(track?.localCandidateType).toBe('host');
  });

  test('is undefined before ICE selects a pair', async () => {
    const stats = report([...candidates, { id: 'pair-host', type: 'candidate-pair', state: 'in-progress', localCandidateId: 'local-host' }]);

    const [track] = await new StatsSampler().sample([inbound(stats)]);

    expect(track?.localCandidateType).toBeUndefined();
  });
});
