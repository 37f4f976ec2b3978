// What every view shares: building elements (user and job strings go in as text nodes, never as markup), the
// API call with the tab's token, and the clean-up of a view that is left (a live stream is aborted).
export const main = document.getElementById('main');
export const KEY = 'mags-token';

export function h(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  return add(e, children);
}

export function add(e, children) {
  for (const c of children.flat()) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

export function show(...nodes) {
  main.replaceChildren(...nodes);
}

/** An error of the API, with its HTTP status and code. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function authorization() {
  return { 'Authorization': 'Bearer ' + sessionStorage.getItem(KEY) };
}

export async function api(method, path, body) {
  const r = await fetch(path, {
    method,
    headers: { ...authorization(), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch (e) {
    json = { error: { message: 'HTTP ' + r.status + ': ' + text.slice(0, 200) } };
  }
  const error = json.error || {};
  if (r.status === 401) {
    sessionStorage.removeItem(KEY); // the next view is the sign-in form
    throw new ApiError(401, error.code, 'the token was refused' + (error.message ? ': ' + error.message : ''));
  }
  if (!r.ok) throw new ApiError(r.status, error.code, error.message || ('HTTP ' + r.status));
  return json;
}

let leaving = [];

/** Runs {@code fn} when the current view is left (another view is shown). */
export function onLeave(fn) {
  leaving.push(fn);
}

export function leave() {
  const fns = leaving;
  leaving = [];
  fns.forEach((fn) => fn());
}

export function when(t) {
  return t ? new Date(t).toLocaleString() : '';
}

export function bytes(n) {
  if (n == null) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

export function table(headings, rows) {
  return h('table', {}, h('tr', {}, headings.map((t) => h('th', {}, t))), rows);
}

/** A button that runs {@code action}; a failure is shown as text in {@code errorBox} instead of thrown. */
export function button(label, errorBox, action, attrs) {
  return h('button', { type: 'button', ...(attrs || {}), onclick: async () => {
    errorBox.textContent = '';
    try {
      await action();
    } catch (e) {
      errorBox.textContent = e.message;
    }
  } }, label);
}

export function errorLine(id) {
  return h('p', { class: 'error', id });
}

/** A form whose submit runs {@code action} with failures shown in {@code errorBox}. */
export function form(id, errorBox, action, ...fields) {
  return h('form', { id, onsubmit: async (ev) => {
    ev.preventDefault();
    errorBox.textContent = '';
    try {
      await action();
    } catch (e) {
      errorBox.textContent = e.message;
    }
  } }, fields);
}

export function field(label, input) {
  return h('label', {}, label, ' ', input);
}

/** Shows the view of {@code path} (the router listens; modules do not import it, which would make a cycle). */
export function navigate(path) {
  window.dispatchEvent(new CustomEvent('mags:navigate', { detail: path }));
}
