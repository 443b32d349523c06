/**
 * Shapes of the signaling admin API's response bodies, as far as the console
 * reads them. The README's "HTTP API" section is the reference for every field.
 */

export interface NodeRecord {
  id: string;
  region: string;
  workers: number;
  capacity: { maxPeers: number; maxConsumers: number };
  load: {
    peers: number;
    producers: number;
    consumers: number;
    /** Bits per second. */
    bitrateIn: number;
    /** Bits per second. */
    bitrateOut: number;
    /** 0 to 1, averaged over the node's workers. */
    cpu: number;
  };
  state: 'active' | 'draining';
  updatedAt: number;
}

export interface NodesResponse {
  nodes: NodeRecord[];
  /** Ids of nodes whose record expired and that recovery has not removed yet. */
  lost: string[];
}

export interface RoomSummary {
  roomId: string;
  state: string;
  epoch: number;
  nodeIds: string[];
  participants: number;
  producers: number;
}

export interface RoomsResponse {
  rooms: RoomSummary[];
}

/** One direction of a pipe: what toNodeId receives from fromNodeId for one room. */
export interface PipeEntry {
  roomId: string;
  fromNodeId: string;
  toNodeId: string;
  /** Bits per second. */
  bitrate: number;
}

export interface PipesResponse {
  pipes: PipeEntry[];
  unreachable: string[];
}

export interface PeerPlacement {
  peerId: string;
  identity: string | null;
  workerIndex: number;
  transports: number;
  producers: { producerId: string; kind: string; paused: boolean }[];
  consumers: number;
  bitrateIn?: number;
  bitrateOut?: number;
  /** 0 to 1; null before the node's first sample. */
  packetLoss?: number | null;
}

export interface NodePlacement {
  nodeId: string;
  reachable: boolean;
  error?: string;
  routers: { workerIndex: number; routerId: string }[];
  peers: PeerPlacement[];
  pipedProducers: { producerId: string; originNodeId: string; peerId: string }[];
}

export interface RoomPlacement {
  roomId: string;
  state: string;
  epoch: number;
  nodes: NodePlacement[];
  participants: { peerId: string; identity: string; displayName?: string }[];
  pipes: { fromNodeId: string; toNodeId: string; producerIds: string[]; bitrate?: number }[];
}

/** Everything one poll of the admin API returns. */
export interface ClusterSnapshot {
  nodes: NodesResponse;
  rooms: RoomsResponse;
  pipes: PipesResponse;
  /** The placement of the room the operator opened, if any. */
  room?: RoomPlacement;
}
