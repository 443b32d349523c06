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
 * A screen share gets a tile of its own, marked data-screen-of with the
 * sharing peer's id ("local" for this page's own share).
 */
export class VideoGrid {
  private readonly tiles = new Map<string, Tile>();
  /** Tiles of screen shares, by the sharing peer's id. */
  private readonly screenTiles = new Map<string, Tile>();
  /** Media element of each consumer, so a closed consumer's element goes away. */
  private readonly elements = new Map<string, HTMLMediaElement>();

  constructor(private readonly root: HTMLElement) {}

  addPeer(peerId: string, nameKey: MessageKey, name: string): void {
    if (this.tiles.has(peerId)) return;

    const tile = this.createTile(nameKey, name);
    tile.root.dataset.peerId = peerId;
    this.tiles.set(peerId, tile);
  }

  removePeer(peerId: string): void {
    this.tiles.get(peerId)?.root.remove();
    this.tiles.delete(peerId);
    this.removeScreen(peerId);
  }

  /** Shows a screen share in its own tile, after the sharing peer's tile; replaces the one shown before. */
  showScreen(peerId: string, name: string, track: MediaStreamTrack, consumerId?: string): void {
    this.removeScreen(peerId);

    const tile = this.createTile('screenOf', name);
    tile.root.classList.add('tile-screen');
    tile.root.dataset.screenOf = peerId;
    // Quality is rated per peer, on the peer's own tile.
    tile.badge.hidden = true;
    this.tiles.get(peerId)?.root.after(tile.root);
    const video = videoOf(track);
    if (consumerId !== undefined) {
      video.dataset.consumerId = consumerId;
      this.elements.set(consumerId, video);
    }
    tile.media.append(video);
    this.screenTiles.set(peerId, tile);
  }

  removeScreen(peerId: string): void {
    this.screenTiles.get(peerId)?.root.remove();
    this.screenTiles.delete(peerId);
  }

  /** Shows the local camera preview, mirrored, in the local tile. */
  showLocalVideo(track: MediaStreamTrack | undefined): void {
    const tile = this.tiles.get('local');
    if (!tile) return;

    tile.media.querySelector('video')?.remove();
    if (track) tile.media.prepend(videoOf(track, true));
  }

  /** Adds a received track to its peer's tile; a screen share goes to a tile of its own, labelled with name. */
  attachTrack(remote: RemoteTrack, name: string): void {
    const tile = this.tiles.get(remote.peerId);
    if (!tile) return;
    if (remote.source === 'screen' && remote.kind === 'video') {
      this.showScreen(remote.peerId, name, remote.track, remote.consumerId);
      return;
    }

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

    for (const [peerId, tile] of this.screenTiles) {
      if (tile.media.querySelector('video') === null) this.removeScreen(peerId);
    }
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
    for (const peerId of [...this.screenTiles.keys()]) this.removeScreen(peerId);
    this.elements.clear();
  }

  private createTile(nameKey: MessageKey, name: string): Tile {
    const media = element('div', 'tile-media');
    const badge = localize(element('span', 'badge badge-unknown'), 'qualityUnknown');
    const label = localize(element('span', 'tile-name'), nameKey, { name });
    const root = element('figure', 'tile', [media, element('figcaption', '', [label, badge])]);

    this.root.append(root);
    return { root, media, badge };
  }
}
