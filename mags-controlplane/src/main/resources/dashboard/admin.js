// The admin view, shown to admins only (the router shows its link when /api/v1/users answered 200): the server's
// numbers (jobs by status, live and sleeping sandboxes, warm pool, sessions) and the users (create, disable,
// enable).
import { api, button, errorLine, field, form, h, show, table, when } from './dom.js';

export async function admin() {
  const [stats, list] = await Promise.all([api('GET', '/api/v1/server-stats'), api('GET', '/api/v1/users')]);
  const name = h('input', { id: 'user-name', placeholder: 'alice', maxlength: 128, required: true });
  const isAdmin = h('input', { id: 'user-admin', type: 'checkbox' });
  const made = h('p', { id: 'user-made' });
  const error = errorLine('user-error');
  show(h('h1', {}, 'Server'), numbers(stats),
    h('h2', {}, 'Users'),
    form('new-user', error, async () => {
      const r = await api('POST', '/api/v1/users', { name: name.value.trim(), admin: isAdmin.checked });
      await admin();
      document.getElementById('user-made').replaceChildren('First token of ', r.user.name, ' (shown once): ',
        h('span', { class: 'secret' }, r.token.token));
    }, field('Name', name), ' ', field('admin', isAdmin), ' ', h('button', { type: 'submit' }, 'Create user')),
    made, error,
    table(['User', 'Admin', 'Created', 'State', ''],
      list.users.map((u) => h('tr', { 'data-user': u.name }, h('td', {}, u.name), h('td', {}, u.admin ? 'admin' : ''),
        h('td', {}, when(u.created_at)), h('td', { class: 'state' }, u.disabled_at ? 'disabled ' + when(u.disabled_at) : 'enabled'),
        h('td', {}, button(u.disabled_at ? 'Enable' : 'Disable', error, async () => {
          await api('POST', '/api/v1/users/' + encodeURIComponent(u.name) + (u.disabled_at ? '/enable' : '/disable'));
          await admin();
        }))))));
}

function numbers(s) {
  const rows = [
    ['Jobs by status', Object.entries(s.jobs).map(([k, v]) => k + ' ' + v).join(', ') || 'none'],
    ['Live sandboxes', s.sandboxes.live_jobs + ' of jobs, ' + s.sandboxes.live_workspaces + ' of workspaces'],
    ['Sleeping sandboxes', s.sandboxes.sleeping],
    ['Warm pool', s.warm_pool == null ? 'not reported' : s.warm_pool.ready + ' ready of ' + s.warm_pool.target + ', ' + s.warm_pool.misses + ' misses'],
    ['Exec sessions', s.exec_sessions],
    ['SSH sessions', s.ssh_sessions == null ? 'no SSH gateway' : s.ssh_sessions],
  ];
  return h('table', { id: 'server-stats' }, rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))));
}
