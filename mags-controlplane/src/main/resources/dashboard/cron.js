// Cron jobs: create (name, 5-field schedule, workspace, script), enable/disable, remove; last and next run.
import { api, button, errorLine, field, form, h, show, table, when } from './dom.js';

export async function cron() {
  const list = await api('GET', '/api/v1/mags-cron');
  const name = h('input', { id: 'cron-name', placeholder: 'nightly', maxlength: 256, required: true });
  const schedule = h('input', { id: 'cron-schedule', placeholder: '0 3 * * *', required: true });
  const workspace = h('input', { id: 'cron-workspace', placeholder: '(none)' });
  const script = h('input', { id: 'cron-script', placeholder: 'echo hello', size: 40, required: true });
  const error = errorLine('cron-error');
  show(h('h1', {}, 'Cron jobs'),
    form('new-cron', error, async () => {
      const body = { name: name.value.trim(), cron_expression: schedule.value.trim(), script: script.value };
      if (workspace.value.trim()) body.workspace_id = workspace.value.trim();
      await api('POST', '/api/v1/mags-cron', body);
      await cron();
    }, field('Name', name), ' ', field('Schedule (min hour day month weekday, UTC)', schedule), ' ',
    field('Workspace', workspace), ' ', field('Script', script), ' ', h('button', { type: 'submit' }, 'Create cron job')),
    error,
    table(['Name', 'Schedule', 'Workspace', 'Script', 'Enabled', 'Last run', 'Next run', ''],
      list.cron_jobs.map((c) => h('tr', { 'data-cron': c.name }, h('td', {}, c.name),
        h('td', {}, h('code', {}, c.cron_expression), c.timezone && c.timezone !== 'UTC' ? ' ' + c.timezone : ''),
        h('td', {}, c.workspace_id || ''), h('td', {}, h('code', {}, c.script)),
        h('td', { class: 'enabled' }, c.enabled ? 'yes' : 'no'),
        h('td', {}, when(c.last_run_at), ' ',
          c.last_request_id ? h('a', { href: '/jobs/' + encodeURIComponent(c.last_request_id) }, c.last_status || '')
            : (c.last_status || ''), c.last_error ? ' (' + c.last_error + ')' : ''),
        h('td', {}, when(c.next_run_at)),
        h('td', {}, button(c.enabled ? 'Disable' : 'Enable', error, async () => {
          await api('PATCH', '/api/v1/mags-cron/' + encodeURIComponent(c.id), { enabled: !c.enabled });
          await cron();
        }), ' ', button('Remove', error, async () => {
          if (!confirm('Remove cron job ' + c.name + '?')) return;
          await api('DELETE', '/api/v1/mags-cron/' + encodeURIComponent(c.id));
          await cron();
        }))))));
}
