import { createServer } from 'node:http';
import { join } from 'node:path';

import express from 'express';

import { loadOrExit, loadWebConfig } from '@sfu-cluster/config';
import { createLogger } from '@sfu-cluster/logger';
import { closeServer, healthRouter, listen, onShutdown, runMain } from '@sfu-cluster/service';

/** The meeting room page and the operator console, built by Vite from src/app into dist/public. */
const PUBLIC_DIR = join(__dirname, 'public');

async function main(): Promise<void> {
  const config = loadOrExit(loadWebConfig, 'web');
  const logger = createLogger({ service: 'web', level: config.logLevel, format: config.logFormat });

  const app = express();
  app.use(
    healthRouter({
      health: () => ({ service: 'web' }),
      ready: () => ({ ready: true }),
    }),
  );
  app.get('/console', (_req, res) => res.sendFile(join(PUBLIC_DIR, 'console.html')));
  app.use(express.static(PUBLIC_DIR));

  const server = createServer(app);
  await listen(server, config.host, config.port, logger);

  onShutdown(logger, [{ name: 'http', run: () => closeServer(server) }]);
}

runMain('web', main);
