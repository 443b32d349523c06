import { z } from 'zod';

/**
 * Client to signaling events. Each gets its response through the socket.io
 * acknowledgement with { ok: true, ...result } or { ok: false, error }.
 * Every payload is checked here before any handler runs.
 */
export const clientEvents = [
  'join',
  'createTransport',
  'connectTransport',
  'produce',
  'closeProducer',
  'pauseProducer',
  'resumeProducer',
  'consume',
  'resumeConsumer',
  'pauseConsumer',
  'setPreferredLayers',
  'requestKeyFrame',
  'restartIce',
  'resume',
  'completeMigration',
  'leave',
] as const;

export type ClientEvent = (typeof clientEvents)[number];

/** Ids are opaque; the bound keeps a hostile client from sending megabytes as an id. */
const id = z.string().min(1).max(128);

/** Opaque mediasoup objects; the SFU node checks their inner shape. */
const mediasoupObject = z.looseObject({});

/** Origins of a published track, so subscribers can tell a screen share from a camera. */
export const trackSources = ['microphone', 'camera', 'screen'] as const;
export type TrackSource = (typeof trackSources)[number];

/** Returns the source of a producer published without one: the microphone for audio, the camera for video. */
export function defaultTrackSource(kind: 'audio' | 'video'): TrackSource {
  return kind === 'audio' ? 'microphone' : 'camera';
}

export const clientSchemas = {
  join: z.object({
    /** Optional: the token names the room; a different one here is refused. */
    roomId: id.optional(),
    displayName: z.string().max(64).optional(),
  }),
  createTransport: z.object({
    direction: z.enum(['send', 'recv']),
    /** The client's device capabilities; required for 'recv', used for every consumer. */
    rtpCapabilities: mediasoupObject.optional(),
  }),
  connectTransport: z.object({ transportId: id, dtlsParameters: mediasoupObject }),
  produce: z.object({
    transportId: id,
    kind: z.enum(['audio', 'video']),
    rtpParameters: mediasoupObject,
    /** Optional: defaultTrackSource(kind) when omitted. Subscribers get it in newConsumer. */
    source: z.enum(trackSources).optional(),
    appData: z.record(z.string().max(64), z.union([z.string().max(256), z.number(), z.boolean()])).optional(),
  }).refine((payload) => payload.source === undefined || payload.source === 'screen' || payload.source === defaultTrackSource(payload.kind), {
    message: 'source does not match kind: microphone is audio, camera is video',
    path: ['source'],
  }),
  closeProducer: z.object({ producerId: id }),
  pauseProducer: z.object({ producerId: id }),
  resumeProducer: z.object({ producerId: id }),
  consume: z.object({ producerId: id }),
  resumeConsumer: z.object({ consumerId: id }),
  pauseConsumer: z.object({ consumerId: id }),
  setPreferredLayers: z.object({
    consumerId: id,
    spatialLayer: z.number().int().min(0).max(3),
    temporalLayer: z.number().int().min(0).max(3).optional(),
  }),
  /** A client's report that its decoder of this consumer stalled. The SFU then requests a keyframe from the producer, at most once per interval. */
  requestKeyFrame: z.object({ consumerId: id }),
  restartIce: z.object({ transportId: id }),
  resume: z.object({ sessionId: id }),
  /** After a reconnectMedia with migrate: true, once the new media flows: the old node's media closes. */
  completeMigration: z.object({}),
  leave: z.object({}),
} satisfies Record<ClientEvent, z.ZodType>;

export type ClientPayload<E extends ClientEvent> = z.infer<(typeof clientSchemas)[E]>;

/** Signaling to client notifications. */
export const notifications = {
  peerJoined: 'peerJoined',
  peerLeft: 'peerLeft',
  newProducer: 'newProducer',
  producerClosed: 'producerClosed',
  /** A consumer the server made for this client; resume it once ready to render. */
  newConsumer: 'newConsumer',
  consumerClosed: 'consumerClosed',
  consumerPaused: 'consumerPaused',
  consumerResumed: 'consumerResumed',
  consumerLayersChanged: 'consumerLayersChanged',
  activeSpeaker: 'activeSpeaker',
  /** The client's media node is gone or the room moved: join again and republish. */
  reconnectMedia: 'reconnectMedia',
  /** The room ended (closed by an operator or its maximum duration). */
  roomClosed: 'roomClosed',
} as const;

export interface ErrorBody {
  code: string;
  message: string;
}

export type Ack<T = Record<string, unknown>> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
