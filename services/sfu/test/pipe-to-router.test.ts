import { createSocket, type Socket } from 'node:dgram';

import type { Router } from 'mediasoup/node/lib/types';

import { loadSfuConfig } from '@sfu-cluster/config';
import { createLogger } from '@sfu-cluster/logger';
import { buildRtpPacket, freeMediaPortBase, parseRtpPacket, waitFor, workerBin, type RtpPacketView } from '@sfu-cluster/testkit';

import { loadMediasoup } from '../src/mediasoup';
import { WorkerPool } from '../src/worker-pool';

const OPUS = { kind: 'audio' as const, mimeType: 'audio/opus', clockRate: 48000, channels: 2 };
const SENDER_SSRC = 0x11223344;
const SENDER_PAYLOAD_TYPE = 100;

/** Builds an Opus-sized packet whose payload names its sequence number. */
function rtpPacket(sequence: number): Buffer {
  return buildRtpPacket({
    payloadType: SENDER_PAYLOAD_TYPE,
    sequenceNumber: sequence,
    timestamp: sequence * 960,
    ssrc: SENDER_SSRC,
    payload: Buffer.from(`packet-${sequence}`.padEnd(80, '.')),
  });
}

async function bindSocket(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

describe('worker pool', () => {
  let pool: WorkerPool;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const base = await freeMediaPortBase(100, [0, 1]);
    const config = loadSfuConfig({
      CLUSTER_MODE: 'local',
      MEDIASOUP_WORKER_BIN: workerBin(),
      MEDIASOUP_WORKER_NUM: '2',
      MEDIASOUP_RTC_MIN_PORT: String(base),
      MEDIASOUP_RTC_MAX_PORT: String(base + 99),
    });
    pool = new WorkerPool(loadMediasoup(config.workerBin), config, createLogger({ service: 'test', level: 'error' }));
    await pool.start();
  });

  afterAll(() => {
    for (const socket of sockets) socket.close();
    pool.close();
  });

  test('starts a WebRtcServer per worker', async () => {
    const [first, second] = pool.list();
    const router = await first!.worker.createRouter({ mediaCodecs: [OPUS] });

    const transport = await router.createWebRtcTransport({ webRtcServer: first!.webRtcServer! });

    expect(pool.list()).toHaveLength(2);
    expect(second!.webRtcServerPort).toBe(first!.webRtcServerPort! + 1);
    expect(transport.iceCandidates).toContainEqual(
      expect.objectContaining({ ip: '127.0.0.1', port: first!.webRtcServerPort, protocol: 'udp' }),
    );
    router.close();
  });

  test('pipeToRouter carries RTP from one worker to a consumer on the other', async () => {
    const [first, second] = pool.list();
    const routerA: Router = await first!.worker.createRouter({ mediaCodecs: [OPUS] });
    const routerB: Router = await second!.worker.createRouter({ mediaCodecs: [OPUS] });

    // Producer on worker 0, fed by RTP from a UDP socket (comedia learns its address).
    const ingress = await routerA.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
    const producer = await ingress.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ ...OPUS, payloadType: SENDER_PAYLOAD_TYPE }],
        encodings: [{ ssrc: SENDER_SSRC }],
      },
    });

    await routerA.pipeToRouter({ producerId: producer.id, router: routerB });

    // Consumer on worker 1, sending to a UDP socket that counts what arrives.
    const receiver = await bindSocket();
    sockets.push(receiver);
    const egress = await routerB.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: false });
    await egress.connect({ ip: '127.0.0.1', port: receiver.address().port });
    const consumer = await egress.consume({ producerId: producer.id, rtpCapabilities: routerB.rtpCapabilities });
    const consumerPayloadType = consumer.rtpParameters.codecs[0]!.payloadType;

    const received: RtpPacketView[] = [];
    let receivedBytes = 0;
    receiver.on('message', (packet) => {
      const rtp = parseRtpPacket(packet);
      if (rtp?.payloadType !== consumerPayloadType) return;
      received.push(rtp);
      receivedBytes += packet.length;
    });

    const sender = await bindSocket();
    sockets.push(sender);
    const sent: Buffer[] = [];
    const sendTimer = setInterval(() => {
      const packet = rtpPacket(sent.length + 1);
      sent.push(packet);
      sender.send(packet, ingress.tuple.localPort, '127.0.0.1');
    }, 20);

    try {
      await waitFor('50 RTP packets at the consumer', () => received.length >= 50, 10_000);
    } finally {
      clearInterval(sendTimer);
    }

    expect(receivedBytes).toBeGreaterThan(50 * 80);
    // The payload passes through unchanged; only the header is rewritten.
    const sentPayloads = new Set(sent.map((packet) => packet.subarray(12).toString()));
    for (const packet of received) expect(sentPayloads.has(packet.payload.toString())).toBe(true);
    expect(received[0]!.ssrc).toBe(consumer.rtpParameters.encodings![0]!.ssrc);

    routerA.close();
    routerB.close();
  });
});
