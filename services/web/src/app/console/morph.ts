/**
 * Updates target in place until it matches source: attributes, text and
 * children, element by element. Elements that did not change stay the same
 * DOM nodes, so a click that lands while the console refreshes still hits
 * its button, and text selection and scrolling survive the refresh.
 * Event listeners are not copied: the console listens on containers.
 */
export function morph(target: Element, source: Element): void {
  syncAttributes(target, source);
  morphChildren(target, source);
}

function morphChildren(target: Element, source: Element): void {
  const desired = [...source.childNodes];

  desired.forEach((next, index) => {
    const current = target.childNodes[index];
    if (!current) {
      target.append(next.cloneNode(true));
    } else if (current.nodeType !== next.nodeType || current.nodeName !== next.nodeName) {
      current.replaceWith(next.cloneNode(true));
    } else if (current instanceof Element && next instanceof Element) {
      morph(current, next);
    } else if (current.textContent !== next.textContent) {
      current.textContent = next.textContent;
    }
  });

  while (target.childNodes.length > desired.length) target.lastChild?.remove();
}

function syncAttributes(target: Element, source: Element): void {
  for (const { name } of [...target.attributes]) {
    if (!source.hasAttribute(name)) target.removeAttribute(name);
  }
  for (const { name, value } of [...source.attributes]) {
    if (target.getAttribute(name) !== value) target.setAttribute(name, value);
  }
}
