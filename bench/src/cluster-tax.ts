import { join } from 'node:path';

import { ManagedProcess, workerBin } from '@sfu-cluster/testkit';

import type { BareServerConfig } from './bare-server';
import { forwardingFigures, forwardingSettings, measureForwarding, type ForwardingRun, type ForwardingWindow } from './forwarding';
import { benchResult, type Bar, type BenchResult } from './result';
import { childPids, measureSfuForwarding, type SfuTarget } from './sfu-target';
import { Publishers, Sinks, type PublisherTarget, type WorkloadShape } from './workload';

export interface ClusterTaxOptions extends ForwardingWindow {
  shape: WorkloadShape;
  log: (line: string) => void;
}

const BAR = 1.1;

/** CPU seconds per forwarded packet. */
function cpuPerPacket(run: ForwardingRun): number {
  return run.cpuSeconds / run.forwarded;
}

/**
 * Returns every process of a two-node cluster whose CPU counts, in groups:
 * the hosting node's process and its worker apart, to show where extra CPU
 * goes, then the idle second node and Redis.
 */
export function clusterCpuGroups(target: SfuTarget): Record<string, number[]> {
  const hostingPid = target.cluster.sfu[0]!.process.pid;
  return {
    node: [hostingPid],
    worker: childPids(hostingPid),
    otherNode: target.pids(1),
    redis: [target.cluster.redis!.process.pid],
  };
}

/**
 * CPU per forwarded packet of the cluster (Redis registry and two SFU
 * nodes, the room on one of them) against a bare one-process mediasoup
 * server, on the same workload.
 */
export async function runClusterTaxBench(options: ClusterTaxOptions): Promise<BenchResult> {
  const bare = await runBare(options);
  options.log(`cluster-tax: bare ${(cpuPerPacket(bare) * 1e6).toFixed(2)} us/packet`);
  const cluster = await measureSfuForwarding(2, 'cluster-tax', options, clusterCpuGroups);
  options.log(`cluster-tax: cluster ${(cpuPerPacket(cluster) * 1e6).toFixed(2)} us/packet`);
  return report(options, cluster, bare);
}

async function runBare(options: ClusterTaxOptions): Promise<ForwardingRun> {
  const sinks = await Sinks.create(options.subscribers);
  const config: BareServerConfig = {
    kind: options.shape.kind,
    publishers: options.shape.publishers,
    sinkPorts: sinks.ports,
    maxSeconds: options.warmupSeconds + options.durationSeconds + 60,
  };
  const server = new ManagedProcess({
    name: 'bare-server',
    command: process.execPath,
    args: [join(__dirname, 'bare-server.js'), JSON.stringify(config)],
    env: { ...process.env, MEDIASOUP_WORKER_BIN: workerBin() },
  });

  try {
    server.start();
    const line = await server.waitForLine(/^\{"ready":true/, 20_000);
    const { targets } = JSON.parse(line) as { targets: PublisherTarget[] };
    const publishers = await Publishers.create(options.shape, targets);
    try {
      const workers = childPids(server.pid);
      if (workers.length === 0) throw new Error(`no mediasoup worker process found under the bare server (pid ${server.pid})`);
      return await measureForwarding(publishers, sinks, { node: [server.pid], worker: workers }, options);
    } finally {
      publishers.close();
    }
  } finally {
    sinks.close();
    await server.stop(5000);
  }
}

function report(options: ClusterTaxOptions, cluster: ForwardingRun, bare: ForwardingRun): BenchResult {
  const ratio = cpuPerPacket(cluster) / cpuPerPacket(bare);
  const groups = cluster.cpuSecondsByGroup;
  const bars: Bar[] = [{ bar: `cluster CPU per packet / bare's <= ${BAR}`, value: ratio, met: ratio <= BAR }];
  const { shape } = options;
  const notes = [
    `Workload "${shape.name}": ${shape.publishers} publishers x ${options.subscribers} subscribers, all on the first of two SFU nodes.`,
    'Cluster CPU counts both SFU node processes, their mediasoup workers and redis-server; no signaling node runs, because plain RTP transports need none.',
    `CPU seconds in the window: cluster ${cluster.cpuSeconds.toFixed(2)} (hosting node process ${groups.node!.toFixed(2)}, its worker ${groups.worker!.toFixed(2)}, ` +
      `idle second node with its worker ${groups.otherNode!.toFixed(2)}, Redis ${groups.redis!.toFixed(2)}); ` +
      `bare ${bare.cpuSeconds.toFixed(2)} (node process ${bare.cpuSecondsByGroup.node!.toFixed(2)}, worker ${bare.cpuSecondsByGroup.worker!.toFixed(2)}).`,
    'The bare server is one Node process with one mediasoup worker, one router and the same plain transports, with no Redis.',
  ];
  if (!bars[0]!.met) {
    const workerExtra = groups.worker! - bare.cpuSecondsByGroup.worker!;
    const controlExtra = groups.node! + groups.otherNode! + groups.redis! - bare.cpuSecondsByGroup.node!;
    notes.push(
      `Missed: of the ${(cluster.cpuSeconds - bare.cpuSeconds).toFixed(2)} CPU seconds the cluster used beyond the bare server, the workers differ by ` +
        `${workerExtra.toFixed(2)} s and the control plane accounts for ${controlExtra.toFixed(2)} s: node processes that send a heartbeat every second and poll ` +
        'every transport\'s stats and their workers\' resource usage every 2 s, the idle second node, and Redis. That work follows timers and ' +
        'transport counts rather than packets, so its share should fall at higher packet rates; this run did not measure that.',
    );
  }
  const hostingRatio = (groups.node! + groups.worker!) / cluster.forwarded / cpuPerPacket(bare);

  return benchResult({
    name: 'cluster-tax',
    title: 'CPU per forwarded packet: the cluster against a bare mediasoup server',
    figures: {
      ...forwardingFigures(cluster),
      hostingNodeRatio: { value: hostingRatio, unit: 'x bare' },
      redisCpu: { value: groups.redis! / cluster.wallSeconds, unit: 'cores' },
    },
    baseline: { what: 'bare one-process mediasoup server', figures: forwardingFigures(bare) },
    ratio,
    bars,
    settings: forwardingSettings(shape, options),
    notes,
  });
}
