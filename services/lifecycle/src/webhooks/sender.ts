import { createHmac } from 'node:crypto';

import type { WebhookEvent } from '@sfu-cluster/jobs';

/** Header carrying "sha256=<hex HMAC-SHA256 of the raw body>". */
export const SIGNATURE_HEADER = 'X-SFU-Signature';
/** Header carrying the event id, the same on every attempt and replay. */
export const EVENT_ID_HEADER = 'X-SFU-Event-Id';
/** Header carrying the event type. */
export const EVENT_TYPE_HEADER = 'X-SFU-Event-Type';

/** Computes the X-SFU-Signature value of a raw body. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Outcome of one POST: ok with the status, or a reason an operator can read. */
export type PostResult = { ok: true; status: number } | { ok: false; reason: string };

export interface SenderOptions {
  secret: string;
  timeoutMs: number;
}

/**
 * POSTs one event as JSON to one receiver. Any 2xx status is success; a
 * redirect, another status, a network error or a timeout is a failure
 * returned as a reason, never thrown.
 */
export async function postWebhook(url: string, event: WebhookEvent, options: SenderOptions): Promise<PostResult> {
  const body = JSON.stringify(event);

  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'sfu-cluster-webhooks',
        [SIGNATURE_HEADER]: signWebhookBody(options.secret, body),
        [EVENT_ID_HEADER]: event.id,
        [EVENT_TYPE_HEADER]: event.type,
      },
    });
  } catch (error) {
    return { ok: false, reason: describeFetchError(error, options.timeoutMs) };
  }

  // The body is not used; reading it to the end frees the connection for reuse.
  await response.arrayBuffer().catch(() => undefined);

  if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
  return { ok: false, reason: `receiver responded with HTTP ${response.status}` };
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `request timed out after ${timeoutMs} ms`;
  }
  // fetch wraps the socket error (ECONNREFUSED, ENOTFOUND) in its cause.
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `request failed: ${detail}`;
}
