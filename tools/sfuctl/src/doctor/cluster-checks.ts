import { randomBytes } from 'node:crypto';

import { describeFetchError, type AdminClient } from '../admin-client';
import { isLocalMode, mintLocalToken } from '../auth';
import type { NodesResponse } from '../types';
import { fail, pass, warn, type CheckResult } from './check';

/** A node record lives this long after its last heartbeat (NODE_TTL_MS in libs/registry). */
const NODE_TTL_MS = 3000;

/** Nodes write their record every second, so a live record is up to this old on an agreeing clock. */
const HEARTBEAT_INTERVAL_MS = 1000;

/** Clock difference that fails the clock check: tokens, decisions and lost-node detection compare times across hosts. */
const MAX_CLOCK_SKEW_MS = 2000;

const TIME_FIX = 'synchronise the clocks with NTP (chrony or systemd-timesyncd) on every host';

interface HealthResponse {
  status?: string;
  nodeId?: string;
  redis?: string;
}

/** Checks the signaling node's health route and, through it, Redis; measures its clock against this machine's. */
export async function checkSignaling(baseUrl: string): Promise<CheckResult[]> {
  const url = new URL('/api/v1/health', baseUrl).toString();
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch (error) {
    return [fail('signaling', `GET ${url} failed: ${describeFetchError(error)}`, 'start the signaling node, or point --url at one')];
  }
  const receivedAt = Date.now();
  const health = (await response.json().catch(() => ({}))) as HealthResponse;

  const results: CheckResult[] = [];
  if (response.ok) results.push(pass('signaling', `${health.nodeId ?? baseUrl} is ${health.status ?? 'up'}`));
  else results.push(fail('signaling', `GET ${url} returned ${response.status}`, 'read the signaling node log'));

  if (health.redis === 'up') results.push(pass('redis', 'the signaling node reaches Redis'));
  else results.push(fail('redis', `the signaling node reports Redis ${health.redis ?? 'unknown'}`, 'check REDIS_URL (or REDIS_SENTINELS) and that Redis runs and accepts the credentials'));

  // The Date header has a resolution of one second.
  const date = Date.parse(response.headers.get('date') ?? '');
  if (!Number.isNaN(date)) {
    const skew = receivedAt - date;
    const detail = `signaling clock is ${formatSkew(skew)} against this machine (Date header, 1 s resolution)`;
    results.push(Math.abs(skew) > MAX_CLOCK_SKEW_MS ? fail('clock signaling', detail, TIME_FIX) : pass('clock signaling', detail));
  }
  return results;
}

/**
 * Checks that SFU nodes are registered and none is lost, and compares each
 * node's clock with this machine's through the time in its last record.
 * NOTE: SFU nodes publish no HTTP address in their record, so their health
 * is judged by the heartbeat in Redis and not by their health route.
 */
export async function checkNodes(client: AdminClient): Promise<CheckResult[]> {
  const { nodes, lost } = await client.get<NodesResponse>('/api/v1/admin/nodes');
  const now = Date.now();
  const results: CheckResult[] = [];

  if (nodes.length === 0) results.push(fail('nodes', 'no SFU node is registered', 'start an SFU node with the same REDIS_URL and REDIS_PREFIX as signaling'));
  for (const nodeId of lost) {
    results.push(fail(`node ${nodeId}`, 'lost: its record expired', 'check that process and its host; the lifecycle service moves its peers to other nodes'));
  }

  for (const node of nodes) {
    const age = now - node.updatedAt;
    const detail = `${node.state}, record written ${formatSkew(age)} ago by this machine's clock`;
    if (age < -MAX_CLOCK_SKEW_MS || age > HEARTBEAT_INTERVAL_MS + MAX_CLOCK_SKEW_MS) {
      results.push(fail(`node ${node.id}`, `${detail}, so its clock differs from this machine's`, TIME_FIX));
    } else if (age > NODE_TTL_MS) {
      results.push(warn(`node ${node.id}`, `${detail}; its heartbeat is late`, 'check the node CPU load and its Redis connection'));
    } else if (node.state === 'draining') {
      results.push(warn(`node ${node.id}`, detail, 'cancel with sfuctl drain <node> --cancel if the drain was not intended'));
    } else {
      results.push(pass(`node ${node.id}`, detail));
    }
  }
  return results;
}

/** Requests the media configuration of a throwaway meeting with a freshly signed token, as a client does before joining. */
export async function checkMediaConfig(baseUrl: string): Promise<CheckResult> {
  if (!isLocalMode()) return warn('media-config', 'skipped: sfuctl signs client tokens only in local mode', 'request it with a token from your application');

  const meetingId = `sfuctl-doctor-${randomBytes(3).toString('hex')}`;
  const token = await mintLocalToken(meetingId, 'sfuctl-doctor', false, 60);
  const url = new URL(`/api/v1/meetings/${meetingId}/media-config`, baseUrl).toString();

  try {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
    const body = (await response.json().catch(() => ({}))) as { routerRtpCapabilities?: unknown; error?: { code?: string; message?: string } };
    if (!response.ok) {
      return fail('media-config', `GET ${url} returned ${response.status} ${body.error?.code ?? ''}: ${body.error?.message ?? ''}`.trim(), 'check JWT_SECRET matches on signaling and the token issuer, and that an SFU node is active');
    }
    if (body.routerRtpCapabilities === undefined) return fail('media-config', 'the response has no routerRtpCapabilities', 'check that an SFU node is active');
    return pass('media-config', 'a freshly signed token gets ICE servers and router capabilities');
  } catch (error) {
    return fail('media-config', `GET ${url} failed: ${describeFetchError(error)}`, 'start the signaling node, or point --url at one');
  }
}

function formatSkew(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
