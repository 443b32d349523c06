import { element } from '../dom';
import { t, type MessageKey } from '../i18n';
import { formatBitrate, formatPercent } from './format';
import type { RoomPlacement } from './types';

const columns: MessageKey[] = ['columnPeer', 'columnNode', 'columnWorker', 'columnBitrateIn', 'columnBitrateOut', 'columnPacketLoss', 'columnConsumers'];

/**
 * Builds the per-peer stats table: where each peer's media is, its bitrates
 * (what the SFU receives from it and sends to it) and the packet loss of
 * what it sends.
 */
export function peerTable(room: RoomPlacement): HTMLElement {
  const names = new Map(room.participants.map((participant) => [participant.peerId, participant.displayName || participant.identity]));
  const head = element('tr', '', columns.map((key) => element('th', '', [t(key)])));
  const body = element('tbody');

  for (const node of room.nodes) {
    for (const peer of node.peers) {
      const loss = peer.packetLoss === null || peer.packetLoss === undefined ? t('notMeasured') : formatPercent(peer.packetLoss);
      const row = element('tr', '', [
        element('td', '', [names.get(peer.peerId) ?? peer.identity ?? peer.peerId]),
        element('td', '', [node.nodeId]),
        element('td', 'number', [String(peer.workerIndex)]),
        element('td', 'number', [formatBitrate(peer.bitrateIn ?? 0)]),
        element('td', 'number', [formatBitrate(peer.bitrateOut ?? 0)]),
        element('td', 'number', [loss]),
        element('td', 'number', [String(peer.consumers)]),
      ]);
      row.dataset.peerId = peer.peerId;
      body.append(row);
    }
  }

  return element('table', 'peer-table', [element('caption', '', [t('peerStats')]), element('thead', '', [head]), body]);
}
