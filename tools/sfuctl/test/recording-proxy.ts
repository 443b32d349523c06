import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordingProxy {
  url: string;
  /** The body of the last response forwarded for each path, parsed as JSON. */
  responses: Map<string, unknown>;
  close(): Promise<void>;
}

/**
 * Starts an HTTP proxy on 127.0.0.1 that forwards every request to target
 * and records each response's JSON body by path. It lets a test compare what
 * sfuctl printed with the exact response sfuctl got, even where the response
 * changes every second.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const responses = new Map<string, unknown>();

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type']) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }

      fetch(new URL(request.url ?? '/', target), { method: request.method, headers, body })
        .then(async (upstream) => {
          const text = await upstream.text();
          responses.set(new URL(request.url ?? '/', target).pathname, JSON.parse(text) as unknown);
          response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
          response.end(text);
        })
        .catch((error: Error) => {
          response.writeHead(502, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { code: 'PROXY_FAILED', message: error.message } }));
        });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    responses,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
