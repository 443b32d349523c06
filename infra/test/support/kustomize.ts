import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import { parseAllDocuments } from 'yaml';

/** One rendered object and the file it came from, for messages. */
export interface Rendered {
  file: string;
  object: Record<string, unknown>;
}

type Json = Record<string, unknown>;

export const repoRoot = join(__dirname, '..', '..', '..');

/** Parses every document of a YAML file; a syntax error names the file and line. */
export function readYaml(path: string): Json[] {
  const file = relative(repoRoot, path);
  const documents = parseAllDocuments(readFileSync(path, 'utf8'));
  const objects: Json[] = [];
  for (const document of documents) {
    if (document.errors.length > 0) throw new Error(`${file}: invalid YAML: ${document.errors[0]?.message}`);
    const value = document.toJS() as Json | null;
    if (value !== null) objects.push(value);
  }
  return objects;
}

/**
 * Renders a kustomization the way kustomize does for the features this
 * repository uses: resources (files and directories), generators with fixed
 * names, strategic-merge patches (lists of named items merged by name,
 * $patch: delete), namespace, labels and images.
 */
export function renderKustomization(dir: string): Rendered[] {
  const kustomization = readYaml(join(dir, 'kustomization.yaml'))[0] as Json;
  let rendered: Rendered[] = [];

  for (const resource of (kustomization.resources as string[] | undefined) ?? []) {
    const path = join(dir, resource);
    if (!existsSync(path)) throw new Error(`${relative(repoRoot, dir)}/kustomization.yaml: resource ${resource} does not exist`);
    if (statSync(path).isDirectory()) rendered.push(...renderKustomization(path));
    else rendered.push(...readYaml(path).map((object) => ({ file: relative(repoRoot, path), object })));
  }
  rendered.push(...generate(dir, kustomization));

  for (const patch of (kustomization.patches as { path: string }[] | undefined) ?? []) {
    const path = join(dir, patch.path);
    for (const change of readYaml(path)) rendered = applyPatch(rendered, change, relative(repoRoot, path));
  }

  return rendered.map((entry) => ({ file: entry.file, object: transform(entry.object, kustomization) }));
}

function generate(dir: string, kustomization: Json): Rendered[] {
  const file = relative(repoRoot, join(dir, 'kustomization.yaml'));
  const out: Rendered[] = [];
  const generators = [
    ['Secret', kustomization.secretGenerator],
    ['ConfigMap', kustomization.configMapGenerator],
  ] as const;
  for (const [kind, list] of generators) {
    for (const generator of (list as { name: string; literals?: string[]; files?: string[] }[] | undefined) ?? []) {
      const data: Record<string, string> = {};
      for (const literal of generator.literals ?? []) {
        const separator = literal.indexOf('=');
        const value = literal.slice(separator + 1);
        // Secret data is base64, as kustomize writes it.
        data[literal.slice(0, separator)] = kind === 'Secret' ? Buffer.from(value).toString('base64') : value;
      }
      for (const path of generator.files ?? []) {
        data[path.split('/').pop() as string] = readFileSync(join(dir, path), 'utf8');
      }
      out.push({ file, object: { apiVersion: 'v1', kind, metadata: { name: generator.name }, data } });
    }
  }
  return out;
}

function sameObject(a: Json, b: Json): boolean {
  return a.kind === b.kind && (a.metadata as Json)?.name === (b.metadata as Json)?.name;
}

function applyPatch(rendered: Rendered[], patch: Json, file: string): Rendered[] {
  const target = rendered.find((entry) => sameObject(entry.object, patch));
  const name = `${String(patch.kind)}/${String((patch.metadata as Json)?.name)}`;
  if (target === undefined) throw new Error(`${file}: patch target ${name} not found`);

  if (patch.$patch === 'delete') return rendered.filter((entry) => entry !== target);
  target.object = merge(target.object, patch) as Json;
  return rendered;
}

/** Strategic merge: maps merge deeply, lists of items with a name merge by name, other lists are replaced. */
export function merge(base: unknown, patch: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(patch) && patch.every((item) => isNamed(item))) {
    const result = base.map((item) => structuredClone(item) as unknown);
    for (const item of patch as Json[]) {
      const index = result.findIndex((existing) => isNamed(existing) && (existing as Json).name === item.name);
      if (index === -1) result.push(item);
      else result[index] = merge(result[index], item);
    }
    return result;
  }
  if (isMap(base) && isMap(patch)) {
    const result: Json = { ...base };
    for (const [key, value] of Object.entries(patch)) result[key] = key in result ? merge(result[key], value) : value;
    return result;
  }
  return patch;
}

function isMap(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNamed(value: unknown): boolean {
  return isMap(value) && typeof value.name === 'string';
}

function transform(object: Json, kustomization: Json): Json {
  const result = structuredClone(object);
  const metadata = (result.metadata ??= {}) as Json;

  if (typeof kustomization.namespace === 'string' && result.kind !== 'Namespace') metadata.namespace = kustomization.namespace;
  for (const { pairs } of (kustomization.labels as { pairs: Record<string, string> }[] | undefined) ?? []) {
    metadata.labels = { ...(metadata.labels as Json | undefined), ...pairs };
  }

  const images = (kustomization.images as { name: string; newName?: string; newTag?: string }[] | undefined) ?? [];
  for (const container of containersOf(result)) {
    const image = images.find((entry) => container.image === entry.name || String(container.image).startsWith(`${entry.name}:`));
    if (image) container.image = `${image.newName ?? image.name}${image.newTag ? `:${image.newTag}` : ''}`;
  }
  return result;
}

/** Containers of a workload, wherever its pod template sits (Deployment, CronJob). */
export function containersOf(object: Json): Json[] {
  const podSpec = podSpecOf(object);
  return [...((podSpec?.containers as Json[] | undefined) ?? []), ...((podSpec?.initContainers as Json[] | undefined) ?? [])];
}

export function podSpecOf(object: Json): Json | undefined {
  const spec = object.spec as Json | undefined;
  if (object.kind === 'CronJob') return (((spec?.jobTemplate as Json)?.spec as Json)?.template as Json)?.spec as Json;
  return (spec?.template as Json | undefined)?.spec as Json | undefined;
}
