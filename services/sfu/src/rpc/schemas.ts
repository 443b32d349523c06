import { z } from 'zod';

/** Ids are opaque strings; the bound keeps a hostile caller from sending megabytes as an id. */
const id = z.string().min(1).max(128);

const peerRef = { roomId: id, peerId: id };

/**
 * Room epoch the caller saw when it placed the peer. A node refuses a
 * request stamped with an older epoch than the registry's: the room moved.
 */
const epoch = z.number().int().nonnegative().optional();

const codec = z.looseObject({
  mimeType: z.string().max(64),
  payloadType: z.number().int().min(0).max(127),
  clockRate: z.number().int().positive(),
});

const rtpParameters = z.looseObject({
  codecs: z.array(codec).min(1).max(32),
  encodings: z.array(z.looseObject({})).max(16).optional(),
  headerExtensions: z.array(z.looseObject({})).max(32).optional(),
  rtcp: z.looseObject({}).optional(),
  mid: z.string().max(32).optional(),
});

const rtpCapabilities = z.looseObject({
  codecs: z.array(z.looseObject({})).max(64).optional(),
  headerExtensions: z.array(z.looseObject({})).max(64).optional(),
});

const dtlsParameters = z.looseObject({
  fingerprints: z.array(z.object({ algorithm: z.string().max(16), value: z.string().max(256) })).min(1).max(8),
  role: z.enum(['auto', 'client', 'server']).optional(),
});

const direction = z.enum(['send', 'recv']);

export const mediaSchemas = {
  join: z.object({
    ...peerRef,
    epoch,
    workerIndex: z.number().int().min(0).max(255).optional(),
    canSubscribe: z.boolean().default(true),
  }),
  createWebRtcTransport: z.object({ ...peerRef, epoch, direction, rtpCapabilities: rtpCapabilities.optional() }),
  createPlainTransport: z.object({
    ...peerRef,
    epoch,
    direction,
    comedia: z.boolean().default(false),
    rtcpMux: z.boolean().default(true),
  }),
  connectWebRtcTransport: z.object({ ...peerRef, transportId: id, dtlsParameters }),
  connectPlainTransport: z.object({
    ...peerRef,
    transportId: id,
    ip: z.ipv4().or(z.ipv6()),
    port: z.number().int().min(1).max(65535),
    rtcpPort: z.number().int().min(1).max(65535).optional(),
  }),
  restartIce: z.object({ ...peerRef, transportId: id }),
  produce: z.object({
    ...peerRef,
    epoch,
    transportId: id,
    kind: z.enum(['audio', 'video']),
    rtpParameters,
    appData: z.record(z.string().max(64), z.unknown()).default({}),
  }),
  producerAction: z.object({ ...peerRef, producerId: id }),
  consume: z.object({
    ...peerRef,
    epoch,
    /** The peer's receive transport when omitted. */
    transportId: id.optional(),
    producerId: id,
    /** Node the producer was published on; the consumer's node pipes it in when it is another. */
    producerNodeId: id.optional(),
    /** The capabilities given with the receive transport when omitted. */
    rtpCapabilities: rtpCapabilities.optional(),
    paused: z.boolean().default(true),
  }),
  consumeForPeers: z.object({
    roomId: id,
    epoch,
    producerId: id,
    producerNodeId: id,
    /** The publisher, who does not consume itself. */
    excludePeerId: id.optional(),
    /** Peers already at this many consumers get none. */
    maxConsumersPerPeer: z.number().int().positive().max(100_000).default(1000),
  }),
  consumerAction: z.object({ ...peerRef, consumerId: id }),
  setPreferredLayers: z.object({
    ...peerRef,
    consumerId: id,
    spatialLayer: z.number().int().min(0).max(3),
    temporalLayer: z.number().int().min(0).max(3).optional(),
  }),
  closePeer: z.object(peerRef),
  closeRoom: z.object({ roomId: id }),
  empty: z.object({}),
  drain: z.object({ deadlineSeconds: z.number().int().min(0).max(7 * 24 * 3600).optional() }),
};
