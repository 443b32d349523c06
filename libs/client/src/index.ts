export { Meeting, type MeetingEvents, type MeetingOptions, type PublishCameraOptions } from './meeting';
export { RequestError, InvalidStateError } from './errors';
export { listDevices, captureTrack, type CaptureOptions } from './local-media';
export { rateQuality, type TrackStats, type ConnectionQuality } from './stats';
export type { ConnectionState, JoinAnswer, PeerInfo, RemoteTrack, TrackSource } from './types';
