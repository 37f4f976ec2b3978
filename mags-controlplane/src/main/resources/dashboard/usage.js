// Usage over a window: totals and an SVG chart per day of sandbox hours and jobs, drawn with DOM calls (sizes are
// SVG attributes, colours come from the style sheet: the page's policy allows no inline style).
import { api, h, show, table } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text != null) e.textContent = text;
  return e;
}

export async function usage(params) {
  const span = parseInt(params.get('days') || '30', 10) || 30;
  const u = await api('GET', '/api/v1/mags-usage?window_days=' + span);
  const days = u.days || [];
  show(h('h1', {}, 'Usage, last ', u.window_days, ' days'),
    h('p', { id: 'usage-totals' }, u.total_jobs, ' jobs, ', u.sandbox_hours.toFixed(2), ' sandbox hours, ',
      u.cpu_seconds.toFixed(1), ' CPU seconds, ', u.memory_gib_hours.toFixed(2), ' GiB-hours of memory'),
    h('p', {}, h('span', { class: 'key hours' }), ' sandbox hours ', h('span', { class: 'key jobs' }), ' jobs'),
    chart(days),
    table(['Day', 'Jobs', 'Sandbox hours', 'CPU seconds'], days.map((d) => h('tr', {}, h('td', {}, d.date),
      h('td', {}, d.jobs), h('td', {}, d.sandbox_hours.toFixed(3)), h('td', {}, d.cpu_seconds.toFixed(1))))));
}

/** Two bars a day, each scaled to its own series' largest day, with the day's numbers in a tooltip. */
function chart(days) {
  const barW = 10;
  const dayW = 2 * barW + 6;
  const height = 160;
  const width = Math.max(1, days.length) * dayW + 40;
  const most = (f) => Math.max(1e-9, ...days.map(f));
  const hours = most((d) => d.sandbox_hours);
  const jobs = most((d) => d.jobs);
  const svg = s('svg', { id: 'usage-chart', width, height: height + 30, viewBox: `0 0 ${width} ${height + 30}`,
    role: 'img', 'aria-label': 'sandbox hours and jobs per day' });
  svg.append(s('line', { x1: 0, y1: height, x2: width, y2: height, class: 'axis' }));
  days.forEach((d, i) => {
    const x = i * dayW + 4;
    const bar = (value, max, dx, cls, label) => {
      const hgt = Math.round((height - 4) * value / max);
      const r = s('rect', { x: x + dx, y: height - hgt, width: barW, height: Math.max(hgt, value > 0 ? 1 : 0), class: cls });
      r.append(s('title', {}, d.date + ': ' + label));
      svg.append(r);
    };
    bar(d.sandbox_hours, hours, 0, 'hours', d.sandbox_hours.toFixed(3) + ' sandbox hours');
    bar(d.jobs, jobs, barW, 'jobs', d.jobs + ' jobs');
    if (i % 7 === 0 || i === days.length - 1) {
      svg.append(s('text', { x, y: height + 14, class: 'day' }, d.date.slice(5)));
    }
  });
  return svg;
}
