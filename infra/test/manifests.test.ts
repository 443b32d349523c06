import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { parse } from 'yaml';

import { containersOf, podSpecOf, readYaml, renderKustomization, repoRoot, type Rendered } from './support/kustomize';
import { envNames, unknownVariables, validateObject } from './support/validate';

type Json = Record<string, unknown>;

const overlays = ['k8s/overlays/local', 'k8s/overlays/production'];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return entry.name.endsWith('.yaml') ? [path] : [];
  });
}

function find(objects: Rendered[], kind: string, name: string): Json {
  const found = objects.find(({ object }) => object.kind === kind && (object.metadata as Json).name === name);
  if (found === undefined) throw new Error(`${kind}/${name} not rendered`);
  return found.object;
}

function envValue(container: Json, name: string): Json | undefined {
  return ((container.env as Json[] | undefined) ?? []).find((entry) => entry.name === name);
}

describe('k8s manifests', () => {
  test.each(yamlFiles(join(repoRoot, 'k8s')).map((path) => relative(repoRoot, path)))('%s parses', (file) => {
    expect(readYaml(join(repoRoot, file)).length).toBeGreaterThan(0);
  });

  test.each(overlays)('%s validates against the schemas', (overlay) => {
    const rendered = renderKustomization(join(repoRoot, overlay));
    const problems = rendered.flatMap(validateObject);
    expect(problems).toEqual([]);
  });

  test.each(overlays)('%s names only known variables', (overlay) => {
    const rendered = renderKustomization(join(repoRoot, overlay));
    const problems = rendered.flatMap((entry) => unknownVariables(entry.file, envNames(entry)));
    expect(problems).toEqual([]);
  });

  test.each(overlays)('%s ports match the config defaults', (overlay) => {
    const rendered = renderKustomization(join(repoRoot, overlay));
    const expected: Record<string, number> = { signaling: 3000, sfu: 3100, lifecycle: 3200, web: 8080 };

    for (const [name, port] of Object.entries(expected)) {
      const container = containersOf(find(rendered, 'Deployment', name))[0] as Json;
      expect(envValue(container, 'PORT')?.value).toBe(String(port));
      expect((container.ports as Json[])[0]?.containerPort).toBe(port);
    }

    const sfu = containersOf(find(rendered, 'Deployment', 'sfu'))[0] as Json;
    const min = Number(envValue(sfu, 'MEDIASOUP_RTC_MIN_PORT')?.value);
    const max = Number(envValue(sfu, 'MEDIASOUP_RTC_MAX_PORT')?.value);
    expect([min, max]).toEqual([40000, 49999]);
    const serverPort = Number(envValue(sfu, 'SFU_WEBRTC_SERVER_PORT')?.value);
    const workers = Number(envValue(sfu, 'MEDIASOUP_WORKER_NUM')?.value);
    const mediaPorts = (sfu.ports as Json[]).filter((port) => port.name !== 'http').map((port) => port.containerPort as number);
    // Every worker's WebRtcServer port is declared, UDP and TCP.
    for (let index = 0; index < workers; index++) {
      expect(mediaPorts.filter((port) => port === serverPort + index)).toHaveLength(2);
    }
  });

  test.each(overlays)('%s gives SFU pods a drain-long grace period', (overlay) => {
    const rendered = renderKustomization(join(repoRoot, overlay));
    const deployment = find(rendered, 'Deployment', 'sfu');
    const podSpec = podSpecOf(deployment) as Json;
    const drainTimeout = Number(envValue(containersOf(deployment)[0] as Json, 'SFU_DRAIN_TIMEOUT')?.value);

    expect(podSpec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(drainTimeout);
    expect(podSpec.terminationGracePeriodSeconds).toBeLessThanOrEqual(drainTimeout + 60);
    expect(podSpec.hostNetwork).toBe(true);
  });

  test('sfu pods take addresses from the downward API', () => {
    const rendered = renderKustomization(join(repoRoot, 'k8s/overlays/production'));
    const container = containersOf(find(rendered, 'Deployment', 'sfu'))[0] as Json;

    expect(envValue(container, 'MEDIASOUP_ANNOUNCED_IP')?.valueFrom).toEqual({ fieldRef: { fieldPath: 'status.hostIP' } });
    expect(envValue(container, 'SFU_PIPE_IP')?.valueFrom).toEqual({ fieldRef: { fieldPath: 'status.podIP' } });
    expect(envValue(container, 'REDIS_URL')?.valueFrom).toEqual({ secretKeyRef: { name: 'sfu-cluster-redis', key: 'url' } });
  });

  test('probes use health for liveness, ready for readiness', () => {
    const rendered = renderKustomization(join(repoRoot, 'k8s/overlays/production'));
    for (const name of ['signaling', 'sfu', 'lifecycle', 'web']) {
      const container = containersOf(find(rendered, 'Deployment', name))[0] as Json;
      expect(((container.livenessProbe as Json).httpGet as Json).path).toBe('/api/v1/health');
      expect(((container.readinessProbe as Json).httpGet as Json).path).toBe('/api/v1/ready');
    }
  });

  test('autoscaler divisors equal the SFU capacity', () => {
    const rendered = renderKustomization(join(repoRoot, 'k8s/overlays/production'));
    const scaledObject = find(rendered, 'ScaledObject', 'sfu');
    const trigger = ((scaledObject.spec as Json).triggers as Json[])[0] as Json;
    const query = String((trigger.metadata as Json).query);
    const container = containersOf(find(rendered, 'Deployment', 'sfu'))[0] as Json;

    expect(query).toContain(`sfu_consumers unless on(node) (sfu_draining == 1)) / ${String(envValue(container, 'SFU_MAX_CONSUMERS')?.value)}`);
    expect(query).toContain(`sfu_peers unless on(node) (sfu_draining == 1)) / ${String(envValue(container, 'SFU_MAX_PEERS')?.value)}`);
    expect(trigger.metricType).toBe('AverageValue');
  });

  test('kubectl kustomize renders what the test renders', () => {
    // The renderer above covers only the kustomize features used here; real kustomize checks it where kubectl exists.
    for (const overlay of overlays) {
      const result = spawnSync('kubectl', ['kustomize', overlay], { cwd: repoRoot, encoding: 'utf8' });
      if (result.error !== undefined) return;
      expect(result.status).toBe(0);
      const kinds = (result.stdout.match(/^kind: \w+$/gm) ?? []).sort();
      const ours = renderKustomization(join(repoRoot, overlay)).map(({ object }) => `kind: ${String(object.kind)}`).sort();
      expect(kinds).toEqual(ours);
    }
  });
});

describe('broken manifests', () => {
  const base = renderKustomization(join(repoRoot, 'k8s/overlays/production'));
  const sfuEntry = base.find(({ object }) => object.kind === 'Deployment' && (object.metadata as Json).name === 'sfu') as Rendered;

  function brokenCopy(edit: (container: Json, podSpec: Json) => void): Rendered {
    const object = structuredClone(sfuEntry.object);
    edit(containersOf(object)[0] as Json, podSpecOf(object) as Json);
    return { file: 'k8s/base/sfu.yaml', object };
  }

  test('misspelled field is named', () => {
    const broken = brokenCopy((container) => {
      container.livenessProbe = { httpGett: { path: '/api/v1/health', port: 3100 } };
    });
    expect(validateObject(broken)).toContain(
      'k8s/base/sfu.yaml: Deployment/sfu: spec.template.spec.containers[0].livenessProbe.httpGett: unknown field',
    );
  });

  test('wrong field type is named', () => {
    const broken = brokenCopy((_container, podSpec) => {
      podSpec.terminationGracePeriodSeconds = 'an hour';
    });
    expect(validateObject(broken)).toContain(
      'k8s/base/sfu.yaml: Deployment/sfu: spec.template.spec.terminationGracePeriodSeconds: must be integer',
    );
  });

  test('unknown variable is named', () => {
    const broken = brokenCopy((container) => {
      (container.env as Json[]).push({ name: 'MEDIASOUP_ANNOUNCE_IP', value: '203.0.113.7' });
    });
    const problems = unknownVariables(broken.file, envNames(broken));
    expect(problems).toEqual([
      `k8s/base/sfu.yaml: containers.sfu.env[${(containersOf(broken.object)[0]?.env as Json[]).length - 1}]: MEDIASOUP_ANNOUNCE_IP is not a variable libs/config reads`,
    ]);
  });

  test('broken YAML names the file', () => {
    const path = join(repoRoot, 'k8s/base/sfu.yaml');
    const text = readFileSync(path, 'utf8').replace('kind: Deployment', 'kind: Deployment\n  bad indent: [');
    expect(() => parse(text)).toThrow();
  });
});
