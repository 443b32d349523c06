import { readFileSync } from 'node:fs';

import { parseAllDocuments } from 'yaml';

/** The SFU autoscaler's rule and the node shape, read from the manifests. */
export interface ScalingRule {
  minReplicas: number;
  maxReplicas: number;
  /** Target load per node, in units of one node's capacity. */
  threshold: number;
  consumersPerNode: number;
  peersPerNode: number;
  pollingSeconds: number;
  scaleUpPods: number;
  scaleUpPeriodSeconds: number;
  scaleDownPods: number;
  scaleDownPeriodSeconds: number;
  scaleDownWindowSeconds: number;
  drainTimeoutSeconds: number;
  workers: number;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function documents(path: string): Json[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((document) => document.toJS() as Json);
}

function required(value: unknown, what: string, file: string): number {
  const number = Number(value);
  if (value === undefined || !Number.isFinite(number)) throw new Error(`${file}: ${what} is missing or not a number`);
  return number;
}

/** Reads the ScaledObject and the SFU Deployment; throws naming the file and field that is missing. */
export function readScalingRule(autoscalerFile: string, sfuFile: string): ScalingRule {
  const scaledObject = documents(autoscalerFile).find((object) => object.kind === 'ScaledObject');
  if (scaledObject === undefined) throw new Error(`${autoscalerFile}: no ScaledObject`);
  const spec = scaledObject.spec as Json;
  const trigger = (spec.triggers as Json[])[0] as Json;
  const query = String(trigger.metadata.query);
  const behavior = spec.advanced?.horizontalPodAutoscalerConfig?.behavior ?? {};

  const divisor = (metric: string): number =>
    required(new RegExp(`sum\\(${metric}[^/]*\\)\\s*/\\s*([\\d.e]+)`).exec(query)?.[1], `the ${metric} divisor of the query`, autoscalerFile);

  const deployment = documents(sfuFile).find((object) => object.kind === 'Deployment');
  const env = (deployment?.spec?.template?.spec?.containers?.[0]?.env ?? []) as { name: string; value?: string }[];
  const envValue = (name: string): number => required(env.find((entry) => entry.name === name)?.value, `env ${name}`, sfuFile);

  return {
    minReplicas: required(spec.minReplicaCount, 'spec.minReplicaCount', autoscalerFile),
    maxReplicas: required(spec.maxReplicaCount, 'spec.maxReplicaCount', autoscalerFile),
    threshold: required(trigger.metadata.threshold, 'triggers[0].metadata.threshold', autoscalerFile),
    consumersPerNode: divisor('sfu_consumers'),
    peersPerNode: divisor('sfu_peers'),
    pollingSeconds: Number(spec.pollingInterval ?? 30),
    scaleUpPods: Number(behavior.scaleUp?.policies?.[0]?.value ?? 4),
    scaleUpPeriodSeconds: Number(behavior.scaleUp?.policies?.[0]?.periodSeconds ?? 15),
    scaleDownPods: Number(behavior.scaleDown?.policies?.[0]?.value ?? 1),
    scaleDownPeriodSeconds: Number(behavior.scaleDown?.policies?.[0]?.periodSeconds ?? 15),
    scaleDownWindowSeconds: Number(behavior.scaleDown?.stabilizationWindowSeconds ?? 300),
    drainTimeoutSeconds: envValue('SFU_DRAIN_TIMEOUT'),
    workers: envValue('MEDIASOUP_WORKER_NUM'),
  };
}
