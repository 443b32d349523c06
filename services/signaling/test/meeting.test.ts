import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { MeetingTestClient, startCluster, waitFor, type LocalCluster } from '@sfu-cluster/testkit';

const token = (room: string, identity: string, admin = false): Promise<string> =>
  signToken(LOCAL_JWT_SECRET, { room, identity, grants: { admin } });

describe('meeting across two signaling and two SFU nodes', () => {
  let cluster: LocalCluster;
  const clients: MeetingTestClient[] = [];

  beforeAll(async () => {
    // One peer per SFU node, so the second participant lands on the other node.
    cluster = await startCluster({ lifecyclePort: null, webPort: null, env: { SFU_MAX_PEERS: '1', LOG_LEVEL: 'warn' } });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster.stop();
  });

  test('peers on different nodes receive each other', async () => {
    const alice = await MeetingTestClient.join(cluster.signaling[0]!.url, await token('standup', 'alice'), { publish: ['audio', 'video'] });
    clients.push(alice);
    const bob = await MeetingTestClient.join(cluster.signaling[1]!.url, await token('standup', 'bob'), { publish: ['audio', 'video'] });
    clients.push(bob);

    expect(alice.answer.nodeId).not.toBe(bob.answer.nodeId);
    await alice.signaling.waitForNotification('newProducer', (data) => data.peerId === bob.peerId);
    await waitFor('bob media at alice', () => alice.packetsFrom(bob.peerId) > 20, 15_000);
    await waitFor('alice media at bob', () => bob.packetsFrom(alice.peerId) > 20, 15_000);
    expect([...alice.received.values()].map((stream) => stream.kind).sort()).toEqual(['audio', 'video']);
    expect(alice.errors).toEqual([]);
  });

  test('admin placement shows both nodes and the pipe', async () => {
    const response = await fetch(`${cluster.signaling[0]!.url}/api/v1/admin/rooms/standup`, {
      headers: { authorization: `Bearer ${await token('*', 'operator', true)}` },
    });
    const room = (await response.json()) as {
      nodes: { nodeId: string; peers: unknown[] }[];
      pipes: { fromNodeId: string; toNodeId: string; producerIds: string[] }[];
    };

    expect(response.status).toBe(200);
    expect(room.nodes.map((node) => node.nodeId).sort()).toEqual(['sfu-1', 'sfu-2']);
    for (const node of room.nodes) expect(node.peers).toHaveLength(1);
    expect(room.pipes.map((pipe) => `${pipe.fromNodeId}>${pipe.toNodeId}`).sort()).toEqual(['sfu-1>sfu-2', 'sfu-2>sfu-1']);
    for (const pipe of room.pipes) expect(pipe.producerIds).toHaveLength(2);
  });

  test('admin pipes and peer stats carry bitrates', async () => {
    const headers = { authorization: `Bearer ${await token('*', 'operator', true)}` };
    const admin = async <T>(path: string): Promise<T> => (await (await fetch(`${cluster.signaling[0]!.url}/api/v1/admin${path}`, { headers })).json()) as T;
    type Pipes = { pipes: { roomId: string; fromNodeId: string; toNodeId: string; bitrate: number }[]; unreachable: string[] };
    type Placement = { nodes: { peers: { bitrateIn: number; bitrateOut: number; packetLoss: number | null }[] }[]; pipes: { bitrate: number }[] };

    // SFU nodes sample bitrates every 2 s, so the first sample with media may take a few seconds.
    const pipes = await waitFor('pipe bitrates', async () => {
      const body = await admin<Pipes>('/pipes');
      return body.pipes.length === 2 && body.pipes.every((pipe) => pipe.bitrate > 0) ? body : undefined;
    }, 15_000, 250);
    const room = await admin<Placement>('/rooms/standup');

    expect(pipes.unreachable).toEqual([]);
    expect(pipes.pipes.map((pipe) => `${pipe.roomId} ${pipe.fromNodeId}>${pipe.toNodeId}`)).toEqual(['standup sfu-1>sfu-2', 'standup sfu-2>sfu-1']);
    for (const pipe of room.pipes) expect(pipe.bitrate).toBeGreaterThan(0);
    for (const peer of room.nodes.flatMap((node) => node.peers)) {
      expect(peer.bitrateIn).toBeGreaterThan(0);
      expect(peer.bitrateOut).toBeGreaterThan(0);
      expect(peer.packetLoss).toBeGreaterThanOrEqual(0);
      expect(peer.packetLoss).toBeLessThanOrEqual(1);
    }
  });

  test('admin CORS allows loopback origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${cluster.signaling[0]!.url}/api/v1/admin/nodes`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });

    const loopback = await preflight('http://127.0.0.1:8080');
    expect(loopback.status).toBe(204);
    expect(loopback.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8080');
    expect(loopback.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(loopback.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE');

    const foreign = await preflight('https://console.example.com');
    expect(foreign.status).toBe(204);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const withoutToken = await fetch(`${cluster.signaling[0]!.url}/api/v1/admin/nodes`, { headers: { origin: 'http://localhost:5173' } });
    expect(withoutToken.status).toBe(401);
    expect(withoutToken.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  test('client resumes on the other signaling node without a media gap', async () => {
    const [alice, bob] = clients as [MeetingTestClient, MeetingTestClient];
    const samples: { at: number; packets: number }[] = [];
    const sampler = setInterval(() => samples.push({ at: Date.now(), packets: alice.packetsFrom(bob.peerId) }), 50);

    await new Promise((resolve) => setTimeout(resolve, 300));
    cluster.signaling[0]!.process.kill('SIGKILL');
    const killedAt = Date.now();
    await alice.resumeOn(cluster.signaling[1]!.url);
    const resumedIn = Date.now() - killedAt;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    clearInterval(sampler);

    expect(resumedIn).toBeLessThan(2000);
    // Inbound media never stopped: no 500 ms window without a new packet.
    for (let index = 0; index < samples.length; index++) {
      const later = samples.find((sample) => sample.at >= samples[index]!.at + 500);
      if (later) expect(later.packets).toBeGreaterThan(samples[index]!.packets);
    }
    // Signaling works on the new node: bob's new producer reaches alice.
    await bob.publish('audio');
    await alice.signaling.waitForNotification('newConsumer', (data) => data.peerId === bob.peerId);
  });

  test('metrics count joins and events', async () => {
    const text = await (await fetch(`${cluster.signaling[1]!.url}/metrics`)).text();

    expect(text).toMatch(/signaling_joins_total\{[^}]*outcome="ok"[^}]*\} [1-9]/);
    expect(text).toMatch(/signaling_events_total\{[^}]*event="produce"[^}]*outcome="ok"[^}]*\} [1-9]/);
    expect(text).toMatch(/signaling_sockets\{[^}]*\} [1-9]/);
    expect(text).toMatch(/process_cpu_seconds_total/);
  });
});
