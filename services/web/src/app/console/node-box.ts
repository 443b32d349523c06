import { element } from '../dom';
import { t, type MessageKey } from '../i18n';
import { formatBitrate, formatPercent } from './format';
import type { NodeRecord, RoomSummary } from './types';

export type NodeState = 'active' | 'draining' | 'lost';

/** The content of a node box: the node's record (none for a lost node whose record expired) and the rooms on it. */
export interface NodeView {
  nodeId: string;
  state: NodeState;
  record?: NodeRecord;
  rooms: RoomSummary[];
}

const stateKeys: Record<NodeState, MessageKey> = { active: 'nodeActive', draining: 'nodeDraining', lost: 'nodeLost' };

/**
 * Creates one node's box: id and state badge, load bars, bitrates, its rooms
 * and the drain button. Buttons carry data-action and the ids it needs; the
 * map listens for their clicks.
 */
export function nodeBox(view: NodeView, selectedRoomId: string | undefined): HTMLElement {
  const box = element('article', `node-box node-${view.state}`);
  box.dataset.nodeId = view.nodeId;

  const badge = element('span', `state-badge state-${view.state}`, [t(stateKeys[view.state])]);
  box.append(element('header', 'node-header', [element('h2', '', [view.nodeId]), badge]));

  const record = view.record;
  if (record) {
    box.append(
      element('p', 'node-meta', [t('nodeRegion', { region: record.region, workers: String(record.workers) })]),
      loadBar(t('nodeCpu'), record.load.cpu, formatPercent(record.load.cpu)),
      loadBar(t('nodePeers'), share(record.load.peers, record.capacity.maxPeers), `${record.load.peers} / ${record.capacity.maxPeers}`),
      loadBar(t('nodeConsumers'), share(record.load.consumers, record.capacity.maxConsumers), `${record.load.consumers} / ${record.capacity.maxConsumers}`),
      element('p', 'node-meta', [t('nodeBitrate', { in: formatBitrate(record.load.bitrateIn), out: formatBitrate(record.load.bitrateOut) })]),
    );
  }

  box.append(roomList(view.rooms, selectedRoomId));

  if (view.state !== 'lost') {
    const draining = view.state === 'draining';
    const button = element('button', 'node-action', [t(draining ? 'cancelDrain' : 'drain')]);
    button.type = 'button';
    button.dataset.action = draining ? 'cancel-drain' : 'drain';
    button.dataset.nodeId = view.nodeId;
    box.append(button);
  }
  return box;
}

function share(used: number, capacity: number): number {
  return capacity > 0 ? used / capacity : 0;
}

/** Creates a labelled bar filled to a 0-to-1 share, amber above 70 % and red above 90 %. */
function loadBar(label: string, fraction: number, text: string): HTMLElement {
  const clamped = Math.max(0, Math.min(1, fraction));
  const fill = element('span', `bar-fill ${clamped > 0.9 ? 'bar-high' : clamped > 0.7 ? 'bar-medium' : ''}`);
  fill.style.width = `${clamped * 100}%`;

  return element('div', 'load-row', [element('span', 'load-label', [label]), element('span', 'bar', [fill]), element('span', 'load-value', [text])]);
}

function roomList(rooms: RoomSummary[], selectedRoomId: string | undefined): HTMLElement {
  if (rooms.length === 0) return element('p', 'node-rooms-empty', [t('nodeNoRooms')]);

  const list = element('ul', 'node-rooms');
  for (const room of rooms) {
    const button = element('button', room.roomId === selectedRoomId ? 'room-link selected' : 'room-link', [
      element('span', 'room-id', [room.roomId]),
      element('span', 'room-peers', [t('nodeRoomPeers', { peers: String(room.participants) })]),
    ]);
    button.title = room.roomId;
    button.type = 'button';
    button.dataset.action = 'open-room';
    button.dataset.roomId = room.roomId;
    list.append(element('li', '', [button]));
  }
  return list;
}
