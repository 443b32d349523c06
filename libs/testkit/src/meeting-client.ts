import type { types } from 'msc-node';

import { SignalingTestClient } from './signaling-client';
import { NodeWebRtcPeer, type ReceivedStream, type SyntheticTrack, type WebRtcTransportParams } from './webrtc';

interface JoinAnswer {
  peerId: string;
  sessionId: string;
  nodeId: string;
  routerRtpCapabilities: types.RtpCapabilities;
  peers: { peerId: string; identity: string }[];
  producers: { producerId: string; peerId: string; kind: string; source?: string }[];
}

interface NewConsumer {
  consumerId: string;
  /** The node the consumer is on; one for the old media of a migrating client is ignored. */
  nodeId?: string;
  producerId: string;
  peerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  /** The producer's source: 'microphone', 'camera' or 'screen'. */
  source?: string;
}

export interface MeetingJoinOptions {
  displayName?: string;
  /** Kinds to publish once joined. */
  publish?: types.MediaKind[];
  /** Open a receive transport and take every consumer the server makes. */
  subscribe?: boolean;
}

/** Maximum time a migrating client waits for media on its new node before it drops the old. */
const MIGRATION_WAIT_MS = 3000;

/**
 * A meeting participant in Node for tests: the signaling protocol over
 * socket.io and real WebRTC media through msc-node. It consumes what the
 * server offers and counts the RTP that arrives per remote producer.
 */
export class MeetingTestClient {
  /**
   * Received streams by consumer id: while a client migrates, an old and a
   * new consumer of one producer both count.
   */
  readonly received = new Map<string, ReceivedStream & { peerId: string; producerId: string; source?: string }>();
  readonly publishedProducerIds: string[] = [];
  private readonly tracks = new Map<string, SyntheticTrack>();
  readonly errors: Error[] = [];
  /** Times at which the server asked this client to rebuild its media. */
  readonly reconnects: { at: number; reason: string; nodeId?: string }[] = [];
  private readonly published: { kind: types.MediaKind; source?: string }[] = [];
  /** The source of the publish in progress, sent with its produce request. */
  private publishingSource?: string;
  private subscribes = true;
  /**
   * Promise that settles once the current receive transport exists. A
   * newConsumer sent by another signaling node can overtake the response
   * that creates it, so consumers wait on this.
   */
  private recvReady: Promise<void> = Promise.resolve();

  private constructor(
    public signaling: SignalingTestClient,
    public peer: NodeWebRtcPeer,
    readonly answer: JoinAnswer,
    private readonly token: string,
  ) {}

  static async join(url: string, token: string, options: MeetingJoinOptions = {}): Promise<MeetingTestClient> {
    const signaling = await SignalingTestClient.connect(url, token);
    const answer = await signaling.ok<JoinAnswer>('join', { displayName: options.displayName });
    const peer = new NodeWebRtcPeer();
    await peer.load(answer.routerRtpCapabilities);

    const client = new MeetingTestClient(signaling, peer, answer, token);
    client.subscribes = options.subscribe !== false;
    client.listen();
    if (client.subscribes) await client.openReceive();
    for (const kind of options.publish ?? []) await client.publish(kind);
    return client;
  }

  get peerId(): string {
    return this.answer.peerId;
  }

  /** Publishes a synthetic track; source ('microphone', 'camera' or 'screen') is left to the server's default when omitted. */
  async publish(kind: types.MediaKind, source?: string): Promise<string> {
    if (!this.sendOpened) await this.openSend();
    this.publishingSource = source;
    const { producerId, source: track } = await this.peer.publishSynthetic(kind);
    this.publishedProducerIds.push(producerId);
    this.tracks.set(producerId, track);
    this.published.push({ kind, source });
    return producerId;
  }

  /** Keyframe requests (RTCP PLI) the SFU sent for one of this client's producers. */
  keyFrameRequests(producerId: string): number {
    return this.tracks.get(producerId)?.keyFrameRequests ?? 0;
  }

  /** The node the client's media is on now. */
  get nodeId(): string {
    return this.reconnects.at(-1)?.nodeId ?? this.answer.nodeId;
  }

  /** RTP packets received so far from one remote peer, all kinds together. */
  packetsFrom(peerId: string): number {
    let total = 0;
    for (const stream of this.received.values()) if (stream.peerId === peerId) total += stream.rtp.packets;
    return total;
  }

  /** Moves the signaling connection to another node and resumes the session; media is not touched. */
  async resumeOn(url: string): Promise<void> {
    this.signaling.close();
    this.signaling = await SignalingTestClient.connect(url, this.token);
    await this.signaling.ok('resume', { sessionId: this.answer.sessionId });
    this.listen();
  }

  close(): void {
    this.peer.close();
    this.signaling.close();
  }

  private sendOpened = false;

  private async openSend(): Promise<void> {
    const params = await this.signaling.ok<WebRtcTransportParams & { transportId: string }>('createTransport', { direction: 'send' });
    this.peer.createSendTransport(
      { ...params, id: params.transportId },
      (dtlsParameters) => this.signaling.ok('connectTransport', { transportId: params.transportId, dtlsParameters }).then(() => undefined),
      async ({ kind, rtpParameters }) =>
        (await this.signaling.ok<{ producerId: string }>('produce', { transportId: params.transportId, kind, rtpParameters, source: this.publishingSource }))
          .producerId,
    );
    this.sendOpened = true;
  }

  private async openReceive(): Promise<void> {
    let ready!: () => void;
    this.recvReady = new Promise((resolve) => (ready = resolve));

    const params = await this.signaling.ok<WebRtcTransportParams & { transportId: string }>('createTransport', {
      direction: 'recv',
      rtpCapabilities: this.peer.rtpCapabilities,
    });
    this.peer.createRecvTransport({ ...params, id: params.transportId }, (dtlsParameters) =>
      this.signaling.ok('connectTransport', { transportId: params.transportId, dtlsParameters }).then(() => undefined),
    );
    ready();
  }

  private listen(): void {
    this.signaling.socket.on('newConsumer', (data: NewConsumer) => {
      void this.accept(data).catch((error: Error) => this.errors.push(error));
    });
    this.signaling.socket.on(
      'reconnectMedia',
      (data: { reason: string; nodeId?: string; migrate?: boolean; routerRtpCapabilities?: types.RtpCapabilities }) => {
        this.reconnects.push({ at: Date.now(), reason: data.reason, nodeId: data.nodeId });
        const rebuilt = data.migrate ? this.migrate(data.routerRtpCapabilities) : this.rebuild(data.routerRtpCapabilities);
        void rebuilt.catch((error: Error) => this.errors.push(error));
      },
    );
  }

  /**
   * Migrates make-before-break: builds media on the new node while the old
   * keeps flowing, waits until streams arrive there, then sends
   * completeMigration and drops the old media.
   */
  private async migrate(routerRtpCapabilities?: types.RtpCapabilities): Promise<void> {
    const old = this.peer;
    const oldStreams = new Set(this.received.keys());
    await this.buildSession(routerRtpCapabilities);

    // Bounded wait for media on the new node before the old goes.
    const deadline = Date.now() + MIGRATION_WAIT_MS;
    while (Date.now() < deadline) {
      const fresh = [...this.received.entries()].filter(([consumerId]) => !oldStreams.has(consumerId));
      if (!this.subscribes || fresh.some(([, stream]) => stream.rtp.packets > 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    await this.signaling.ok('completeMigration');
    old.close();
  }

  /** Rebuilds media on the node the server placed this client on, after the old one is gone. */
  private async rebuild(routerRtpCapabilities?: types.RtpCapabilities): Promise<void> {
    this.peer.close();
    await this.buildSession(routerRtpCapabilities);
  }

  /** Builds a new media session on the current node: new transports, the same tracks again. */
  private async buildSession(routerRtpCapabilities?: types.RtpCapabilities): Promise<void> {
    if (!routerRtpCapabilities) throw new Error('reconnectMedia came without router capabilities; join again');

    let ready!: () => void;
    this.recvReady = new Promise((resolve) => (ready = resolve));
    this.peer = new NodeWebRtcPeer();
    await this.peer.load(routerRtpCapabilities);
    this.sendOpened = false;

    if (this.subscribes) await this.openReceive();
    ready();
    const tracks = this.published.splice(0);
    for (const { kind, source } of tracks) await this.publish(kind, source);
  }

  private async accept(data: NewConsumer): Promise<void> {
    await this.recvReady;
    if (data.nodeId !== undefined && data.nodeId !== this.nodeId) return;
    const stream = await this.peer.consume({
      id: data.consumerId,
      producerId: data.producerId,
      kind: data.kind,
      rtpParameters: data.rtpParameters,
    });
    this.received.set(data.consumerId, { ...stream, peerId: data.peerId, producerId: data.producerId, source: data.source });
    await this.signaling.ok('resumeConsumer', { consumerId: data.consumerId });
  }
}
