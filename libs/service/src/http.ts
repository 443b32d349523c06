import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Logger } from '@sfu-cluster/logger';

/**
 * Listens on host:port and resolves once bound. A port that is taken rejects
 * with a message that names the port and the fix.
 */
export async function listen(server: Server, host: string, port: number, logger: Logger): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const fix = error.code === 'EADDRINUSE' ? '; another process holds it: stop that process or set PORT' : '';
      reject(new Error(`could not listen on ${host}:${port}: ${error.code ?? error.message}${fix}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  logger.info('http server listening', { host: address.address, port: address.port });
}

/** Stops accepting connections and ends open ones; resolves when closed. */
export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
