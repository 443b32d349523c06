import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

import { ConfigError, loadSfuConfig, loadSignalingConfig, type SfuConfig } from '@sfu-cluster/config';

import { fail, pass, warn, type CheckResult } from './check';
import { findPortHolder } from './port-holder';

/** Exit status of a mediasoup 3.12 worker started without its parent's channel: proof that it loads and runs. */
const WORKER_ORPHAN_EXIT_CODE = 41;

/** How long the worker binary may take to start and exit. */
const WORKER_RUN_TIMEOUT_MS = 5000;

const WORKER_FIX = 'build the worker with "npm run worker:build" and set MEDIASOUP_WORKER_BIN to the path it prints';

/**
 * Validates this machine's environment the way an SFU node does at start:
 * announced IP, port range and workers. Returns the config when valid, and
 * one failed check per problem otherwise.
 */
export function checkSfuConfig(env: NodeJS.ProcessEnv): { config?: SfuConfig; results: CheckResult[] } {
  try {
    const config = loadSfuConfig(env);
    const detail = `SFU settings valid in ${config.mode} mode: announced IP ${config.announcedIp}, ports ${config.rtcMinPort}-${config.rtcMaxPort} for ${config.workerNum} workers`;
    return { config, results: [pass('config', detail)] };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;

    // Each problem line names the variable and its fix.
    const results = error.problems.map((problem) => fail('config', problem));
    if (env.CLUSTER_MODE === undefined) {
      results.push(warn('config', 'CLUSTER_MODE is unset, so an SFU node here starts in production mode', 'set CLUSTER_MODE=local for a cluster on this machine only'));
    }
    return { results };
  }
}

/**
 * Validates the STUN and TURN entries the way a signaling node does, which
 * hands them to clients. Other signaling problems, such as a missing
 * JWT_SECRET on a host that runs only SFU nodes, are left out.
 */
export function checkIceServers(env: NodeJS.ProcessEnv): CheckResult[] {
  try {
    const config = loadSignalingConfig(env);
    return [pass('stun and turn', `${config.iceServers.length} ICE server entries parse`)];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const problems = error.problems.filter((problem) => /MEDIASOUP_(STUN|TURN)_/.test(problem) && !isMissingTurnCredential(env, problem));
    if (problems.length === 0) return [pass('stun and turn', 'STUN and TURN entries parse')];
    return problems.map((problem) => fail('stun and turn', problem));
  }
}

/** Checks whether problem is the missing static TURN user of a config with neither password nor secret, which the turn credentials check reports instead. */
function isMissingTurnCredential(env: NodeJS.ProcessEnv, problem: string): boolean {
  const noCredential = (env.MEDIASOUP_TURN_PASSWORD ?? '').trim() === '' && (env.MEDIASOUP_TURN_SECRET ?? '').trim() === '';
  return noCredential && /^MEDIASOUP_TURN_(USERNAME|PASSWORD) is missing/.test(problem);
}

/** Runs the worker binary alone: a worker that loads exits at once with status 41, since no mediasoup parent spawned it. */
export async function checkWorkerBinary(env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const bin = env.MEDIASOUP_WORKER_BIN;
  if (!bin) return fail('worker binary', 'MEDIASOUP_WORKER_BIN is not set', WORKER_FIX);

  const outcome = await runOnce(bin);
  if (outcome.error) return fail('worker binary', `${bin} could not start: ${outcome.error}`, WORKER_FIX);
  if (outcome.code === WORKER_ORPHAN_EXIT_CODE) return pass('worker binary', `${bin} runs`);

  const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with status ${outcome.code}`;
  const output = outcome.output.trim().split('\n').slice(-2).join(' | ');
  return fail('worker binary', `${bin} ${how}${output ? `: ${output}` : ''}`, `${WORKER_FIX}; a missing shared library shows as status 127`);
}

function runOnce(bin: string): Promise<{ code?: number | null; signal?: string | null; error?: string; output: string }> {
  return new Promise((resolve) => {
    // Without MEDIASOUP_VERSION in its environment the worker exits before opening any socket.
    const child = spawn(bin, [], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    // A timer of our own, because spawn's timeout option keeps the process alive after a failed start.
    const timer = setTimeout(() => child.kill('SIGKILL'), WORKER_RUN_TIMEOUT_MS);
    const finish = (outcome: { code?: number | null; signal?: string | null; error?: string }): void => {
      clearTimeout(timer);
      resolve({ ...outcome, output });
    };

    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => finish({ error: error.code ?? error.message }));
    child.on('close', (code, signal) => finish({ code, signal }));
  });
}

/**
 * Checks that the ports an SFU node binds at start are free on its listen
 * address, or held by a mediasoup worker (a node already running here).
 * With WebRtcServer on those are the per-worker ports; without it, the
 * first port per worker stands for the range.
 */
export async function checkRtcPorts(config: SfuConfig): Promise<CheckResult[]> {
  const base = config.webRtcServer ? config.webRtcServerPort : config.rtcMinPort;
  const ports = Array.from({ length: config.workerNum }, (_, index) => base + index);
  const results: CheckResult[] = [];

  for (const port of ports) {
    for (const protocol of ['udp', 'tcp'] as const) {
      const error = await tryBind(protocol, config.listenIp, port);
      if (error === undefined) continue;

      const holder = error === 'EADDRINUSE' ? findPortHolder(protocol, port) : undefined;
      const name = `port ${protocol} ${port}`;
      if (holder?.command === 'mediasoup-worker') {
        results.push(pass(name, `held by mediasoup-worker pid ${holder.pid}, an SFU node on this host`));
      } else if (holder) {
        results.push(fail(name, `held by ${holder.command} pid ${holder.pid}`, `stop that process, or move MEDIASOUP_RTC_MIN_PORT and MEDIASOUP_RTC_MAX_PORT to a free range`));
      } else if (error === 'EADDRINUSE') {
        results.push(warn(name, 'in use by a process this user cannot see', `find it with "ss -lunp 'sport = :${port}'"; free the port or move the range`));
      } else {
        results.push(fail(name, `cannot bind ${config.listenIp}:${port}: ${error}`, 'check SFU_LISTEN_IP and that the port is not privileged'));
      }
    }
  }

  if (results.length === 0) results.push(pass('rtc ports', `${protocolsLabel(config)} ${ports.join(', ')} free on ${config.listenIp}`));
  return results;
}

function protocolsLabel(config: SfuConfig): string {
  return config.webRtcServer ? 'WebRtcServer ports (udp and tcp)' : 'first worker ports (udp and tcp)';
}

/** Binds and releases a port; resolves with the error code, or undefined when the port was free. */
function tryBind(protocol: 'udp' | 'tcp', address: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const onError = (error: NodeJS.ErrnoException): void => resolve(error.code ?? error.message);

    if (protocol === 'udp') {
      const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
      socket.once('error', onError);
      socket.bind(port, address, () => socket.close(() => resolve(undefined)));
      return;
    }
    const server = createServer();
    server.once('error', onError);
    server.listen(port, address, () => server.close(() => resolve(undefined)));
  });
}
