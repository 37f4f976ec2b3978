// Jobs: the list a page at a time (a history of thousands stays one small query and table), and a job's page
// with its output as it is printed (the event stream read through fetch, which can send the token header;
// EventSource cannot) and a Stop button while it runs.
import { ApiError, api, authorization, button, errorLine, h, navigate, onLeave, show, table, when } from './dom.js';

const PAGE_SIZE = 50;
const STATUSES = ['', 'pending', 'running', 'sleeping', 'completed', 'error'];

export async function jobs(params) {
  const page = Math.max(1, parseInt(params.get('page') || '1', 10) || 1);
  const status = params.get('status') || '';
  const query = new URLSearchParams({ page, page_size: PAGE_SIZE });
  if (status) query.set('status', status);
  const list = await api('GET', '/api/v1/mags-jobs?' + query);
  const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
  const link = (p) => '/jobs?' + new URLSearchParams(status ? { page: p, status } : { page: p });
  const filter = h('select', { id: 'status-filter', onchange: () =>
    navigate('/jobs' + (filter.value ? '?status=' + encodeURIComponent(filter.value) : '')) },
    STATUSES.map((s) => h('option', { value: s, selected: s === status }, s || 'any status')));
  show(h('h1', {}, 'Jobs'),
    h('p', {}, 'Status: ', filter, ' ', h('span', { id: 'jobs-count' }, list.total, ' jobs, page ', page, ' of ', pages),
      ' ', page > 1 ? h('a', { href: link(page - 1), id: 'prev-page' }, '← newer') : '',
      ' ', page < pages ? h('a', { href: link(page + 1), id: 'next-page' }, 'older →') : ''),
    table(['Job', 'Name', 'Status', 'Created', 'Script'],
      list.jobs.map((j) => h('tr', {},
        h('td', {}, h('a', { href: '/jobs/' + encodeURIComponent(j.request_id) }, j.request_id.slice(0, 8))),
        h('td', {}, j.name || j.workspace_id || ''), h('td', { class: 'status' }, j.status),
        h('td', {}, when(j.created_at)), h('td', {}, h('code', {}, j.script))))));
}

const LIVE = ['pending', 'running', 'sleeping'];

export async function job(id) {
  const path = '/api/v1/mags-jobs/' + encodeURIComponent(id);
  let info;
  try {
    info = await api('GET', path + '/status');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      return show(h('h1', {}, 'Job'), h('p', { class: 'error', id: 'job-missing' }, 'Job ', id, ' not found.'));
    }
    throw e;
  }
  const statusLine = h('p', { id: 'job-state' });
  const output = h('pre', { id: 'output' });
  const error = errorLine('job-error');
  const stop = button('Stop', error, async () => {
    stop.disabled = true;
    render(await api('POST', path + '/stop'));
  }, { id: 'stop' });
  let ended = false;
  function render(j) {
    // The stop's answer can be the status from just before the job ended and arrive after the stream's last status:
    // a job that has ended never runs again, so a live status after an ended one is stale.
    if (ended && LIVE.includes(j.status)) return;
    ended = !LIVE.includes(j.status);
    statusLine.replaceChildren('Status: ', h('strong', { id: 'job-status' }, j.status),
      j.exit_code == null ? '' : ', exit code ' + j.exit_code, j.error_message ? ' (' + j.error_message + ')' : '');
    stop.hidden = !LIVE.includes(j.status);
  }
  render(info);
  show(h('h1', {}, 'Job ', info.name || info.request_id), statusLine, h('p', {}, h('code', {}, info.script)),
    stop, error, output);
  const aborter = new AbortController();
  onLeave(() => aborter.abort());
  try {
    await follow(path, output, render, aborter.signal);
    if (!aborter.signal.aborted) render(await api('GET', path + '/status'));
  } catch (e) {
    if (!aborter.signal.aborted) error.textContent = 'the output stream broke: ' + e.message;
  }
}

/**
 * Reads the job's event stream (server-sent events) as it arrives: each `log` event's line is appended to
 * {@code output} as text, the closing `status` event is passed to {@code render}. Ends with the stream.
 */
async function follow(path, output, render, signal) {
  const r = await fetch(path + '/events', { headers: authorization(), signal });
  if (!r.ok) throw new Error('HTTP ' + r.status);
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      handle(block, output, render);
    }
  }
}

function handle(block, output, render) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue; // a keep-alive comment
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'event') event = value;
    else if (name === 'data') data.push(value);
  }
  if (data.length === 0) return;
  const payload = JSON.parse(data.join('\n'));
  if (event === 'log') {
    output.append(document.createTextNode(payload.message + '\n'));
    output.scrollTop = output.scrollHeight;
  } else if (event === 'status') render(payload);
}
