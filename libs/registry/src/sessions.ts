import type { Redis } from 'ioredis';

import { assertId, type RegistryKeys } from './keys';
import { touchSessionScript } from './lua/session-scripts';
import { runScript } from './script';

/** A session outlives its last sign of life by this long, so a client can reconnect after a network change. */
export const SESSION_TTL_MS = 60_000;

/**
 * A peer's session, independent of the signaling node it connected to, so a
 * client that reconnects to any signaling node resumes as the same peer.
 */
export interface SessionRecord {
  /** Id the client presents, with its token, to resume; chosen by signaling. */
  sessionId: string;
  roomId: string;
  peerId: string;
  /** The user named by the client's token. */
  identity: string;
  /** SFU node hosting the peer's transports. */
  nodeId: string;
  /** Room epoch at placement; requests to the node carry it. */
  epoch?: number;
  /** Grants of the token the session was opened with. */
  grants?: { publish: boolean; subscribe: boolean; admin: boolean };
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Milliseconds since the epoch of the last touch(). */
  lastSeenAt: number;
}

export class SessionRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RegistryKeys,
    private readonly ttlMs = SESSION_TTL_MS,
  ) {}

  /** Stores a session with its TTL, replacing one with the same id. */
  async save(session: SessionRecord): Promise<void> {
    assertId('session id', session.sessionId);

    await this.redis.set(this.keys.session(session.sessionId), JSON.stringify(session), 'PX', this.ttlMs);
  }

  /** Returns the session, or undefined when it expired or was removed. */
  async get(sessionId: string): Promise<SessionRecord | undefined> {
    const stored = await this.redis.get(this.keys.session(sessionId));
    return stored === null ? undefined : (JSON.parse(stored) as SessionRecord);
  }

  /**
   * Marks the session seen at now and restarts its TTL. Returns the updated
   * session, or undefined when it had already expired.
   */
  async touch(sessionId: string, now = Date.now()): Promise<SessionRecord | undefined> {
    const stored = await runScript(this.redis, touchSessionScript, [this.keys.session(sessionId)], [now, this.ttlMs]);

    return stored === null ? undefined : (JSON.parse(stored as string) as SessionRecord);
  }

  /** Deletes a session when its peer leaves for good. */
  async remove(sessionId: string): Promise<void> {
    await this.redis.del(this.keys.session(sessionId));
  }
}
