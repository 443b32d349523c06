import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ManagedProcess } from '@sfu-cluster/testkit';

import { forwardingFigures, forwardingSettings, measureForwarding, packetsPerCoreSecond, type ForwardingRun, type ForwardingWindow } from './forwarding';
import { benchResult, type Bar, type BenchResult } from './result';
import { measureSfuForwarding } from './sfu-target';
import { ensureCommand } from './tools';
import { Publishers, Sinks, type WorkloadShape } from './workload';

export interface WireBenchOptions extends ForwardingWindow {
  shape: WorkloadShape;
  log: (line: string) => void;
}

const REFLECTOR_SOURCE = join(__dirname, '..', 'reflector', 'reflector.c');
const RATIO_BAR = 0.2;

/**
 * Forwarded packets per core-second of one SFU node (node process plus
 * mediasoup worker) against a minimal C reflector using recvmmsg and
 * sendmmsg, on the same workload over loopback.
 */
export async function runWireBench(options: WireBenchOptions): Promise<BenchResult> {
  ensureCommand('cc', 'gcc', options.log);
  const buildDirectory = mkdtempSync(join(tmpdir(), 'bench-reflector-'));
  try {
    const reflectorBin = join(buildDirectory, 'reflector');
    execFileSync('cc', ['-O2', '-Wall', '-o', reflectorBin, REFLECTOR_SOURCE], { stdio: 'inherit' });

    const reflector = await runReflector(reflectorBin, options);
    options.log(`wire: reflector ${Math.round(packetsPerCoreSecond(reflector))} packets/core-s`);
    const sfu = await measureSfuForwarding(1, 'wire', options, (target) => ({ sfu: target.pids() }));
    options.log(`wire: sfu ${Math.round(packetsPerCoreSecond(sfu))} packets/core-s`);

    return report(options, sfu, reflector);
  } finally {
    rmSync(buildDirectory, { recursive: true, force: true });
  }
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

async function runReflector(bin: string, options: WireBenchOptions): Promise<ForwardingRun> {
  const sinks = await Sinks.create(options.subscribers);
  const port = await freeUdpPort();
  // The reflector exits by itself a minute after the window should have ended.
  const maxSeconds = options.warmupSeconds + options.durationSeconds + 60;
  const reflector = new ManagedProcess({ name: 'reflector', command: bin, args: [String(maxSeconds), String(port), ...sinks.ports.map(String)] });
  const publishers = await Publishers.create(
    options.shape,
    Array.from({ length: options.shape.publishers }, (_, index) => ({ port, ssrc: 1000 + index })),
  );

  try {
    reflector.start();
    await reflector.waitForLine(/^listening on/, 5000);
    return await measureForwarding(publishers, sinks, { reflector: [reflector.pid] }, options);
  } finally {
    publishers.close();
    await reflector.stop(5000, 'SIGTERM');
    sinks.close();
  }
}

function report(options: WireBenchOptions, sfu: ForwardingRun, reflector: ForwardingRun): BenchResult {
  const ratio = packetsPerCoreSecond(sfu) / packetsPerCoreSecond(reflector);
  const bars: Bar[] = [{ bar: `SFU packets per core-second / reflector's >= ${RATIO_BAR}`, value: ratio, met: ratio >= RATIO_BAR }];
  const { shape } = options;
  const notes = [
    `Workload "${shape.name}": ${shape.publishers} publishers x ${options.subscribers} subscribers, ${shape.packetsPerSecond} packets/s of ${shape.packetBytes} B per publisher` +
      (shape.keyframePackets > 0 ? ` plus ${shape.keyframePackets} packets every ${shape.keyframeIntervalMs} ms` : '') +
      '; generator and sinks in the benchmark process (Node), not counted.',
    'SFU CPU is the node process plus its mediasoup worker (utime + stime from /proc); the reflector is one C process. ' +
      `/proc counts CPU in clock ticks (10 ms at CLK_TCK 100), and the reflector used ${reflector.cpuSeconds.toFixed(2)} s, so its figure is good to about one tick in that.`,
    'Latency is one-way from the generator\'s send to the sink\'s receive, both in the benchmark process, so it includes Node\'s event-loop delay on both ends.',
  ];
  if (!bars[0]!.met) {
    notes.push(
      'Missed: per packet the SFU parses RTP, rewrites sequence numbers, timestamps and SSRC per consumer, keeps a retransmission buffer and sends RTCP, ' +
        'and its Node process does control work; the reflector only copies datagrams with batched system calls.',
    );
  }

  return benchResult({
    name: 'wire',
    title: 'Forwarded packets per core: one SFU node against a UDP reflector',
    figures: forwardingFigures(sfu),
    baseline: { what: 'C reflector with recvmmsg/sendmmsg', figures: forwardingFigures(reflector) },
    ratio,
    bars,
    settings: forwardingSettings(shape, options),
    notes,
  });
}
