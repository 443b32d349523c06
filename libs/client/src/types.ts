import type { types } from 'mediasoup-client';

import type { TrackSource } from '@sfu-cluster/protocol';

/** The origin of a track: 'microphone', 'camera' or 'screen'. The SDK publishes at most one track per source. */
export type { TrackSource };

export interface PeerInfo {
  peerId: string;
  identity: string;
  displayName?: string;
}

export interface ProducerInfo {
  producerId: string;
  peerId: string;
  kind: types.MediaKind;
  source: TrackSource;
}

/** The `join` response, and the body of `reconnectMedia` when the server placed the client again. */
export interface JoinAnswer {
  peerId: string;
  sessionId: string;
  roomId: string;
  nodeId: string;
  routerRtpCapabilities: types.RtpCapabilities;
  iceServers: RTCIceServer[];
  peers: PeerInfo[];
  producers: ProducerInfo[];
}

/** The `resume` response: the room as it is now, media untouched. */
export type ResumeAnswer = Omit<JoinAnswer, 'routerRtpCapabilities'>;

export interface ReconnectMediaNotice extends Partial<JoinAnswer> {
  reason: string;
  /** Build the new media first, send completeMigration, then close the old (make-before-break). */
  migrate?: boolean;
  /** The server could not place the client again; it must join anew. */
  error?: { code: string; message: string };
}

/** A paused consumer the server made for this client. */
export interface NewConsumerNotice {
  consumerId: string;
  producerId: string;
  peerId: string;
  /** The media node of the consumer; one from a node the client is leaving is ignored. */
  nodeId?: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  producerPaused?: boolean;
  /** The producer's source; a server that predates sources sends none, and the kind's default applies. */
  source?: TrackSource;
}

export interface RemoteTrack {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: types.MediaKind;
  source: TrackSource;
  track: MediaStreamTrack;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'failed';
