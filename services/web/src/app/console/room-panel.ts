import { element } from '../dom';
import { t } from '../i18n';
import { morph } from './morph';
import { peerTable } from './peer-table';
import { roomTree } from './room-tree';
import type { ClusterSnapshot } from './types';

/**
 * Renders the opened room into the side panel: its title, state, tree and
 * peer stats, and fills the move target list with the active nodes the
 * room can move to. The panel's buttons are wired once by the page.
 */
export function renderRoomPanel(roomId: string | undefined, snapshot: ClusterSnapshot): void {
  const panel = document.getElementById('room-panel') as HTMLElement;
  panel.hidden = roomId === undefined;
  if (roomId === undefined) return;

  const title = document.getElementById('room-title') as HTMLElement;
  const body = document.getElementById('room-body') as HTMLElement;
  title.textContent = t('roomTitle', { room: roomId });

  const room = snapshot.room;
  const fresh = body.cloneNode(false) as HTMLElement;
  if (!room || room.roomId !== roomId) {
    fresh.append(element('p', 'room-gone', [t('roomGone', { room: roomId })]));
    morph(body, fresh);
    fillMoveTargets([]);
    return;
  }

  const peers = room.nodes.reduce((total, node) => total + node.peers.length, 0);
  fresh.append(
    element('p', 'room-summary', [t('roomSummary', { state: room.state, epoch: String(room.epoch), peers: String(peers) })]),
    roomTree(room),
    peerTable(room),
  );
  morph(body, fresh);

  // A room spread over several nodes can move onto one of them; a room on one node only to another.
  const onlyHost = room.nodes.length === 1 ? room.nodes[0]?.nodeId : undefined;
  const lost = new Set(snapshot.nodes.lost);
  fillMoveTargets(snapshot.nodes.nodes.filter((node) => node.state === 'active' && node.id !== onlyHost && !lost.has(node.id)).map((node) => node.id));
}

/** Refills the move target list, keeping the operator's choice while it is still a target. */
function fillMoveTargets(nodeIds: string[]): void {
  const select = document.getElementById('move-target') as HTMLSelectElement;
  const button = document.getElementById('move-room') as HTMLButtonElement;
  const current = [...select.options].map((option) => option.value);
  button.disabled = nodeIds.length === 0;
  if (current.join('\n') === nodeIds.join('\n')) return;

  const chosen = select.value;
  select.replaceChildren(
    ...nodeIds.map((nodeId) => {
      const option = element('option', '', [nodeId]);
      option.value = nodeId;
      option.selected = nodeId === chosen;
      return option;
    }),
  );
}
