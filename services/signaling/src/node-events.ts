import { moduleLogger, type Logger } from '@sfu-cluster/logger';
import { notifications } from '@sfu-cluster/protocol';
import { whenReady, type Redis } from '@sfu-cluster/registry';
import { channels } from '@sfu-cluster/rpc';

import type { Notifier } from './notifier';

interface NodeEvent {
  type: string;
  nodeId: string;
  roomId?: string;
  peerId?: string;
  event?: string;
  data?: Record<string, unknown>;
  producerId?: string;
  peers?: { roomId: string; peerId: string }[];
}

/** Per-peer events of SFU nodes that clients receive under the same name. */
const RELAYED = new Set([
  notifications.consumerClosed,
  notifications.consumerPaused,
  notifications.consumerResumed,
  notifications.consumerLayersChanged,
  'transportFailed',
  'transportDisconnected',
]);

/**
 * Delivers SFU node events to the clients they concern. Every signaling
 * node subscribes and delivers to the sockets it holds, so each client gets
 * each event once, wherever it is connected.
 */
export class NodeEventRelay {
  private readonly logger: Logger;

  constructor(
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly notifier: Notifier,
    private readonly onMediaLost: (peers: { roomId: string; peerId: string }[], nodeId: string, reason: string) => void,
    private readonly onRoomClosed: (roomId: string, reason: string) => void,
    private readonly onRoomMove: (roomId: string, fromNodeId: string | undefined, reason: string) => void,
    logger: Logger,
  ) {
    this.logger = moduleLogger(logger, 'node-events');
  }

  async start(): Promise<void> {
    const channel = channels.nodeEvents(this.prefix);
    this.subscriber.on('message', (from: string, message: string) => {
      if (from === channel) this.onMessage(message);
    });
    await whenReady(this.subscriber);
    await this.subscriber.subscribe(channel);
  }

  private onMessage(message: string): void {
    let event: NodeEvent;
    try {
      event = JSON.parse(message) as NodeEvent;
    } catch {
      this.logger.warn('dropped a node event that is not JSON', { size: message.length });
      return;
    }

    this.logger.debug('node event', { type: event.type, fromNodeId: event.nodeId });
    if (event.type === 'peerNotification' && event.roomId && event.peerId && event.event && RELAYED.has(event.event)) {
      this.notifier.toLocalPeer(event.roomId, event.peerId, event.event, event.data ?? {});
    } else if (event.type === 'activeSpeaker' && event.roomId) {
      this.notifier.toLocalRoom(event.roomId, notifications.activeSpeaker, { peerId: event.peerId, producerId: event.producerId });
    } else if (event.type === 'workerLost') {
      this.onMediaLost(event.peers ?? [], event.nodeId, 'media worker lost');
    } else if (event.type === 'nodeLost') {
      this.onMediaLost(event.peers ?? [], event.nodeId, 'media node lost');
    } else if (event.type === 'roomMove' && event.roomId) {
      const move = event as { fromNodeId?: string; reason?: string };
      this.onRoomMove(event.roomId, move.fromNodeId, move.reason ?? 'room moved');
    } else if (event.type === notifications.roomClosed && event.roomId) {
      this.onRoomClosed(event.roomId, (event as { reason?: string }).reason ?? 'room closed');
    }
  }
}
