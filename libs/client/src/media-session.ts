import { Device, type types } from 'mediasoup-client';

import type { SignalingChannel } from './signaling';
import { decodeReading, spatialLayers, StallDetector, STALL_POLL_MS, type StallAction } from './stall-watch';
import type { NewConsumerNotice, RemoteTrack, TrackSource } from './types';

/** ICE restarts tried per transport before its failure is left to reconnectMedia. */
const MAX_ICE_RESTARTS = 3;

/** Simulcast layers for a camera: a quarter, a half and full resolution. */
const SIMULCAST_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

/**
 * Leaves RTX out of what the device negotiates, so the browser resends a
 * lost packet on the media stream itself. mediasoup 3.12's NackGenerator
 * (worker/src/RTC/NackGenerator.cpp) drops an RTX packet newer than the last
 * sequence number seen and then never NACKs that number, so the subscribers
 * never get it and their decoders stall until the next keyframe. In the
 * weak-network scenario (20% loss on the sender's link) the subscriber still
 * lost 3.7-6.8% of the video packets with RTX, and without it 0-0.9% in 8
 * of 9 runs (9.0% in one).
 * NOTE: which RTX packets arrive that early is not traced; Chromium's padding,
 * which resends recent packets over RTX, is the likely source.
 */
function withoutRtx(capabilities: types.RtpCapabilities): types.RtpCapabilities {
  const codecs = capabilities.codecs?.filter((codec) => codec.mimeType.toLowerCase() !== 'video/rtx');
  return { ...capabilities, codecs };
}

export interface MediaSessionHooks {
  onTrack(track: RemoteTrack): void;
  onTrackEnded(track: { consumerId: string; peerId: string; kind: types.MediaKind; source: TrackSource }): void;
  onTransportState(direction: 'send' | 'recv', state: RTCPeerConnectionState): void;
  onError(error: Error): void;
}

interface TransportAnswer {
  transportId: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

/**
 * The media of one client on one SFU node: a mediasoup-client Device, a send
 * and a receive transport, and their producers and consumers. A migrating
 * client keeps two sessions until the new one carries media.
 */
export class MediaSession {
  device = new Device();
  private routerRtpCapabilities?: types.RtpCapabilities;
  readonly producers = new Map<TrackSource, types.Producer>();
  readonly consumers = new Map<string, { consumer: types.Consumer; peerId: string; source: TrackSource }>();
  /**
   * Settles once the receive transport exists. A newConsumer sent through
   * another signaling node can arrive before the createTransport response.
   */
  readonly recvReady: Promise<void>;
  private markRecvReady!: () => void;
  private sendTransport?: types.Transport;
  private recvTransport?: types.Transport;
  private closed = false;
  private readonly stalls = new StallDetector();
  private stallTimer?: ReturnType<typeof setInterval>;
  private checkingStalls = false;

  constructor(
    readonly nodeId: string,
    private readonly signaling: SignalingChannel,
    private readonly iceServers: RTCIceServer[],
    private readonly hooks: MediaSessionHooks,
    private readonly iceTransportPolicy: RTCIceTransportPolicy = 'all',
  ) {
    this.recvReady = new Promise((resolve) => (this.markRecvReady = resolve));
  }

  /**
   * Loads the device for the router's capabilities, or takes the previous
   * session's device when it was loaded with the same capabilities, as
   * routers made from one codec list have. Loading probes the browser with a
   * throwaway RTCPeerConnection, which costs time in a rebuild.
   */
  async load(routerRtpCapabilities: types.RtpCapabilities, previous?: MediaSession): Promise<void> {
    this.routerRtpCapabilities = routerRtpCapabilities;
    if (previous?.device.loaded && JSON.stringify(previous.routerRtpCapabilities) === JSON.stringify(routerRtpCapabilities)) {
      this.device = previous.device;
      return;
    }

    await this.device.load({ routerRtpCapabilities: withoutRtx(routerRtpCapabilities) });
  }

  /** Opens the receive transport; the server then sends a newConsumer for every producer in the room. */
  async openReceive(): Promise<void> {
    const answer = await this.signaling.request<TransportAnswer>('createTransport', {
      direction: 'recv',
      rtpCapabilities: this.device.rtpCapabilities,
    });

    this.recvTransport = this.device.createRecvTransport({ ...this.transportOptions(answer) });
    this.wireTransport(this.recvTransport, 'recv');
    this.markRecvReady();
  }

  async publish(source: TrackSource, track: MediaStreamTrack, simulcast = false): Promise<types.Producer> {
    const transport = this.sendTransport ?? (await this.openSend());

    const producer = await transport.produce({
      track,
      encodings: simulcast ? SIMULCAST_ENCODINGS : undefined,
      codecOptions: track.kind === 'video' ? { videoGoogleStartBitrate: 1000 } : undefined,
      appData: { source },
      // The caller owns the track: a rebuild after reconnectMedia publishes it again.
      stopTracks: false,
    });

    this.producers.set(source, producer);
    return producer;
  }

  async unpublish(source: TrackSource): Promise<void> {
    const producer = this.producers.get(source);
    if (!producer) return;

    this.producers.delete(source);
    producer.close();
    await this.signaling.request('closeProducer', { producerId: producer.id });
  }

  async setPaused(source: TrackSource, paused: boolean): Promise<void> {
    const producer = this.producers.get(source);
    if (!producer) return;

    if (paused) producer.pause();
    else producer.resume();
    await this.signaling.request(paused ? 'pauseProducer' : 'resumeProducer', { producerId: producer.id });
  }

  /** Consumes a server-made consumer and resumes it once the track exists. */
  async consume(notice: NewConsumerNotice): Promise<void> {
    if (!this.recvTransport || this.closed) return;

    const consumer = await this.recvTransport.consume({
      id: notice.consumerId,
      producerId: notice.producerId,
      kind: notice.kind,
      rtpParameters: notice.rtpParameters,
    });
    const source = notice.source ?? (notice.kind === 'audio' ? 'microphone' : 'camera');
    this.consumers.set(consumer.id, { consumer, peerId: notice.peerId, source });
    consumer.on('trackended', () => this.closeConsumer(consumer.id));
    if (consumer.kind === 'video') this.watchStalls();

    this.hooks.onTrack({ consumerId: consumer.id, producerId: notice.producerId, peerId: notice.peerId, kind: notice.kind, source, track: consumer.track });
    try {
      await this.signaling.request('resumeConsumer', { consumerId: consumer.id });
    } catch (error) {
      // A consumer the server cannot resume (closed meanwhile) never carries media.
      this.closeConsumer(consumer.id);
      throw error;
    }
  }

  closeConsumer(consumerId: string): void {
    const entry = this.consumers.get(consumerId);
    if (!entry) return;

    this.consumers.delete(consumerId);
    this.stalls.forget(consumerId);
    entry.consumer.close();
    this.hooks.onTrackEnded({ consumerId, peerId: entry.peerId, kind: entry.consumer.kind, source: entry.source });
  }

  /** Closes every consumer of a closed producer, in case a consumerClosed notification did not arrive. */
  closeConsumersOf(producerId: string): void {
    for (const [consumerId, { consumer }] of this.consumers) {
      if (consumer.producerId === producerId) this.closeConsumer(consumerId);
    }
  }

  /** Closes both transports and every producer and consumer; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;

    clearInterval(this.stallTimer);
    for (const consumerId of [...this.consumers.keys()]) this.closeConsumer(consumerId);
    this.producers.clear();
    this.sendTransport?.close();
    this.recvTransport?.close();
  }

  get transports(): types.Transport[] {
    return [this.sendTransport, this.recvTransport].filter((transport): transport is types.Transport => transport !== undefined);
  }

  /** Starts reading the decode counters of received videos, once; a stalled one gets a keyframe request. */
  private watchStalls(): void {
    if (this.stallTimer !== undefined) return;

    this.stallTimer = setInterval(() => {
      if (this.checkingStalls) return;
      this.checkingStalls = true;
      void this.checkStalls().finally(() => (this.checkingStalls = false));
    }, STALL_POLL_MS);
  }

  private async checkStalls(): Promise<void> {
    for (const [consumerId, { consumer }] of this.consumers) {
      if (consumer.kind !== 'video' || consumer.paused || consumer.closed) continue;

      const reading = decodeReading(await consumer.getStats(), Date.now());
      if (reading === undefined) continue;

      // A refusal (too soon after the last request, or the consumer closed meanwhile) leaves nothing to do.
      this.actOnStall(consumer, this.stalls.observe(consumerId, reading)).catch(() => undefined);
    }
  }

  private async actOnStall(consumer: types.Consumer, action: StallAction): Promise<void> {
    const layers = spatialLayers(consumer.rtpParameters.encodings?.[0]?.scalabilityMode);

    if (action === 'keyframe') await this.requestKeyFrame(consumer.id);
    if (action === 'lowerLayers' && layers > 1) await this.signaling.request('setPreferredLayers', { consumerId: consumer.id, spatialLayer: 0 });
    if (action === 'restoreLayers' && layers > 1) await this.signaling.request('setPreferredLayers', { consumerId: consumer.id, spatialLayer: layers - 1 });
  }

  /** Asks the SFU for a keyframe of a received video, which it passes on to the sender. */
  async requestKeyFrame(consumerId: string): Promise<void> {
    await this.signaling.request('requestKeyFrame', { consumerId });
  }

  private async openSend(): Promise<types.Transport> {
    const answer = await this.signaling.request<TransportAnswer>('createTransport', { direction: 'send' });

    const transport = this.device.createSendTransport(this.transportOptions(answer));
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      this.signaling
        .request<{ producerId: string }>('produce', { transportId: transport.id, kind, rtpParameters, source: appData.source, appData })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
    this.wireTransport(transport, 'send');
    this.sendTransport = transport;
    return transport;
  }

  private transportOptions(answer: TransportAnswer): types.TransportOptions {
    return {
      id: answer.transportId,
      iceParameters: answer.iceParameters,
      iceCandidates: answer.iceCandidates,
      dtlsParameters: answer.dtlsParameters,
      iceServers: this.iceServers,
      iceTransportPolicy: this.iceTransportPolicy,
    };
  }

  private wireTransport(transport: types.Transport, direction: 'send' | 'recv'): void {
    let restarts = 0;

    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signaling.request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    transport.on('connectionstatechange', (state) => {
      this.hooks.onTransportState(direction, state);
      if (state !== 'failed' || this.closed || restarts >= MAX_ICE_RESTARTS) return;

      restarts++;
      this.restartIce(transport).catch((error: Error) => this.hooks.onError(error));
    });
  }

  private async restartIce(transport: types.Transport): Promise<void> {
    const { iceParameters } = await this.signaling.request<{ iceParameters: types.IceParameters }>('restartIce', {
      transportId: transport.id,
    });
    await transport.restartIce({ iceParameters });
  }
}
