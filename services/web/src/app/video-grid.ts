import type { ConnectionQuality, RemoteTrack } from '@sfu-cluster/client';

import { element, videoOf } from './dom';
import { localize, type MessageKey } from './i18n';

const QUALITY_KEYS: Record<ConnectionQuality, MessageKey> = {
  good: 'qualityGood',
  fair: 'qualityFair',
  poor: 'qualityPoor',
  unknown: 'qualityUnknown',
};

interface Tile {
  root: HTMLElement;
  media: HTMLElement;
  badge: HTMLElement;
}

/**
 * The grid of participants: one tile per peer with its name, its videos,
 * its audio and a connection-quality badge. The local tile has the id "local".
 */
export class VideoGrid {
  private readonly tiles = new Map<string, Tile>();
  /** Media element of each consumer, so a closed consumer's element goes away. */
  private readonly elements = new Map<string, HTMLMediaElement>();

  constructor(private readonly root: HTMLElement) {}

  addPeer(peerId: string, nameKey: MessageKey, name: string): void {
    if (this.tiles.has(peerId)) return;

    const media = element('div', 'tile-media');
    const badge = localize(element('span', 'badge badge-unknown'), 'qualityUnknown');
    const label = localize(element('span', 'tile-name'), nameKey, { name });
    const root = element('figure', 'tile', [media, element('figcaption', '', [label, badge])]);
    root.dataset.peerId = peerId;

    this.root.append(root);
    this.tiles.set(peerId, { root, media, badge });
  }

  removePeer(peerId: string): void {
    this.tiles.get(peerId)?.root.remove();
    this.tiles.delete(peerId);
  }

  /** Shows the local camera preview, mirrored, in the local tile. */
  showLocalVideo(track: MediaStreamTrack | undefined): void {
    const tile = this.tiles.get('local');
    if (!tile) return;

    tile.media.querySelector('video')?.remove();
    if (track) tile.media.prepend(videoOf(track, true));
  }

  attachTrack(remote: RemoteTrack): void {
    const tile = this.tiles.get(remote.peerId);
    if (!tile) return;

    let media: HTMLMediaElement;
    if (remote.kind === 'video') {
      media = videoOf(remote.track);
    } else {
      media = element('audio');
      media.autoplay = true;
      media.srcObject = new MediaStream([remote.track]);
    }
    media.dataset.consumerId = remote.consumerId;
    tile.media.append(media);
    this.elements.set(remote.consumerId, media);
  }

  detachTrack(consumerId: string): void {
    this.elements.get(consumerId)?.remove();
    this.elements.delete(consumerId);
  }

  setActiveSpeaker(peerId: string | undefined): void {
    for (const [id, tile] of this.tiles) tile.root.classList.toggle('speaking', id === peerId);
  }

  setQuality(peerId: string, quality: ConnectionQuality): void {
    const tile = this.tiles.get(peerId);
    if (!tile) return;

    tile.badge.className = `badge badge-${quality}`;
    localize(tile.badge, QUALITY_KEYS[quality]);
  }

  clear(): void {
    for (const peerId of [...this.tiles.keys()]) this.removePeer(peerId);
    this.elements.clear();
  }
}
