import { join } from 'node:path';

import { repoRoot } from '@sfu-cluster/testkit';

import { clusterCpuGroups } from './cluster-tax';
import { forwardingFigures, forwardingSettings, measureForwarding, type ForwardingRun, type ForwardingWindow } from './forwarding';
import { setUpJanusRoom } from './janus-room';
import { JanusServer } from './janus-server';
import { benchResult, type Bar, type BenchResult } from './result';
import { measureSfuForwarding } from './sfu-target';
import { ensureCommand } from './tools';
import { Publishers, Sinks, type WorkloadShape } from './workload';

export interface JanusBenchOptions extends ForwardingWindow {
  shape: WorkloadShape;
  log: (line: string) => void;
}

const BAR = 1.0;
const LOG_FILE = join(repoRoot, 'test-artifacts', 'bench', 'janus.log');

/** CPU seconds per forwarded packet. */
function cpuPerPacket(run: ForwardingRun): number {
  return run.cpuSeconds / run.forwarded;
}

/**
 * Measures CPU per forwarded packet of the cluster (Redis and two SFU
 * nodes, the room on one of them, as cluster-tax does) against Janus 1.1.2.
 * In Janus, VideoRoom remote publishers take the plain RTP in, and one
 * rtp_forward per subscriber and publisher sends it out.
 */
export async function runJanusBench(options: JanusBenchOptions): Promise<BenchResult> {
  ensureCommand('janus', 'janus', options.log);

  const janus = await runJanus(options);
  options.log(`janus: Janus ${(cpuPerPacket(janus) * 1e6).toFixed(2)} us/packet`);
  const cluster = await measureSfuForwarding(2, 'janus', options, clusterCpuGroups);
  options.log(`janus: cluster ${(cpuPerPacket(cluster) * 1e6).toFixed(2)} us/packet`);

  return report(options, cluster, janus);
}

async function runJanus(options: JanusBenchOptions): Promise<ForwardingRun> {
  const sinks = await Sinks.create(options.subscribers);
  try {
    const janus = await JanusServer.start(LOG_FILE);
    try {
      const targets = await setUpJanusRoom(janus, options.shape, sinks.ports);
      const publishers = await Publishers.create(options.shape, targets);
      try {
        return await measureForwarding(publishers, sinks, { janus: [janus.pid] }, options);
      } finally {
        publishers.close();
      }
    } finally {
      await janus.stop();
    }
  } finally {
    sinks.close();
  }
}

function microsecondsPerPacket(cpuSeconds: number, run: ForwardingRun): string {
  return ((cpuSeconds / run.forwarded) * 1e6).toFixed(2);
}

function report(options: JanusBenchOptions, cluster: ForwardingRun, janus: ForwardingRun): BenchResult {
  const ratio = cpuPerPacket(cluster) / cpuPerPacket(janus);
  const groups = cluster.cpuSecondsByGroup;
  const hostingRatio = (groups.node! + groups.worker!) / cluster.forwarded / cpuPerPacket(janus);
  const workerRatio = groups.worker! / cluster.forwarded / cpuPerPacket(janus);
  const bars: Bar[] = [{ bar: `cluster CPU per packet / Janus' <= ${BAR.toFixed(1)}`, value: ratio, met: ratio <= BAR }];
  const { shape } = options;

  const notes = [
    `Workload "${shape.name}": ${shape.publishers} publishers x ${options.subscribers} subscribers; Janus forwards each publisher to every subscriber ` +
      `with one rtp_forward, the cluster with one consumer, all publishers and subscribers on the first of two SFU nodes.`,
    `Janus 1.1.2 (Debian's package) runs as one process with the VideoRoom plugin and the HTTP transport only, on 127.0.0.1, log in ${LOG_FILE}. ` +
      'Its CPU is utime + stime of that process, which counts all its threads.',
    `CPU seconds in the window: cluster ${cluster.cpuSeconds.toFixed(2)} (hosting node process ${groups.node!.toFixed(2)}, its worker ${groups.worker!.toFixed(2)}, ` +
      `idle second node with its worker ${groups.otherNode!.toFixed(2)}, Redis ${groups.redis!.toFixed(2)}); Janus ${janus.cpuSeconds.toFixed(2)}. ` +
      `The hosting node alone is ${hostingRatio.toFixed(2)}x Janus per packet, and its mediasoup worker alone ${workerRatio.toFixed(2)}x.`,
    'Not like for like: per consumer, mediasoup rewrites the SSRC, sequence number and timestamp of every packet, keeps a retransmission buffer ' +
      'to answer NACKs, sends RTCP sender reports and reads receiver reports, and asks the producer for a keyframe when a video consumer starts ' +
      "(PLI or FIR). Janus' rtp_forward sends each packet on with the publisher's SSRC, sequence number and timestamp (unless the request sets " +
      'an SSRC or payload type), keeps no retransmission buffer and sends no RTCP without an rtcp_port. A Janus subscriber handle would do most ' +
      'of that work, but it needs ICE and DTLS, which plain RTP cannot drive.',
  ];
  if (!bars[0]!.met) {
    notes.push(
      `Missed: the cluster spent ${((cpuPerPacket(cluster) - cpuPerPacket(janus)) * 1e6).toFixed(2)} us more per packet than Janus. ` +
        `Its mediasoup worker alone spent ${microsecondsPerPacket(groups.worker!, cluster)} us per packet, where it does the per-consumer work above; ` +
        `the node processes and Redis, the control plane that cluster-tax measures, spent ` +
        `${microsecondsPerPacket(groups.node! + groups.otherNode! + groups.redis!, cluster)} us.`,
    );
  }

  return benchResult({
    name: 'janus',
    title: 'CPU per forwarded packet: the cluster against Janus 1.1.2 with rtp_forward',
    figures: {
      ...forwardingFigures(cluster),
      hostingNodeRatio: { value: hostingRatio, unit: 'x Janus' },
      workerRatio: { value: workerRatio, unit: 'x Janus' },
    },
    baseline: { what: 'Janus 1.1.2 VideoRoom, remote publishers and rtp_forward', figures: forwardingFigures(janus) },
    ratio,
    bars,
    settings: forwardingSettings(shape, options),
    notes,
  });
}
