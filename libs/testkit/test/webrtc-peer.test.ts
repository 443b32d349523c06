import { Redis } from 'ioredis';
import type { types } from 'msc-node';

import { createLogger } from '@sfu-cluster/logger';
import { RpcClient } from '@sfu-cluster/rpc';
import {
  freePort,
  NodeWebRtcPeer,
  startCluster,
  waitFor,
  type LocalCluster,
  type ReceivedStream,
  type WebRtcTransportParams,
} from '@sfu-cluster/testkit';

interface TransportReply extends Omit<WebRtcTransportParams, 'id'> {
  transportId: string;
}

interface ConsumerReply {
  consumerId: string;
  producerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
}

const roomId = 'webrtc-room';

describe('NodeWebRtcPeer', () => {
  let cluster: LocalCluster;
  let rpc: RpcClient;
  let nodeId: string;
  const connections: Redis[] = [];
  const peers: NodeWebRtcPeer[] = [];

  beforeAll(async () => {
    cluster = await startCluster({
      signalingPorts: [],
      lifecyclePort: null,
      webPort: null,
      sfuPorts: [await freePort()],
      env: { LOG_LEVEL: 'warn' },
    });
    nodeId = cluster.sfu[0]!.nodeId;

    const publisher = new Redis(cluster.redisUrl);
    const subscriber = new Redis(cluster.redisUrl);
    connections.push(publisher, subscriber);
    const logger = createLogger({ service: 'test', level: 'error' });
    rpc = new RpcClient({ publisher, subscriber, prefix: cluster.prefix, clientId: 'webrtc-test', logger });
    await rpc.start();
  });

  afterAll(async () => {
    for (const peer of peers) peer.close();
    await rpc?.close();
    for (const connection of connections) connection.disconnect();
    await cluster?.stop();
  });

  function call<T = Record<string, unknown>>(method: string, params: Record<string, unknown>): Promise<T> {
    return rpc.call<T>(nodeId, method, params, 5000);
  }

  /** Joins the room, loads the device and creates a WebRtcTransport of the given direction on the node. */
  async function joinPeer(peerId: string, direction: 'send' | 'recv'): Promise<{ peer: NodeWebRtcPeer; params: WebRtcTransportParams }> {
    const peer = new NodeWebRtcPeer();
    peers.push(peer);
    const { rtpCapabilities } = await call<{ rtpCapabilities: types.RtpCapabilities }>('room.join', { roomId, peerId });
    await peer.load(rtpCapabilities);

    const { transportId, ...rest } = await call<TransportReply>('transport.createWebRtc', { roomId, peerId, direction });
    return { peer, params: { id: transportId, ...rest } };
  }

  test('subscriber receives audio and video RTP', async () => {
    // Publisher: one send transport, an audio and a video producer.
    const { peer: publisher, params: sendParams } = await joinPeer('peer-a', 'send');
    publisher.createSendTransport(
      sendParams,
      (dtlsParameters) => call('transport.connectWebRtc', { roomId, peerId: 'peer-a', transportId: sendParams.id, dtlsParameters }),
      async ({ kind, rtpParameters }) => {
        const reply = await call<{ producerId: string }>('producer.create', {
          roomId,
          peerId: 'peer-a',
          transportId: sendParams.id,
          kind,
          rtpParameters,
        });
        return reply.producerId;
      },
    );
    const audio = await publisher.publishSynthetic('audio');
    const video = await publisher.publishSynthetic('video');

    // Subscriber: one receive transport consuming both producers.
    const { peer: subscriber, params: recvParams } = await joinPeer('peer-b', 'recv');
    subscriber.createRecvTransport(recvParams, (dtlsParameters) =>
      call('transport.connectWebRtc', { roomId, peerId: 'peer-b', transportId: recvParams.id, dtlsParameters }),
    );

    const streams: ReceivedStream[] = [];
    const consumeStartedAt = Date.now();
    for (const producerId of [audio.producerId, video.producerId]) {
      const reply = await call<ConsumerReply>('consumer.create', {
        roomId,
        peerId: 'peer-b',
        transportId: recvParams.id,
        producerId,
        rtpCapabilities: subscriber.rtpCapabilities,
        paused: false,
      });
      streams.push(
        await subscriber.consume({ id: reply.consumerId, producerId, kind: reply.kind, rtpParameters: reply.rtpParameters }),
      );
      await call('consumer.resume', { roomId, peerId: 'peer-b', consumerId: reply.consumerId });
    }
    const [audioStream, videoStream] = streams as [ReceivedStream, ReceivedStream];
    expect(audioStream.kind).toBe('audio');
    expect(videoStream.kind).toBe('video');

    // 20 ms audio and 33 ms video packets: 25 and 15 of them take about 0.5 s once DTLS is up.
    await waitFor('25 audio RTP packets at the subscriber', () => audioStream.rtp.packets >= 25, 10_000);
    await waitFor('15 video RTP packets at the subscriber', () => videoStream.rtp.packets >= 15, 10_000);

    expect(audioStream.rtp.firstPacketAt! - consumeStartedAt).toBeLessThan(5_000);
    expect(videoStream.rtp.firstPacketAt! - consumeStartedAt).toBeLessThan(5_000);
    // Every packet carries at least its 12-byte header and the synthetic payload.
    expect(audioStream.rtp.bytes).toBeGreaterThanOrEqual(audioStream.rtp.packets * 92);
    expect(videoStream.rtp.bytes).toBeGreaterThanOrEqual(videoStream.rtp.packets * 1012);

    // The counts keep rising: media flows, not a burst of queued packets.
    const audioBefore = audioStream.rtp.packets;
    const videoBefore = videoStream.rtp.packets;
    await waitFor('audio RTP to keep arriving', () => audioStream.rtp.packets >= audioBefore + 10, 5_000);
    await waitFor('video RTP to keep arriving', () => videoStream.rtp.packets >= videoBefore + 5, 5_000);
  });
});
