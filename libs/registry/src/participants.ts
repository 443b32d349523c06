import type { Redis } from 'ioredis';

import { assertId, type RegistryKeys } from './keys';

/** Public view of a participant, as other peers see it. */
export interface Participant {
  peerId: string;
  identity: string;
  displayName?: string;
  /** Milliseconds since the epoch. */
  joinedAt: number;
  /** Session of the participant. When it expires, reconciliation removes the participant. */
  sessionId?: string;
}

/** A producer of a room and where it lives, so new subscribers and other nodes can find it. */
export interface ProducerRecord {
  producerId: string;
  peerId: string;
  nodeId: string;
  kind: 'audio' | 'video';
  /** The track's origin. Records written before sources existed lack it, so read those by kind. */
  source?: 'microphone' | 'camera' | 'screen';
  paused: boolean;
}

/**
 * Registry of a room's participants and their producers. Signaling writes
 * it on join, produce, close and leave, and reads it to return the room's
 * present state on join.
 */
export class ParticipantRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RegistryKeys,
  ) {}

  /** Adds a participant and lists the room; returns the room's participant count after the add. */
  async add(roomId: string, participant: Participant): Promise<number> {
    assertId('peer id', participant.peerId);

    const results = await this.redis
      .multi()
      .hset(this.keys.roomParticipants(roomId), participant.peerId, JSON.stringify(participant))
      .sadd(this.keys.rooms, roomId)
      .hlen(this.keys.roomParticipants(roomId))
      .exec();
    return Number(results?.[2]?.[1] ?? 0);
  }

  async get(roomId: string, peerId: string): Promise<Participant | undefined> {
    const json = await this.redis.hget(this.keys.roomParticipants(roomId), peerId);
    return json === null ? undefined : (JSON.parse(json) as Participant);
  }

  /** Ids of rooms with participants, for operators. */
  async roomIds(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.rooms)).sort();
  }

  async list(roomId: string): Promise<Participant[]> {
    const stored = await this.redis.hvals(this.keys.roomParticipants(roomId));
    return stored.map((json) => JSON.parse(json) as Participant).sort((a, b) => a.joinedAt - b.joinedAt);
  }

  async count(roomId: string): Promise<number> {
    return this.redis.hlen(this.keys.roomParticipants(roomId));
  }

  /**
   * Removes a participant and its producers in one transaction. Returns the
   * producers removed, so the caller can tell the room they closed.
   */
  async remove(roomId: string, peerId: string): Promise<ProducerRecord[]> {
    const producers = (await this.producers(roomId)).filter((producer) => producer.peerId === peerId);

    const transaction = this.redis.multi().hdel(this.keys.roomParticipants(roomId), peerId);
    if (producers.length > 0) {
      transaction.hdel(this.keys.roomProducers(roomId), ...producers.map((producer) => producer.producerId));
    }
    await transaction.exec();
    return producers;
  }

  async addProducer(roomId: string, producer: ProducerRecord): Promise<void> {
    assertId('producer id', producer.producerId);
    await this.redis.hset(this.keys.roomProducers(roomId), producer.producerId, JSON.stringify(producer));
  }

  async removeProducer(roomId: string, producerId: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.roomProducers(roomId), producerId)) === 1;
  }

  async producer(roomId: string, producerId: string): Promise<ProducerRecord | undefined> {
    const json = await this.redis.hget(this.keys.roomProducers(roomId), producerId);
    return json === null ? undefined : (JSON.parse(json) as ProducerRecord);
  }

  async producers(roomId: string): Promise<ProducerRecord[]> {
    const stored = await this.redis.hvals(this.keys.roomProducers(roomId));
    return stored.map((json) => JSON.parse(json) as ProducerRecord);
  }

  /** Deletes the room's participants and producers and unlists it, when the room closes. */
  async clear(roomId: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.keys.roomParticipants(roomId), this.keys.roomProducers(roomId))
      .srem(this.keys.rooms, roomId)
      .exec();
  }
}
