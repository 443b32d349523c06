import { EventEmitter } from 'node:events';

import type * as Mediasoup from 'mediasoup';
import type { WebRtcServer, Worker } from 'mediasoup/node/lib/types';

import type { SfuConfig } from '@sfu-cluster/config';
import { moduleLogger, type Logger } from '@sfu-cluster/logger';

export interface PooledWorker {
  index: number;
  worker: Worker;
  /** Present when SFU_WEBRTC_SERVER is on. */
  webRtcServer?: WebRtcServer;
  webRtcServerPort?: number;
}

export interface WorkerDiedEvent {
  index: number;
  pid: number;
  error: Error;
}

/** Pause before respawning a dead worker, so a worker that dies at start does not spin. */
const RESPAWN_DELAY_MS = 1000;

type PoolConfig = Pick<
  SfuConfig,
  | 'workerNum'
  | 'mediasoupLogLevel'
  | 'rtcMinPort'
  | 'rtcMaxPort'
  | 'webRtcServer'
  | 'webRtcServerPort'
  | 'listenIp'
  | 'announcedIp'
>;

/**
 * The node's mediasoup workers, one WebRtcServer each. Owns them: close()
 * closes every worker, and a worker that dies is replaced.
 *
 * Events: 'workerdied' (WorkerDiedEvent), 'workerrespawned' (PooledWorker).
 */
export class WorkerPool extends EventEmitter {
  private readonly workers: (PooledWorker | undefined)[] = [];
  private readonly logger: Logger;
  private closed = false;

  constructor(
    private readonly mediasoup: typeof Mediasoup,
    private readonly config: PoolConfig,
    logger: Logger,
  ) {
    super();
    this.logger = moduleLogger(logger, 'worker-pool');
  }

  /** Starts every worker; rejects if any cannot start (bad binary, port taken). */
  async start(): Promise<void> {
    for (let index = 0; index < this.config.workerNum; index++) {
      this.workers[index] = await this.spawn(index);
    }
  }

  list(): PooledWorker[] {
    return this.workers.filter((entry): entry is PooledWorker => entry !== undefined);
  }

  get(index: number): PooledWorker | undefined {
    return this.workers[index];
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;

    for (const entry of this.list()) entry.worker.close();
    this.workers.length = 0;
  }

  private async spawn(index: number): Promise<PooledWorker> {
    const { rtcMinPort, rtcMaxPort } = this.transportPortRange();

    const worker = await this.mediasoup.createWorker({
      logLevel: this.config.mediasoupLogLevel,
      rtcMinPort,
      rtcMaxPort,
      appData: { index },
    });
    worker.on('died', (error) => this.onWorkerDied(index, worker, error));

    const entry: PooledWorker = { index, worker };
    if (this.config.webRtcServer) {
      entry.webRtcServerPort = this.config.webRtcServerPort + index;
      entry.webRtcServer = await this.createWebRtcServer(worker, entry.webRtcServerPort);
    }

    this.logger.info('worker started', {
      workerIndex: index,
      workerPid: worker.pid,
      webRtcServerPort: entry.webRtcServerPort,
      rtcMinPort,
      rtcMaxPort,
    });
    return entry;
  }

  private async createWebRtcServer(worker: Worker, port: number): Promise<WebRtcServer> {
    const { listenIp: ip, announcedIp } = this.config;

    try {
      return await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip, announcedIp, port },
          { protocol: 'tcp', ip, announcedIp, port },
        ],
      });
    } catch (error) {
      worker.close();
      throw new Error(
        `could not open WebRtcServer port ${port} on ${ip}: ${(error as Error).message}; ` +
          'another process holds it: free the port or move the range with MEDIASOUP_RTC_MIN_PORT and MEDIASOUP_RTC_MAX_PORT',
      );
    }
  }

  /**
   * Pipe and plain transports take ports from the range; the WebRtcServer
   * ports are kept out of it when they sit at its start, which is the default.
   */
  private transportPortRange(): { rtcMinPort: number; rtcMaxPort: number } {
    const { rtcMinPort, rtcMaxPort, webRtcServer, webRtcServerPort, workerNum } = this.config;
    if (webRtcServer && webRtcServerPort === rtcMinPort) {
      return { rtcMinPort: rtcMinPort + workerNum, rtcMaxPort };
    }
    return { rtcMinPort, rtcMaxPort };
  }

  private onWorkerDied(index: number, worker: Worker, error: Error): void {
    this.logger.error('mediasoup Worker died; respawning it. If this repeats, check memory and CPU limits', {
      workerIndex: index,
      workerPid: worker.pid,
      error: error.message,
    });
    this.workers[index] = undefined;
    this.emit('workerdied', { index, pid: worker.pid, error } satisfies WorkerDiedEvent);

    setTimeout(() => void this.respawn(index), RESPAWN_DELAY_MS);
  }

  private async respawn(index: number): Promise<void> {
    if (this.closed) return;

    try {
      const entry = await this.spawn(index);
      if (this.closed) {
        entry.worker.close();
        return;
      }
      this.workers[index] = entry;
      this.emit('workerrespawned', entry);
    } catch (error) {
      this.logger.error('could not respawn worker; retrying', { workerIndex: index, error: (error as Error).message });
      setTimeout(() => void this.respawn(index), RESPAWN_DELAY_MS);
    }
  }
}
