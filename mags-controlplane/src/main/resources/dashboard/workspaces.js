// Workspaces (size, last sync, snapshots, whether a sandbox is live; delete) and URL aliases (list, create,
// remove).
import { api, button, bytes, errorLine, field, form, h, show, table, when } from './dom.js';

export async function workspaces() {
  const list = await api('GET', '/api/v1/mags-workspaces');
  const error = errorLine('workspace-error');
  show(h('h1', {}, 'Workspaces'), error,
    list.workspaces.length === 0 ? h('p', {}, 'No workspaces yet (mags run -w NAME makes one).') : '',
    table(['Workspace', 'Kind', 'Size', 'Files', 'Last sync', 'Snapshots', 'Sandbox', 'Last used', ''],
      list.workspaces.map((w) => h('tr', { 'data-workspace': w.workspace_id },
        h('td', {}, w.workspace_id), h('td', {}, w.persistent ? 'persistent' : 'local'),
        h('td', {}, bytes(w.size_bytes != null ? w.size_bytes : w.disk_bytes)), h('td', {}, w.files == null ? '' : w.files),
        h('td', {}, when(w.last_sync_at)), h('td', {}, w.snapshot_count == null ? '' : w.snapshot_count),
        h('td', { class: 'live' }, w.live ? 'live' : 'not running'), h('td', {}, when(w.last_used_at)),
        h('td', {}, button('Delete', error, async () => {
          if (!confirm('Delete workspace ' + w.workspace_id + ' and all its data?')) return;
          await api('DELETE', '/api/v1/mags-workspaces/' + encodeURIComponent(w.workspace_id));
          await workspaces();
        }))))));
}

export async function urls() {
  const list = await api('GET', '/api/v1/mags-url-aliases');
  const subdomain = h('input', { id: 'alias-subdomain', placeholder: 'my-app', maxlength: 63 });
  const workspace = h('input', { id: 'alias-workspace', placeholder: 'workspace' });
  const error = errorLine('alias-error');
  show(h('h1', {}, 'URL aliases'),
    form('new-alias', error, async () => {
      await api('POST', '/api/v1/mags-url-aliases', { subdomain: subdomain.value.trim(), workspace_id: workspace.value.trim() });
      await urls();
    }, field('Subdomain', subdomain), ' ', field('Workspace', workspace), ' ', h('button', { type: 'submit' }, 'Create alias')),
    error,
    table(['Alias', 'Workspace', 'URL', 'Created', ''],
      list.aliases.map((a) => h('tr', {}, h('td', {}, a.subdomain), h('td', {}, a.workspace_id),
        h('td', {}, h('a', { href: a.url, target: '_blank', rel: 'noopener' }, a.url)), h('td', {}, when(a.created_at)),
        h('td', {}, button('Remove', error, async () => {
          await api('DELETE', '/api/v1/mags-url-aliases/' + encodeURIComponent(a.subdomain));
          await urls();
        }))))));
}
