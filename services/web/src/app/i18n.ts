/** Every string the page shows, in each language it speaks. `{name}` marks a parameter. */
const dictionaries = {
  en: {
    title: 'Meeting room',
    room: 'Room',
    name: 'Your name',
    token: 'Access token',
    camera: 'Camera',
    microphone: 'Microphone',
    join: 'Join',
    joining: 'Joining…',
    leave: 'Leave',
    mute: 'Mute',
    unmute: 'Unmute',
    cameraOff: 'Stop camera',
    cameraOn: 'Start camera',
    shareScreen: 'Share screen',
    stopShare: 'Stop sharing',
    language: '中文',
    you: '{name} (you)',
    peerName: '{name}',
    screenOf: '{name} (screen)',
    peerJoined: '{name} joined',
    peerLeft: '{name} left',
    qualityGood: 'Good connection',
    qualityFair: 'Fair connection',
    qualityPoor: 'Poor connection',
    qualityUnknown: 'Measuring…',
    stateConnecting: 'Connecting…',
    stateConnected: 'Connected',
    stateReconnecting: 'Reconnecting…',
    stateDisconnected: 'Disconnected',
    stateFailed: 'Connection lost; reload the page to join again',
    left: 'You left the meeting.',
    roomClosed: 'The meeting has ended.',
    noToken: 'Paste an access token, or open this page with ?token= in its address.',
    joinFailed: 'Could not join: {reason}',
    mediaFailed: 'Could not use the camera or microphone: {reason}',
    previewFailed: 'No camera preview: {reason}',
    defaultDevice: 'Default',
    anonymous: 'Guest',

    // Operator console (console.html).
    consoleTitle: 'Cluster console',
    consoleSignaling: 'Signaling URL',
    consoleToken: 'Admin token',
    consoleConnect: 'Connect',
    consoleForget: 'Forget token',
    consoleNoToken: 'Paste an admin token, or open this page with ?token= in its address.',
    consoleUpdated: 'Updated {time}',
    consoleUpdateFailed: 'Update failed: {reason}',
    consoleUnreachable: '{url} did not respond ({reason}); check the signaling URL',
    consoleRejected: 'Signaling rejected the token: {reason}',
    consoleNoNodes: 'No SFU node is registered.',
    consoleLegend: 'Line width shows pipe bitrate',
    nodeActive: 'active',
    nodeDraining: 'draining',
    nodeLost: 'lost',
    nodeCpu: 'CPU',
    nodePeers: 'Peers',
    nodeConsumers: 'Consumers',
    nodeBitrate: 'In {in} · out {out}',
    nodeRegion: 'Region {region} · workers: {workers}',
    nodeNoRooms: 'No rooms',
    nodeRoomPeers: '{peers} peers',
    drain: 'Drain',
    cancelDrain: 'Cancel drain',
    confirm: 'Confirm',
    cancel: 'Cancel',
    confirmDrain: 'Drain node {node}? It takes no new peers and stops once its last room ends.',
    confirmCancelDrain: 'Make node {node} active again?',
    confirmMove: 'Move room {room} to node {node}? Its peers rebuild their media there.',
    actionAccepted: 'Request accepted: {action}',
    actionFailed: 'Request failed: {reason}',
    roomTitle: 'Room {room}',
    roomSummary: 'State {state} · epoch {epoch} · {peers} peers',
    roomClose: 'Close',
    roomGone: 'Room {room} no longer exists.',
    moveTo: 'Move to',
    move: 'Move',
    treeNode: 'Node {node}',
    treeNodeUnreachable: 'Node {node}: no response ({reason})',
    treeRouter: 'Worker {worker} · router {router}',
    treePeer: '{name} ({peer})',
    treeProducer: '{kind} producer {producer}',
    treeProducerPaused: '{kind} producer {producer} (paused)',
    treeConsumers: '{count} consumers',
    treePipedIn: '{count} producers piped in from {node}',
    treePipes: 'Pipes',
    treeNoPipes: 'No pipes',
    treePipe: '{from} → {to}: {count} producers, {bitrate}',
    peerStats: 'Peer stats',
    columnPeer: 'Peer',
    columnNode: 'Node',
    columnWorker: 'Worker',
    columnBitrateIn: 'In',
    columnBitrateOut: 'Out',
    columnPacketLoss: 'Packet loss',
    columnConsumers: 'Consumers',
    notMeasured: 'not measured',
  },
  'zh-CN': {
    title: '会议室',
    room: '房间',
    name: '你的名字',
    token: '访问令牌',
    camera: '摄像头',
    microphone: '麦克风',
    join: '加入',
    joining: '正在加入…',
    leave: '离开',
    mute: '静音',
    unmute: '取消静音',
    cameraOff: '关闭摄像头',
    cameraOn: '打开摄像头',
    shareScreen: '共享屏幕',
    stopShare: '停止共享',
    language: 'English',
    you: '{name}（你）',
    peerName: '{name}',
    screenOf: '{name}（屏幕）',
    peerJoined: '{name} 加入了会议',
    peerLeft: '{name} 离开了会议',
    qualityGood: '连接良好',
    qualityFair: '连接一般',
    qualityPoor: '连接较差',
    qualityUnknown: '正在测量…',
    stateConnecting: '正在连接…',
    stateConnected: '已连接',
    stateReconnecting: '正在重新连接…',
    stateDisconnected: '已断开',
    stateFailed: '连接已断开，请刷新页面重新加入',
    left: '你已离开会议。',
    roomClosed: '会议已结束。',
    noToken: '请粘贴访问令牌，或在地址中带上 ?token= 打开本页。',
    joinFailed: '无法加入：{reason}',
    mediaFailed: '无法使用摄像头或麦克风：{reason}',
    previewFailed: '没有摄像头预览：{reason}',
    defaultDevice: '默认',
    anonymous: '访客',

    // 运维控制台（console.html）。
    consoleTitle: '集群控制台',
    consoleSignaling: '信令地址',
    consoleToken: '管理员令牌',
    consoleConnect: '连接',
    consoleForget: '清除令牌',
    consoleNoToken: '请粘贴管理员令牌，或在地址中带上 ?token= 打开本页。',
    consoleUpdated: '更新于 {time}',
    consoleUpdateFailed: '更新失败：{reason}',
    consoleUnreachable: '{url} 没有响应（{reason}），请检查信令地址',
    consoleRejected: '信令拒绝了该令牌：{reason}',
    consoleNoNodes: '没有已注册的 SFU 节点。',
    consoleLegend: '线宽表示管道码率',
    nodeActive: '活动',
    nodeDraining: '排空中',
    nodeLost: '失联',
    nodeCpu: 'CPU',
    nodePeers: '参与者',
    nodeConsumers: '消费者',
    nodeBitrate: '入 {in} · 出 {out}',
    nodeRegion: '区域 {region} · worker 数：{workers}',
    nodeNoRooms: '没有房间',
    nodeRoomPeers: '{peers} 人',
    drain: '排空',
    cancelDrain: '取消排空',
    confirm: '确认',
    cancel: '取消',
    confirmDrain: '排空节点 {node}？它不再接收新的参与者，最后一个房间结束后停止。',
    confirmCancelDrain: '让节点 {node} 重新变为活动状态？',
    confirmMove: '把房间 {room} 迁移到节点 {node}？其参与者会在该节点上重建媒体。',
    actionAccepted: '请求已接受：{action}',
    actionFailed: '请求失败：{reason}',
    roomTitle: '房间 {room}',
    roomSummary: '状态 {state} · 纪元 {epoch} · {peers} 人',
    roomClose: '关闭',
    roomGone: '房间 {room} 已不存在。',
    moveTo: '迁移到',
    move: '迁移',
    treeNode: '节点 {node}',
    treeNodeUnreachable: '节点 {node}：无响应（{reason}）',
    treeRouter: 'Worker {worker} · 路由器 {router}',
    treePeer: '{name}（{peer}）',
    treeProducer: '{kind} 生产者 {producer}',
    treeProducerPaused: '{kind} 生产者 {producer}（已暂停）',
    treeConsumers: '{count} 个消费者',
    treePipedIn: '从 {node} 管道接入 {count} 个生产者',
    treePipes: '管道',
    treeNoPipes: '没有管道',
    treePipe: '{from} → {to}：{count} 个生产者，{bitrate}',
    peerStats: '参与者统计',
    columnPeer: '参与者',
    columnNode: '节点',
    columnWorker: 'Worker',
    columnBitrateIn: '入',
    columnBitrateOut: '出',
    columnPacketLoss: '丢包率',
    columnConsumers: '消费者',
    notMeasured: '未测量',
  },
} as const;

export type Language = keyof typeof dictionaries;
export type MessageKey = keyof (typeof dictionaries)['en'];

let current: Language = pickLanguage(navigator.language);

/** Chinese for any zh-* browser language, English otherwise. */
export function pickLanguage(browserLanguage: string): Language {
  return browserLanguage.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function language(): Language {
  return current;
}

export function t(key: MessageKey, params: Record<string, string> = {}): string {
  return dictionaries[current][key].replace(/\{(\w+)\}/g, (match, name: string) => params[name] ?? match);
}

/**
 * Sets an element's text from a message key and remembers the key, so a
 * language switch can translate it again.
 */
export function localize<T extends HTMLElement>(element: T, key: MessageKey, params: Record<string, string> = {}): T {
  element.dataset.i18n = key;
  element.dataset.i18nParams = JSON.stringify(params);
  element.textContent = t(key, params);
  return element;
}

/** Switches the language and translates every element localize() marked. */
export function setLanguage(next: Language): void {
  current = next;
  document.documentElement.lang = next;
  document.title = t('title');

  for (const element of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const params = JSON.parse(element.dataset.i18nParams ?? '{}') as Record<string, string>;
    element.textContent = t(element.dataset.i18n as MessageKey, params);
  }
  for (const element of document.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]')) {
    element.placeholder = t(element.dataset.i18nPlaceholder as MessageKey);
  }
}
