// Sets controller.kubernetes.io/pod-deletion-cost on every SFU pod to its
// consumer count, read from the pod's /metrics, so a ReplicaSet scale-down
// deletes (and so drains) the least-loaded pod first. Runs in the cluster
// with the pod's service account; plain Node.js 20, no dependencies.
'use strict';

const { readFileSync } = require('node:fs');
const https = require('node:https');
const http = require('node:http');

const ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const LABEL_SELECTOR = 'app.kubernetes.io/component=sfu';
const METRICS_PORT = 3100;
const ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

/** Reads one gauge's value from Prometheus text; undefined when absent. */
function readGauge(metricsText, name) {
  const line = metricsText.split('\n').find((entry) => entry.startsWith(`${name}{`) || entry.startsWith(`${name} `));
  if (line === undefined) return undefined;
  const value = Number(line.trim().split(/\s+/).pop());
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Returns the deletion cost of a pod from its metrics: its consumers, so
 * the emptiest pod goes first; -1 for a draining pod, which is leaving
 * anyway; undefined when the metrics lack sfu_consumers.
 */
function deletionCost(metricsText) {
  if (readGauge(metricsText, 'sfu_draining') === 1) return -1;
  const consumers = readGauge(metricsText, 'sfu_consumers');
  if (consumers === undefined) return undefined;
  // The annotation is an int32.
  return Math.min(Math.round(consumers), 2147483647);
}

function request(options, body) {
  const client = options.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = client.request({ ...options, timeout: 5000 }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (data += chunk));
      res.on('end', () => {
        if (res.statusCode >= 200 && res.statusCode < 300) resolve(data);
        else reject(new Error(`${options.method ?? 'GET'} ${options.path} failed with status ${res.statusCode}: ${data.slice(0, 200)}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${options.method ?? 'GET'} ${options.path} timed out after 5 s`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function main() {
  const token = readFileSync(`${ACCOUNT_DIR}/token`, 'utf8');
  const namespace = readFileSync(`${ACCOUNT_DIR}/namespace`, 'utf8').trim();
  const api = {
    protocol: 'https:',
    host: process.env.KUBERNETES_SERVICE_HOST,
    port: Number(process.env.KUBERNETES_SERVICE_PORT),
    ca: readFileSync(`${ACCOUNT_DIR}/ca.crt`),
    headers: { Authorization: `Bearer ${token}` },
  };

  const selector = encodeURIComponent(LABEL_SELECTOR);
  const pods = JSON.parse(await request({ ...api, path: `/api/v1/namespaces/${namespace}/pods?labelSelector=${selector}` }));

  let failures = 0;
  for (const pod of pods.items) {
    const name = pod.metadata.name;
    if (pod.status.phase !== 'Running' || !pod.status.podIP) continue;
    try {
      const metrics = await request({ protocol: 'http:', host: pod.status.podIP, port: METRICS_PORT, path: '/metrics' });
      const cost = deletionCost(metrics);
      if (cost === undefined) throw new Error('its /metrics has no sfu_consumers gauge');

      const patch = JSON.stringify({ metadata: { annotations: { [ANNOTATION]: String(cost) } } });
      await request(
        {
          ...api,
          method: 'PATCH',
          path: `/api/v1/namespaces/${namespace}/pods/${name}`,
          headers: { ...api.headers, 'Content-Type': 'application/merge-patch+json' },
        },
        patch,
      );
      console.log(`pod ${name}: ${ANNOTATION}=${cost}`);
    } catch (error) {
      failures += 1;
      console.error(`pod ${name}: could not set ${ANNOTATION}: ${error.message}`);
    }
  }
  process.exitCode = failures === 0 ? 0 : 1;
}

module.exports = { deletionCost, readGauge };

if (require.main === module) {
  main().catch((error) => {
    console.error(`could not set pod deletion costs: ${error.message}`);
    process.exit(1);
  });
}
