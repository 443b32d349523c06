import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { variables } from '../../../libs/config/src';

import { containersOf, repoRoot, type Rendered } from './kustomize';

type Json = Record<string, unknown>;

/** Packages holding the model class of each API group this repository uses. */
const MODEL_PACKAGES: Record<string, string> = {
  'keda.sh/v1alpha1': '@kubernetes-models/keda/keda.sh/v1alpha1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};

/**
 * Validates one object against the Kubernetes schema of its kind and
 * returns every problem as "file: Kind/name: path: message". Schema checks
 * come from kubernetes-models (types, enums, required fields); fields the
 * schema does not define are found by walking the models' type declarations,
 * because the generated validators accept unknown fields.
 */
export function validateObject({ file, object }: Rendered): string[] {
  const label = `${file}: ${String(object.kind)}/${String((object.metadata as Json | undefined)?.name)}`;
  const apiVersion = String(object.apiVersion);
  const modulePath = MODEL_PACKAGES[apiVersion] ?? `kubernetes-models/${apiVersion}`;

  let models: Record<string, new (data: unknown) => { validate(): void }>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    models = require(modulePath);
  } catch {
    return [`${label}: unknown apiVersion ${apiVersion}`];
  }
  const Model = models[String(object.kind)];
  if (Model === undefined) return [`${label}: unknown kind ${String(object.kind)} in ${apiVersion}`];

  const problems: string[] = [];
  try {
    new Model(object).validate();
  } catch (error) {
    const errors = (error as { errors?: { instancePath: string; message: string; params?: Json }[] }).errors ?? [];
    for (const entry of errors) {
      const extra = entry.params?.missingProperty ? ` (${String(entry.params.missingProperty)})` : '';
      problems.push(`${label}: ${entry.instancePath.slice(1).replaceAll('/', '.') || '(root)'}: ${entry.message}${extra}`);
    }
    if (errors.length === 0) problems.push(`${label}: ${(error as Error).message}`);
  }

  const declaration = resolveDeclaration(modulePath, String(object.kind));
  if (declaration) {
    for (const path of unknownFields(object, declaration, '')) problems.push(`${label}: ${path}: unknown field`);
  }
  return problems;
}

/** Names of environment variables a rendered workload sets, with the field that sets each. */
export function envNames({ object }: Rendered): { name: string; field: string }[] {
  const found: { name: string; field: string }[] = [];
  for (const container of containersOf(object)) {
    const env = (container.env as { name: string }[] | undefined) ?? [];
    env.forEach((entry, index) => found.push({ name: entry.name, field: `containers.${String(container.name)}.env[${index}]` }));
  }
  if (object.kind === 'ConfigMap' && /config$/.test(String((object.metadata as Json).name))) {
    for (const key of Object.keys((object.data as Json | undefined) ?? {})) found.push({ name: key, field: `data.${key}` });
  }
  return found;
}

/** Returns "file: field: NAME is not a variable libs/config reads" for each unknown name. */
export function unknownVariables(file: string, names: { name: string; field: string }[]): string[] {
  return names
    .filter(({ name }) => !(name in variables))
    .map(({ name, field }) => `${file}: ${field}: ${name} is not a variable libs/config reads`);
}

// Type declarations: "export interface IX { "field"?: Type; }" blocks, one per file.

interface Declaration {
  fields: Map<string, string>;
  imports: Map<string, string>;
}

const declarationCache = new Map<string, Declaration | undefined>();

function resolveDeclaration(modulePath: string, kind: string): Declaration | undefined {
  const file = join(repoRoot, 'node_modules', modulePath, `${kind}.d.ts`);
  return readDeclaration(file);
}

function readDeclaration(file: string): Declaration | undefined {
  if (declarationCache.has(file)) return declarationCache.get(file);

  let declaration: Declaration | undefined;
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    const body = /export interface I\w+(?: extends [\w, ]+)? \{\n([\s\S]*?)\n\}/.exec(text)?.[1];
    if (body !== undefined) {
      const fields = new Map<string, string>();
      // Only lines at the interface's own indent are its fields. A multi-line inline type
      // (a map, or a custom resource's nested spec) is recorded as "{" and not walked.
      for (const match of body.matchAll(/^ {4}"([^"]+)"\??: (.+?);?$/gm)) fields.set(match[1] as string, match[2] as string);
      const imports = new Map<string, string>();
      for (const match of text.matchAll(/^import \{ (\w+)(?: as \w+)? \} from "([^"]+)";$/gm)) {
        const target = (match[2] as string).startsWith('.')
          ? join(dirname(file), `${match[2] as string}.d.ts`)
          : join(repoRoot, 'node_modules', `${match[2] as string}.d.ts`);
        imports.set(match[1] as string, target);
      }
      declaration = { fields, imports };
    }
  }
  declarationCache.set(file, declaration);
  return declaration;
}

function unknownFields(value: unknown, declaration: Declaration, path: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];

  const found: string[] = [];
  for (const [key, child] of Object.entries(value as Json)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    const type = declaration.fields.get(key);
    if (type === undefined) {
      found.push(childPath);
      continue;
    }

    const element = /^Array<(\w+)>$/.exec(type)?.[1];
    const named = element ?? (/^\w+$/.test(type) ? type : undefined);
    const childDeclaration = named ? lookup(declaration, named) : undefined;
    if (childDeclaration === undefined) continue;

    if (element !== undefined && Array.isArray(child)) {
      child.forEach((item, index) => found.push(...unknownFields(item, childDeclaration, `${childPath}[${index}]`)));
    } else {
      found.push(...unknownFields(child, childDeclaration, childPath));
    }
  }
  return found;
}

function lookup(declaration: Declaration, typeName: string): Declaration | undefined {
  const file = declaration.imports.get(typeName);
  return file === undefined ? undefined : readDeclaration(file);
}
