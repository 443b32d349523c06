import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';

import { MeetingTestClient } from './meeting-client';
import { waitFor } from './wait';

/**
 * Joins two publishing participants, alice through the first signaling URL
 * and bob through the second, in local mode, and resolves once media flows
 * both ways.
 */
export async function joinPublishingPair(room: string, urls: [string, string]): Promise<[MeetingTestClient, MeetingTestClient]> {
  const token = (identity: string): Promise<string> => signToken(LOCAL_JWT_SECRET, { room, identity });

  const alice = await MeetingTestClient.join(urls[0], await token('alice'), { publish: ['audio'] });
  const bob = await MeetingTestClient.join(urls[1], await token('bob'), { publish: ['audio'] });

  await waitFor('media both ways', () => alice.packetsFrom(bob.peerId) > 10 && bob.packetsFrom(alice.peerId) > 10, 10_000);
  return [alice, bob];
}
