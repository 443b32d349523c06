import { join } from 'node:path';

import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { freeMediaPortBase, ManagedProcess, startCluster, workerBin } from '@sfu-cluster/testkit';

import type { JoinServerConfig } from './join-server';

/** A server the join benchmark joins: its signaling URLs, a token per joiner, and how to stop it. */
export interface JoinTarget {
  urls: string[];
  token: () => Promise<string>;
  stop: () => Promise<void>;
}

/** Starts the bare one-process server of join-server.ts. */
export async function startBareTarget(maxSeconds: number): Promise<JoinTarget> {
  const config: JoinServerConfig = { rtcPort: await freeMediaPortBase(1), maxSeconds };
  const server = new ManagedProcess({
    name: 'join-server',
    command: process.execPath,
    args: [join(__dirname, 'join-server.js'), JSON.stringify(config)],
    env: { ...process.env, MEDIASOUP_WORKER_BIN: workerBin() },
  });

  try {
    server.start();
    const line = await server.waitForLine(/^\{"ready":true/, 20_000);
    const url = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
    // The bare server checks no token, so any string does.
    return { urls: [url], token: async () => 'no-token', stop: async () => void (await server.stop(5000)) };
  } catch (error) {
    await server.stop(5000);
    throw error;
  }
}

/** Starts Redis, two signaling nodes and two SFU nodes with one worker each; every token is for room. */
export async function startClusterTarget(room: string): Promise<JoinTarget> {
  const cluster = await startCluster({ lifecyclePort: null, webPort: null, env: { LOG_LEVEL: 'warn' } });
  let next = 0;
  return {
    urls: cluster.signaling.map((node) => node.url),
    token: () => signToken(LOCAL_JWT_SECRET, { room, identity: `joiner-${next++}` }),
    stop: () => cluster.stop(),
  };
}
