import { HEARTBEAT_INTERVAL_MS, type NodeRecord, type NodeRegistry } from './nodes';

export interface HeartbeatLoop {
  /** Settles after the first heartbeat: resolves once it is written, rejects with its error. */
  first: Promise<void>;
  /** Stops the loop; the record then expires within its TTL unless removed. */
  stop(): void;
}

/**
 * Writes the record returned by readRecord now and then every intervalMs.
 * A beat still in flight makes the next tick skip, so a slow Redis gets no
 * pile of writes. Errors after the first beat go to onError and the loop
 * keeps going, because Redis coming back must find the node beating.
 */
export function startHeartbeat(
  nodes: NodeRegistry,
  readRecord: () => NodeRecord,
  onError: (error: unknown) => void,
  intervalMs = HEARTBEAT_INTERVAL_MS,
): HeartbeatLoop {
  let inFlight = false;

  const beat = async () => {
    inFlight = true;
    try {
      await nodes.heartbeat(readRecord());
    } finally {
      inFlight = false;
    }
  };

  const first = beat();
  const timer = setInterval(() => {
    if (inFlight) return;
    beat().catch(onError);
  }, intervalMs);

  return { first, stop: () => clearInterval(timer) };
}
