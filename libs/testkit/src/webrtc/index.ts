export {
  NodeWebRtcPeer,
  type WebRtcTransportParams,
  type ConnectHandler,
  type ProduceHandler,
  type ConsumerParams,
  type SyntheticPublication,
  type ReceivedStream,
} from './node-webrtc-peer';
export { SyntheticTrack } from './synthetic-track';
export { RtpCounter } from './rtp-counter';
