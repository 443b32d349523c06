import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { MeetingTestClient, sleep, waitFor } from '@sfu-cluster/testkit';

/** Publishers per failover room; every other client only subscribes. */
const PUBLISHERS = 2;
const MEDIA_TIMEOUT_MS = 15_000;

/** One client's recovery after a kill, in ms from the kill. */
export interface ClientRecovery {
  /** The reconnectMedia notification arrived, or undefined if none did. */
  reconnectMs?: number;
  /** The first newConsumer notification after the kill arrived, or undefined if none did. */
  consumerMs?: number;
  /** The first RTP packet on a consumer created after the kill, or Infinity if none came in time. */
  mediaMs: number;
}

/**
 * Joins count clients to room, alternating between the signaling URLs:
 * two publish audio, and every client subscribes, so each one receives at
 * least one stream. Resolves once every client receives media.
 */
export async function joinFailoverRoom(urls: string[], room: string, count: number): Promise<MeetingTestClient[]> {
  const clients: MeetingTestClient[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const token = await signToken(LOCAL_JWT_SECRET, { room, identity: `client-${index}` });
      const publish = index < PUBLISHERS ? (['audio'] as const) : [];
      clients.push(await MeetingTestClient.join(urls[index % urls.length]!, token, { publish: [...publish] }));
    }
    await waitFor('media at every client', () => clients.every((client) => receivedPackets(client) > 10), MEDIA_TIMEOUT_MS);
    return clients;
  } catch (error) {
    await leaveAll(clients);
    throw error;
  }
}

function receivedPackets(client: MeetingTestClient): number {
  let total = 0;
  for (const stream of client.received.values()) total += stream.rtp.packets;
  return total;
}

/** Consumer ids each client has now, to tell the streams made after a kill apart. */
export function consumersBefore(clients: MeetingTestClient[]): Map<MeetingTestClient, Set<string>> {
  return new Map(clients.map((client) => [client, new Set(client.received.keys())]));
}

/**
 * Waits up to timeoutMs for every client to receive RTP on a consumer it
 * did not have before the kill, and returns each client's times.
 */
export async function measureRecovery(
  clients: MeetingTestClient[],
  before: Map<MeetingTestClient, Set<string>>,
  killedAt: number,
  timeoutMs: number,
): Promise<ClientRecovery[]> {
  const deadline = killedAt + timeoutMs;
  while (Date.now() < deadline && !clients.every((client) => firstNewPacketAt(client, before.get(client)!) !== undefined)) {
    await sleep(20);
  }

  return clients.map((client) => {
    const mediaAt = firstNewPacketAt(client, before.get(client)!);
    const reconnect = client.reconnects.find((entry) => entry.at >= killedAt);
    const consumer = client.signaling.notifications.find((entry) => entry.event === 'newConsumer' && entry.at >= killedAt);
    return {
      reconnectMs: reconnect === undefined ? undefined : reconnect.at - killedAt,
      consumerMs: consumer === undefined ? undefined : consumer.at - killedAt,
      mediaMs: mediaAt === undefined ? Infinity : mediaAt - killedAt,
    };
  });
}

function firstNewPacketAt(client: MeetingTestClient, old: Set<string>): number | undefined {
  let first: number | undefined;
  for (const [consumerId, stream] of client.received) {
    if (old.has(consumerId) || stream.rtp.firstPacketAt === undefined) continue;
    first = Math.min(first ?? Infinity, stream.rtp.firstPacketAt);
  }
  return first;
}

/** Sends leave for every client, then closes it, so its seat frees at once rather than after the resume grace. */
export async function leaveAll(clients: MeetingTestClient[]): Promise<void> {
  await Promise.all(
    clients.map(async (client) => {
      await client.signaling.request('leave', {}, 2000).catch(() => undefined);
      client.close();
    }),
  );
}
