import { language, setLanguage } from './i18n';
import { runLobby } from './lobby';
import { enterRoom } from './room';

/** Signaling of `npm start`, used when the address has no ?signaling=. */
const DEFAULT_SIGNALING_URL = 'http://127.0.0.1:3000';

const query = new URLSearchParams(location.search);
const signalingUrl = query.get('signaling') ?? DEFAULT_SIGNALING_URL;
// ?relay=1 sends media only through TURN, for testing a TURN server.
const iceTransportPolicy: RTCIceTransportPolicy = query.get('relay') === '1' ? 'relay' : 'all';

setLanguage(language());
document.getElementById('language')?.addEventListener('click', () => setLanguage(language() === 'en' ? 'zh-CN' : 'en'));

void runLobby(query, (request) => enterRoom(signalingUrl, request, { iceTransportPolicy }));
