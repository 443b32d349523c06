import type { PeerPlacement } from '@sfu-cluster/protocol';
import type { RpcClient } from '@sfu-cluster/rpc';

/**
 * The result of an SFU node's node.describe, as far as the admin routes
 * read it. Bitrates are bits per second and packet loss is 0 to 1, from
 * the node's last load sample (taken every 2 s).
 */
export interface NodeDescription {
  nodeId: string;
  rooms: {
    roomId: string;
    routers: { workerIndex: number; routerId: string }[];
    peers: {
      peerId: string;
      workerIndex: number;
      producers: PeerPlacement['producers'];
      consumers: number;
      transports: number;
      bitrateIn: number;
      bitrateOut: number;
      /** The worst loss among the peer's producers; null before the first sample. */
      packetLoss: number | null;
    }[];
    pipedProducers: { producerId: string; originNodeId: string; peerId: string }[];
  }[];
  /** This node's ends of its pipes; bitrateIn is what the remote node sends here. */
  pipes: { roomId: string; remoteNodeId: string; producers: number; transportId: string; bitrateIn: number; bitrateOut: number }[];
}

/** How long an admin view waits for each node to describe itself. */
export const DESCRIBE_TIMEOUT_MS = 2000;

export function describeNode(rpc: RpcClient, nodeId: string): Promise<NodeDescription> {
  return rpc.call<NodeDescription>(nodeId, 'node.describe', {}, DESCRIBE_TIMEOUT_MS);
}
