// The mags dashboard: one page, no build step, ES modules served from the jar. The API token is kept in this
// tab's sessionStorage and sent as the Authorization header, so no cookie exists for another site to ride on.
// Everything a user or a job wrote is put into the page as text (textContent), never as markup.
import { KEY, api, h, leave, main, show } from './dom.js';
import { job, jobs } from './jobs.js';
import { tokens } from './tokens.js';
import { urls, workspaces } from './workspaces.js';
import { cron } from './cron.js';
import { usage } from './usage.js';
import { admin } from './admin.js';

export function go(path) {
  history.pushState(null, '', path);
  route();
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a');
  if (a && a.origin === location.origin && !a.hasAttribute('download')) {
    ev.preventDefault();
    go(a.pathname + a.search);
  }
});
window.addEventListener('popstate', route);
window.addEventListener('mags:navigate', (ev) => go(ev.detail));
document.getElementById('signout').addEventListener('click', () => {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem('mags-admin');
  go('/');
});

const views = {
  '/': jobs, '/jobs': jobs, '/tokens': tokens, '/workspaces': workspaces, '/urls': urls, '/cron': cron,
  '/usage': usage, '/admin': admin,
};

async function route() {
  leave();
  const signedIn = !!sessionStorage.getItem(KEY);
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('nav-admin').hidden = sessionStorage.getItem('mags-admin') !== 'yes';
  const path = location.pathname;
  if (!signedIn) return signIn(path === '/' ? '/jobs' : path + location.search);
  const params = new URLSearchParams(location.search);
  try {
    if (path.startsWith('/jobs/')) return await job(decodeURIComponent(path.slice(6)));
    const view = views[path];
    if (view) return await view(params);
    show(h('p', {}, 'No such page.'));
  } catch (e) {
    if (!sessionStorage.getItem(KEY)) return signIn(path, e.message);
    show(h('p', { class: 'error' }, e.message));
  }
}

// A failure nothing else caught is shown, not only logged.
window.addEventListener('unhandledrejection', (ev) => main.append(h('p', { class: 'error' }, String(ev.reason))));
window.addEventListener('error', (ev) => main.append(h('p', { class: 'error' }, ev.message)));

/** Whether the token's user is an admin: /api/v1/users answers them only. */
async function checkAdmin() {
  const r = await fetch('/api/v1/users', { headers: { 'Authorization': 'Bearer ' + sessionStorage.getItem(KEY) } });
  sessionStorage.setItem('mags-admin', r.status === 200 ? 'yes' : 'no');
}

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
        await checkAdmin();
        go(next);
      } catch (e) {
        sessionStorage.removeItem(KEY);
        error.textContent = e.message;
      }
    } }, input, ' ', h('button', { type: 'submit' }, 'Sign in')), error);
}

route();
