import { element } from '../dom';
import { t } from '../i18n';
import { formatBitrate } from './format';
import type { NodePlacement, PeerPlacement, RoomPlacement } from './types';

/** Builds the room's tree: each node, its workers and routers, their peers and producers, the producers piped in, then the pipes. */
export function roomTree(room: RoomPlacement): HTMLElement {
  const names = new Map(room.participants.map((participant) => [participant.peerId, participant.displayName || participant.identity]));
  const tree = element('ul', 'room-tree');

  for (const node of room.nodes) tree.append(nodeItem(node, names));
  tree.append(pipesItem(room));
  return tree;
}

function nodeItem(node: NodePlacement, names: Map<string, string>): HTMLElement {
  if (!node.reachable) {
    return item('tree-node unreachable', t('treeNodeUnreachable', { node: node.nodeId, reason: node.error ?? '' }));
  }

  const children: HTMLElement[] = node.routers.map((router) => {
    const peers = node.peers.filter((peer) => peer.workerIndex === router.workerIndex).map((peer) => peerItem(peer, names));
    return item('tree-router', t('treeRouter', { worker: String(router.workerIndex), router: router.routerId }), peers);
  });

  const pipedFrom = new Map<string, number>();
  for (const piped of node.pipedProducers) pipedFrom.set(piped.originNodeId, (pipedFrom.get(piped.originNodeId) ?? 0) + 1);
  for (const [origin, count] of pipedFrom) children.push(item('tree-piped', t('treePipedIn', { node: origin, count: String(count) })));

  const entry = item('tree-node', t('treeNode', { node: node.nodeId }), children);
  entry.dataset.nodeId = node.nodeId;
  return entry;
}

function peerItem(peer: PeerPlacement, names: Map<string, string>): HTMLElement {
  const producers = peer.producers.map((producer) =>
    item('tree-producer', t(producer.paused ? 'treeProducerPaused' : 'treeProducer', { kind: producer.kind, producer: producer.producerId })),
  );
  producers.push(item('tree-consumers', t('treeConsumers', { count: String(peer.consumers) })));

  const name = names.get(peer.peerId) ?? peer.identity ?? '?';
  const entry = item('tree-peer', t('treePeer', { name, peer: peer.peerId }), producers);
  entry.dataset.peerId = peer.peerId;
  return entry;
}

function pipesItem(room: RoomPlacement): HTMLElement {
  if (room.pipes.length === 0) return item('tree-pipes', t('treeNoPipes'));

  const pipes = room.pipes.map((pipe) =>
    item(
      'tree-pipe',
      t('treePipe', { from: pipe.fromNodeId, to: pipe.toNodeId, count: String(pipe.producerIds.length), bitrate: formatBitrate(pipe.bitrate ?? 0) }),
    ),
  );
  return item('tree-pipes', t('treePipes'), pipes);
}

function item(className: string, label: string, children: HTMLElement[] = []): HTMLElement {
  const entry = element('li', className, [element('span', 'tree-label', [label])]);
  if (children.length > 0) entry.append(element('ul', '', children));
  return entry;
}
