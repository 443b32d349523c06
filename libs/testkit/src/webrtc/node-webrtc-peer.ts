import { Device, type types } from 'msc-node';

import { createPeerCodecs } from './codecs';
import { RtpCounter } from './rtp-counter';
import { SyntheticTrack } from './synthetic-track';

/** Parameters of a server-side WebRtcTransport, as the SFU returns them. */
export interface WebRtcTransportParams {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

/** Sends the client's DTLS parameters to the server-side transport and resolves once the server has connected it. */
export type ConnectHandler = (dtlsParameters: types.DtlsParameters) => Promise<void>;

/** Creates the server-side producer and resolves with its id. */
export type ProduceHandler = (request: { kind: types.MediaKind; rtpParameters: types.RtpParameters }) => Promise<string>;

/** Parameters of a server-side consumer, as the SFU returns them. */
export interface ConsumerParams {
  id: string;
  producerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
}

export interface SyntheticPublication {
  producerId: string;
  source: SyntheticTrack;
}

export interface ReceivedStream {
  consumerId: string;
  kind: types.MediaKind;
  rtp: RtpCounter;
}

/**
 * ICE settings that gather one host candidate, on 127.0.0.1. By default
 * werift 0.18 gathers on every non-loopback interface, but the SFU of a
 * local cluster announces 127.0.0.1 only.
 */
const LOOPBACK_ICE = {
  iceUseIpv4: false,
  iceUseIpv6: false,
  iceAdditionalHostAddresses: ['127.0.0.1'],
  iceInterfaceAddresses: { udp4: '127.0.0.1' },
};

/**
 * A WebRTC client in Node (msc-node on werift) that speaks ICE, DTLS and
 * SRTP to a mediasoup router. The caller does the signaling, so each call
 * takes what the server returned and callbacks that forward requests to it.
 */
export class NodeWebRtcPeer {
  readonly device = new Device({ codecs: createPeerCodecs() }, { handlerName: 'werift' });
  private sendTransport?: types.Transport;
  private recvTransport?: types.Transport;
  private readonly sources: SyntheticTrack[] = [];
  private readonly counters: RtpCounter[] = [];
  private closed = false;

  /** RTP capabilities to send with a consume request, valid once load() has resolved. */
  get rtpCapabilities(): types.RtpCapabilities {
    return this.device.rtpCapabilities;
  }

  async load(routerRtpCapabilities: types.RtpCapabilities): Promise<void> {
    await this.device.load({ routerRtpCapabilities });
  }

  createSendTransport(params: WebRtcTransportParams, onConnect: ConnectHandler, onProduce: ProduceHandler): types.Transport {
    this.assertOpen('createSendTransport');
    if (this.sendTransport !== undefined) {
      throw new Error(`send transport ${this.sendTransport.id} already exists. A NodeWebRtcPeer has one of each direction, so create a new peer for another.`);
    }
    const transport = this.device.createSendTransport({ ...params, additionalSettings: LOOPBACK_ICE });
    forwardConnect(transport, onConnect);

    transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      onProduce({ kind, rtpParameters }).then((id) => callback({ id }), errback);
    });

    this.sendTransport = transport;
    return transport;
  }

  createRecvTransport(params: WebRtcTransportParams, onConnect: ConnectHandler): types.Transport {
    this.assertOpen('createRecvTransport');
    if (this.recvTransport !== undefined) {
      throw new Error(`receive transport ${this.recvTransport.id} already exists. A NodeWebRtcPeer has one of each direction, so create a new peer for another.`);
    }
    const transport = this.device.createRecvTransport({ ...params, additionalSettings: LOOPBACK_ICE });
    forwardConnect(transport, onConnect);

    this.recvTransport = transport;
    return transport;
  }

  /** Produces a track fed with synthetic Opus (audio) or VP8 (video) RTP on the send transport. */
  async publishSynthetic(kind: types.MediaKind): Promise<SyntheticPublication> {
    this.assertOpen('publishSynthetic');
    if (this.sendTransport === undefined) {
      throw new Error('publishSynthetic() needs a send transport: call createSendTransport() first');
    }

    const source = new SyntheticTrack(kind);
    this.sources.push(source);
    const producer = await this.sendTransport.produce({ track: source.track });
    producer.rtpSender?.onPictureLossIndication.subscribe(() => {
      source.keyFrameRequests += 1;
    });

    source.start();
    return { producerId: producer.id, source };
  }

  /** Receives a server-side consumer on the receive transport and counts its RTP. */
  async consume(params: ConsumerParams): Promise<ReceivedStream> {
    this.assertOpen('consume');
    if (this.recvTransport === undefined) {
      throw new Error('consume() needs a receive transport: call createRecvTransport() first');
    }

    const consumer = await this.recvTransport.consume(params);
    const rtp = new RtpCounter(consumer.track);
    this.counters.push(rtp);
    return { consumerId: consumer.id, kind: params.kind, rtp };
  }

  /** Stops every synthetic source and closes both transports, which closes their producers and consumers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;

    for (const source of this.sources) source.stop();
    for (const counter of this.counters) counter.stop();
    this.sendTransport?.close();
    this.recvTransport?.close();
  }

  private assertOpen(method: string): void {
    if (this.closed) throw new Error(`cannot call ${method}() on a closed NodeWebRtcPeer. Create a new peer.`);
  }
}

/** Forwards the transport's connect event, which fires on its first produce or consume, to the server. */
function forwardConnect(transport: types.Transport, onConnect: ConnectHandler): void {
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    onConnect(dtlsParameters).then(callback, errback);
  });
}
