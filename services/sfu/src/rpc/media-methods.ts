import type { Consumer, DtlsParameters, MediaKind, RtpCapabilities, RtpParameters } from 'mediasoup/node/lib/types';

import { ErrorCode } from '@sfu-cluster/protocol';
import { RpcError, type RpcServer } from '@sfu-cluster/rpc';

import { invalidState } from '../errors';
import type { MediaNode } from '../media-node';
import type { PipeManager } from '../pipes/pipe-manager';
import { mediaSchemas as s } from './schemas';

/** Checks a node makes before it takes a request; each throws an RpcError. */
export interface RequestGuard {
  /** Refuses a peer that is new to this node while it drains. */
  admitPeer(roomId: string, peerId: string): void;
  /** Refuses a request stamped with a room epoch older than the registry's. */
  checkEpoch(roomId: string, epoch: number | undefined): Promise<void>;
}

/**
 * Registers the methods signaling calls on an SFU node for its clients.
 * Every one names the room and peer, so a caller can only reach objects of
 * that peer.
 */
export function registerMediaMethods(server: RpcServer, media: MediaNode, pipes: PipeManager, guard: RequestGuard): void {
  server.method('room.join', s.join, async ({ roomId, peerId, epoch, workerIndex, canSubscribe }) => {
    await guard.checkEpoch(roomId, epoch);
    guard.admitPeer(roomId, peerId);

    const { peer, rtpCapabilities } = await media.joinPeer(roomId, peerId, workerIndex, canSubscribe);
    return { nodeId: media.nodeId, workerIndex: peer.workerIndex, rtpCapabilities };
  });

  server.method('transport.createWebRtc', s.createWebRtcTransport, async (params) => {
    const { roomId, peerId, epoch, direction, rtpCapabilities } = params;
    await guard.checkEpoch(roomId, epoch);

    const transport = await media.createWebRtcTransport(roomId, peerId, direction, rtpCapabilities as RtpCapabilities | undefined);
    return {
      transportId: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  });

  server.method('transport.createPlain', s.createPlainTransport, async ({ roomId, peerId, epoch, ...options }) => {
    await guard.checkEpoch(roomId, epoch);

    const transport = await media.createPlainTransport(roomId, peerId, options);
    return { transportId: transport.id, ip: transport.tuple.localIp, port: transport.tuple.localPort };
  });

  server.method('transport.connectWebRtc', s.connectWebRtcTransport, ({ roomId, peerId, transportId, dtlsParameters }) =>
    asPayloadError(() => media.connectWebRtcTransport(roomId, peerId, transportId, dtlsParameters as DtlsParameters)),
  );

  server.method('transport.connectPlain', s.connectPlainTransport, ({ roomId, peerId, transportId, ...address }) =>
    asPayloadError(() => media.connectPlainTransport(roomId, peerId, transportId, address)),
  );

  server.method('transport.restartIce', s.restartIce, async ({ roomId, peerId, transportId }) => ({
    iceParameters: await media.restartIce(roomId, peerId, transportId),
  }));

  server.method('producer.create', s.produce, async ({ roomId, peerId, epoch, transportId, kind, rtpParameters, appData }) => {
    await guard.checkEpoch(roomId, epoch);

    const producerId = await asPayloadError(() =>
      media.produce(roomId, peerId, transportId, kind as MediaKind, rtpParameters as unknown as RtpParameters, appData),
    );
    return { producerId, nodeId: media.nodeId };
  });

  server.method('producer.close', s.producerAction, ({ roomId, peerId, producerId }) => {
    media.peer(roomId, peerId).producer(producerId).close();
  });
  server.method('producer.pause', s.producerAction, ({ roomId, peerId, producerId }) =>
    media.peer(roomId, peerId).producer(producerId).pause(),
  );
  server.method('producer.resume', s.producerAction, ({ roomId, peerId, producerId }) =>
    media.peer(roomId, peerId).producer(producerId).resume(),
  );

  server.method('consumer.create', s.consume, async (params) => {
    const { roomId, peerId, epoch, producerId, producerNodeId, paused } = params;
    await guard.checkEpoch(roomId, epoch);
    const peer = media.peer(roomId, peerId);
    const transportId = params.transportId ?? peer.recvTransportId;
    const rtpCapabilities = (params.rtpCapabilities as RtpCapabilities | undefined) ?? peer.rtpCapabilities;
    if (transportId === undefined || rtpCapabilities === undefined) {
      throw invalidState(`peer ${peerId} has no receive transport with rtpCapabilities; create one first`);
    }

    if (producerNodeId !== undefined && producerNodeId !== media.nodeId) {
      await pipes.pipeIn(roomId, producerId, producerNodeId);
    }

    const consumer = await asPayloadError(() => media.consume(roomId, peerId, transportId, producerId, rtpCapabilities, paused));
    consumer.observer.once('close', () => pipes.releaseIfUnused(roomId, producerId));
    return describeConsumer(consumer);
  });

  server.method('consumer.createForPeers', s.consumeForPeers, async (params) => {
    const { roomId, epoch, producerId, producerNodeId, excludePeerId, maxConsumersPerPeer } = params;
    await guard.checkEpoch(roomId, epoch);

    const subscribers = media
      .peerList(roomId)
      .filter((peer) => peer.id !== excludePeerId && peer.canSubscribe && peer.recvTransportId && peer.rtpCapabilities);
    if (subscribers.length === 0) return { consumers: [], skipped: [] };

    // One pipe for all of this node's subscribers, made before any consumer.
    if (producerNodeId !== media.nodeId) await pipes.pipeIn(roomId, producerId, producerNodeId);

    const consumers: Record<string, unknown>[] = [];
    const skipped: { peerId: string; reason: string }[] = [];
    for (const peer of subscribers) {
      if (peer.consumers.size >= maxConsumersPerPeer) {
        skipped.push({ peerId: peer.id, reason: ErrorCode.LimitExceeded });
        continue;
      }
      try {
        const consumer = await media.consume(roomId, peer.id, peer.recvTransportId!, producerId, peer.rtpCapabilities!, true);
        consumer.observer.once('close', () => pipes.releaseIfUnused(roomId, producerId));
        consumers.push({ peerId: peer.id, ...describeConsumer(consumer) });
      } catch (error) {
        skipped.push({ peerId: peer.id, reason: error instanceof RpcError ? error.code : ErrorCode.Internal });
      }
    }
    return { consumers, skipped };
  });

  server.method('consumer.resume', s.consumerAction, ({ roomId, peerId, consumerId }) =>
    media.peer(roomId, peerId).consumer(consumerId).resume(),
  );
  server.method('consumer.pause', s.consumerAction, ({ roomId, peerId, consumerId }) =>
    media.peer(roomId, peerId).consumer(consumerId).pause(),
  );
  server.method('consumer.close', s.consumerAction, ({ roomId, peerId, consumerId }) => {
    media.peer(roomId, peerId).consumer(consumerId).close();
  });
  server.method('consumer.requestKeyFrame', s.consumerAction, ({ roomId, peerId, consumerId }) =>
    media.peer(roomId, peerId).consumer(consumerId).requestKeyFrame(),
  );
  server.method('consumer.setPreferredLayers', s.setPreferredLayers, ({ roomId, peerId, consumerId, ...layers }) =>
    media.peer(roomId, peerId).consumer(consumerId).setPreferredLayers(layers),
  );

  server.method('peer.close', s.closePeer, ({ roomId, peerId }) => media.closePeer(roomId, peerId));
  server.method('room.close', s.closeRoom, ({ roomId }) => media.closeRoom(roomId));
}

function describeConsumer(consumer: Consumer): Record<string, unknown> {
  return {
    consumerId: consumer.id,
    producerId: consumer.producerId,
    kind: consumer.kind,
    rtpParameters: consumer.rtpParameters,
    type: consumer.type,
    producerPaused: consumer.producerPaused,
  };
}

/**
 * Maps mediasoup's TypeError (malformed parameters) and UnsupportedError (a
 * codec or feature the router lacks) to INVALID_PAYLOAD, because the
 * caller's payload is at fault, not the node.
 */
async function asPayloadError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TypeError || (error instanceof Error && error.name === 'UnsupportedError')) {
      throw new RpcError(ErrorCode.InvalidPayload, error.message);
    }
    throw error;
  }
}
