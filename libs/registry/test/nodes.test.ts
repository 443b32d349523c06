import { sleep, waitFor } from '@sfu-cluster/testkit';

import { RegistryError } from '../src/errors';
import { NODE_TTL_MS } from '../src/nodes';
import { nodeRecord, startTestRegistry, type TestRegistry } from './helpers';

let harness: TestRegistry;

beforeAll(async () => {
  harness = await startTestRegistry();
});

afterAll(async () => {
  await harness.stop();
});

describe('NodeRegistry', () => {
  test('heartbeat() stores the record', async () => {
    const { nodes } = harness.registry;

    await nodes.heartbeat(nodeRecord('stored-a', { region: 'us', peers: 3 }));
    const record = await nodes.get('stored-a');

    expect(record?.region).toBe('us');
    expect(record?.load.peers).toBe(3);
    expect(record?.state).toBe('active');
    expect(await harness.redis.pttl(harness.registry.keys.node('stored-a'))).toBeGreaterThan(NODE_TTL_MS - 200);
  });

  test('record expires within 3 s after heartbeats stop', async () => {
    const { nodes } = harness.registry;
    for (let beat = 0; beat < 3; beat += 1) {
      await nodes.heartbeat(nodeRecord('expiring'));
      await sleep(1000);
    }
    await nodes.heartbeat(nodeRecord('expiring'));
    const lastBeat = Date.now();

    await sleep(NODE_TTL_MS - 500);
    expect(await nodes.get('expiring')).toBeDefined();

    await waitFor('the record of node expiring to expire', async () => (await nodes.get('expiring')) === undefined, 2000, 20);
    const elapsed = Date.now() - lastBeat;

    expect(elapsed).toBeLessThanOrEqual(NODE_TTL_MS + 100);
    expect((await nodes.list()).map((node) => node.id)).not.toContain('expiring');
    expect(await nodes.expiredNodeIds()).toContain('expiring');
  });

  test('draining survives the next heartbeat', async () => {
    const { nodes } = harness.registry;
    await nodes.heartbeat(nodeRecord('drained'));

    const drained = await nodes.setState('drained', 'draining');
    const afterBeat = await nodes.heartbeat(nodeRecord('drained', { state: 'active' }));

    expect(drained.state).toBe('draining');
    expect(afterBeat.state).toBe('draining');
    expect((await nodes.get('drained'))?.state).toBe('draining');
  });

  test('setState() back to active ends a drain', async () => {
    const { nodes } = harness.registry;
    await nodes.heartbeat(nodeRecord('undrained'));
    await nodes.setState('undrained', 'draining');

    await nodes.setState('undrained', 'active');

    expect((await nodes.get('undrained'))?.state).toBe('active');
  });

  test('setState() of an expired node rejects with NODE_NOT_FOUND', async () => {
    const error = await harness.registry.nodes.setState('never-seen', 'draining').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('NODE_NOT_FOUND');
  });

  test('remove() deletes the record and the index entry', async () => {
    const { nodes } = harness.registry;
    await nodes.heartbeat(nodeRecord('removed'));

    await nodes.remove('removed');

    expect(await nodes.get('removed')).toBeUndefined();
    expect((await nodes.list()).map((node) => node.id)).not.toContain('removed');
    expect(await nodes.expiredNodeIds()).not.toContain('removed');
  });

  test('heartbeat() rejects a record without one load entry per worker', async () => {
    const record = nodeRecord('malformed', { workers: 2 });
    record.load.workerPeers = [0];

    await expect(harness.registry.nodes.heartbeat(record)).rejects.toThrow(TypeError);
  });

  test('heartbeat() rejects a record without a load figure', async () => {
    const record = nodeRecord('no-cpu');
    delete (record.load as Partial<typeof record.load>).cpu;

    await expect(harness.registry.nodes.heartbeat(record)).rejects.toThrow(TypeError);
    expect(await harness.registry.nodes.get('no-cpu')).toBeUndefined();
  });
});
