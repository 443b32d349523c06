import { hostname, cpus, networkInterfaces } from 'node:os';

import { isUnspecifiedIp } from './addresses';
import { readCommon, type CommonConfig } from './common';
import { EnvReader } from './reader';
import type { Env } from './variables';

export type MediasoupLogLevel = 'debug' | 'warn' | 'error' | 'none';

export interface SfuConfig extends CommonConfig {
  nodeId: string;
  region: string;
  workerBin: string;
  workerNum: number;
  mediasoupLogLevel: MediasoupLogLevel;
  rtcMinPort: number;
  rtcMaxPort: number;
  /** Address clients send media to. */
  announcedIp: string;
  /** Address mediasoup binds media sockets to. */
  listenIp: string;
  /** Internal address other SFU nodes reach this node's pipe transports on. */
  pipeIp: string;
  webRtcServer: boolean;
  /** Port of worker 0's WebRtcServer; worker i listens on this plus i. */
  webRtcServerPort: number;
  /** Seconds a draining node keeps serving before it exits. */
  drainTimeoutSeconds: number;
  /** Placement keeps the node at or under these. */
  capacity: { maxPeers: number; maxConsumers: number };
}

/**
 * Ports a worker needs besides its WebRtcServer port: pipe and plain
 * transports each take one from the range, so a worker with none left can
 * carry no room across nodes.
 */
export const MIN_TRANSPORT_PORTS_PER_WORKER = 1;

const SFU_DEFAULT_PORT = 3100;

/** Reads and validates an SFU node's configuration; throws ConfigError. */
export function loadSfuConfig(env: Env = process.env): SfuConfig {
  const reader = new EnvReader(env);
  const common = readCommon(reader, SFU_DEFAULT_PORT);
  const local = common.mode === 'local';

  const workerNum = reader.integer('MEDIASOUP_WORKER_NUM', local ? 1 : cpus().length, 1, 256);
  const rtcMinPort = reader.port('MEDIASOUP_RTC_MIN_PORT', 40000);
  const rtcMaxPort = reader.port('MEDIASOUP_RTC_MAX_PORT', 49999);
  const webRtcServer = reader.boolean('SFU_WEBRTC_SERVER', true);
  const webRtcServerPort = reader.port('SFU_WEBRTC_SERVER_PORT', rtcMinPort);
  checkPortRange(reader, { workerNum, rtcMinPort, rtcMaxPort, webRtcServer, webRtcServerPort });

  const announcedIp = readAnnouncedIp(reader, local);

  const config: SfuConfig = {
    ...common,
    nodeId: reader.string('SFU_NODE_ID', `${hostname()}-${process.pid}`),
    region: reader.string('SFU_REGION', 'default'),
    workerBin: reader.required(
      'MEDIASOUP_WORKER_BIN',
      'build the worker with "npm run worker:build" and set MEDIASOUP_WORKER_BIN to the path it prints',
    ),
    workerNum,
    mediasoupLogLevel: reader.oneOf('MEDIASOUP_LOG_LEVEL', ['debug', 'warn', 'error', 'none'] as const, 'warn'),
    rtcMinPort,
    rtcMaxPort,
    announcedIp,
    listenIp: reader.ip('SFU_LISTEN_IP', local ? '127.0.0.1' : '0.0.0.0'),
    pipeIp: readPipeIp(reader, local),
    webRtcServer,
    webRtcServerPort,
    drainTimeoutSeconds: reader.integer('SFU_DRAIN_TIMEOUT', 3600, 0, 7 * 24 * 3600),
    capacity: {
      maxPeers: reader.integer('SFU_MAX_PEERS', 500, 1, 1_000_000),
      maxConsumers: reader.integer('SFU_MAX_CONSUMERS', 10_000, 1, 10_000_000),
    },
  };

  reader.done();
  return config;
}

interface PortPlan {
  workerNum: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  webRtcServer: boolean;
  webRtcServerPort: number;
}

function checkPortRange(reader: EnvReader, plan: PortPlan): void {
  const { workerNum, rtcMinPort, rtcMaxPort, webRtcServer, webRtcServerPort } = plan;

  if (rtcMinPort > rtcMaxPort) {
    reader.fail(
      `MEDIASOUP_RTC_MIN_PORT=${rtcMinPort} is above MEDIASOUP_RTC_MAX_PORT=${rtcMaxPort}; ` +
        'set MEDIASOUP_RTC_MIN_PORT to the lower end of the range',
    );
    return;
  }

  const size = rtcMaxPort - rtcMinPort + 1;
  const serverPorts = webRtcServer ? workerNum : 0;
  const needed = serverPorts + workerNum * MIN_TRANSPORT_PORTS_PER_WORKER;
  if (size < needed) {
    reader.fail(
      `MEDIASOUP_RTC_MIN_PORT..MEDIASOUP_RTC_MAX_PORT (${rtcMinPort}-${rtcMaxPort}) holds ${size} ports ` +
        `but ${workerNum} workers need at least ${needed}; widen the range or lower MEDIASOUP_WORKER_NUM`,
    );
    return;
  }

  const lastServerPort = webRtcServerPort + workerNum - 1;
  if (webRtcServer && (webRtcServerPort < rtcMinPort || lastServerPort > rtcMaxPort)) {
    reader.fail(
      `SFU_WEBRTC_SERVER_PORT=${webRtcServerPort} puts WebRtcServer ports ${webRtcServerPort}-${lastServerPort} ` +
        `outside ${rtcMinPort}-${rtcMaxPort}; set it inside the MEDIASOUP_RTC_MIN_PORT..MEDIASOUP_RTC_MAX_PORT range`,
    );
  }
}

function readAnnouncedIp(reader: EnvReader, local: boolean): string {
  const announcedIp = reader.ip('MEDIASOUP_ANNOUNCED_IP', local ? '127.0.0.1' : '');
  if (announcedIp === '' && reader.raw('MEDIASOUP_ANNOUNCED_IP') === undefined) {
    reader.fail(
      "MEDIASOUP_ANNOUNCED_IP is missing; set it to the server's public IP that clients reach, " +
        'or set CLUSTER_MODE=local for a cluster on this machine only',
    );
  }

  // NOTE: loopback and private addresses pass because they are correct on a LAN or behind 1:1 NAT.
  if (isUnspecifiedIp(announcedIp)) {
    reader.fail(
      `MEDIASOUP_ANNOUNCED_IP=${announcedIp} is the unspecified address, which clients cannot send media to; ` +
        "set it to the server's public IP that clients reach",
    );
  }
  return announcedIp;
}

function readPipeIp(reader: EnvReader, local: boolean): string {
  if (reader.raw('SFU_PIPE_IP') === undefined) {
    if (local) return '127.0.0.1';

    const found = firstExternalIpv4();
    if (found === undefined) {
      reader.fail(
        'SFU_PIPE_IP is missing and this host has no external IPv4 address; ' +
          'set SFU_PIPE_IP to the address other SFU nodes reach this node on',
      );
      return '';
    }
    return found;
  }

  const pipeIp = reader.ip('SFU_PIPE_IP', '');
  if (isUnspecifiedIp(pipeIp)) {
    reader.fail(
      `SFU_PIPE_IP=${pipeIp} is the unspecified address, which other SFU nodes cannot reach; ` +
        'set it to the address other SFU nodes reach this node on',
    );
  }
  return pipeIp;
}

function firstExternalIpv4(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((address) => address.family === 'IPv4' && !address.internal);
    if (found) return found.address;
  }
  return undefined;
}
