// API tokens: create one (its secret shown once), revoke any.
import { api, button, errorLine, form, h, show, table, when } from './dom.js';

export async function tokens() {
  const list = await api('GET', '/api/v1/tokens');
  const name = h('input', { id: 'token-name', placeholder: 'laptop', maxlength: 128 });
  const made = h('p', { id: 'token-made' });
  const error = errorLine('token-error');
  show(h('h1', {}, 'API tokens'),
    form('new-token', error, async () => {
      const t = await api('POST', '/api/v1/tokens', { name: name.value });
      await tokens();
      document.getElementById('token-made').replaceChildren('New token (shown once): ',
        h('span', { class: 'secret' }, t.token));
    }, name, ' ', h('button', { type: 'submit' }, 'Create token')), made, error,
    table(['Name', 'Prefix', 'Created', 'Last used', ''],
      list.tokens.map((t) => h('tr', {}, h('td', {}, t.name || ''), h('td', {}, h('code', {}, t.prefix)),
        h('td', {}, when(t.created_at)), h('td', {}, when(t.last_used_at)),
        h('td', {}, button('Revoke', error, async () => {
          await api('DELETE', '/api/v1/tokens/' + encodeURIComponent(t.id));
          await tokens();
        }))))));
}
