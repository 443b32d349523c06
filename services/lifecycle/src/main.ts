import { createServer } from 'node:http';

import { Worker } from 'bullmq';
import express from 'express';

import { loadLifecycleConfig, loadOrExit } from '@sfu-cluster/config';
import { bullPrefix, queues } from '@sfu-cluster/jobs';
import { createLogger } from '@sfu-cluster/logger';
import { createRedis, redisStatus } from '@sfu-cluster/registry';
import { closeServer, healthRouter, listen, onShutdown, runMain } from '@sfu-cluster/service';

import { startWebhookWorker } from './webhooks/worker';

async function main(): Promise<void> {
  const config = loadOrExit(loadLifecycleConfig, 'lifecycle');
  const nodeId = `lifecycle-${process.pid}`;
  const logger = createLogger({
    service: 'lifecycle',
    level: config.logLevel,
    format: config.logFormat,
    context: { nodeId },
  });

  // BullMQ's blocking commands must wait out a Redis restart, not fail.
  const redis = createRedis(config.redis, { connectionName: `lifecycle:${nodeId}`, maxRetriesPerRequest: null });
  redis.on('error', (error) => logger.warn('redis connection error; retrying', { error: error.message }));

  const worker = new Worker(
    queues.rooms,
    async (job) => {
      // Job handlers arrive with the lifecycle issue; until then an unknown
      // job fails visibly instead of being dropped.
      throw new Error(`no handler for job ${job.name}`);
    },
    { connection: redis, prefix: bullPrefix(config.redis.prefix) },
  );
  worker.on('failed', (job, error) => logger.error('job failed', { jobId: job?.id, job: job?.name, error: error.message }));
  worker.on('error', (error) => logger.warn('queue worker error', { error: error.message }));

  const webhooks = startWebhookWorker({ redis, redisPrefix: config.redis.prefix, config: config.webhooks, logger });

  const app = express();
  app.use(
    healthRouter({
      health: () => ({ service: 'lifecycle', nodeId, redis: redisStatus(redis), queue: queues.rooms }),
      ready: () => (redisStatus(redis) === 'up' ? { ready: true } : { ready: false, reason: 'redis is not connected' }),
    }),
  );
  const server = createServer(app);
  await listen(server, config.host, config.port, logger);
  logger.info('lifecycle worker started', { queue: queues.rooms });

  onShutdown(logger, [
    { name: 'http', run: () => closeServer(server) },
    { name: 'queue worker', run: () => worker.close() },
    { name: 'webhook worker', run: () => webhooks.close() },
    { name: 'redis', run: async () => void (await redis.quit()) },
  ]);
}

runMain('lifecycle', main);
