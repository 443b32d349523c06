import { joinPublishingPair, type LocalCluster, MeetingTestClient, startCluster, waitFor } from '@sfu-cluster/testkit';

import { startRecordingProxy, type RecordingProxy } from './recording-proxy';
import { runCli, type CliResult } from './run-cli';

describe('sfuctl drain and move', () => {
  let cluster: LocalCluster;
  let proxy: RecordingProxy;
  const clients: MeetingTestClient[] = [];

  /** Runs sfuctl through the recording proxy, so --json output can be compared with the response it got. */
  const sfuctl = (...args: string[]): Promise<CliResult> => runCli([...args, '--url', proxy.url]);

  async function pair(room: string): Promise<[MeetingTestClient, MeetingTestClient]> {
    const pair = await joinPublishingPair(room, [cluster.signaling[0]!.url, cluster.signaling[1]!.url]);
    clients.push(...pair);
    return pair;
  }

  /** Resolves once both clients get media from each other again, after the packets counted now. */
  async function mediaResumes(alice: MeetingTestClient, bob: MeetingTestClient, timeoutMs: number): Promise<void> {
    const before = [alice.packetsFrom(bob.peerId), bob.packetsFrom(alice.peerId)] as const;
    await waitFor(
      'media again both ways',
      () => alice.packetsFrom(bob.peerId) > before[0] + 10 && bob.packetsFrom(alice.peerId) > before[1] + 10,
      timeoutMs,
    );
  }

  beforeAll(async () => {
    cluster = await startCluster({ lifecyclePort: null, webPort: null, env: { LOG_LEVEL: 'warn' } });
    proxy = await startRecordingProxy(cluster.signaling[0]!.url);
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await proxy?.close();
    await cluster?.stop();
  });

  test('move puts the room on the node', async () => {
    const [alice, bob] = await pair('moving');
    const target = cluster.sfu.find((node) => node.nodeId !== alice.nodeId)!.nodeId;
    const path = '/api/v1/admin/rooms/moving/move';

    const moved = await sfuctl('move', 'moving', '--to', target, '--json');
    const movedAt = Date.now();

    expect({ status: moved.status, stderr: moved.stderr }).toEqual({ status: 0, stderr: '' });
    const printed = JSON.parse(moved.stdout) as { roomId: string; toNodeId: string; peers: number };
    expect(printed).toEqual(proxy.responses.get(path));
    expect(printed.roomId).toBe('moving');
    expect(printed.toNodeId).toBe(target);
    expect(printed.peers).toBe(2);
    await waitFor('both clients on the target', () => alice.nodeId === target && bob.nodeId === target, 5000);
    await mediaResumes(alice, bob, 5000 - (Date.now() - movedAt));

    const room = await sfuctl('room', 'moving');
    expect(room.stdout).toContain(`node ${target}`);
  });

  test('drain then cancel restores the node', async () => {
    // The node hosting the moved room: a draining node with no peers exits at once, which would leave nothing to cancel.
    const nodeId = clients[0]!.nodeId;
    const path = `/api/v1/admin/nodes/${nodeId}/drain`;

    const drained = await sfuctl('drain', nodeId, '--deadline', '600', '--json');
    expect({ status: drained.status, stderr: drained.stderr }).toEqual({ status: 0, stderr: '' });
    const drainPrinted = JSON.parse(drained.stdout) as { nodeId: string; state: string };
    expect(drainPrinted).toEqual(proxy.responses.get(path));
    expect(drainPrinted.nodeId).toBe(nodeId);
    expect(drainPrinted.state).toBe('draining');

    const table = await sfuctl('nodes');
    expect(table.stdout).toMatch(new RegExp(`^${nodeId} +draining`, 'm'));

    const cancelled = await sfuctl('drain', nodeId, '--cancel', '--json');
    expect({ status: cancelled.status, stderr: cancelled.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(cancelled.stdout)).toEqual({ nodeId, state: 'active' });
    expect(JSON.parse(cancelled.stdout)).toEqual(proxy.responses.get(path));
  });

  test('drain --migrate empties the node', async () => {
    const [alice, bob] = await pair('draining');
    const node = cluster.sfu.find((entry) => entry.nodeId === alice.nodeId)!;

    const drained = await sfuctl('drain', node.nodeId, '--migrate');

    expect({ status: drained.status, stderr: drained.stderr }).toEqual({ status: 0, stderr: '' });
    expect(drained.stdout).toContain(`node ${node.nodeId} is draining`);
    expect(drained.stdout).toContain('moving to other nodes now');
    const exit = await node.process.waitForExit(15_000);
    expect(exit.code).toBe(0);
    expect(alice.nodeId).not.toBe(node.nodeId);
    expect(bob.nodeId).not.toBe(node.nodeId);
    await mediaResumes(alice, bob, 5000);

    const peers = await sfuctl('peers', 'draining');
    expect({ status: peers.status, stderr: peers.stderr }).toEqual({ status: 0, stderr: '' });
    expect(peers.stdout).toContain('alice');
    expect(peers.stdout).toContain('bob');
    expect(peers.stdout).not.toContain(` ${node.nodeId} `);
  });

  test('steering unknown targets exits with its code', async () => {
    const cases: { args: string[]; status: number; message: string }[] = [
      { args: ['drain', 'no-such-node'], status: 3, message: 'NODE_NOT_FOUND' },
      { args: ['drain', 'no-such-node', '--cancel'], status: 3, message: 'NODE_NOT_FOUND' },
      { args: ['move', 'no-such-room', '--to', cluster.sfu[0]!.nodeId], status: 3, message: 'ROOM_NOT_FOUND' },
      { args: ['move', 'draining', '--to', 'no-such-node'], status: 1, message: 'is not an active node' },
    ];

    for (const { args, status, message } of cases) {
      const result = await sfuctl(...args);
      expect({ args, status: result.status }).toEqual({ args, status });
      expect(result.stderr).toContain(message);
    }
  });
});
