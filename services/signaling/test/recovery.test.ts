import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { MeetingTestClient, startCluster, waitFor, type LocalCluster } from '@sfu-cluster/testkit';

const token = (room: string, identity: string): Promise<string> => signToken(LOCAL_JWT_SECRET, { room, identity });

interface Health {
  workers: { pid: number }[];
}

describe('media recovery through signaling', () => {
  let cluster: LocalCluster;
  const clients: MeetingTestClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ lifecyclePort: null, webPort: null, env: { SFU_MAX_PEERS: '2', LOG_LEVEL: 'warn' } });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster.stop();
  });

  test('peers of a killed worker get reconnectMedia and media again within 5 s', async () => {
    const url = cluster.signaling[0]!.url;
    const alice = await MeetingTestClient.join(url, await token('recovery', 'alice'), { publish: ['audio'] });
    const bob = await MeetingTestClient.join(url, await token('recovery', 'bob'), { publish: ['audio'] });
    clients.push(alice, bob);
    await waitFor('media both ways', () => alice.packetsFrom(bob.peerId) > 10 && bob.packetsFrom(alice.peerId) > 10, 10_000);
    const node = cluster.sfu.find((entry) => entry.nodeId === bob.nodeId)!;
    const health = (await (await fetch(`${node.url}/api/v1/health`)).json()) as Health;

    process.kill(health.workers[0]!.pid, 'SIGKILL');
    const killedAt = Date.now();

    await waitFor('reconnectMedia at bob', () => bob.reconnects.length > 0, 5000);
    const aliceBefore = alice.packetsFrom(bob.peerId);
    const bobBefore = bob.packetsFrom(alice.peerId);
    await waitFor('media again at bob', () => bob.packetsFrom(alice.peerId) > bobBefore + 10, 5000);
    await waitFor('bob media again at alice', () => alice.packetsFrom(bob.peerId) > aliceBefore + 10, 5000);
    expect(Date.now() - killedAt).toBeLessThan(5000);
    expect(bob.errors).toEqual([]);
  });
});
