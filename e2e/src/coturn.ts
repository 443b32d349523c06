import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, isUdpPortFree, ManagedProcess, WaitAborted, waitFor } from '@sfu-cluster/testkit';

/** Debian's coturn package; the test never downloads a TURN server. */
export const TURNSERVER_PATH = '/usr/bin/turnserver';

/**
 * Relay ports live above Linux's default ephemeral range (32768-60999) and
 * above the test clusters' media ports (below 32768), so they do not compete
 * with outgoing connections or SFU nodes.
 */
const RELAY_PORTS_FIRST = 61000;
const RELAY_PORTS_END = 65536;
const RELAY_PORT_COUNT = 100;

export interface Coturn {
  /** turn:127.0.0.1:<port>?transport=udp */
  url: string;
  /** static-auth-secret, shared with signaling as MEDIASOUP_TURN_SECRET. */
  secret: string;
  realm: string;
  logFile: string;
  /** The log file's text so far. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts coturn on 127.0.0.1 with TURN REST API credentials (use-auth-secret)
 * and a fresh random secret. It relays between loopback addresses only, which
 * coturn forbids unless allow-loopback-peers is set. The log goes to logFile.
 */
export async function startCoturn(logFile: string): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), 'sfu-e2e-coturn-'));
  const port = await freeTcpAndUdpPort();
  const relayFirst = await freeRelayPorts();
  const secret = randomBytes(24).toString('hex');
  const realm = 'sfu-cluster.test';

  const config = [
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `listening-port=${port}`,
    `min-port=${relayFirst}`,
    `max-port=${relayFirst + RELAY_PORT_COUNT - 1}`,
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    `realm=${realm}`,
    'fingerprint',
    'allow-loopback-peers',
    'no-multicast-peers',
    // Only plain UDP and TCP on one port: no TLS certificate, no CLI, no RFC 5780 second port.
    'no-tls',
    'no-dtls',
    'no-cli',
    'no-rfc5780',
    `userdb=${join(dir, 'turndb')}`,
    `pidfile=${join(dir, 'turnserver.pid')}`,
    `log-file=${logFile}`,
    'simple-log',
    'verbose',
  ];
  const configFile = join(dir, 'turnserver.conf');
  writeFileSync(configFile, `${config.join('\n')}\n`);

  const output: string[] = [];
  const child = new ManagedProcess({ name: 'coturn', command: TURNSERVER_PATH, args: ['-c', configFile], onLine: (line) => output.push(line) });
  child.start();
  try {
    // coturn writes its start-up to the log file only, so readiness is read there.
    const listening = `UDP listener opened on: 127.0.0.1:${port}`;
    await waitFor('coturn to open its UDP listener', () => {
      if (!child.running) throw new WaitAborted(`coturn exited: ${child.describeExit()}; output: ${output.slice(-5).join(' | ')}`);
      return existsSync(logFile) && readFileSync(logFile, 'utf8').includes(listening);
    }, 15_000);
  } catch (error) {
    await child.stop(5000);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    secret,
    realm,
    logFile,
    log: () => readFileSync(logFile, 'utf8'),
    stop: async () => {
      await child.stop(5000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Mints a TURN REST API credential that expires at expiresAt (Unix seconds), as signaling does. */
export function turnCredential(secret: string, identity: string, expiresAt: number): { username: string; credential: string } {
  const username = `${expiresAt}:${identity}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** Returns a port free on both TCP and UDP, because coturn listens on both. */
async function freeTcpAndUdpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort();
    if (await isUdpPortFree(port)) return port;
  }
  throw new Error('could not find a port free on both TCP and UDP for coturn');
}

/** Picks a random block of RELAY_PORT_COUNT ports whose first and last are free on UDP. */
async function freeRelayPorts(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = RELAY_PORTS_FIRST + Math.floor(Math.random() * (RELAY_PORTS_END - RELAY_PORTS_FIRST - RELAY_PORT_COUNT));
    if ((await isUdpPortFree(first)) && (await isUdpPortFree(first + RELAY_PORT_COUNT - 1))) return first;
  }
  throw new Error(`could not find free relay ports in ${RELAY_PORTS_FIRST}-${RELAY_PORTS_END - 1}`);
}
