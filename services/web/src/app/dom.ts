/** Creates an element with a class name and children. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = '',
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

/** Creates a video element that plays a track muted and inline, as autoplay rules require. */
export function videoOf(track: MediaStreamTrack, mirrored = false): HTMLVideoElement {
  const video = element('video', mirrored ? 'mirrored' : '');
  video.autoplay = true;
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  return video;
}
