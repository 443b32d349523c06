import type { Redis } from 'ioredis';

import type { RegistryKeys } from './keys';

/** Placement decisions kept per room, newest first. */
export const DECISIONS_KEPT = 50;

/** A room's decision list outlives its last decision by this long, so "why" stays answerable after a room closed. */
export const DECISIONS_TTL_MS = 24 * 60 * 60 * 1000;

/** The rule that chose a node, or why no node was chosen. */
export type PlacementRule =
  | 'room-affinity'
  | 'region'
  | 'lowest-load'
  | 'only-candidate'
  | 'moved'
  | 'no-capacity'
  | 'no-active-node'
  | 'room-closing';

/** Reason a node could not take the peer. */
export type CandidateExclusion = 'expired' | 'draining' | 'full';

/** The expected cost of one peer, reserved on its node until its transports exist. */
export interface PlacementCost {
  peers: number;
  consumers: number;
}

/** One node that placement examined. */
export interface PlacementCandidate {
  nodeId: string;
  /** Missing when the node's record had expired. */
  region?: string;
  hostsRoom: boolean;
  /** Live plus reserved peers; missing for expired and draining nodes. */
  peers?: number;
  /** Live plus reserved consumers; missing for expired and draining nodes. */
  consumers?: number;
  /** Load score from 0 (idle) to 1 (full): the highest of the peer share, consumer share and CPU. */
  score?: number;
  excluded?: CandidateExclusion;
}

/** One placement or move of a room, with the candidates and the rule that chose. */
export interface PlacementDecision {
  /** Milliseconds since the epoch. */
  at: number;
  roomId: string;
  rule: PlacementRule;
  /** The room's epoch after the decision; 0 when a rejected placement found no room. */
  epoch: number;
  /**
   * The nodes placement examined: those hosting the room, the least loaded
   * of the region and of the cluster, and some draining ones. Empty for moves.
   */
  candidates: PlacementCandidate[];
  /**
   * Members of the global by-load zset after the placement: the active
   * nodes, plus expired ones not removed yet. Missing for moves and for
   * decisions recorded before the zset existed.
   */
  activeNodes?: number;
  /** Missing when the placement was rejected. */
  nodeId?: string;
  workerIndex?: number;
  peerId?: string;
  reservationId?: string;
  region?: string;
  cost?: PlacementCost;
  /** Free text from the caller of moveRoom(), such as an operator or a recovery job. */
  reason?: string;
}

/** Returns the last decisions of a room, newest first. */
export async function readDecisions(redis: Redis, keys: RegistryKeys, roomId: string): Promise<PlacementDecision[]> {
  const stored = await redis.lrange(keys.roomDecisions(roomId), 0, -1);
  return stored.map(parseDecision);
}

/** Parses a decision written by Lua, whose cjson writes an empty array as {}. */
export function parseDecision(json: string): PlacementDecision {
  const decision = JSON.parse(json) as PlacementDecision;
  if (!Array.isArray(decision.candidates)) decision.candidates = [];
  return decision;
}
