import type { NodePlacement, PeerPlacement, RoomPlacement } from '../types';
import { colorState, type Palette } from './color';
import type { TreeNode } from './tree';
import { formatAge, formatBitrate, formatPercent, plural } from './units';

/**
 * Builds a room's placement as a tree. Under the room come its nodes, each
 * with its workers and routers, the peers on each worker with their
 * producers, and the producers piped in from other nodes. The pipes between
 * nodes come last.
 */
export function roomTree(room: RoomPlacement, palette: Palette, nowMs: number = Date.now()): TreeNode {
  const header =
    `${palette.bold(`room ${room.roomId}`)}  state ${colorState(palette, room.state)}  epoch ${room.epoch}` +
    `  created ${formatAge(room.createdAt, nowMs)} ago  ${plural(room.participants.length, 'participant')}  ${plural(room.producers.length, 'producer')}`;

  const nodes = [...room.nodes].sort((a, b) => a.nodeId.localeCompare(b.nodeId)).map((node) => nodeBranch(node, palette));
  const pipes: TreeNode = {
    label: room.pipes.length === 0 ? 'pipes: none' : 'pipes',
    children: [...room.pipes]
      .sort((a, b) => a.fromNodeId.localeCompare(b.fromNodeId) || a.toNodeId.localeCompare(b.toNodeId))
      .map((pipe) => ({
        label: `${pipe.fromNodeId} → ${pipe.toNodeId}  ${plural(pipe.producerIds.length, 'producer')}${pipe.bitrate === undefined ? '' : `  ${formatBitrate(pipe.bitrate)}`}`,
      })),
  };

  return { label: header, children: [...nodes, pipes] };
}

function nodeBranch(node: NodePlacement, palette: Palette): TreeNode {
  if (!node.reachable) {
    return { label: `node ${node.nodeId}  ${colorState(palette, 'unreachable')}: ${node.error ?? 'no response'}` };
  }

  // Workers named by a router or by a peer; a peer's worker normally has a router too.
  const workerIndexes = [...new Set([...node.routers.map((r) => r.workerIndex), ...node.peers.map((p) => p.workerIndex)])].sort((a, b) => a - b);
  const workers = workerIndexes.map((workerIndex) => {
    const routers = node.routers.filter((router) => router.workerIndex === workerIndex).map((router) => router.routerId);
    const peers = node.peers.filter((peer) => peer.workerIndex === workerIndex);
    return {
      label: `worker ${workerIndex}  router ${routers.length > 0 ? routers.join(', ') : '-'}`,
      children: peers.map(peerBranch),
    };
  });

  const children: TreeNode[] = [...workers];
  if (node.pipedProducers.length > 0) {
    children.push({
      label: `piped in: ${plural(node.pipedProducers.length, 'producer')}`,
      children: node.pipedProducers.map((piped) => ({ label: `${piped.producerId}  from ${piped.originNodeId}  peer ${piped.peerId}` })),
    });
  }
  return { label: `node ${node.nodeId}`, children };
}

function peerBranch(peer: PeerPlacement): TreeNode {
  return {
    label: `peer ${peer.identity ?? '?'} (${peer.peerId})  ${plural(peer.transports, 'transport')}  ${plural(peer.consumers, 'consumer')}${peerStats(peer)}`,
    children: peer.producers.map((producer) => ({
      label: `producer ${producer.kind} ${producer.producerId}${producer.paused ? '  paused' : ''}`,
    })),
  };
}

/** Formats the peer's bitrates and packet loss, or nothing for a node that does not report them. */
function peerStats(peer: PeerPlacement): string {
  if (peer.bitrateIn === undefined || peer.bitrateOut === undefined) return '';

  const loss = peer.packetLoss === null || peer.packetLoss === undefined ? '-' : formatPercent(peer.packetLoss);
  return `  in ${formatBitrate(peer.bitrateIn)}  out ${formatBitrate(peer.bitrateOut)}  loss ${loss}`;
}
