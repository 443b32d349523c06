import { parseHttpUrl } from './addresses';
import { readCommon, redactUrl, type CommonConfig } from './common';
import { EnvReader } from './reader';
import type { Env } from './variables';

export interface WebhookConfig {
  /** Receivers of every event; empty means webhooks are off. */
  urls: string[];
  /** HMAC-SHA256 key of the signature header; empty when urls is empty. */
  secret: string;
  /** Milliseconds one POST may take. */
  timeoutMs: number;
  /** Attempts per event before it is dropped and left for replay. */
  maxAttempts: number;
  /** Delay before the second attempt, in ms; it doubles with each attempt. */
  backoffMs: number;
}

export interface LifecycleConfig extends CommonConfig {
  webhooks: WebhookConfig;
  /** Seconds between reconciliation runs. */
  reconcileIntervalSeconds: number;
}

const LIFECYCLE_DEFAULT_PORT = 3200;

/** Reads and validates a lifecycle worker's configuration; throws ConfigError. */
export function loadLifecycleConfig(env: Env = process.env): LifecycleConfig {
  const reader = new EnvReader(env);
  const config: LifecycleConfig = {
    ...readCommon(reader, LIFECYCLE_DEFAULT_PORT),
    webhooks: readWebhooks(reader),
    reconcileIntervalSeconds: reader.integer('LIFECYCLE_RECONCILE_INTERVAL', 30, 1, 24 * 3600),
  };
  reader.done();
  return config;
}

function readWebhooks(reader: EnvReader): WebhookConfig {
  const urls = reader.list('WEBHOOK_URLS', []);
  for (const url of urls) {
    if (parseHttpUrl(url) === undefined) {
      reader.fail(
        `WEBHOOK_URLS entry "${redactUrl(url)}" is not an http(s) URL; ` +
          'list receivers as https://host/path,https://other-host/path',
      );
    }
  }

  let secret = '';
  if (urls.length > 0) {
    secret = reader.required(
      'WEBHOOK_SECRET',
      'set it to a random string of 32+ characters that receivers use to check X-SFU-Signature, or unset WEBHOOK_URLS',
    );
  }

  return {
    urls,
    secret,
    timeoutMs: reader.integer('WEBHOOK_TIMEOUT_MS', 5000, 100, 120_000),
    // The ceiling matches WEBHOOK_ATTEMPTS_CEILING of @sfu-cluster/jobs, the attempts BullMQ allows a webhook job.
    maxAttempts: reader.integer('WEBHOOK_MAX_ATTEMPTS', 10, 1, 1000),
    backoffMs: reader.integer('WEBHOOK_BACKOFF_MS', 1000, 10, 300_000),
  };
}
