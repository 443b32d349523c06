import { element } from './dom';
import { localize, type MessageKey } from './i18n';

/** How long a join or leave notice stays on screen. */
const NOTICE_MS = 5000;

/** Shows a short notice, such as a join or a leave, in the page's notice list. */
export function showNotice(key: MessageKey, params: Record<string, string> = {}, persistent = false): void {
  const list = document.getElementById('notices');
  if (!list) return;

  const notice = localize(element('li', `notice notice-${key}`), key, params);
  list.append(notice);
  if (!persistent) setTimeout(() => notice.remove(), NOTICE_MS);
}
