import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { freeMediaPortBase, freePort, ManagedProcess, waitFor } from '@sfu-cluster/testkit';

import { writeJanusConfig } from './janus-config';

const VIDEOROOM = 'janus.plugin.videoroom';
const START_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** UDP ports for the remote publishers: two each (RTP and RTCP), with room to spare. */
const RTP_PORTS = 200;

/** A VideoRoom request failed: Janus or the plugin returned an error code. */
export class JanusRequestError extends Error {
  constructor(
    readonly request: string,
    readonly code: number,
    reason: string,
  ) {
    super(`Janus rejected ${request} with error ${code}: ${reason}`);
    this.name = 'JanusRequestError';
  }
}

interface AdminReply {
  janus: string;
  error?: { code: number; reason: string };
  response?: Record<string, unknown> & { error_code?: number; error?: string };
}

/**
 * One Janus process with a config folder of its own in a temporary
 * directory, driven through the admin API over HTTP on 127.0.0.1. Its log
 * goes to logFile, not to the terminal.
 */
export class JanusServer {
  private constructor(
    private readonly child: ManagedProcess,
    private readonly configsFolder: string,
    private readonly adminUrl: string,
    private readonly adminSecret: string,
    readonly logFile: string,
  ) {}

  static async start(logFile: string): Promise<JanusServer> {
    const configsFolder = mkdtempSync(join(tmpdir(), 'bench-janus-'));
    mkdirSync(dirname(logFile), { recursive: true });
    rmSync(logFile, { force: true });

    const rtpBase = await freeMediaPortBase(RTP_PORTS);
    const adminPort = await freePort();
    const adminSecret = randomBytes(12).toString('hex');
    const corePath = writeJanusConfig({
      configsFolder,
      logFile,
      adminSecret,
      httpPort: await freePort(),
      adminPort,
      rtpPorts: [rtpBase, rtpBase + RTP_PORTS - 1],
    });

    const child = new ManagedProcess({ name: 'janus', command: 'janus', args: ['--configs-folder', configsFolder, '--config', corePath] });
    const server = new JanusServer(child, configsFolder, `http://127.0.0.1:${adminPort}/admin`, adminSecret, logFile);
    child.start();
    try {
      await waitFor('the Janus admin API to answer ping', () => server.ping(), START_TIMEOUT_MS, 100);
    } catch (error) {
      await server.stop();
      throw new Error(`Janus did not start (log: ${logFile}): ${error instanceof Error ? error.message : String(error)}`);
    }
    return server;
  }

  get pid(): number {
    return this.child.pid;
  }

  private async post(body: Record<string, unknown>): Promise<AdminReply> {
    const response = await fetch(this.adminUrl, {
      method: 'POST',
      body: JSON.stringify({ ...body, transaction: randomBytes(6).toString('hex'), admin_secret: this.adminSecret }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return (await response.json()) as AdminReply;
  }

  private async ping(): Promise<boolean> {
    if (!this.child.running) throw new Error(`janus exited: ${this.child.describeExit()}`);
    return (await this.post({ janus: 'ping' })).janus === 'pong';
  }

  /** Sends request to the VideoRoom plugin (admin API message_plugin) and returns the plugin's response. */
  async videoRoom<T>(request: Record<string, unknown> & { request: string }): Promise<T> {
    const reply = await this.post({ janus: 'message_plugin', plugin: VIDEOROOM, request });
    if (reply.error !== undefined) throw new JanusRequestError(request.request, reply.error.code, reply.error.reason);
    const response = reply.response ?? {};
    if (response.error_code !== undefined) throw new JanusRequestError(request.request, response.error_code, response.error ?? '');
    return response as T;
  }

  async stop(): Promise<void> {
    await this.child.stop(10_000, 'SIGINT');
    rmSync(this.configsFolder, { recursive: true, force: true });
  }
}
