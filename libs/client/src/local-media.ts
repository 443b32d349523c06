import type { TrackSource } from './types';

export interface CaptureOptions {
  /** A device id from navigator.mediaDevices.enumerateDevices(); the default device when omitted. */
  deviceId?: string;
}

/** Captures one track for a source: the microphone, the camera or the screen. */
export async function captureTrack(source: TrackSource, options: CaptureOptions = {}): Promise<MediaStreamTrack> {
  const device: MediaTrackConstraints = options.deviceId ? { deviceId: { exact: options.deviceId } } : {};

  let stream: MediaStream;
  if (source === 'screen') stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  else if (source === 'microphone') stream = await navigator.mediaDevices.getUserMedia({ audio: device });
  else stream = await navigator.mediaDevices.getUserMedia({ video: { ...device, width: 640, height: 480 } });

  const [track] = stream.getTracks();
  if (!track) throw new Error(`the browser returned no ${source} track`);
  return track;
}

/** Lists the microphones and cameras. Their labels stay empty until the page has media permission. */
export async function listDevices(): Promise<{ microphones: MediaDeviceInfo[]; cameras: MediaDeviceInfo[] }> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return {
    microphones: devices.filter((device) => device.kind === 'audioinput'),
    cameras: devices.filter((device) => device.kind === 'videoinput'),
  };
}
