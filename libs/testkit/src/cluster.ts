import { randomBytes } from 'node:crypto';

import { ManagedProcess } from './process';
import { freePort, isTcpPortFree, isUdpPortFree } from './ports';
import { startRedis, type RedisServer } from './redis-server';
import { serviceEntry } from './paths';
import { workerBin } from './worker-bin';

export interface ClusterOptions {
  /** Use this Redis; when omitted a throwaway one is started. */
  redisUrl?: string;
  /** Port of the Redis started when redisUrl is omitted; free one by default. */
  redisPort?: number;
  /** Data directory of that Redis (kept on stop); a temporary one by default. */
  redisDir?: string;
  /** HTTP ports of the signaling nodes; their count is the node count. Two free ports by default. */
  signalingPorts?: number[];
  /** HTTP ports of the SFU nodes; their count is the node count. Two free ports by default. */
  sfuPorts?: number[];
  /** HTTP port of the lifecycle worker, or null for none. A free port by default. */
  lifecyclePort?: number | null;
  /** HTTP port of the web server, or null for none. A free port by default. */
  webPort?: number | null;
  /** First media port of SFU node 0; node i starts at this plus i times rtcPortsPerNode. */
  rtcPortBase?: number;
  rtcPortsPerNode?: number;
  /** mediasoup workers per SFU node. */
  workerNum?: number;
  /** REDIS_PREFIX of every process; a fresh random one by default, so clusters sharing a Redis stay apart. */
  prefix?: string;
  /** Extra environment for every process; a HOST here also becomes the host of each process's url. */
  env?: Record<string, string>;
  /** Each output line of each process, with the process name. */
  onLine?: (name: string, line: string) => void;
  /** Maximum time each process may take before its readiness route returns 200. */
  startTimeoutMs?: number;
}

export interface ClusterProcess {
  name: string;
  url: string;
  process: ManagedProcess;
}

export interface SfuNodeProcess extends ClusterProcess {
  nodeId: string;
  rtcMinPort: number;
  rtcMaxPort: number;
}

export interface LocalCluster {
  redisUrl: string;
  prefix: string;
  redis?: RedisServer;
  signaling: ClusterProcess[];
  sfu: SfuNodeProcess[];
  lifecycle?: ClusterProcess;
  web?: ClusterProcess;
  /** Every service process, Redis excluded. */
  processes(): ClusterProcess[];
  /** Stops every process and the Redis it started; resolves when all exited. */
  stop(): Promise<void>;
}

/**
 * Starts a cluster on this machine as child processes: Redis (unless given),
 * signaling nodes, SFU nodes, a lifecycle worker and the web server, each in
 * local mode on 127.0.0.1. Resolves once every process reports ready.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<LocalCluster> {
  const started: ClusterProcess[] = [];
  let redis: RedisServer | undefined;

  const stop = async (): Promise<void> => {
    // Services first, so none loses Redis while closing. SIGINT, because
    // SIGTERM makes an SFU node drain, which waits for its rooms to end.
    await Promise.all([...started].reverse().map((entry) => entry.process.stop(10_000, 'SIGINT')));
    await redis?.stop();
  };

  try {
    if (options.redisUrl === undefined) {
      redis = await startRedis({
        port: options.redisPort,
        dir: options.redisDir,
        appendOnly: true,
        onLine: (line) => options.onLine?.('redis', line),
      });
    }
    const redisUrl = options.redisUrl ?? (redis as RedisServer).url;
    const prefix = options.prefix ?? `test-${randomBytes(4).toString('hex')}:`;
    const baseEnv = {
      ...process.env,
      CLUSTER_MODE: 'local',
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      HOST: '127.0.0.1',
      SFU_CLUSTER_PARENT_PID: String(process.pid),
      ...options.env,
    };
    const launch = launcher(options, started);

    const signalingPorts = options.signalingPorts ?? [await freePort(), await freePort()];
    const signaling = await Promise.all(
      signalingPorts.map((port, index) =>
        launch(`signaling-${index + 1}`, 'signaling', port, { ...baseEnv, PORT: String(port) }),
      ),
    );

    const sfu = await startSfuNodes(options, baseEnv, launch);

    const lifecyclePort = options.lifecyclePort === undefined ? await freePort() : options.lifecyclePort;
    const lifecycle =
      lifecyclePort === null
        ? undefined
        : await launch('lifecycle', 'lifecycle', lifecyclePort, { ...baseEnv, PORT: String(lifecyclePort) });

    const webPort = options.webPort === undefined ? await freePort() : options.webPort;
    const web = webPort === null ? undefined : await launch('web', 'web', webPort, { ...baseEnv, PORT: String(webPort) });

    return {
      redisUrl,
      prefix,
      redis,
      signaling,
      sfu,
      lifecycle,
      web,
      processes: () => [...started],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Media ports of test clusters stay below Linux's default ephemeral range (32768-60999). */
const MEDIA_PORTS_FIRST = 20000;
const MEDIA_PORTS_END = 32768;

/**
 * Picks a random block of media ports whose WebRtcServer ports are free on
 * UDP and TCP. The block sits below the ephemeral range, where outgoing
 * connections of this machine take ports at random, and below the
 * 40000-49999 of `npm start`, so tests run beside a local cluster or
 * another checkout's tests. serverPorts lists offsets from the base that
 * must be free (each node's first ports).
 */
export async function freeMediaPortBase(size: number, serverPorts: number[] = [0]): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = MEDIA_PORTS_FIRST + Math.floor(Math.random() * Math.floor((MEDIA_PORTS_END - MEDIA_PORTS_FIRST - size) / 100)) * 100;
    const ports = serverPorts.map((offset) => base + offset);
    const free = await Promise.all(ports.flatMap((port) => [isUdpPortFree(port), isTcpPortFree(port)]));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`could not find a free block of media ports in ${MEDIA_PORTS_FIRST}-${MEDIA_PORTS_END - 1}; stop leftover test clusters`);
}

type Launch = (
  name: string,
  service: 'signaling' | 'sfu' | 'lifecycle' | 'web',
  port: number,
  env: NodeJS.ProcessEnv,
) => Promise<ClusterProcess>;

function launcher(options: ClusterOptions, started: ClusterProcess[]): Launch {
  return async (name, service, port, env) => {
    const child = new ManagedProcess({
      name,
      command: process.execPath,
      args: [serviceEntry(service)],
      env,
      onLine: (line) => options.onLine?.(name, line),
    });
    // The process binds HOST, 127.0.0.1 unless options.env moves it (onto a test network's address, say).
    const host = env.HOST ?? '127.0.0.1';
    const entry = { name, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, process: child };
    started.push(entry);

    child.start();
    // Ready, not only alive: the process has joined the cluster (subscriptions, node record).
    await child.waitForHttp(`${entry.url}/api/v1/ready`, options.startTimeoutMs ?? 30_000);
    return entry;
  };
}

async function startSfuNodes(options: ClusterOptions, baseEnv: NodeJS.ProcessEnv, launch: Launch): Promise<SfuNodeProcess[]> {
  const sfuPorts = options.sfuPorts ?? [await freePort(), await freePort()];
  const rtcPortsPerNode = options.rtcPortsPerNode ?? 500;
  const workers = options.workerNum ?? 1;
  const serverPorts = sfuPorts.flatMap((_, node) => Array.from({ length: workers }, (_unused, worker) => node * rtcPortsPerNode + worker));
  const rtcPortBase = options.rtcPortBase ?? (await freeMediaPortBase(sfuPorts.length * rtcPortsPerNode, serverPorts));
  const bin = workerBin();

  // One at a time: each node's port range is its own, but starting workers
  // in parallel on 2 cores only slows every node down.
  const nodes: SfuNodeProcess[] = [];
  for (const [index, port] of sfuPorts.entries()) {
    const nodeId = `sfu-${index + 1}`;
    const rtcMinPort = rtcPortBase + index * rtcPortsPerNode;
    const rtcMaxPort = rtcMinPort + rtcPortsPerNode - 1;
    const env = {
      ...baseEnv,
      PORT: String(port),
      SFU_NODE_ID: nodeId,
      MEDIASOUP_WORKER_BIN: bin,
      MEDIASOUP_WORKER_NUM: String(options.workerNum ?? 1),
      MEDIASOUP_RTC_MIN_PORT: String(rtcMinPort),
      MEDIASOUP_RTC_MAX_PORT: String(rtcMaxPort),
    };
    const entry = await launch(nodeId, 'sfu', port, env);
    nodes.push({ ...entry, nodeId, rtcMinPort, rtcMaxPort });
  }
  return nodes;
}
