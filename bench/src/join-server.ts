// A bare signaling and media server for the join benchmark's baseline: one
// process with socket.io and one mediasoup worker, one router per room, one
// WebRtcServer, and no Redis, RPC, registry or token check. It handles the
// client protocol's join, createTransport, connectTransport, produce,
// resumeConsumer and leave as the cluster does, so the same client joins
// both. Run by join.ts as: node join-server.js CONFIG_JSON. It prints one
// JSON line with its port once ready, and exits on SIGTERM or after maxSeconds.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import * as mediasoup from 'mediasoup';
import type { Consumer, Producer, Router, RtpCapabilities, RtpCodecCapability, WebRtcServer, WebRtcTransport } from 'mediasoup/node/lib/types';
import { Server, type Socket } from 'socket.io';

/** Settings that join.ts passes as the only argument, in JSON. */
export interface JoinServerConfig {
  /** UDP and TCP port of the WebRtcServer. */
  rtcPort: number;
  maxSeconds: number;
}

/** The Opus and VP8 entries of the SFU node's router codecs, with the same parameters. */
const MEDIA_CODECS: RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
];

interface Peer {
  peerId: string;
  roomId: string;
  socket: Socket;
  transports: Map<string, WebRtcTransport>;
  recvTransport?: WebRtcTransport;
  rtpCapabilities?: RtpCapabilities;
  consumers: Map<string, Consumer>;
}

interface Room {
  router: Router;
  peers: Map<string, Peer>;
  producers: Map<string, { producer: Producer; peerId: string }>;
}

type Handler = (peer: Peer | undefined, socket: Socket, payload: Record<string, unknown>) => Promise<Record<string, unknown>>;

class JoinServer {
  private readonly rooms = new Map<string, Room>();

  constructor(
    private readonly worker: mediasoup.types.Worker,
    private readonly webRtcServer: WebRtcServer,
  ) {}

  attach(io: Server): void {
    io.on('connection', (socket) => {
      let peer: Peer | undefined;
      const handlers = this.handlers((joined) => (peer = joined));
      for (const [event, handler] of Object.entries(handlers)) {
        socket.on(event, (payload: Record<string, unknown> | undefined, ack: (answer: unknown) => void) => {
          handler(peer, socket, payload ?? {}).then(
            (result) => ack({ ok: true, ...result }),
            (error: Error) => ack({ ok: false, error: { code: 'INTERNAL', message: error.message } }),
          );
        });
      }
      socket.on('disconnect', () => {
        if (peer) this.leave(peer);
        peer = undefined;
      });
    });
  }

  private handlers(setPeer: (peer: Peer | undefined) => void): Record<string, Handler> {
    return {
      join: async (_peer, socket, payload) => {
        const roomId = typeof payload.roomId === 'string' ? payload.roomId : 'join-bench';
        const room = await this.room(roomId);
        const peer: Peer = { peerId: randomUUID(), roomId, socket, transports: new Map(), consumers: new Map() };
        room.peers.set(peer.peerId, peer);
        setPeer(peer);
        return {
          peerId: peer.peerId,
          sessionId: randomUUID(),
          nodeId: 'bare',
          routerRtpCapabilities: room.router.rtpCapabilities,
          peers: [...room.peers.values()].filter((other) => other !== peer).map((other) => ({ peerId: other.peerId, identity: other.peerId })),
          producers: [...room.producers.entries()].map(([producerId, entry]) => ({ producerId, peerId: entry.peerId, kind: entry.producer.kind })),
        };
      },
      createTransport: async (peer, _socket, payload) => {
        const joined = this.joined(peer);
        const transport = await this.rooms.get(joined.roomId)!.router.createWebRtcTransport({
          webRtcServer: this.webRtcServer,
          enableUdp: true,
          enableTcp: true,
          preferUdp: true,
        });
        joined.transports.set(transport.id, transport);
        if (payload.direction === 'recv') {
          joined.recvTransport = transport;
          joined.rtpCapabilities = payload.rtpCapabilities as RtpCapabilities;
          // After the acknowledgement, as the signaling node does, so the client has its transport first.
          setImmediate(() => void this.consumeExisting(joined));
        }
        return {
          transportId: transport.id,
          iceParameters: transport.iceParameters,
          iceCandidates: transport.iceCandidates,
          dtlsParameters: transport.dtlsParameters,
        };
      },
      connectTransport: async (peer, _socket, payload) => {
        const transport = this.joined(peer).transports.get(String(payload.transportId));
        if (!transport) throw new Error(`transport ${String(payload.transportId)} not found`);
        await transport.connect({ dtlsParameters: payload.dtlsParameters as mediasoup.types.DtlsParameters });
        return {};
      },
      produce: async (peer, _socket, payload) => {
        const joined = this.joined(peer);
        const transport = joined.transports.get(String(payload.transportId));
        if (!transport) throw new Error(`transport ${String(payload.transportId)} not found`);
        const producer = await transport.produce({
          kind: payload.kind as mediasoup.types.MediaKind,
          rtpParameters: payload.rtpParameters as mediasoup.types.RtpParameters,
        });
        const room = this.rooms.get(joined.roomId)!;
        room.producers.set(producer.id, { producer, peerId: joined.peerId });
        for (const other of room.peers.values()) if (other !== joined) void this.consume(other, producer.id, joined.peerId);
        return { producerId: producer.id };
      },
      resumeConsumer: async (peer, _socket, payload) => {
        const consumer = this.joined(peer).consumers.get(String(payload.consumerId));
        if (!consumer) throw new Error(`consumer ${String(payload.consumerId)} not found`);
        await consumer.resume();
        return {};
      },
      leave: async (peer) => {
        if (peer) this.leave(peer);
        setPeer(undefined);
        return {};
      },
    };
  }

  private joined(peer: Peer | undefined): Peer {
    if (!peer) throw new Error('join the room first');
    return peer;
  }

  private async room(roomId: string): Promise<Room> {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = { router: await this.worker.createRouter({ mediaCodecs: MEDIA_CODECS }), peers: new Map(), producers: new Map() };
      this.rooms.set(roomId, room);
    }
    return room;
  }

  private async consumeExisting(peer: Peer): Promise<void> {
    const room = this.rooms.get(peer.roomId)!;
    for (const [producerId, entry] of room.producers) {
      if (entry.peerId !== peer.peerId) await this.consume(peer, producerId, entry.peerId);
    }
  }

  /** Creates a paused consumer, as the SFU node does, and offers it to the client. */
  private async consume(peer: Peer, producerId: string, producerPeerId: string): Promise<void> {
    const transport = peer.recvTransport;
    if (!transport || !peer.rtpCapabilities || transport.closed) return;

    const consumer = await transport.consume({ producerId, rtpCapabilities: peer.rtpCapabilities, paused: true });
    peer.consumers.set(consumer.id, consumer);
    peer.socket.emit('newConsumer', {
      consumerId: consumer.id,
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      peerId: producerPeerId,
    });
  }

  private leave(peer: Peer): void {
    const room = this.rooms.get(peer.roomId);
    for (const transport of peer.transports.values()) transport.close();
    room?.peers.delete(peer.peerId);
    for (const [producerId, entry] of room?.producers ?? []) if (entry.peerId === peer.peerId) room!.producers.delete(producerId);
  }
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as JoinServerConfig;
  const timer = setTimeout(() => process.exit(0), config.maxSeconds * 1000);
  timer.unref();

  // The SFU node's defaults: MEDIASOUP_LOG_LEVEL warn, one worker with one WebRtcServer.
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  const webRtcServer = await worker.createWebRtcServer({
    listenInfos: [
      { protocol: 'udp', ip: '127.0.0.1', port: config.rtcPort },
      { protocol: 'tcp', ip: '127.0.0.1', port: config.rtcPort },
    ],
  });

  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  new JoinServer(worker, webRtcServer).attach(io);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));

  process.on('SIGTERM', () => {
    void io.close();
    worker.close();
    process.exit(0);
  });
  process.stdout.write(`${JSON.stringify({ ready: true, port: (http.address() as AddressInfo).port })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`join server failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
