// The mags dashboard: one page, no build step. The API token is kept in this tab's sessionStorage and sent as
// the Authorization header, so no cookie exists for another site to ride on. Everything a user or a job wrote
// is put into the page as text (textContent), never as markup.
'use strict';

const main = document.getElementById('main');
const KEY = 'mags-token';

function h(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children.flat()) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

function show(...nodes) {
  main.replaceChildren(...nodes);
}

async function api(method, path, body) {
  const r = await fetch(path, {
    method,
    headers: { 'Authorization': 'Bearer ' + sessionStorage.getItem(KEY), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  const json = text ? JSON.parse(text) : {};
  if (r.status === 401) {
    sessionStorage.removeItem(KEY); // the next view is the sign-in form
    throw new Error('the token was refused' + ((json.error && ': ' + json.error.message) || ''));
  }
  if (!r.ok) throw new Error((json.error && json.error.message) || ('HTTP ' + r.status));
  return json;
}

function go(path) {
  history.pushState(null, '', path);
  route();
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a');
  if (a && a.origin === location.origin) {
    ev.preventDefault();
    go(a.pathname);
  }
});
window.addEventListener('popstate', route);
document.getElementById('signout').addEventListener('click', () => {
  sessionStorage.removeItem(KEY);
  go('/');
});

let timer = null;

async function route() {
  clearTimeout(timer);
  const signedIn = !!sessionStorage.getItem(KEY);
  document.getElementById('nav').hidden = !signedIn;
  const path = location.pathname;
  if (!signedIn) return signIn(path === '/' ? '/jobs' : path);
  try {
    if (path === '/' || path === '/jobs') return await jobs();
    if (path.startsWith('/jobs/')) return await job(decodeURIComponent(path.slice(6)));
    if (path === '/tokens') return await tokens();
    if (path === '/workspaces') return await workspaces();
    if (path === '/urls') return await urls();
    if (path === '/cron') return await cron();
    if (path === '/usage') return await usage();
    show(h('p', {}, 'No such page.'));
  } catch (e) {
    if (!sessionStorage.getItem(KEY)) return signIn(path, e.message);
    show(h('p', { class: 'error' }, e.message));
  }
}

// A failure nothing else caught is shown, not only logged.
window.addEventListener('unhandledrejection', (ev) => main.append(h('p', { class: 'error' }, String(ev.reason))));
window.addEventListener('error', (ev) => main.append(h('p', { class: 'error' }, ev.message)));

function signIn(next, why) {
  const input = h('input', { id: 'token', type: 'password', size: 60, placeholder: 'mags_…', autocomplete: 'off' });
  const error = h('p', { class: 'error', id: 'signin-error' }, why || '');
  show(h('h1', {}, 'Sign in'),
    h('p', {}, 'Paste an API token (bin/magsd token create --user NAME, or one made on the Tokens page).'),
    h('form', { id: 'signin', onsubmit: async (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(KEY, input.value.trim());
      try {
        await api('GET', '/api/v1/me');
        go(next);
      } catch (e) {
        sessionStorage.removeItem(KEY);
        error.textContent = e.message;
      }
    } }, input, ' ', h('button', { type: 'submit' }, 'Sign in')), error);
}

function when(t) {
  return t ? new Date(t).toLocaleString() : '';
}

async function jobs() {
  const page = await api('GET', '/api/v1/mags-jobs?page_size=100');
  show(h('h1', {}, 'Jobs'), h('table', {},
    h('tr', {}, h('th', {}, 'Job'), h('th', {}, 'Name'), h('th', {}, 'Status'), h('th', {}, 'Created'), h('th', {}, 'Script')),
    page.jobs.map((j) => h('tr', {},
      h('td', {}, h('a', { href: '/jobs/' + encodeURIComponent(j.request_id) }, j.request_id.slice(0, 8))),
      h('td', {}, j.name || j.workspace_id || ''), h('td', { class: 'status' }, j.status),
      h('td', {}, when(j.created_at)), h('td', {}, h('code', {}, j.script))))));
}

async function job(id) {
  const status = await api('GET', '/api/v1/mags-jobs/' + encodeURIComponent(id) + '/status');
  const logs = await api('GET', '/api/v1/mags-jobs/' + encodeURIComponent(id) + '/logs');
  const live = status.status === 'pending' || status.status === 'running';
  const stop = h('button', { type: 'button', onclick: async () => {
    await api('POST', '/api/v1/mags-jobs/' + encodeURIComponent(id) + '/stop');
    route();
  } }, 'Stop');
  show(h('h1', {}, 'Job ', status.name || status.request_id),
    h('p', {}, 'Status: ', h('strong', { id: 'job-status' }, status.status),
      status.exit_code == null ? '' : ', exit code ' + status.exit_code,
      status.error_message ? ' (' + status.error_message + ')' : ''),
    h('p', {}, h('code', {}, status.script)), live ? stop : '',
    h('pre', { id: 'output' }, (logs.logs || []).map((l) => l.message + '\n').join('')));
  if (live) timer = setTimeout(route, 1000); // the output as it comes
}

async function tokens() {
  const list = await api('GET', '/api/v1/tokens');
  const name = h('input', { id: 'token-name', placeholder: 'laptop', maxlength: 128 });
  const made = h('p', { id: 'token-made' });
  show(h('h1', {}, 'API tokens'),
    h('form', { id: 'new-token', onsubmit: async (ev) => {
      ev.preventDefault();
      const t = await api('POST', '/api/v1/tokens', { name: name.value });
      await tokens();
      document.getElementById('token-made').replaceChildren('New token (shown once): ', h('span', { class: 'secret' }, t.token));
    } }, name, ' ', h('button', { type: 'submit' }, 'Create token')), made,
    h('table', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Prefix'), h('th', {}, 'Created'), h('th', {}, 'Last used'), h('th', {})),
      list.tokens.map((t) => h('tr', {}, h('td', {}, t.name || ''), h('td', {}, h('code', {}, t.prefix)),
        h('td', {}, when(t.created_at)), h('td', {}, when(t.last_used_at)),
        h('td', {}, h('button', { type: 'button', onclick: async () => {
          await api('DELETE', '/api/v1/tokens/' + encodeURIComponent(t.id));
          route();
        } }, 'Revoke'))))));
}

async function workspaces() {
  const list = await api('GET', '/api/v1/mags-workspaces');
  show(h('h1', {}, 'Workspaces'), h('table', {},
    h('tr', {}, h('th', {}, 'Workspace'), h('th', {}, 'Details')),
    list.workspaces.map((w) => h('tr', {}, h('td', {}, w.workspace_id || w.name || ''),
      h('td', {}, Object.entries(w).filter(([k]) => k !== 'workspace_id' && k !== 'name')
        .map(([k, v]) => k + ': ' + (typeof v === 'object' ? JSON.stringify(v) : v)).join(', '))))));
}

async function urls() {
  const list = await api('GET', '/api/v1/mags-url-aliases');
  show(h('h1', {}, 'URL aliases'), h('table', {},
    h('tr', {}, h('th', {}, 'Alias'), h('th', {}, 'Workspace'), h('th', {}, 'URL')),
    list.aliases.map((a) => h('tr', {}, h('td', {}, a.subdomain), h('td', {}, a.workspace_id),
      h('td', {}, h('a', { href: a.url }, a.url))))));
}

async function cron() {
  const list = await api('GET', '/api/v1/mags-cron');
  show(h('h1', {}, 'Cron jobs'), h('table', {},
    h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Schedule'), h('th', {}, 'Enabled'), h('th', {}, 'Last run'), h('th', {})),
    list.cron_jobs.map((c) => h('tr', {}, h('td', {}, c.name), h('td', {}, h('code', {}, c.cron_expression)),
      h('td', {}, String(c.enabled)), h('td', {}, when(c.last_run_at), ' ', c.last_status || ''),
      h('td', {}, h('button', { type: 'button', onclick: async () => {
        await api('PATCH', '/api/v1/mags-cron/' + encodeURIComponent(c.id), { enabled: !c.enabled });
        route();
      } }, c.enabled ? 'Disable' : 'Enable'))))));
}

async function usage() {
  const u = await api('GET', '/api/v1/mags-usage?window_days=30');
  const days = u.days || [];
  const most = Math.max(1, ...days.map((d) => d.sandbox_hours));
  show(h('h1', {}, 'Usage, last ', u.window_days, ' days'),
    h('p', {}, u.total_jobs, ' jobs, ', u.sandbox_hours.toFixed(2), ' sandbox hours, ', u.cpu_seconds.toFixed(1),
      ' CPU seconds, ', u.memory_gib_hours.toFixed(2), ' GiB-hours of memory'),
    h('table', {}, h('tr', {}, h('th', {}, 'Day'), h('th', {}, 'Jobs'), h('th', {}, 'Sandbox hours')),
      days.map((d) => h('tr', {}, h('td', {}, d.date), h('td', {}, d.jobs),
        h('td', {}, bar(300 * d.sandbox_hours / most), ' ', d.sandbox_hours.toFixed(2))))));
}

function bar(px) {
  const b = h('span', { class: 'bar' });
  b.style.width = Math.round(px) + 'px'; // through the CSSOM: the policy allows no style attribute
  return b;
}

route();
