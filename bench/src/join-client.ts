import type { types } from 'msc-node';

import { NodeWebRtcPeer, SignalingTestClient, waitFor, type ReceivedStream, type WebRtcTransportParams } from '@sfu-cluster/testkit';

/** Step times of one join, in ms from sending join. */
export interface JoinTiming {
  /** The join acknowledgement arrived. */
  joinedMs: number;
  /** The receive transport exists on both sides. */
  transportMs: number;
  /** The first newConsumer notification arrived. */
  consumerMs: number;
  /** The server acknowledged connectTransport, which carries the client's DTLS parameters. */
  connectedMs: number;
  /** The server acknowledged the first resumeConsumer. */
  resumedMs: number;
  /** The first RTP packet of a remote producer was decrypted by the client. */
  firstRtpMs: number;
}

interface NewConsumer {
  consumerId: string;
  producerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
}

/**
 * Joins a room as a subscriber with a WebRTC client in Node, times the
 * steps until the first RTP of a remote producer arrives, then leaves.
 * The steps are those of the client SDK: join, load the device with the
 * router's capabilities, create the receive transport, consume and resume
 * what the server offers. Rejects after timeoutMs.
 */
export async function timeJoin(url: string, token: string, timeoutMs: number): Promise<JoinTiming> {
  const signaling = await SignalingTestClient.connect(url, token);
  const peer = new NodeWebRtcPeer();
  const streams: ReceivedStream[] = [];
  const marks: { consumerAt?: number; connectedAt?: number; resumedAt?: number } = {};
  let transportReady!: () => void;
  const transportCreated = new Promise<void>((resolve) => (transportReady = resolve));

  // The first newConsumer follows the createTransport acknowledgement at once, so listen before join.
  signaling.socket.on('newConsumer', (data: NewConsumer) => {
    marks.consumerAt ??= Date.now();
    void transportCreated.then(() => accept(signaling, peer, data, streams, marks));
  });

  try {
    const startedAt = Date.now();
    const answer = await signaling.ok<{ routerRtpCapabilities: types.RtpCapabilities }>('join', {});
    const joinedAt = Date.now();

    await peer.load(answer.routerRtpCapabilities);
    const params = await signaling.ok<WebRtcTransportParams & { transportId: string }>('createTransport', {
      direction: 'recv',
      rtpCapabilities: peer.rtpCapabilities,
    });
    peer.createRecvTransport({ ...params, id: params.transportId }, async (dtlsParameters) => {
      await signaling.ok('connectTransport', { transportId: params.transportId, dtlsParameters });
      marks.connectedAt ??= Date.now();
    });
    const transportAt = Date.now();
    transportReady();

    const firstRtpAt = await waitFor(
      'the first RTP of a remote producer',
      () => {
        const times = streams.map((stream) => stream.rtp.firstPacketAt).filter((at): at is number => at !== undefined);
        return times.length > 0 ? Math.min(...times) : undefined;
      },
      timeoutMs,
      2,
    );

    return {
      joinedMs: joinedAt - startedAt,
      transportMs: transportAt - startedAt,
      consumerMs: (marks.consumerAt ?? firstRtpAt) - startedAt,
      connectedMs: (marks.connectedAt ?? firstRtpAt) - startedAt,
      resumedMs: (marks.resumedAt ?? firstRtpAt) - startedAt,
      firstRtpMs: firstRtpAt - startedAt,
    };
  } finally {
    await signaling.request('leave', {}, 2000).catch(() => undefined);
    peer.close();
    signaling.close();
  }
}

async function accept(
  signaling: SignalingTestClient,
  peer: NodeWebRtcPeer,
  data: NewConsumer,
  streams: ReceivedStream[],
  marks: { resumedAt?: number },
): Promise<void> {
  try {
    const stream = await peer.consume({ id: data.consumerId, producerId: data.producerId, kind: data.kind, rtpParameters: data.rtpParameters });
    streams.push(stream);
    await signaling.ok('resumeConsumer', { consumerId: data.consumerId });
    marks.resumedAt ??= Date.now();
  } catch {
    // A consumer offered while the client leaves fails to open. The join's own timeout reports a join that got no consumer.
  }
}
