/**
 * Every environment variable the cluster reads, with its default and meaning.
 * The MEDIASOUP_* variables keep the names and defaults of the single-server
 * deployment checklist;
 * where a default differs between local and production mode, both are given.
 * Deployment tests check that compose files and manifests name only these.
 */
export const variables = {
  CLUSTER_MODE: 'local or production (default). Local mode binds 127.0.0.1 and hands clients no STUN or TURN server.',
  LOG_LEVEL: 'error, warn, info (default) or debug.',
  LOG_FORMAT: 'json (default in production) or pretty (default in local mode).',
  PORT: 'HTTP port of this process (signaling 3000, SFU 3100, lifecycle 3200, web 8080).',
  HOST: 'IP address or host name the HTTP server binds, without a port (0.0.0.0 in production, 127.0.0.1 in local mode).',
  SFU_CLUSTER_PARENT_PID: 'Set by the local launcher and tests: the process stops when the process with this id is gone.',

  REDIS_URL: 'redis:// or rediss:// URL with credentials if any (local default redis://127.0.0.1:6379).',
  REDIS_SENTINELS: 'Comma-separated host:port list of Sentinels; when set, REDIS_URL supplies only credentials.',
  REDIS_SENTINEL_NAME: 'Name of the Sentinel-monitored primary (default mymaster).',
  REDIS_PREFIX: 'Prefix of every key and channel the cluster uses (default sfu:).',

  LIFECYCLE_RECONCILE_INTERVAL: 'Seconds between reconciliation runs that remove registry entries no live node reports (default 30).',
  WEBHOOK_URLS: 'Comma-separated http(s) URLs that receive webhook events as JSON POSTs (default none: webhooks off).',
  WEBHOOK_SECRET: 'HMAC-SHA256 key of the X-SFU-Signature header (required with WEBHOOK_URLS).',
  WEBHOOK_TIMEOUT_MS: 'Milliseconds a webhook receiver has to answer one POST (default 5000).',
  WEBHOOK_MAX_ATTEMPTS: 'Attempts to deliver one webhook event before it is dropped and left for replay (default 10).',
  WEBHOOK_BACKOFF_MS: 'Delay before the second attempt in milliseconds; each later one waits twice as long, up to 5 minutes (default 1000).',

  MEDIASOUP_WORKER_NUM: 'mediasoup workers per SFU node (default: CPU count in production, 1 in local mode).',
  MEDIASOUP_LOG_LEVEL: 'mediasoup worker log level: debug, warn (default), error or none.',
  MEDIASOUP_RTC_MIN_PORT: 'Lowest UDP/TCP port for media (default 40000).',
  MEDIASOUP_RTC_MAX_PORT: 'Highest UDP/TCP port for media (default 49999).',
  MEDIASOUP_STUN_SERVERS: 'Comma-separated stun:host[:port] URLs handed to clients (production default: Google STUN; local: none).',
  MEDIASOUP_TURN_SERVER:
    'Comma-separated turn: or turns: URLs handed to clients, each host[:port][?transport=udp|tcp], sharing one set of credentials (default none).',
  MEDIASOUP_TURN_USERNAME: 'Static TURN username (required with MEDIASOUP_TURN_SERVER unless MEDIASOUP_TURN_SECRET is set).',
  MEDIASOUP_TURN_PASSWORD: 'Static TURN password (required with MEDIASOUP_TURN_SERVER unless MEDIASOUP_TURN_SECRET is set).',
  MEDIASOUP_TURN_SECRET:
    "Shared secret of the TURN server (coturn's static-auth-secret with use-auth-secret), instead of a static username and password: " +
    'each client gets username <unix expiry>:<token identity> and credential base64(HMAC-SHA1(secret, username)) (default none).',
  MEDIASOUP_TURN_CREDENTIAL_TTL:
    'Seconds a credential minted from MEDIASOUP_TURN_SECRET stays valid for new TURN allocations, 60 to 604800 (default 3600).',
  MEDIASOUP_ANNOUNCED_IP: "Public IP clients send media to, never 0.0.0.0 or ::; required in production, 127.0.0.1 in local mode.",
  MEDIASOUP_WORKER_BIN: 'Path of the mediasoup-worker binary built by infra/worker/build-worker.sh.',

  SFU_NODE_ID: 'Unique id of this SFU node (default: host name and process id).',
  SFU_REGION: 'Region this SFU node serves, used by placement (default default).',
  SFU_PIPE_IP:
    "Internal address other SFU nodes reach this node's pipes on (default: first non-loopback IPv4, required in production without one; 127.0.0.1 in local mode).",
  SFU_LISTEN_IP: 'Address mediasoup binds media sockets to (0.0.0.0 in production, 127.0.0.1 in local mode).',
  SFU_WEBRTC_SERVER: 'true (default) to serve WebRTC through one WebRtcServer port per worker; false to use a port per transport.',
  SFU_WEBRTC_SERVER_PORT: "Port of worker 0's WebRtcServer; worker i uses this plus i (default MEDIASOUP_RTC_MIN_PORT).",
  SFU_DRAIN_TIMEOUT: 'Seconds a draining SFU node keeps serving before it exits (default 3600).',
  SFU_MAX_PEERS: 'Peers placement puts on one SFU node at most (default 500).',
  SFU_MAX_CONSUMERS: 'Consumers placement lets one SFU node carry at most (default 10000).',

  JWT_SECRET: 'HS256 secret for client tokens, 32+ characters in production (a fixed development secret in local mode).',
  JWT_JWKS_URL: 'JWKS URL for client tokens, instead of JWT_SECRET; https in production, http also in local mode.',
  SIGNALING_PUBLIC_URL: 'http(s) URL clients reach signaling on, returned by media-config (default http://localhost:PORT).',
  SIGNALING_NODE_ID: 'Unique id of this signaling node (default: host name and process id).',
  SIGNALING_MAX_PAYLOAD_BYTES: 'Largest socket.io message a client may send, in bytes (default 65536).',
  SIGNALING_EVENTS_PER_SECOND: 'Events one socket may send per second, bursts of twice that allowed (default 50).',
  SIGNALING_RATE_LIMIT_ACTION: 'What a socket over its event rate gets: error (an error ack, default) or disconnect.',
  SIGNALING_KEYFRAME_REQUEST_INTERVAL_MS:
    'Minimum milliseconds between two keyframe requests a client makes for one consumer; one sooner gets RATE_LIMITED (default 1000).',
  SIGNALING_RESUME_GRACE: 'Seconds a peer whose socket dropped keeps its media, waiting to resume (default 15).',
  SIGNALING_RPC_TIMEOUT: 'Milliseconds signaling waits for an SFU node to answer (default 5000).',
  SIGNALING_CONSOLE_ORIGINS:
    'Comma-separated origins (scheme://host[:port]) of operator console pages that may call the admin API from a browser (default none; local mode also allows every loopback origin).',
  ROOM_MAX_PEERS: 'Peers one room may hold (default 100).',
  ROOM_EMPTY_TIMEOUT: 'Seconds an empty room stays open for someone to join before it closes (default 300).',
  ROOM_MAX_DURATION: 'Seconds after which a room ends, with notice to its peers; 0 (default) for no limit.',
  PEER_MAX_PRODUCERS: 'Producers one peer may have at once (default 4).',
  PEER_MAX_CONSUMERS: 'Consumers one peer may have at once (default 300).',
} as const;

export type VariableName = keyof typeof variables;

export type Env = Readonly<Record<string, string | undefined>>;
