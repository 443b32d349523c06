import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import * as ts from 'typescript';
import { parse } from 'yaml';

import { loadLifecycleConfig, loadSfuConfig, loadSignalingConfig, loadWebConfig, variables } from '../../libs/config/src';
import { ErrorCode } from '../../libs/protocol/src';

import { containersOf, readYaml, renderKustomization, repoRoot, type Rendered } from './support/kustomize';

/**
 * Checks the deployment guides against the repository: the files, npm
 * scripts, variables, ports, routes, metrics and log lines they name, and
 * the commands they give. Commands that need Docker, a Kubernetes cluster
 * or root cannot run here. For those, the test checks the objects they
 * name instead: compose services, Dockerfile targets, overlays, namespaces,
 * Secrets and Deployments. `kubectl kustomize` runs when kubectl is installed.
 */

type Json = Record<string, unknown>;

const GUIDES = ['docs/deployment.md', 'docs/deployment.zh-CN.md'];
const COMPOSE_FILE = 'docker-compose.cluster.yml';
const PRODUCTION_OVERLAY = 'k8s/overlays/production';
const OVERLAYS = ['k8s/overlays/local', PRODUCTION_OVERLAY];

/** Ports of other software the guides name: the TLS load balancer and a TURN server (coturn's defaults). */
const EXTERNAL_PORTS = new Map([
  [443, 'HTTPS at the load balancer'],
  [3478, 'TURN over UDP and TCP'],
  [5349, 'TURN over TLS'],
]);

/** Commands whose first word has a check below; anything else in a guide fails the test. */
const COMMANDS = new Set(['npm', 'docker', 'kubectl', 'curl', 'ss', 'ufw', 'firewall-cmd', 'nc', 'kind']);

/** Commands the guides quote as the old checklist's mistakes, not as steps to run. */
const QUOTED_MISTAKES = new Set(['netstat -tlnp', 'curl stun:...']);

/** First words of inline spans that are commands, not log lines: the checked ones, netstat and the planned sfuctl. */
const COMMAND_WORDS = new Set([...COMMANDS, 'netstat', 'sfuctl']);

// ---------------------------------------------------------------------------
// Guide parsing

interface CodeBlock {
  language: string;
  lines: string[];
}

interface Guide {
  file: string;
  text: string;
  blocks: CodeBlock[];
  /** Inline code spans outside fenced blocks, whitespace collapsed. */
  spans: string[];
  headings: string[];
}

function parseGuide(file: string): Guide {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const blocks: CodeBlock[] = [];
  const fence = /^[ \t]*```(\w*)[ \t]*\n([\s\S]*?)^[ \t]*```[ \t]*$/gm;

  for (const match of text.matchAll(fence)) {
    const lines = (match[2] ?? '').split('\n').map((line) => line.trim()).filter((line) => line !== '');
    blocks.push({ language: match[1] ?? '', lines });
  }

  const prose = text.replace(fence, '');
  const spans = [...prose.matchAll(/`([^`]+)`/g)].map((match) => (match[1] ?? '').replace(/\s+/g, ' ').trim());
  const headings = [...prose.matchAll(/^#{1,6} (.+)$/gm)].map((match) => (match[1] ?? '').trim());
  return { file, text, blocks, spans, headings };
}

/** Shell lines of a guide's sh blocks, without comments and variable assignments. */
function commandLines(guide: Guide): string[] {
  return guide.blocks
    .filter((block) => block.language === 'sh')
    .flatMap((block) => block.lines)
    .filter((line) => !line.startsWith('#') && !/^[A-Z][A-Z0-9_]*=/.test(line));
}

/** Commands quoted inline in prose, such as `docker compose ps`. */
function inlineCommands(guide: Guide): string[] {
  return guide.spans.filter((span) => COMMANDS.has(span.split(' ')[0] ?? '') && span.includes(' ') && !QUOTED_MISTAKES.has(span));
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

// ---------------------------------------------------------------------------
// What the repository contains

const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  workspaces: string[];
};

function workspaceNames(): string[] {
  return packageJson.workspaces.flatMap((pattern) => {
    const parent = join(repoRoot, pattern.replace(/\/\*$/, ''));
    return readdirSync(parent)
      .map((entry) => join(parent, entry, 'package.json'))
      .filter((path) => existsSync(path))
      .map((path) => (JSON.parse(readFileSync(path, 'utf8')) as { name: string }).name);
  });
}

interface ComposeService {
  image?: string;
  build?: { target?: string };
  environment?: Record<string, string>;
  ports?: string[];
}

const compose = parse(readFileSync(join(repoRoot, COMPOSE_FILE), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

/** Resolves each ${NAME:-default} in a compose value to its default. */
function composeDefault(value: string): string {
  return value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
}

function composeEnv(service: string, name: string): string | undefined {
  const value = compose.services[service]?.environment?.[name];
  return value === undefined ? undefined : composeDefault(String(value));
}

/** Host side of each published port, as [first, last, protocol]. */
function publishedRanges(service: ComposeService): [number, number, string][] {
  return (service.ports ?? []).map((entry) => {
    const [mapping = '', protocol = 'tcp'] = String(entry).split('/');
    const host = mapping.split(':')[0] ?? '';
    const [first, last = first] = host.split('-');
    return [Number(first), Number(last), protocol];
  });
}

const sfuServices = Object.keys(compose.services).filter((name) => compose.services[name]?.build?.target === 'sfu');

const rendered: Record<string, Rendered[]> = Object.fromEntries(OVERLAYS.map((overlay) => [overlay, renderKustomization(join(repoRoot, overlay))]));

function renderedObjects(kind: string): Json[] {
  return Object.values(rendered)
    .flat()
    .map(({ object }) => object)
    .filter((object) => object.kind === kind);
}

function k8sEnv(container: Json, name: string): string | undefined {
  const entry = ((container.env as Json[] | undefined) ?? []).find((item) => item.name === name);
  return entry?.value === undefined ? undefined : String(entry.value);
}

const productionSfu = containersOf(
  rendered[PRODUCTION_OVERLAY]!.find(({ object }) => object.kind === 'Deployment' && (object.metadata as Json).name === 'sfu')!.object,
)[0] as Json;

const productionEnv = {
  CLUSTER_MODE: 'production',
  REDIS_URL: 'redis://redis.example.com:6379',
  MEDIASOUP_ANNOUNCED_IP: '203.0.113.7',
  MEDIASOUP_WORKER_BIN: '/opt/mediasoup/mediasoup-worker',
  MEDIASOUP_WORKER_NUM: '1',
  JWT_SECRET: 'x'.repeat(32),
};
const sfuDefaults = loadSfuConfig(productionEnv);
const defaultPorts = {
  signaling: loadSignalingConfig(productionEnv).port,
  sfu: sfuDefaults.port,
  lifecycle: loadLifecycleConfig(productionEnv).port,
  web: loadWebConfig(productionEnv).port,
};

/** Integers in a text, for ports written inside URLs and comments of deployment files. */
function urlPorts(text: string): number[] {
  return [...text.matchAll(/(?:\/\/|stun:|turns?:)(?:[^\s@/]+@)?[\w.-]+:(\d{2,5})\b/g)].map((match) => Number(match[1]));
}

function k8sFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return k8sFiles(path);
    return entry.name.endsWith('.yaml') ? [path] : [];
  });
}

/** Collects every port the config defaults, the compose file and the manifests define. */
function knownPorts(): Set<number> {
  const ports = new Set<number>([...Object.values(defaultPorts), sfuDefaults.rtcMinPort, sfuDefaults.rtcMaxPort, sfuDefaults.webRtcServerPort]);
  for (const port of EXTERNAL_PORTS.keys()) ports.add(port);

  for (const service of Object.values(compose.services)) {
    for (const [first, last] of publishedRanges(service)) for (let port = first; port <= last; port++) ports.add(port);
    for (const name of ['PORT', 'MEDIASOUP_RTC_MIN_PORT', 'MEDIASOUP_RTC_MAX_PORT', 'SFU_WEBRTC_SERVER_PORT']) {
      const value = service.environment?.[name];
      if (value !== undefined) ports.add(Number(composeDefault(String(value))));
    }
  }
  for (const port of urlPorts(readFileSync(join(repoRoot, COMPOSE_FILE), 'utf8'))) ports.add(port);

  for (const path of k8sFiles(join(repoRoot, 'k8s'))) {
    for (const port of urlPorts(readFileSync(path, 'utf8'))) ports.add(port);
  }
  for (const object of [...renderedObjects('Deployment')]) {
    for (const container of containersOf(object) as Json[]) {
      for (const port of (container.ports as Json[] | undefined) ?? []) ports.add(Number(port.containerPort));
    }
  }
  for (const service of renderedObjects('Service')) {
    for (const port of ((service.spec as Json).ports as Json[]) ?? []) ports.add(Number(port.port));
  }
  return ports;
}

/**
 * Linux's default ephemeral port range (net.ipv4.ip_local_port_range), which
 * the guides compare the RTC range with; a kernel fact, not a deployment value.
 */
const LINUX_EPHEMERAL_RANGE = '32768-60999';

/** Collects every port range the guides may state, as "first-last". */
function knownRanges(): Set<string> {
  const ranges = new Set<string>([`${sfuDefaults.rtcMinPort}-${sfuDefaults.rtcMaxPort}`, LINUX_EPHEMERAL_RANGE]);

  for (const name of sfuServices) {
    for (const [first, last] of publishedRanges(compose.services[name]!)) if (first !== last) ranges.add(`${first}-${last}`);
    ranges.add(`${composeEnv(name, 'MEDIASOUP_RTC_MIN_PORT')}-${composeEnv(name, 'MEDIASOUP_RTC_MAX_PORT')}`);
  }

  // HTTP ports of the compose services of one kind, such as signaling 3000-3001.
  for (const target of ['signaling', 'sfu']) {
    const ports = Object.values(compose.services)
      .filter((service) => service.build?.target === target)
      .map((service) => Number(composeDefault(String(service.environment?.PORT))))
      .sort((a, b) => a - b);
    ranges.add(`${ports[0]}-${ports[ports.length - 1]}`);
  }

  // Kubernetes: the WebRtcServer ports of the workers, and the pipe ports after them.
  const workers = Number(k8sEnv(productionSfu, 'MEDIASOUP_WORKER_NUM'));
  const serverPort = Number(k8sEnv(productionSfu, 'SFU_WEBRTC_SERVER_PORT'));
  const maxPort = Number(k8sEnv(productionSfu, 'MEDIASOUP_RTC_MAX_PORT'));
  ranges.add(`${k8sEnv(productionSfu, 'MEDIASOUP_RTC_MIN_PORT')}-${maxPort}`);
  ranges.add(`${serverPort}-${serverPort + workers - 1}`);
  ranges.add(`${serverPort + workers}-${maxPort}`);
  return ranges;
}

/** Integers anywhere in the deployment files and config defaults, for numbers that are not ports. */
function knownNumbers(): Set<number> {
  const numbers = new Set<number>(knownPorts());
  const texts = [readFileSync(join(repoRoot, COMPOSE_FILE), 'utf8'), ...k8sFiles(join(repoRoot, 'k8s')).map((path) => readFileSync(path, 'utf8'))];
  for (const text of texts) for (const match of text.matchAll(/\b\d{4,5}\b/g)) numbers.add(Number(match[0]));
  for (const range of knownRanges()) for (const end of range.split('-')) numbers.add(Number(end));
  for (const value of [sfuDefaults.drainTimeoutSeconds, sfuDefaults.capacity.maxPeers, sfuDefaults.capacity.maxConsumers]) numbers.add(value);
  return numbers;
}

// ---------------------------------------------------------------------------
// Source strings, for log lines and routes

/** A string from the source as pieces of literal text; null marks an interpolated value. */
type StringPattern = (string | null)[];

function sourceFiles(): string[] {
  const roots = ['services', 'libs'].flatMap((top) =>
    readdirSync(join(repoRoot, top)).map((name) => join(repoRoot, top, name, 'src')),
  );
  const walk = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) return walk(path);
          return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
        })
      : [];
  return roots.flatMap(walk);
}

/** Splits a string expression into pieces. Literals, templates and + chains give text, and any other operand is one interpolated value. */
function piecesOf(node: ts.Node): StringPattern {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) {
    const pieces: StringPattern = [node.head.text];
    for (const span of node.templateSpans) pieces.push(null, span.literal.text);
    return pieces;
  }
  if (ts.isParenthesizedExpression(node)) return piecesOf(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return [...piecesOf(node.left), ...piecesOf(node.right)];
  }
  return [null];
}

function isStringish(node: ts.Node): boolean {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node);
}

function collectStrings(): { file: string; pattern: StringPattern }[] {
  const found: { file: string; pattern: StringPattern }[] = [];
  for (const path of sourceFiles()) {
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      const concatenation =
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.PlusToken &&
        !(ts.isBinaryExpression(node.parent) && node.parent.operatorToken.kind === ts.SyntaxKind.PlusToken);
      if (isStringish(node) || concatenation) found.push({ file: relative(repoRoot, path), pattern: piecesOf(node) });
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

const sourceStrings = collectStrings();

/** Characters of a pattern, with '*' tokens (null) for wildcards. */
function globTokens(pattern: StringPattern): (string | null)[] {
  return pattern.flatMap((piece) => (piece === null ? [null] : [...piece]));
}

/**
 * Decides whether some string is both an instance of the source pattern
 * and contains the quote, where "..." in the quote stands for elided text.
 */
function quoteMatches(quote: string, pattern: StringPattern): boolean {
  const quoteTokens: (string | null)[] = [null, ...globTokens(quote.split('...').flatMap((part, index) => (index === 0 ? [part] : [null, part]))), null];
  const patternTokens = globTokens(pattern);
  const rows = quoteTokens.length + 1;
  const columns = patternTokens.length + 1;

  // matches[a][b]: the quote's tokens from a and the pattern's from b have a common instance.
  const matches: boolean[][] = Array.from({ length: rows }, () => new Array<boolean>(columns).fill(false));
  matches[rows - 1]![columns - 1] = true;
  for (let a = rows - 1; a >= 0; a--) {
    for (let b = columns - 1; b >= 0; b--) {
      if (a === rows - 1 && b === columns - 1) continue;
      const q = a < rows - 1 ? quoteTokens[a] : undefined;
      const p = b < columns - 1 ? patternTokens[b] : undefined;
      let result = false;
      if (q === null) result = matches[a + 1]![b]! || (p !== undefined && matches[a]![b + 1]!);
      if (!result && p === null) result = matches[a]![b + 1]! || (q !== undefined && matches[a + 1]![b]!);
      if (!result && typeof q === 'string' && typeof p === 'string') result = q === p && matches[a + 1]![b + 1]!;
      matches[a]![b] = result;
    }
  }
  return matches[0]![0]!;
}

/**
 * Decides whether a quote appears in some source string. A pattern qualifies only
 * when its literal text carries most of the quote, so a bare \`\${message}\`
 * template cannot match everything.
 */
function appearsInSource(quote: string): boolean {
  const words = quote.match(/[A-Za-z]{4,}/g) ?? [];
  const quotedLength = quote.replaceAll('...', '').length;
  return sourceStrings.some(({ pattern }) => {
    const literal = pattern.filter((piece) => piece !== null).join(' ');
    if (literal.length < quotedLength / 2) return false;
    if (words.filter((word) => literal.includes(word)).length < (words.length * 2) / 3) return false;
    return quoteMatches(quote, pattern);
  });
}

/** Inline spans that read as log messages or readiness reasons: lower-case words, no shell or YAML syntax. */
function looksLikeLogMessage(span: string): boolean {
  if (!/^[a-z][A-Za-z0-9 ;:,.'()_-]*$/.test(span)) return false;
  if (span.split(' ').length < 2) return false;
  if (COMMAND_WORDS.has(span.split(' ')[0] ?? '')) return false;
  // A manifest field such as "hostNetwork: true".
  return !/^[A-Za-z.]+: \S+$/.test(span);
}

/** Log lines quoted in a guide: log-like inline spans and the lines of log blocks. */
function quotedLogLines(guide: Guide): string[] {
  const blockLines = guide.blocks.filter((block) => block.language === 'log').flatMap((block) => block.lines);
  return [...guide.spans.filter(looksLikeLogMessage), ...blockLines];
}

/** HTTP routes each service defines, as regular expressions; libs/service routes belong to every service. */
function routesOf(service: string): RegExp[] {
  return sourceStrings
    .filter(({ file }) => file.startsWith(`services/${service}/`) || file.startsWith('libs/service/'))
    .map(({ pattern }) => pattern)
    .filter((pattern): pattern is [string] => pattern.length === 1 && /^\/(api|metrics)\b/.test(pattern[0] ?? ''))
    .map(([route]) => new RegExp(`^${route.replace(/:\w+/g, '[^/]+')}$`));
}

/** Which service listens on a port, from the config defaults and the compose file. */
function serviceOnPort(port: number): string | undefined {
  for (const [service, defaultPort] of Object.entries(defaultPorts)) if (port === defaultPort) return service;
  for (const service of Object.values(compose.services)) {
    if (Number(composeDefault(String(service.environment?.PORT))) === port) return service.build?.target;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Command checks

function tokensOf(line: string): string[] {
  return [...line.matchAll(/'[^']*'|"[^"]*"|\S+/g)].map((match) => match[0].replace(/^['"]|['"]$/g, ''));
}

function optionValue(tokens: string[], ...names: string[]): string | undefined {
  const index = tokens.findIndex((token) => names.includes(token));
  return index === -1 ? undefined : tokens[index + 1];
}

function checkNpm(tokens: string[]): string[] {
  const [, subcommand, name] = tokens;
  if (subcommand === 'start' || subcommand === 'test') return subcommand in packageJson.scripts ? [] : [`no npm script ${subcommand}`];
  if (subcommand === 'ci') return existsSync(join(repoRoot, 'package-lock.json')) ? [] : ['npm ci needs package-lock.json'];
  if (subcommand === 'run') return name !== undefined && name in packageJson.scripts ? [] : [`no npm script ${name}`];
  if (subcommand === 'install') {
    const workspace = optionValue(tokens, '-w', '--workspace');
    return workspace !== undefined && workspaceNames().includes(workspace) ? [] : [`no workspace ${workspace}`];
  }
  return [`no check for npm ${subcommand}`];
}

const COMPOSE_SUBCOMMANDS = new Set(['build', 'up', 'down', 'ps', 'logs', 'stop', 'start', 'restart', 'exec']);

function checkDocker(tokens: string[]): string[] {
  const problems: string[] = [];
  const subcommand = tokens[1];

  if (subcommand === 'stats') return [];
  if (subcommand === 'build') {
    const file = optionValue(tokens, '-f') ?? '';
    const target = optionValue(tokens, '--target') ?? '';
    const tag = optionValue(tokens, '-t') ?? '';
    if (!existsSync(join(repoRoot, file))) return [`no file ${file}`];
    if (!new RegExp(`^FROM .+ AS ${target}$`, 'm').test(readFileSync(join(repoRoot, file), 'utf8'))) problems.push(`${file} has no target ${target}`);
    const [image = '', version] = tag.split(':');
    if (image !== `sfu-cluster/${target}`) problems.push(`image ${image} is not the one the manifests use for ${target}`);
    if (version === 'local') {
      const images = (readYaml(join(repoRoot, 'k8s/overlays/local/kustomization.yaml'))[0] as Json).images as Json[];
      if (!images.some((entry) => entry.name === image && entry.newTag === 'local')) problems.push(`the local overlay does not use ${tag}`);
    }
    return problems;
  }
  if (subcommand !== 'compose') return [`no check for docker ${subcommand}`];

  const fileIndex = tokens.indexOf('-f');
  const file = fileIndex === -1 ? COMPOSE_FILE : tokens[fileIndex + 1];
  if (file !== COMPOSE_FILE) problems.push(`docker compose uses ${file}, not ${COMPOSE_FILE}`);
  const rest = tokens.slice(fileIndex === -1 ? 2 : fileIndex + 2);
  const [composeCommand, ...args] = rest;
  if (composeCommand === undefined) return problems;
  if (!COMPOSE_SUBCOMMANDS.has(composeCommand)) problems.push(`no check for docker compose ${composeCommand}`);
  for (const arg of args.filter((token) => !token.startsWith('-'))) {
    if (!(arg in compose.services)) problems.push(`${COMPOSE_FILE} has no service ${arg}`);
  }
  return problems;
}

function namespaces(): string[] {
  return OVERLAYS.map((overlay) => String((readYaml(join(repoRoot, overlay, 'kustomization.yaml'))[0] as Json).namespace));
}

/** Secret name and key pairs the rendered workloads read. */
function secretKeys(): string[] {
  const keys: string[] = [];
  for (const object of renderedObjects('Deployment')) {
    for (const container of containersOf(object) as Json[]) {
      for (const entry of (container.env as Json[] | undefined) ?? []) {
        const ref = (entry.valueFrom as Json | undefined)?.secretKeyRef as Json | undefined;
        if (ref) keys.push(`${String(ref.name)}/${String(ref.key)}`);
      }
    }
  }
  return keys;
}

function deploymentNames(): string[] {
  return renderedObjects('Deployment').map((object) => String((object.metadata as Json).name));
}

function checkKubectl(tokens: string[]): string[] {
  const problems: string[] = [];
  const namespace = optionValue(tokens, '-n');
  if (namespace !== undefined && !namespaces().includes(namespace)) problems.push(`no overlay uses namespace ${namespace}`);

  const words = tokens.slice(1).filter((token, index, all) => token !== '-n' && all[index - 1] !== '-n');
  const [verb, object, name] = words;
  if (verb === 'apply' || verb === 'kustomize') {
    const dir = verb === 'apply' ? optionValue(tokens, '-k') ?? '' : object ?? '';
    if (!OVERLAYS.includes(dir)) problems.push(`${dir} is not an overlay`);
    else {
      const result = spawnSync('kubectl', ['kustomize', dir], { cwd: repoRoot, encoding: 'utf8' });
      if (result.error === undefined && result.status !== 0) problems.push(`kubectl kustomize ${dir} failed: ${result.stderr}`);
    }
    return problems;
  }
  if (verb === 'create' && object === 'namespace') {
    if (name === undefined || !namespaces().includes(name)) problems.push(`no overlay uses namespace ${name}`);
    return problems;
  }
  if (verb === 'create' && object === 'secret') {
    const secret = words[3];
    const literal = tokens.find((token) => token.startsWith('--from-literal='));
    const key = literal?.slice('--from-literal='.length).split('=')[0];
    if (!secretKeys().includes(`${secret}/${key}`)) problems.push(`no manifest reads key ${key} of Secret ${secret}`);
    return problems;
  }
  if (verb === 'rollout' || verb === 'logs') {
    const target = tokens.find((token) => token.startsWith('deployment/'));
    if (target === undefined || !deploymentNames().includes(target.slice('deployment/'.length))) problems.push(`no Deployment ${target}`);
    return problems;
  }
  if (verb === 'delete' && object === 'pod') {
    if (name !== undefined && !deploymentNames().some((deployment) => name.startsWith(`${deployment}-`))) problems.push(`pod ${name} belongs to no Deployment`);
    return problems;
  }
  if (['get', 'top', 'drain'].includes(verb ?? '')) return problems;
  return [...problems, `no check for kubectl ${verb}`];
}

function checkCurl(tokens: string[]): string[] {
  const url = tokens.find((token) => /^https?:\/\//.test(token));
  if (url === undefined) return ['curl without an http URL'];
  const { port, pathname } = new URL(url);
  const service = serviceOnPort(Number(port));
  if (service === undefined) return [`no service listens on port ${port}`];
  return routesOf(service).some((route) => route.test(pathname)) ? [] : [`${service} has no route ${pathname}`];
}

function checkCommand(line: string): string[] {
  const tokens = tokensOf(line);
  const problems = (() => {
    switch (tokens[0]) {
      case 'npm':
        return checkNpm(tokens);
      case 'docker':
        return checkDocker(tokens);
      case 'kubectl':
        return checkKubectl(tokens);
      case 'curl':
        return checkCurl(tokens);
      case 'kind':
        return tokens[1] === 'load' ? [] : [`no check for kind ${tokens[1]}`];
      // Firewall, ss and nc lines name only ports, which the port checks cover.
      case 'ss':
      case 'ufw':
      case 'firewall-cmd':
      case 'nc':
        return [];
      default:
        return [`no check for command ${tokens[0]}`];
    }
  })();
  return problems.map((problem) => `${line}: ${problem}`);
}

// ---------------------------------------------------------------------------
// Port statements

interface PortStatement {
  text: string;
  ports: number[];
}

/** Port ranges such as 40000-40003, 40000:40003 (ufw) or 40000..49999. */
const RANGE = /(?<![\d.])(\d{4,5})\s*(?:-|:|\.\.|–|到|至)\s*(\d{4,5})(?![\d.])/g;

/** Single ports in contexts that make them ports: host:port, 40000/udp, "port 3100", 端口 3100, PORT=3100. */
const SINGLE_PORT_CONTEXTS = [
  /[\w\])]:(\d{2,5})(?![\d.])/g,
  /(?<![\d.])(\d{2,5})\/(?:udp|tcp)\b/g,
  /\bports?\s*(?:=\s*"?|\s+)(\d{2,5})(?![\d.])/gi,
  /端口\s*(\d{2,5})(?![\d.])/g,
  /\bPORT[=:]\s*"?(\d{2,5})\b/g,
];

function portStatements(text: string): { ranges: PortStatement[]; singles: PortStatement[] } {
  const ranges = [...text.matchAll(RANGE)].map((match) => ({ text: match[0], ports: [Number(match[1]), Number(match[2])] }));
  const withoutRanges = text.replace(RANGE, ' ');
  const singles = SINGLE_PORT_CONTEXTS.flatMap((context) =>
    [...withoutRanges.matchAll(context)].map((match) => ({ text: match[0], ports: [Number(match[1])] })),
  );
  return { ranges, singles };
}

/** Cells of markdown table columns whose header names a port. */
function portColumnCells(text: string): string[] {
  const cells: string[] = [];
  const tables = text.split(/\n(?!\|)/).filter((chunk) => chunk.trimStart().startsWith('|'));
  for (const table of tables) {
    const rows = table.trim().split('\n').map((row) => row.split('|').slice(1, -1).map((cell) => cell.trim()));
    const header = rows[0] ?? [];
    const columns = header.map((cell, index) => (/port|端口/i.test(cell) ? index : -1)).filter((index) => index >= 0);
    for (const row of rows.slice(2)) for (const column of columns) cells.push(row[column] ?? '');
  }
  return cells;
}

// ---------------------------------------------------------------------------
// Tests

const guides = GUIDES.map(parseGuide);

describe.each(guides.map((guide) => [guide.file, guide] as const))('%s', (_file, guide) => {
  test('named files exist', () => {
    const paths = new Set<string>();
    for (const match of guide.text.matchAll(/(?<![\w/.-])((?:infra|k8s|services|libs|docs|bench)\/[\w./-]*\w)/g)) paths.add(match[1]!);
    for (const span of guide.spans) if (/^[\w.-]+\.(?:ya?ml|json|md|mjs|ts|sh)$/.test(span)) paths.add(span);
    expect(paths.size).toBeGreaterThan(5);

    const missing = [...paths].filter((path) => !existsSync(join(repoRoot, path)));
    expect(missing).toEqual([]);
  });

  test('links resolve to files and headings', () => {
    const broken: string[] = [];
    for (const match of guide.text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const [target = '', anchor] = match[1]!.split('#');
      if (/^https?:/.test(target)) continue;
      const path = target === '' ? join(repoRoot, guide.file) : join(repoRoot, dirname(guide.file), target);
      if (!existsSync(path)) {
        broken.push(`${match[1]}: no file`);
        continue;
      }
      if (anchor === undefined) continue;
      const headings = [...readFileSync(path, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((heading) => anchorOf(heading[1]!));
      if (!headings.includes(anchor)) broken.push(`${match[1]}: no heading #${anchor}`);
    }
    expect(broken).toEqual([]);
  });

  test('named variables are known', () => {
    const errorCodes = new Set<string>(Object.values(ErrorCode));
    const names = new Set([...guide.text.matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g)].map((match) => match[0]));
    const unknown = [...names].filter((name) => !(name in variables) && !errorCodes.has(name));
    expect(unknown).toEqual([]);
  });

  test('checklist variables keep defaults', () => {
    const row = (name: string): string => guide.text.match(new RegExp(`^\\| \`${name}\` \\|([^\\n]*)$`, 'm'))?.[1] ?? '';

    expect(row('MEDIASOUP_RTC_MIN_PORT')).toContain(String(sfuDefaults.rtcMinPort));
    expect(row('MEDIASOUP_RTC_MAX_PORT')).toContain(String(sfuDefaults.rtcMaxPort));
    expect(row('MEDIASOUP_LOG_LEVEL')).toContain(`\`${sfuDefaults.mediasoupLogLevel}\``);
    expect(row('MEDIASOUP_WORKER_NUM')).toContain(composeEnv('sfu-1', 'MEDIASOUP_WORKER_NUM')!);
    expect(row('MEDIASOUP_WORKER_NUM')).toContain(k8sEnv(productionSfu, 'MEDIASOUP_WORKER_NUM')!);
    for (const name of ['MEDIASOUP_STUN_SERVERS', 'MEDIASOUP_TURN_SERVER', 'MEDIASOUP_TURN_USERNAME', 'MEDIASOUP_TURN_PASSWORD', 'MEDIASOUP_ANNOUNCED_IP']) {
      expect(row(name)).not.toBe('');
    }
  });

  test('.env block names its variables', () => {
    const assignments = guide.blocks.flatMap((block) => block.lines).filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line));
    expect(assignments.length).toBeGreaterThan(0);
    const unknown = assignments.map((line) => line.split('=')[0]!).filter((name) => !(name in variables));
    expect(unknown).toEqual([]);
  });

  test('commands name what exists', () => {
    const lines = [...commandLines(guide), ...inlineCommands(guide)];
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.flatMap(checkCommand)).toEqual([]);
  });

  test('port ranges match the deployment files', () => {
    const ranges = knownRanges();
    const { ranges: stated } = portStatements(guide.text);
    expect(stated.length).toBeGreaterThan(5);
    const unknown = stated.filter(({ ports }) => !ranges.has(`${ports[0]}-${ports[1]}`)).map(({ text }) => text);
    expect(unknown).toEqual([]);
  });

  test('single ports match the deployment files', () => {
    const ports = knownPorts();
    const { singles } = portStatements(guide.text);
    const cellPorts = portColumnCells(guide.text)
      .map((cell) => cell.replace(RANGE, ' '))
      .flatMap((cell) => [...cell.matchAll(/(?<![\d.])\d{2,5}(?![\d.])/g)].map((match) => ({ text: cell, ports: [Number(match[0])] })));
    expect(singles.length + cellPorts.length).toBeGreaterThan(10);

    const unknown = [...singles, ...cellPorts].filter(({ ports: [port] }) => !ports.has(port!)).map(({ text }) => text);
    expect(unknown).toEqual([]);
  });

  test('other large numbers come from the files', () => {
    const numbers = knownNumbers();
    const stated = [...guide.text.matchAll(/(?<![\d.\w-])\d{4,5}(?![\d.\w])/g)].map((match) => Number(match[0]));
    expect(stated.filter((value) => value >= 1024 && !numbers.has(value))).toEqual([]);
  });

  test('firewall opens WebRtcServer ports to clients', () => {
    const workers = Number(k8sEnv(productionSfu, 'MEDIASOUP_WORKER_NUM'));
    const serverPort = Number(k8sEnv(productionSfu, 'SFU_WEBRTC_SERVER_PORT'));
    const maxPort = Number(k8sEnv(productionSfu, 'MEDIASOUP_RTC_MAX_PORT'));
    const lines = commandLines(guide);

    for (const protocol of ['udp', 'tcp']) {
      expect(lines).toContain(`ufw allow ${serverPort}:${serverPort + workers - 1}/${protocol}`);
      expect(lines).toContain(`firewall-cmd --permanent --add-port=${serverPort}-${serverPort + workers - 1}/${protocol}`);
    }
    // Pipe ports only from other SFU nodes: every rule that opens them names a source.
    const pipeRules = lines.filter((line) => line.includes(`${serverPort + workers}:${maxPort}`) || line.includes(`${serverPort + workers}-${maxPort}`));
    expect(pipeRules).toHaveLength(2);
    for (const rule of pipeRules) expect(rule).toMatch(/from \S+|source address=/);

    for (const service of sfuServices) {
      for (const [first, last, protocol] of publishedRanges(compose.services[service]!).filter(([a, b]) => a !== b)) {
        expect(lines).toContain(`ufw allow ${first}:${last}/${protocol}`);
        expect(lines).toContain(`firewall-cmd --permanent --add-port=${first}-${last}/${protocol}`);
      }
    }
  });

  test('quoted log lines appear in the source', () => {
    const quoted = quotedLogLines(guide);
    expect(quoted.length).toBeGreaterThan(10);

    const missing: string[] = [];
    for (const line of quoted) {
      // "sfu: config error: <problem>" is the exit.ts prefix and one problem from a loader.
      const configError = line.match(/^(\w+: config error: )(.+)$/);
      const parts = configError ? [configError[1]!, configError[2]!] : [line];
      for (const part of parts) if (!appearsInSource(part)) missing.push(part);
    }
    expect(missing).toEqual([]);
  });

  test('exit statuses match the source', () => {
    const exitSource = readFileSync(join(repoRoot, 'libs/config/src/exit.ts'), 'utf8');
    const sfuMain = readFileSync(join(repoRoot, 'services/sfu/src/main.ts'), 'utf8');
    expect(exitSource).toContain('process.exit(78)');
    expect(sfuMain).toContain('process.exit(1)');

    const statuses = [...guide.text.matchAll(/(?:exit status|status|退出状态|状态码)\s*(\d+)/g)].map((match) => Number(match[1]));
    expect(statuses.length).toBeGreaterThan(1);
    expect(statuses.filter((status) => status !== 78 && status !== 1)).toEqual([]);
  });

  test('metric names are exported', () => {
    const metricsSource = readFileSync(join(repoRoot, 'services/sfu/src/metrics.ts'), 'utf8');
    const exported = new Set([...metricsSource.matchAll(/gauge\('(sfu_\w+)'/g)].map((match) => match[1]!));
    const named = new Set([...guide.text.matchAll(/\bsfu_[a-z_]+\b/g)].map((match) => match[0]));

    expect([...named].filter((name) => !exported.has(name))).toEqual([]);
    // The guide lists every gauge the SFU exports.
    expect([...exported].filter((name) => !named.has(name))).toEqual([]);
  });

  test('named routes exist', () => {
    const ingressPaths = renderedObjects('Ingress').flatMap((ingress) =>
      (((ingress.spec as Json).rules as Json[]) ?? []).flatMap((rule) => (((rule.http as Json).paths as Json[]) ?? []).map((path) => String(path.path))),
    );
    const routes = ['signaling', 'sfu', 'lifecycle', 'web'].flatMap(routesOf);
    // Files under /proc are kernel settings the guide names, not routes.
    const paths = guide.spans
      .map((span) => span.replace(/^(GET|POST) /, ''))
      .filter((span) => /^\/[\w./:-]*$/.test(span) && !span.startsWith('/proc/'));
    expect(paths.length).toBeGreaterThan(3);

    const unknown = paths.filter((path) => !ingressPaths.includes(path) && !routes.some((route) => route.test(path)));
    expect(unknown).toEqual([]);
  });

  test('no sfuctl command is given', () => {
    const lines = [...commandLines(guide), ...inlineCommands(guide)];
    expect(lines.filter((line) => line.startsWith('sfuctl'))).toEqual([]);
    expect(guide.text).toMatch(/sfuctl doctor/);
  });
});

describe('translation', () => {
  const [english, chinese] = guides as [Guide, Guide];

  test('both guides give the same commands', () => {
    expect(commandLines(chinese)).toEqual(commandLines(english));
  });

  test('both guides quote the same log lines', () => {
    expect(new Set(quotedLogLines(chinese))).toEqual(new Set(quotedLogLines(english)));
  });

  test('both guides have the same code blocks', () => {
    const shape = (guide: Guide): string[] => guide.blocks.map((block) => `${block.language}:${block.lines.filter((line) => !line.startsWith('#')).length}`);
    expect(shape(chinese)).toEqual(shape(english));
  });

  test('both guides have the same sections', () => {
    expect(chinese.headings.length).toBe(english.headings.length);
  });
});

describe('log line matching', () => {
  test('template values match quoted values', () => {
    const pattern: StringPattern = ['could not open WebRtcServer port ', null, ' on ', null, ': ', null, '; another process holds it'];
    expect(quoteMatches('could not open WebRtcServer port 40000 on 0.0.0.0: ...; another process', pattern)).toBe(true);
  });

  test('changed wording does not match', () => {
    const pattern: StringPattern = ['drain started; the node takes no new peers'];
    expect(quoteMatches('drain started; the node accepts no new peers', pattern)).toBe(false);
  });

  test('unknown message is not in source', () => {
    expect(appearsInSource('mediasoup worker crashed unexpectedly')).toBe(false);
  });
});
