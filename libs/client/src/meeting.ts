import type { types } from 'mediasoup-client';

import { ClosedIds } from './closed-ids';
import { TypedEmitter } from './emitter';
import { InvalidStateError, RequestError } from './errors';
import { captureTrack, type CaptureOptions } from './local-media';
import { MediaSession } from './media-session';
import { SignalingChannel } from './signaling';
import { StatsSampler, type StatsSource, type TrackStats } from './stats';
import type {
  ConnectionState,
  JoinAnswer,
  NewConsumerNotice,
  PeerInfo,
  ReconnectMediaNotice,
  RemoteTrack,
  ResumeAnswer,
  TrackSource,
} from './types';

export interface MeetingEvents {
  [name: string]: unknown[];
  peerJoined: [PeerInfo];
  /** `peer` is what the client knew of the peer: its name for a leave notice. */
  peerLeft: [{ peerId: string; reason?: string; peer?: PeerInfo }];
  trackAdded: [RemoteTrack];
  trackRemoved: [{ consumerId: string; peerId: string; kind: types.MediaKind; source: TrackSource }];
  activeSpeaker: [{ peerId?: string }];
  connectionState: [ConnectionState];
  /** Media was rebuilt on another node after reconnectMedia. */
  mediaReconnected: [{ reason: string; nodeId: string; migrated: boolean }];
  transportState: [{ direction: 'send' | 'recv'; state: RTCPeerConnectionState }];
  roomClosed: [{ reason?: string }];
  error: [Error];
}

export interface PublishCameraOptions extends CaptureOptions {
  /** Send three spatial layers, so the SFU can forward a smaller one to weak receivers. */
  simulcast?: boolean;
}

export interface MeetingOptions {
  /** 'relay' sends all media through the TURN servers signaling hands out, such as to test TURN or to hide this host's addresses. */
  iceTransportPolicy?: RTCIceTransportPolicy;
}

/** Maximum time a migrating client waits for media on its new node before it drops the old. */
const MIGRATION_WAIT_MS = 3000;

/**
 * One participant of a meeting: signaling, media and the room's peers. It
 * subscribes to every track the server offers, resumes its session after a
 * signaling drop, rebuilds media on a reconnectMedia notification, and restarts
 * ICE when a transport fails.
 * NOTE: npm run e2e covers join, leave, migration and the rebuild after a
 * lost node in Chromium. Resume, rejoin and ICE restart have not run in a
 * browser under a check yet.
 */
export class Meeting extends TypedEmitter<MeetingEvents> {
  readonly peers = new Map<string, PeerInfo>();
  private session?: MediaSession;
  private joined?: JoinAnswer;
  private displayName?: string;
  private readonly localTracks = new Map<TrackSource, { track: MediaStreamTrack; simulcast: boolean }>();
  private readonly sampler = new StatsSampler();
  private readonly closed = new ClosedIds();
  private left = false;

  private constructor(
    private readonly signaling: SignalingChannel,
    private readonly options: MeetingOptions,
  ) {
    super();
  }

  /** Connects to a signaling node; rejects with RequestError when the token is refused. */
  static async connect(url: string, token: string, options: MeetingOptions = {}): Promise<Meeting> {
    const signaling = new SignalingChannel(url, token);
    const meeting = new Meeting(signaling, options);
    meeting.emit('connectionState', 'connecting');

    await signaling.opened();
    meeting.listen();
    return meeting;
  }

  get peerId(): string | undefined {
    return this.joined?.peerId;
  }

  /** The SFU node this client's media is on now. */
  get nodeId(): string | undefined {
    return this.session?.nodeId;
  }

  get roomId(): string | undefined {
    return this.joined?.roomId;
  }

  /** Joins the token's room and opens the receive transport; remote tracks then arrive as trackAdded. */
  async join(options: { displayName?: string } = {}): Promise<JoinAnswer> {
    if (this.joined) throw new InvalidStateError('already joined; leave first');
    this.displayName = options.displayName;

    const answer = await this.signaling.request<JoinAnswer>('join', { displayName: options.displayName });
    this.joined = answer;
    this.peers.clear();
    for (const peer of answer.peers) this.peers.set(peer.peerId, peer);

    await this.startSession(answer);
    this.emit('connectionState', 'connected');
    return answer;
  }

  async publishMicrophone(options: CaptureOptions = {}): Promise<MediaStreamTrack> {
    return this.publish('microphone', await captureTrack('microphone', options), false);
  }

  async publishCamera(options: PublishCameraOptions = {}): Promise<MediaStreamTrack> {
    return this.publish('camera', await captureTrack('camera', options), options.simulcast ?? false);
  }

  /** Shares the screen; stopping it from the browser's own control unpublishes it. */
  async publishScreen(): Promise<MediaStreamTrack> {
    const track = await captureTrack('screen');
    track.addEventListener('ended', () => void this.unpublish('screen').catch((error: Error) => this.emit('error', error)));
    return this.publish('screen', track, false);
  }

  /**
   * Sends a track for a source. When the source is already published, its
   * producer switches to the new track (a device change) without a new producer.
   */
  async publish(source: TrackSource, track: MediaStreamTrack, simulcast: boolean): Promise<MediaStreamTrack> {
    const session = this.requireSession();
    const previous = this.localTracks.get(source);
    this.localTracks.set(source, { track, simulcast });

    const producer = session.producers.get(source);
    if (producer) await producer.replaceTrack({ track });
    else await session.publish(source, track, simulcast);

    if (previous && previous.track !== track) previous.track.stop();
    return track;
  }

  async unpublish(source: TrackSource): Promise<void> {
    const local = this.localTracks.get(source);
    this.localTracks.delete(source);
    local?.track.stop();
    await this.session?.unpublish(source);
  }

  /** Pauses or resumes a published source: a muted microphone or a camera turned off. */
  async setMuted(source: TrackSource, muted: boolean): Promise<void> {
    const local = this.localTracks.get(source);
    if (local) local.track.enabled = !muted;
    await this.session?.setPaused(source, muted);
  }

  localTrack(source: TrackSource): MediaStreamTrack | undefined {
    return this.localTracks.get(source)?.track;
  }

  /** Summaries of every received and sent track: bitrate, loss, jitter and round trip. */
  async stats(): Promise<TrackStats[]> {
    const session = this.session;
    if (!session) return [];

    const sources: StatsSource[] = [];
    for (const { consumer, peerId, source } of session.consumers.values()) {
      sources.push({ id: consumer.id, direction: 'inbound', kind: consumer.kind, source, peerId, getStats: () => consumer.getStats() });
    }
    for (const [source, producer] of session.producers) {
      sources.push({ id: producer.id, direction: 'outbound', kind: producer.kind, source, getStats: () => producer.getStats() });
    }
    return this.sampler.sample(sources);
  }

  /** Leaves the room and closes media and the socket; idempotent. */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;

    try {
      if (this.joined && this.signaling.socket.connected) await this.signaling.request('leave');
    } finally {
      this.session?.close();
      for (const { track } of this.localTracks.values()) track.stop();
      this.localTracks.clear();
      this.signaling.close();
      this.emit('connectionState', 'disconnected');
    }
  }

  private requireSession(): MediaSession {
    if (!this.session) throw new InvalidStateError('not joined; call join() first');
    return this.session;
  }

  /** Makes a media session on the answer's node and makes it current before any newConsumer is handled. */
  private async startSession(answer: Pick<JoinAnswer, 'nodeId' | 'routerRtpCapabilities' | 'iceServers'>): Promise<MediaSession> {
    const session = new MediaSession(answer.nodeId, this.signaling, answer.iceServers ?? [], {
      onTrack: (track) => this.emit('trackAdded', track),
      onTrackEnded: (track) => this.emit('trackRemoved', track),
      onTransportState: (direction, state) => this.emit('transportState', { direction, state }),
      onError: (error) => this.emit('error', error),
    }, this.options.iceTransportPolicy);
    const previous = this.session;
    this.session = session;

    await session.load(answer.routerRtpCapabilities, previous);
    // The two transports are independent, so a rebuild after reconnectMedia opens both at once.
    await Promise.all([session.openReceive(), this.republish(session)]);
    return session;
  }

  /**
   * Publishes every local track again on a new session, one after another
   * on its send transport. Video goes first: a viewer's tile stays dark
   * until the first keyframe, while audio plays from its first packet.
   */
  private async republish(session: MediaSession): Promise<void> {
    const tracks = [...this.localTracks].sort(([, a], [, b]) => Number(a.track.kind === 'audio') - Number(b.track.kind === 'audio'));
    for (const [source, { track, simulcast }] of tracks) await session.publish(source, track, simulcast);
  }

  private listen(): void {
    const socket = this.signaling.socket;

    socket.on('connect', () => void this.resume().catch((error: Error) => this.emit('error', error)));
    socket.on('disconnect', () => {
      if (!this.left) this.emit('connectionState', 'reconnecting');
    });
    socket.on('peerJoined', (peer: PeerInfo) => {
      this.peers.set(peer.peerId, peer);
      this.emit('peerJoined', peer);
    });
    socket.on('peerLeft', (data: { peerId: string; reason?: string }) => {
      const peer = this.peers.get(data.peerId);
      this.peers.delete(data.peerId);
      this.emit('peerLeft', { ...data, peer });
    });
    socket.on('newConsumer', (notice: NewConsumerNotice) => void this.accept(notice).catch((error: Error) => this.emit('error', error)));
    socket.on('consumerClosed', ({ consumerId }: { consumerId: string }) => {
      this.closed.add(consumerId);
      this.session?.closeConsumer(consumerId);
    });
    socket.on('producerClosed', ({ producerId }: { producerId: string }) => {
      this.closed.add(producerId);
      this.session?.closeConsumersOf(producerId);
    });
    socket.on('activeSpeaker', (data: { peerId?: string }) => this.emit('activeSpeaker', { peerId: data.peerId }));
    socket.on('reconnectMedia', (notice: ReconnectMediaNotice) =>
      void this.reconnectMedia(notice).catch((error: Error) => this.emit('error', error)),
    );
    socket.on('roomClosed', (data: { reason?: string }) => {
      this.session?.close();
      this.emit('roomClosed', data);
    });
  }

  private async accept(notice: NewConsumerNotice): Promise<void> {
    const session = this.session;
    if (!session) return;

    await session.recvReady;
    if (notice.nodeId !== undefined && notice.nodeId !== session.nodeId) return;
    if (session !== this.session || this.isClosed(notice)) return;

    try {
      await session.consume(notice);
    } finally {
      // The close may have come while the consumer was being made.
      if (this.isClosed(notice)) session.closeConsumer(notice.consumerId);
    }
  }

  private isClosed(notice: NewConsumerNotice): boolean {
    return this.closed.has(notice.consumerId) || this.closed.has(notice.producerId);
  }

  /**
   * After socket.io reconnected (to this or any other signaling node): picks
   * the session up with its media untouched. When the session expired, joins
   * again and rebuilds media.
   */
  private async resume(): Promise<void> {
    if (!this.joined || this.left) return;

    try {
      const answer = await this.signaling.request<ResumeAnswer>('resume', { sessionId: this.joined.sessionId });
      this.syncPeers(answer.peers);
      this.emit('connectionState', 'connected');
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      await this.rejoin();
    }
  }

  private async rejoin(): Promise<void> {
    this.session?.close();
    this.joined = undefined;
    try {
      await this.join({ displayName: this.displayName });
    } catch (error) {
      this.emit('connectionState', 'failed');
      throw error;
    }
  }

  private syncPeers(peers: PeerInfo[]): void {
    const present = new Set(peers.map((peer) => peer.peerId));
    for (const peerId of [...this.peers.keys()]) {
      if (present.has(peerId)) continue;
      const peer = this.peers.get(peerId);
      this.peers.delete(peerId);
      this.emit('peerLeft', { peerId, reason: 'left while disconnected', peer });
    }
    for (const peer of peers) {
      if (this.peers.has(peer.peerId)) continue;
      this.peers.set(peer.peerId, peer);
      this.emit('peerJoined', peer);
    }
  }

  /**
   * Rebuilds media on the node the server placed this client on. With
   * migrate, the old media keeps flowing until the new carries a received
   * packet (or MIGRATION_WAIT_MS passed), then completeMigration closes it.
   */
  private async reconnectMedia(notice: ReconnectMediaNotice): Promise<void> {
    if (this.left || !this.joined) return;
    if (notice.error || !notice.nodeId || !notice.routerRtpCapabilities) {
      await this.rejoin();
      return;
    }

    this.emit('connectionState', 'reconnecting');
    const old = this.session;
    if (!notice.migrate) old?.close();

    const fresh = await this.startSession({
      nodeId: notice.nodeId,
      routerRtpCapabilities: notice.routerRtpCapabilities,
      iceServers: notice.iceServers ?? this.joined.iceServers,
    });
    if (notice.peers) this.syncPeers(notice.peers);

    if (notice.migrate) {
      await this.waitForMedia(fresh);
      await this.signaling.request('completeMigration');
      old?.close();
    }
    this.emit('connectionState', 'connected');
    this.emit('mediaReconnected', { reason: notice.reason, nodeId: notice.nodeId, migrated: notice.migrate === true });
  }

  /** Bounded wait until a consumer of the session received bytes; returns at once when there is nothing to receive. */
  private async waitForMedia(session: MediaSession): Promise<void> {
    const deadline = Date.now() + MIGRATION_WAIT_MS;

    while (Date.now() < deadline && this.peers.size > 0) {
      for (const { consumer } of session.consumers.values()) {
        let received = 0;
        (await consumer.getStats()).forEach((entry: { type: string; bytesReceived?: number }) => {
          if (entry.type === 'inbound-rtp') received += entry.bytesReceived ?? 0;
        });
        if (received > 0) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
