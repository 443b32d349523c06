import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Module folder of Debian's janus package (1.1.2). */
const MODULES_FOLDER = '/usr/lib/x86_64-linux-gnu/janus';

/** Settings of one Janus process that the benchmark starts. */
export interface JanusConfig {
  /** Folder the .jcfg files are written to. */
  configsFolder: string;
  logFile: string;
  adminSecret: string;
  /** Janus API (HTTP) port; Janus does not start without one API transport. */
  httpPort: number;
  adminPort: number;
  /** First and last UDP port of the remote publishers' RTP and RTCP sockets. */
  rtpPorts: [number, number];
}

/** Returns the comma-separated module files in folder, all but keep, for a jcfg "disable" entry. */
function modulesExcept(folder: string, keep: string[]): string {
  return readdirSync(join(MODULES_FOLDER, folder))
    .filter((file) => file.endsWith('.so') && !keep.includes(file))
    .join(',');
}

/**
 * Janus core settings: 127.0.0.1 only, no STUN or TURN server (so no
 * lookup leaves the machine), the VideoRoom plugin and the HTTP transport
 * only, no loggers or event handlers, and the log in a file.
 */
function coreConfig(config: JanusConfig): string {
  return `general: {
  configs_folder = "${config.configsFolder}"
  plugins_folder = "${MODULES_FOLDER}/plugins"
  transports_folder = "${MODULES_FOLDER}/transports"
  events_folder = "${MODULES_FOLDER}/events"
  loggers_folder = "${MODULES_FOLDER}/loggers"
  debug_level = 4
  debug_colors = false
  log_to_stdout = false
  log_to_file = "${config.logFile}"
  admin_secret = "${config.adminSecret}"
  interface = "127.0.0.1"
}
media: {
  ipv6 = false
  rtp_port_range = "${config.rtpPorts[0]}-${config.rtpPorts[1]}"
}
nat: {
  nice_debug = false
  ice_enforce_list = "127.0.0.1"
}
plugins: {
  disable = "${modulesExcept('plugins', ['libjanus_videoroom.so'])}"
}
transports: {
  disable = "${modulesExcept('transports', ['libjanus_http.so'])}"
}
loggers: {
  disable = "${modulesExcept('loggers', [])}"
}
events: {
  broadcast = false
}
`;
}

function httpTransportConfig(config: JanusConfig): string {
  return `general: {
  json = "compact"
  http = true
  ip = "127.0.0.1"
  port = ${config.httpPort}
  base_path = "/janus"
  https = false
}
admin: {
  admin_http = true
  admin_ip = "127.0.0.1"
  admin_port = ${config.adminPort}
  admin_base_path = "/admin"
  admin_https = false
}
`;
}

/** Writes janus.jcfg, the HTTP transport's and the VideoRoom plugin's config files; returns the core file's path. */
export function writeJanusConfig(config: JanusConfig): string {
  const corePath = join(config.configsFolder, 'janus.jcfg');
  writeFileSync(corePath, coreConfig(config));
  writeFileSync(join(config.configsFolder, 'janus.transport.http.jcfg'), httpTransportConfig(config));
  // No rooms from the file: the benchmark creates its own through the admin API.
  writeFileSync(join(config.configsFolder, 'janus.plugin.videoroom.jcfg'), 'general: {\n}\n');
  return corePath;
}
