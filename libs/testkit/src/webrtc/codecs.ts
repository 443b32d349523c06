import { RTCRtpCodecParameters } from 'msc-node';

/**
 * Creates the codecs a NodeWebRtcPeer offers: Opus and VP8, matching the SFU
 * routers. They are instances of the RTCRtpCodecParameters class that
 * msc-node re-exports from its own werift copy, because werift 0.18 calls
 * getters of that class (such as `name`) that a plain object lacks.
 */
export function createPeerCodecs(): { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] } {
  const opus = new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 });

  // PLI and FIR carry keyframe requests, and NACK carries retransmission requests.
  const vp8 = new RTCRtpCodecParameters({
    mimeType: 'video/VP8',
    clockRate: 90000,
    rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
  });

  return { audio: [opus], video: [vp8] };
}
