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
