import { join } from 'node:path';

import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { freePort } from '@sfu-cluster/testkit';

import { joinMeeting, launchChromium, pageStats, type Participant } from './browser';
import { startCoturn, turnCredential, type Coturn } from './coturn';
import { checkMediaRising, receivedFrom, waitForFullMesh } from './media-checks';
import { runScenario, type ScenarioContext } from './scenario';

/** The whole run's deadline; a hung step fails the run instead of hanging it. */
const RUN_TIMEOUT_MS = 150_000;
/** Seconds each credential minted by signaling stays valid. */
const CREDENTIAL_TTL_SECONDS = 600;
/** Maximum time one probe RTCPeerConnection may take to finish gathering through coturn. */
const GATHER_TIMEOUT_MS = 15_000;

interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** What one probe RTCPeerConnection gathered with iceTransportPolicy 'relay'. */
interface GatherResult {
  relayCandidates: number;
  /** icecandidateerror events, as "<errorCode> <errorText>". */
  errors: string[];
  complete: boolean;
}

runScenario('turn', RUN_TIMEOUT_MS, async (context) => {
  const failures = context.failures;

  const coturn = await startCoturn(join(context.artifacts, 'coturn.log'));
  context.defer(() => coturn.stop());
  context.say(`coturn at ${coturn.url} with use-auth-secret; log in coturn.log`);

  context.say('starting a local cluster: 1 signaling, 1 SFU, web, minting TURN credentials from the secret');
  const cluster = await context.startCluster({
    signalingPorts: [await freePort()],
    sfuPorts: [await freePort()],
    lifecyclePort: null,
    env: {
      MEDIASOUP_TURN_SERVER: coturn.url,
      MEDIASOUP_TURN_SECRET: coturn.secret,
      MEDIASOUP_TURN_CREDENTIAL_TTL: String(CREDENTIAL_TTL_SECONDS),
    },
  });
  const web = cluster.web?.url as string;
  const signaling = cluster.signaling[0]?.url as string;

  const browser = await launchChromium();
  context.defer(() => browser.close());
  context.say(`chromium ${browser.version()} launched`);

  const room = `turn-${Date.now()}`;
  const joinAs = async (name: string, identity: string, relay: boolean): Promise<Participant> => {
    const token = await signToken(LOCAL_JWT_SECRET, { identity, room });
    const query = new URLSearchParams({ token, signaling, name, ...(relay ? { relay: '1' } : {}) });
    return joinMeeting(browser, `${web}/?${query}`, name, join(context.artifacts, `join-failed-${identity}.png`));
  };
  const relayed = await joinAs('Relayed', 'turn-relayed', true);
  const direct = await joinAs('Direct', 'turn-direct', false);
  context.defer(() => {
    for (const participant of [relayed, direct]) {
      for (const problem of participant.problems) context.say(`${participant.name}: ${problem}`);
    }
  });
  context.say(`Relayed (relay=1) joined as ${relayed.peerId}, Direct as ${direct.peerId}`);

  await waitForFullMesh([relayed, direct], 30_000);
  failures.push(...(await checkMediaRising([relayed, direct], 2000)));
  const fromDirect = receivedFrom(await pageStats(relayed.page), direct.peerId);
  const fromRelayed = receivedFrom(await pageStats(direct.page), relayed.peerId);
  context.say(
    `Relayed decoded ${fromDirect.videoFrames} frames (${fromDirect.videoBytes} video, ${fromDirect.audioBytes} audio bytes) from Direct; ` +
      `Direct decoded ${fromRelayed.videoFrames} frames (${fromRelayed.videoBytes} video, ${fromRelayed.audioBytes} audio bytes) from Relayed`,
  );
  failures.push(...(await checkCandidateTypes(context, relayed, direct)));
  failures.push(...checkRelayAllocation(coturn, 'turn-relayed'));
  await relayed.page.screenshot({ path: join(context.artifacts, 'grid-relayed.png'), fullPage: true });

  failures.push(...(await checkCredentialExpiry(context, coturn, direct, signaling, room)));
});

/** Every track of the relayed page must use a relay candidate, and the direct page's a host candidate. */
async function checkCandidateTypes(context: ScenarioContext, relayed: Participant, direct: Participant): Promise<string[]> {
  const failures: string[] = [];

  for (const [participant, expected] of [
    [relayed, 'relay'],
    [direct, 'host'],
  ] as const) {
    const stats = await pageStats(participant.page);
    const types = stats.map((track) => `${track.direction} ${track.kind} ${track.localCandidateType ?? 'none'}`);
    context.say(`${participant.name}: local candidate of each track's selected pair: ${types.join(', ')}`);

    const wrong = stats.filter((track) => track.localCandidateType !== expected);
    if (stats.length < 4) failures.push(`${participant.name} reports ${stats.length} tracks; expected 2 sent and 2 received`);
    if (wrong.length > 0) failures.push(`${participant.name}: expected every selected pair to be ${expected}, got ${types.join(', ')}`);
  }
  return failures;
}

/** coturn must have accepted an allocation for the relayed page's identity. */
function checkRelayAllocation(coturn: Coturn, identity: string): string[] {
  const allocated = coturn
    .log()
    .split('\n')
    .some((line) => line.includes(`:${identity}>`) && /ALLOCATE processed, success/.test(line));
  return allocated ? [] : [`coturn.log shows no successful ALLOCATE for user <expiry:${identity}>`];
}

/**
 * Gathers relay candidates in the page with a credential signaling minted
 * just now, and with one whose expiry passed a minute ago: coturn must
 * allocate for the first and reject the second with 401.
 */
async function checkCredentialExpiry(context: ScenarioContext, coturn: Coturn, participant: Participant, signaling: string, room: string): Promise<string[]> {
  const failures: string[] = [];

  const token = await signToken(LOCAL_JWT_SECRET, { identity: 'turn-probe', room });
  const response = await fetch(`${signaling}/api/v1/meetings/${room}/media-config`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { iceServers: IceServer[]; turnCredentialExpiresAt?: number };
  const fresh = body.iceServers.find((server) => server.urls.includes(coturn.url));
  if (!fresh?.username) return [`media-config returned no TURN entry for ${coturn.url}: ${JSON.stringify(body.iceServers)}`];

  const expiresAt = Number(fresh.username.split(':')[0]);
  const ttl = expiresAt - Math.floor(Date.now() / 1000);
  if (body.turnCredentialExpiresAt !== expiresAt || ttl > CREDENTIAL_TTL_SECONDS || ttl < CREDENTIAL_TTL_SECONDS - 30) {
    failures.push(`media-config credential expires at ${expiresAt} (turnCredentialExpiresAt ${body.turnCredentialExpiresAt}), ${ttl} s from now; expected about ${CREDENTIAL_TTL_SECONDS} s`);
  }

  const freshResult = await gatherRelay(participant, fresh);
  context.say(`fresh credential ${fresh.username}: ${freshResult.relayCandidates} relay candidates, errors [${freshResult.errors.join(', ')}]`);
  if (freshResult.relayCandidates === 0) failures.push(`a fresh credential gathered no relay candidate: errors [${freshResult.errors.join(', ')}]`);

  const expired = turnCredential(coturn.secret, 'turn-expired', Math.floor(Date.now() / 1000) - 60);
  const expiredResult = await gatherRelay(participant, { urls: [coturn.url], ...expired });
  context.say(`expired credential ${expired.username}: ${expiredResult.relayCandidates} relay candidates, errors [${expiredResult.errors.join(', ')}]`);
  if (expiredResult.relayCandidates > 0) failures.push(`an expired credential gathered ${expiredResult.relayCandidates} relay candidates`);
  if (!expiredResult.complete) failures.push(`gathering with an expired credential did not complete within ${GATHER_TIMEOUT_MS} ms`);

  const rejected = coturn
    .log()
    .split('\n')
    .filter((line) => line.includes(`user <${expired.username}>`) && /error 401/.test(line));
  if (rejected.length === 0) failures.push(`coturn.log shows no 401 for user <${expired.username}>`);
  else context.say(`coturn rejected the expired credential: ${rejected[0]?.trim()}`);
  return failures;
}

/** Gathers ICE candidates in the page with only this TURN server and iceTransportPolicy 'relay'. */
async function gatherRelay(participant: Participant, server: IceServer): Promise<GatherResult> {
  return participant.page.evaluate(
    async ({ server, timeoutMs }) => {
      const connection = new RTCPeerConnection({ iceServers: [server], iceTransportPolicy: 'relay' });
      const result = { relayCandidates: 0, errors: [] as string[], complete: false };

      connection.addEventListener('icecandidate', (event) => {
        if (event.candidate?.type === 'relay') result.relayCandidates++;
      });
      connection.addEventListener('icecandidateerror', (event) => {
        const error = event as RTCPeerConnectionIceErrorEvent;
        result.errors.push(`${error.errorCode} ${error.errorText}`);
      });
      const gathered = new Promise<void>((resolve) => {
        connection.addEventListener('icegatheringstatechange', () => {
          if (connection.iceGatheringState === 'complete') resolve();
        });
      });

      connection.createDataChannel('probe');
      await connection.setLocalDescription(await connection.createOffer());
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs));
      await Promise.race([gathered.then(() => (result.complete = true)), timeout]);

      connection.close();
      return result;
    },
    { server, timeoutMs: GATHER_TIMEOUT_MS },
  );
}
