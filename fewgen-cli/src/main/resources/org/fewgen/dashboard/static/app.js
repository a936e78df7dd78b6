/* fewgen dashboard: plain JavaScript, no build step. Reads the JSON API described in docs/dashboard.md. */
(function () {
  'use strict';

  const POLL_RUN_MS = 2000;      // metrics and grids of a running run
  const POLL_LIST_MS = 5000;     // the run list
  const main = document.getElementById('main');
  const live = document.getElementById('live');
  let view = null;               // {timers: [], charts: [], cleanup: fn}

  // ------------------------------------------------------------ helpers
  function h(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v == null || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v === true ? '' : v);
      }
    }
    for (const k of kids.flat()) {
      if (k == null || k === false) continue;
      e.append(k instanceof Node ? k : document.createTextNode(String(k)));
    }
    return e;
  }
  async function api(path) {
    const r = await fetch(path, {cache: 'no-store'});
    const body = await r.json().catch(() => ({error: r.statusText}));
    if (!r.ok) throw new Error(body.error || r.statusText);
    return body;
  }
  const fileUrl = id => '/files/' + id.split('/').map(encodeURIComponent).join('/');
  const runHref = id => '#/run?id=' + encodeURIComponent(id);
  function num(v, digits) {
    if (v == null || v === '' || Number.isNaN(v)) return '–';
    if (typeof v !== 'number') return String(v);
    if (digits != null) return v.toFixed(digits);
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
    return a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(3) : v.toPrecision(3);
  }
  function kimgText(k) { return k == null ? '–' : (Math.round(k * 1000) / 1000).toString(); }
  function dur(s) {
    if (s == null) return '–';
    s = Math.round(s);
    const d = Math.floor(s / 86400), hh = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), ss = s % 60;
    if (d) return d + 'd ' + hh + 'h';
    if (hh) return hh + 'h ' + String(m).padStart(2, '0') + 'm';
    if (m) return m + 'm ' + String(ss).padStart(2, '0') + 's';
    return ss + 's';
  }
  function when(iso) {
    if (!iso) return '–';
    const d = new Date(iso);
    if (isNaN(d)) return iso;
    const sameYear = d.getFullYear() === new Date().getFullYear();
    return d.toLocaleString(undefined, Object.assign(sameYear ? {} : {year: 'numeric'}, {month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit'}));
  }
  function badge(status) { return h('span', {class: 'badge ' + status, text: status}); }
  function css(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }
  const palette = () => ['--s1', '--s2', '--s3', '--s4', '--s5', '--s6', '--s7', '--s8'].map(css);
  function every(ms, fn) { const t = setInterval(fn, ms); view.timers.push(t); return t; }
  function setLive(text) { live.textContent = text || ''; }
  function copyButton(text, label) {
    return h('button', {type: 'button', title: 'Copy to the clipboard', 'aria-label': 'Copy ' + (label || 'command'),
      onclick: async ev => {
        try { await navigator.clipboard.writeText(text); ev.target.textContent = 'Copied'; }
        catch (e) { ev.target.textContent = 'Select and copy'; }
        setTimeout(() => { ev.target.textContent = 'Copy'; }, 1500);
      }}, 'Copy');
  }
  function cmd(text, label) { return h('span', {class: 'cmd'}, h('code', {text}), copyButton(text, label)); }
  function kv(obj) {
    const dl = h('dl', {class: 'kv'});
    for (const [k, v] of Object.entries(obj || {})) {
      // a nested record (config.json's generator, discriminator, optimizer, run) as a list of its own
      const inner = v != null && typeof v === 'object' && !Array.isArray(v);
      dl.append(h('dt', {text: k}), inner ? h('dd', null, kv(v))
        : h('dd', {text: typeof v === 'object' ? JSON.stringify(v) : String(v)}));
    }
    return dl;
  }
  function smooth(ys, w) {
    if (!w) return ys;
    let last = 0, n = 0;
    return ys.map(v => {
      if (v == null || !isFinite(v)) return null;
      last = last * w + (1 - w) * v; n++;
      return last / (1 - Math.pow(w, n));
    });
  }
  /** A table; with cls 'cards' it turns into one card per row on a narrow screen. */
  function table(headers, rows, numeric, cls) {
    return h('div', {class: 'table-wrap'}, h('table', {class: cls || null},
      h('thead', null, h('tr', null, headers.map((t, i) => h('th', {scope: 'col', class: numeric && numeric[i] ? 'num' : null}, t)))),
      h('tbody', null, rows.map(r => h('tr', null, r.map((c, i) => h('td', {class: numeric && numeric[i] ? 'num' : null, 'data-label': headers[i] || null}, c)))))));
  }

  // ------------------------------------------------------------ charts (uPlot)
  /**
   * spec: {title, x: label, y: label, y2: label, logX, series: [{label, color, scale: 'y'|'y2', points}]}
   * data: [xs, ys1, ys2, ...]
   */
  function chart(parent, spec, data) {
    const box = h('figure', {class: 'chart panel', role: 'group',
      'aria-label': spec.title + ': ' + spec.y + (spec.y2 ? ' and ' + spec.y2 : '') + ' against ' + spec.x});
    const title = h('h3', {text: spec.title});
    const plot = h('div', {class: 'plot'});
    box.append(title, plot);
    parent.append(box);
    const fg = css('--fg'), grid = css('--grid'), muted = css('--muted');
    const axis = (label, side, scale) => ({label, side, scale, stroke: muted, labelFont: '12px system-ui, sans-serif',
      font: '11px system-ui, sans-serif', grid: {stroke: grid, width: 1}, ticks: {stroke: grid}, size: 52, labelSize: 18});
    const axes = [axis(spec.x, 2, 'x'), axis(spec.y, 3, 'y')];
    if (spec.y2) axes.push(Object.assign(axis(spec.y2, 1, 'y2'), {grid: {show: false}}));
    const opts = {
      width: Math.max(260, plot.clientWidth || 400), height: 240,
      scales: {x: {time: false, distr: spec.logX ? 3 : 1}, y: {auto: true}, y2: {auto: true}},
      axes,
      series: [{label: spec.x, value: (u, v) => v == null ? '–' : num(v)}].concat(spec.series.map(s => ({
        label: s.label, stroke: s.color, width: 1.6, scale: s.scale || 'y', spanGaps: true,
        points: {show: s.points || undefined, size: 6, fill: s.color},
        value: (u, v) => v == null ? '–' : num(v),
      }))),
      legend: {live: true},
      cursor: {drag: {x: true, y: false}, sync: {key: spec.sync || 'page', setSeries: true}},
      hooks: {draw: [u => drawMarkers(u, spec.markers)]},
    };
    void fg;
    const u = new uPlot(opts, data, plot);
    const ro = new ResizeObserver(() => {
      const w = plot.clientWidth;
      if (w > 0 && Math.abs(w - u.width) > 2) u.setSize({width: w, height: 240});
    });
    ro.observe(plot);
    const c = {u, box, destroy() { ro.disconnect(); u.destroy(); }};
    view.charts.push(c);
    return c;
  }

  /** Dashed vertical lines with a short label at x positions (resumes, reloads, non-finite steps, failures). */
  function drawMarkers(u, markers) {
    if (!markers || !markers.length) return;
    const ctx = u.ctx, {top, height} = u.bbox, dpr = window.devicePixelRatio || 1;
    ctx.save();
    ctx.setLineDash([4 * dpr, 4 * dpr]);
    ctx.lineWidth = dpr;
    ctx.font = (11 * dpr) + 'px system-ui, sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    for (const m of markers) {
      const x = Math.round(u.valToPos(m.x, 'x', true));
      if (!isFinite(x) || x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
      ctx.strokeStyle = m.color; ctx.fillStyle = m.color;
      ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
      ctx.fillText(m.label, x + 3 * dpr, top + 12 * dpr);
    }
    ctx.restore();
  }

  // ------------------------------------------------------------ routing
  function route() {
    if (view) {
      view.timers.forEach(clearInterval);
      view.charts.forEach(c => c.destroy());
      if (view.cleanup) view.cleanup();
    }
    view = {timers: [], charts: []};
    setLive('');
    const hash = location.hash || '#/';
    const [path, qs] = hash.slice(1).split('?');
    const q = new URLSearchParams(qs || '');
    document.querySelectorAll('nav a').forEach(a => a.removeAttribute('aria-current'));
    main.replaceChildren();
    if (path === '/run' && q.get('id')) showRun(q.get('id'));
    else if (path === '/compare') { mark('nav-compare'); showCompare(q.getAll('run')); }
    else { mark('nav-runs'); showList(); }
  }
  function mark(id) { const a = document.getElementById(id); if (a) a.setAttribute('aria-current', 'page'); }
  window.addEventListener('hashchange', () => { route(); main.focus({preventScroll: true}); });
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', route);

  // ------------------------------------------------------------ run list
  const selected = new Set(JSON.parse(sessionStorage.getItem('fewgen.selected') || '[]'));
  function saveSelected() { sessionStorage.setItem('fewgen.selected', JSON.stringify([...selected])); }

  function showList() {
    document.title = 'Runs · fewgen';
    const filter = h('input', {type: 'search', placeholder: 'Filter by name, data, kind, status', 'aria-label': 'Filter runs'});
    const compareBtn = h('button', {type: 'button', onclick: () => {
      location.hash = '#/compare?' + [...selected].map(id => 'run=' + encodeURIComponent(id)).join('&');
    }});
    const body = h('div');
    main.append(h('h1', {text: 'Runs'}), h('div', {class: 'toolbar'}, filter, compareBtn), body);
    let runs = [];
    function updateCompare() {
      compareBtn.textContent = 'Compare selected (' + selected.size + ')';
      compareBtn.disabled = selected.size < 2;
    }
    function render() {
      const f = filter.value.trim().toLowerCase();
      const shown = runs.filter(r => !f || [r.name, r.data, r.kind, r.status, r.generator, r.id].join(' ').toLowerCase().includes(f));
      if (!runs.length) {
        body.replaceChildren(h('p', {class: 'empty muted'}, 'No runs here yet. Start one with ',
          h('code', {text: 'fewgen demo'}), ' or ', h('code', {text: 'fewgen gan train --out ' + (document.getElementById('root').textContent || 'runs')}),
          '; it appears here by itself.'));
        return;
      }
      const rows = shown.map(r => {
        const box = h('input', {type: 'checkbox', 'aria-label': 'Select ' + r.name + ' for comparison',
          checked: selected.has(r.id) || null, disabled: r.kind !== 'gan' && r.kind !== 'uae' ? true : null,
          onchange: e => { if (e.target.checked) selected.add(r.id); else selected.delete(r.id); saveSelected(); updateCompare(); }});
        const kimg = r.kind === 'gan' ? kimgText(r.kimg) + (r.target_kimg != null ? ' / ' + kimgText(r.target_kimg) : '')
          : r.kind === 'uae' ? (r.epoch != null ? 'epoch ' + r.epoch + (r.target_epochs ? ' / ' + r.target_epochs : '') : '–') : '–';
        return [box, h('a', {href: runHref(r.id), text: r.id}), r.kind, badge(r.status), r.data || r.machine || '–',
          r.generator || r.encoder || (r.methods || '–'), kimg, r.last_fid != null ? num(r.last_fid, 2) : '–',
          when(r.started), dur(r.train_seconds != null ? r.train_seconds : r.duration_s),
          r.status === 'running' && r.eta_s != null ? dur(r.eta_s) : '–'];
      });
      body.replaceChildren(table(['', 'run', 'kind', 'status', 'data', 'generator / method', 'kimg', 'last FID',
        'started', 'duration', 'ETA'], rows, [0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1], 'cards'));
      updateCompare();
    }
    filter.addEventListener('input', render);
    async function load() {
      try {
        const d = await api('/api/runs');
        document.getElementById('root').textContent = d.root;
        runs = d.runs;
        const running = runs.filter(r => r.status === 'running').length;
        setLive(running ? running + ' running · updated ' + new Date().toLocaleTimeString() : '');
        // keep focus in the filter while re-rendering
        render();
      } catch (e) { body.replaceChildren(h('p', {class: 'error', text: 'Cannot read the run list: ' + e.message})); }
    }
    updateCompare();
    load();
    every(POLL_LIST_MS, load);
  }

  // ------------------------------------------------------------ one run
  async function showRun(id) {
    let d;
    try { d = await api('/api/run?id=' + encodeURIComponent(id)); }
    catch (e) { main.replaceChildren(h('h1', {text: id}), h('p', {class: 'error', text: e.message})); return; }
    document.title = d.name + ' · fewgen';
    if (d.kind === 'gan') return showGan(d);
    if (d.kind === 'uae') return showUae(d);
    if (d.kind === 'uae-compare') return showUaeCompare(d);
    if (d.kind === 'bench') return showBench(d);
  }

  function header(d, extra) {
    return h('div', null, h('p', {class: 'muted'}, h('a', {href: '#/', text: 'Runs'}), ' / ' + d.kind),
      h('h1', null, d.name, ' ', badge(d.status)), extra || null);
  }

  const GAN_CHARTS = [
    {title: 'Losses', x: 'kimg', y: 'loss', series: [{key: 'loss_G', label: 'G loss'}, {key: 'loss_D', label: 'D loss (hinge)'}]},
    {title: 'D(real) and D(fake)', x: 'kimg', y: 'mean logit', series: [{key: 'D_real', label: 'D(real)'}, {key: 'D_fake', label: 'D(fake)'}]},
    {title: 'Speed', x: 'kimg', y: 'images / s', series: [{key: 'img_per_s', label: 'img/s'}]},
    {title: 'Memory', x: 'kimg', y: 'MiB', series: [{key: 'rss_mib', label: 'RSS (MiB)'}, {key: 'peak_rss_mib', label: 'peak RSS (MiB)'}, {key: 'device_mib', label: 'GPU (MiB)'}]},
  ];

  function showGan(d) {
    const state = {offset: 0, stats: [], metrics: [], events: [], grids: d.grids, detail: d, charts: [], smoothing: 0};
    const progressBar = h('div', {class: 'progress', role: 'progressbar', 'aria-label': 'training progress', 'aria-valuemin': 0, 'aria-valuemax': 100}, h('div'));
    const stat = h('span', {class: 'muted'});
    // the server sends config.json's config in the nested form (older flat files converted)
    const c = d.config || {}, pv = d.provenance || {};
    const g = c.generator || {}, dc = c.discriminator || {}, opt = c.optimizer || {}, run = c.run || {};
    const facts = [run.data, g.resolution ? g.resolution + '²' : null, g.conv ? 'G ' + String(g.conv).toLowerCase() : null,
      dc.headConv ? 'D heads ' + String(dc.headConv).toLowerCase() : null,
      dc.featureInputSize ? 'D input ' + dc.featureInputSize + '²' : null,
      run.batch ? 'batch ' + run.batch : null, g.ngf ? 'ngf ' + g.ngf : null, opt.lr ? 'lr ' + opt.lr : null,
      run.seed != null ? 'seed ' + run.seed : null, pv.device, pv.started ? 'started ' + when(pv.started) : null].filter(x => x != null);
    const top = header(d, h('div', null, h('div', {class: 'row'}, progressBar, stat),
      h('p', {class: 'muted', id: 'run-facts'}, facts.join(' · ')),
      pv.command_line ? h('p', null, cmd(pv.command_line, 'command line')) : null));
    // samples
    const newestImg = h('img', {alt: 'newest sample grid', id: 'newest-grid'});
    const newestCap = h('figcaption');
    const slider = h('input', {type: 'range', min: 0, max: 0, step: 1, value: 0, id: 'grid-slider', 'aria-label': 'Sample grid by kimg'});
    const pickImg = h('img', {alt: 'sample grid at the chosen kimg', id: 'picked-grid'});
    const pickCap = h('figcaption');
    const samples = h('section', {'aria-labelledby': 'h-samples'}, h('h2', {id: 'h-samples', text: 'Samples (EMA generator, fixed latents)'}),
      h('div', {class: 'grid-view'},
        h('figure', null, h('a', {id: 'newest-link', title: 'Open the grid at its own size'}, newestImg), newestCap),
        h('div', null, h('figure', null, pickImg, pickCap), h('label', {for: 'grid-slider', class: 'muted'}, 'Grid over kimg (arrow keys step, Home/End jump)'), slider,
          d.reals ? h('details', null, h('summary', {text: 'Real images'}), h('img', {class: 'full', src: fileUrl(d.reals), alt: 'training images'})) : null)));
    // charts
    const smoothIn = h('input', {type: 'range', min: 0, max: 0.99, step: 0.01, value: 0, id: 'smoothing', 'aria-label': 'Smoothing'});
    const smoothOut = h('output', {for: 'smoothing', text: '0'});
    const chartsBox = h('div', {class: 'charts', id: 'charts'});
    const chartsSec = h('section', {'aria-labelledby': 'h-charts'}, h('h2', {id: 'h-charts', text: 'Training curves'}),
      h('div', {class: 'toolbar'}, h('label', null, 'Smoothing', smoothIn, smoothOut),
        h('span', {class: 'muted'}, 'Drag on a chart to zoom, double-click to reset.'),
        h('a', {href: fileUrl(d.metrics), text: 'metrics.jsonl'})), chartsBox);
    const snapsBox = h('div');
    const eventsBox = h('div');
    const cfgSec = h('section', {'aria-labelledby': 'h-config'}, h('h2', {id: 'h-config', text: 'Configuration and provenance'}),
      h('details', {open: true}, h('summary', {text: 'config.json: config'}), kv(d.config)),
      h('details', null, h('summary', {text: 'config.json: provenance'}), kv(Object.assign({}, d.provenance, d.resumed_from ? {resumed_from: d.resumed_from} : {}))));
    main.append(top, samples, chartsSec,
      h('section', {'aria-labelledby': 'h-snaps'}, h('h2', {id: 'h-snaps', text: 'Snapshots'}), snapsBox),
      h('section', {'aria-labelledby': 'h-events'}, h('h2', {id: 'h-events', text: 'Events'}), eventsBox), cfgSec);

    function renderHeader() {
      const r = state.detail;
      const frac = r.target_kimg ? Math.min(1, (r.kimg || 0) / r.target_kimg) : 0;
      progressBar.firstChild.style.width = (100 * frac).toFixed(1) + '%';
      progressBar.setAttribute('aria-valuenow', (100 * frac).toFixed(0));
      const parts = ['kimg ' + kimgText(r.kimg) + (r.target_kimg != null ? ' / ' + kimgText(r.target_kimg) : '')];
      if (r.img_per_s != null) parts.push(num(r.img_per_s, 1) + ' img/s');
      if (r.train_seconds != null) parts.push(dur(r.train_seconds) + ' training');
      if (r.status === 'running' && r.eta_s != null) parts.push('ETA ' + dur(r.eta_s) + ' (training time, at the recent speed)');
      if (r.last_fid != null) parts.push('FID ' + num(r.last_fid, 2));
      if (r.error) parts.push('error: ' + r.error);
      stat.textContent = parts.join(' · ');
      stat.id = 'run-status';
      const b = top.querySelector('.badge');
      b.className = 'badge ' + r.status; b.textContent = r.status;
    }
    function renderGrids() {
      const g = state.grids;
      if (!g.length) { newestCap.textContent = 'No sample grid yet.'; return; }
      const newest = g[g.length - 1];
      if (newestImg.dataset.file !== newest.file) {
        newestImg.src = fileUrl(newest.file);
        newestImg.parentElement.href = fileUrl(newest.file);
        newestImg.dataset.file = newest.file;
        newestImg.dataset.kimg = newest.kimg;
      }
      newestCap.textContent = 'Newest: ' + newest.name + ' (kimg ' + kimgText(newest.kimg) + ')';
      const atEnd = +slider.value === +slider.max;
      slider.max = g.length - 1;
      if (atEnd) slider.value = g.length - 1;
      showPick();
    }
    function showPick() {
      const g = state.grids[+slider.value];
      if (!g) return;
      if (pickImg.dataset.file !== g.file) { pickImg.src = fileUrl(g.file); pickImg.dataset.file = g.file; }
      pickCap.textContent = g.name + ' · kimg ' + kimgText(g.kimg) + ' (' + (+slider.value + 1) + ' of ' + state.grids.length + ')';
      slider.setAttribute('aria-valuetext', 'kimg ' + kimgText(g.kimg));
    }
    slider.addEventListener('input', showPick);
    function renderSnaps() {
      const s = state.detail.snapshots || [];
      if (!s.length) { snapsBox.replaceChildren(h('p', {class: 'muted', text: 'No snapshot yet.'})); return; }
      snapsBox.replaceChildren(table(['snapshot', 'kimg', 'size', 'command'], s.slice().reverse().map(x => [
        x.name, kimgText(x.kimg), (x.bytes / 1048576).toFixed(1) + ' MiB',
        h('div', null, cmd(x.generate, 'generate command for ' + x.name), x.resume ? cmd(x.resume, 'resume command') : null)]), [0, 1, 1, 0]));
    }
    function renderEvents() {
      const ev = state.events.filter(e => e.event !== 'snapshot' && e.event !== 'metric');
      eventsBox.replaceChildren(ev.length ? h('ul', {class: 'events'}, ev.slice(-30).map(e => {
        const rest = Object.assign({}, e); delete rest.event; delete rest.config;
        return h('li', null, h('strong', {text: e.event}), ' ', JSON.stringify(rest));
      })) : h('p', {class: 'muted', text: 'None.'}));
    }
    function buildCharts() {
      chartsBox.replaceChildren();
      state.charts.forEach(c => { c.destroy(); view.charts.splice(view.charts.indexOf(c), 1); });
      state.charts = [];
      const colors = palette();
      const markers = state.events.filter(e => ['resume', 'reload', 'nonfinite', 'failed'].includes(e.event) && e.kimg != null)
        .map(e => ({x: e.kimg, label: e.event, color: e.event === 'resume' ? css('--s3') : css('--bad')}));
      for (const spec of GAN_CHARTS) {
        const present = spec.series.filter(s => s.key !== 'device_mib' || state.stats.some(l => l.device_mib != null));
        const c = chart(chartsBox, {title: spec.title, x: 'kimg', y: spec.y, markers,
          series: present.map((s, i) => ({label: s.label, color: colors[i]}))}, chartData(present));
        c.keys = present.map(s => s.key);
        state.charts.push(c);
      }
      const hasKid = state.metrics.some(m => m.kid_mean != null);
      const fid = chart(chartsBox, {title: 'FID' + (hasKid ? ' and KID' : '') + ' of the EMA generator', x: 'kimg', y: 'FID', y2: hasKid ? 'KID × 10³' : null, markers,
        series: [{label: 'FID', color: colors[0], points: true}].concat(hasKid ? [{label: 'KID × 10³', color: colors[1], scale: 'y2', points: true}] : [])},
        fidData(hasKid));
      fid.fid = true; fid.hasKid = hasKid;
      if (!state.metrics.length) fid.box.append(h('p', {class: 'muted', text: 'No FID yet: train with --metric-every K to compute it.'}));
      state.charts.push(fid);
    }
    function chartData(series) {
      const xs = state.stats.map(l => l.kimg);
      return [xs].concat(series.map(s => smooth(state.stats.map(l => l[s.key] == null ? null : +l[s.key]), state.smoothing)));
    }
    function fidData(hasKid) {
      const m = state.metrics;
      const out = [m.map(x => x.kimg), m.map(x => x.fid)];
      if (hasKid) out.push(m.map(x => x.kid_mean == null ? null : x.kid_mean * 1000));
      return out;
    }
    function updateCharts() {
      const hasKid = state.metrics.some(m => m.kid_mean != null);
      const hasDev = state.stats.some(l => l.device_mib != null);
      const mem = state.charts.find(c => c.keys && c.keys.includes('rss_mib'));
      const fid = state.charts.find(c => c.fid);
      if ((fid && fid.hasKid !== hasKid) || (mem && mem.keys.includes('device_mib') !== hasDev) || (fid && state.metrics.length && fid.box.querySelector('p'))) {
        buildCharts(); return;
      }
      for (const c of state.charts) {
        if (c.fid) c.u.setData(fidData(hasKid));
        else c.u.setData(chartData(c.keys.map(k => ({key: k}))));
      }
    }
    smoothIn.addEventListener('input', () => { state.smoothing = +smoothIn.value; smoothOut.textContent = smoothIn.value; updateCharts(); });

    async function pollMetrics() {
      const m = await api('/api/metrics?id=' + encodeURIComponent(d.id) + '&offset=' + state.offset);
      if (m.reset) { state.stats = []; state.metrics = []; state.events = []; }
      for (const l of m.lines) {
        if (l.event === 'metric') state.metrics.push(l);
        if (l.event) state.events.push(l);
        else if (l.kimg != null) state.stats.push(l);
      }
      const changed = m.lines.length > 0 || m.reset;
      state.offset = m.offset;
      return changed;
    }
    async function pollRun() {
      const r = await api('/api/run?id=' + encodeURIComponent(d.id));
      const newGrid = r.grids.length !== state.grids.length;
      const newSnap = (r.snapshots || []).length !== (state.detail.snapshots || []).length || r.status !== state.detail.status;
      state.detail = r; state.grids = r.grids;
      renderHeader();
      if (newGrid) renderGrids();
      if (newSnap) renderSnaps();
    }
    async function tick() {
      try {
        const [changed] = await Promise.all([pollMetrics(), pollRun()]);
        if (changed) {
          const n = state.events.filter(e => ['resume', 'reload', 'nonfinite', 'failed'].includes(e.event)).length;
          if (n !== state.markerCount) { state.markerCount = n; buildCharts(); } else updateCharts();
          renderEvents();
        }
        setLive(state.detail.status === 'running' ? 'live · updated ' + new Date().toLocaleTimeString() : '');
        if (state.detail.status !== 'running' && view.timers.length) { view.timers.forEach(clearInterval); view.timers = []; }
      } catch (e) { setLive('update failed: ' + e.message); }
    }
    (async () => {
      renderHeader(); renderGrids(); renderSnaps();
      try { await pollMetrics(); } catch (e) { chartsBox.append(h('p', {class: 'error', text: e.message})); }
      state.markerCount = state.events.filter(e => ['resume', 'reload', 'nonfinite', 'failed'].includes(e.event)).length;
      buildCharts(); renderEvents();
      if (d.status === 'running') { setLive('live'); every(POLL_RUN_MS, tick); }
    })();
  }

  // ------------------------------------------------------------ UAE run
  async function showUae(d) {
    main.append(header(d));
    const m = await api('/api/metrics?id=' + encodeURIComponent(d.id) + '&offset=0');
    const lines = m.lines.filter(l => l.epoch != null);
    const colors = palette();
    const box = h('div', {class: 'charts'});
    main.append(h('h2', {text: 'Training'}), box);
    chart(box, {title: 'Loss and validation error', x: 'epoch', y: 'train loss (‖x − x̂‖², per image)', y2: 'validation ℓ2',
      series: [{label: 'train loss', color: colors[0]}, {label: 'validation ℓ2', color: colors[1], scale: 'y2'}]},
      [lines.map(l => l.epoch), lines.map(l => l.train_loss), lines.map(l => l.valid_l2)]);
    if (lines.some(l => l.mean_row_norm != null)) {
      chart(box, {title: 'Mean row norm of W', x: 'epoch', y: 'norm', series: [{label: 'mean row norm', color: colors[2]}]},
        [lines.map(l => l.epoch), lines.map(l => l.mean_row_norm)]);
    }
    if (d.reconstructions) {
      main.append(h('h2', {text: 'Reconstructions'}), h('figure', null, h('img', {class: 'full', src: fileUrl(d.reconstructions),
        alt: 'test images (top) and their reconstructions (bottom)'}), h('figcaption', {text: 'Test images over their reconstructions.'})));
    }
    main.append(h('h2', {text: 'Summary'}), kv(d.summary), h('h2', {text: 'Configuration'}), kv(d.config));
  }

  // ------------------------------------------------------------ UAE comparison
  function showUaeCompare(d) {
    main.append(header(d));
    const recs = (d.results || []).filter(r => r.method != null && r.measurements != null);
    const methods = [...new Set(recs.map(r => r.method))];
    const ms = [...new Set(recs.map(r => r.measurements))].sort((a, b) => a - b);
    const colors = palette();
    const box = h('div', {class: 'charts'});
    main.append(h('h2', {text: 'Error against the number of measurements'}), box);
    const data = [ms].concat(methods.map(meth => ms.map(m => {
      const r = recs.find(x => x.method === meth && x.measurements === m);
      return r ? r.l2_mean : null;
    })));
    chart(box, {title: 'Mean ℓ2 error per test image', x: 'measurements m (log scale)', y: 'ℓ2 error', logX: true,
      series: methods.map((meth, i) => ({label: meth, color: colors[i % colors.length], points: true}))}, data);
    if (d.chart_png) box.append(h('figure', {class: 'panel'}, h('img', {class: 'full', src: fileUrl(d.chart_png), alt: 'error-vs-m.png as written by fewgen cs compare'}),
      h('figcaption', {text: 'error-vs-m.png (with ± standard error)'})));
    const sorted = recs.slice().sort((a, b) => a.measurements - b.measurements || a.l2_mean - b.l2_mean);
    main.append(h('h2', {text: 'Results'}), table(['m', 'method', 'ℓ2 mean', '± s.e.', 'noisy', 'noiseless', 'test images', 'seconds'],
      sorted.map(r => [r.measurements, r.method, num(r.l2_mean, 4), num(r.l2_stderr, 4), num(r.l2_mean_noisy, 4),
        num(r.l2_mean_noiseless, 4), r.test_images ?? '–', r.seconds != null ? num(r.seconds, 1) : '–']), [1, 0, 1, 1, 1, 1, 1, 1]),
      h('p', null, h('a', {href: fileUrl(d.id + '/results.json'), text: 'results.json'}), ' · ', h('a', {href: fileUrl(d.id + '/results.csv'), text: 'results.csv'})));
    if ((d.examples || []).length) {
      const img = h('img', {class: 'full', alt: 'example reconstructions'});
      const sel = h('select', {'aria-label': 'Measurements of the examples', onchange: () => { img.src = fileUrl(sel.value); }},
        d.examples.map(e => h('option', {value: e.file, text: 'm = ' + e.measurements})));
      img.src = fileUrl(d.examples[0].file);
      main.append(h('h2', {text: 'Example reconstructions'}), h('div', {class: 'toolbar'}, h('label', null, 'm ', sel),
        h('span', {class: 'muted', text: '10 test images, then one row per method'})), h('figure', null, img));
    }
  }

  // ------------------------------------------------------------ benchmark
  const PHASES = ['data', 'g_forward', 'g_backward', 'g_optimizer', 'd_forward_fake', 'd_forward_real', 'd_backward', 'd_optimizer', 'ema', 'other'];
  function showBench(d) {
    main.append(header(d));
    const b = d.bench || {};
    const confs = b.configurations || [];
    main.append(h('h2', {text: 'Machine'}), kv(Object.assign({}, b.machine, b.peak_gflops != null ? {peak_gflops: num(b.peak_gflops, 1), peak_source: b.peak_source} : {})));
    main.append(h('h2', {text: 'Configurations'}), table(['res', 'batch', 'G', 'D heads', 'round', 'median ms/step', 'q1–q3 ms', 'img/s', 'peak MiB', 'G params', 'D trainable'],
      confs.map(c => [c.resolution, c.batch, c.generator, c.d_conv ?? '–', c.round ?? '–', num(c.median_ms, 0),
        c.q1_ms != null ? num(c.q1_ms, 0) + '–' + num(c.q3_ms, 0) : '–', num(c.images_per_second, 2), num(c.peak_mib, 0),
        c.generator_params != null ? c.generator_params.toLocaleString() : '–',
        c.discriminator_trainable_params != null ? c.discriminator_trainable_params.toLocaleString() : '–']), [1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1]));
    const ratios = b.dsc_over_conv || [];
    if (ratios.length) {
      const keys = [...new Set(ratios.flatMap(r => Object.keys(r)))];
      main.append(h('h2', {text: 'dsc over conv'}), table(keys, ratios.map(r => keys.map(k => typeof r[k] === 'number' ? num(r[k], 3) : (r[k] ?? '–'))),
        keys.map(k => typeof ratios[0][k] === 'number')));
    } else {
      // pair conv and dsc of the same size and round
      const pairs = [];
      for (const c of confs.filter(x => x.generator === 'conv')) {
        const o = confs.find(x => x.generator === 'dsc' && x.resolution === c.resolution && x.batch === c.batch && x.round === c.round && x.d_conv === c.d_conv);
        if (o) pairs.push([c.resolution + '² / b' + c.batch + (c.round != null ? ' / round ' + c.round : ''), num(o.median_ms / c.median_ms, 3),
          num(o.images_per_second / c.images_per_second, 3), num(o.peak_mib / c.peak_mib, 3), num(o.generator_params / c.generator_params, 3)]);
      }
      if (pairs.length) main.append(h('h2', {text: 'dsc over conv'}), table(['size', 'time/step', 'img/s', 'peak memory', 'G params'], pairs, [0, 1, 1, 1, 1]));
    }
    const colors = palette().concat(['#8d99ae', '#adb5bd']);
    const legend = h('div', {class: 'legend-inline'}, PHASES.map((p, i) => h('span', null, h('i', {style: 'background:' + colors[i % colors.length]}), p)));
    const rows = confs.filter(c => c.phase_mean_ms).map(c => {
      const total = PHASES.reduce((s, p) => s + (c.phase_mean_ms[p] || 0), 0);
      const bar = h('div', {class: 'stack', role: 'img', 'aria-label': PHASES.map(p => p + ' ' + num(c.phase_mean_ms[p] || 0, 0) + ' ms').join(', ')},
        PHASES.map((p, i) => h('span', {title: p + ': ' + num(c.phase_mean_ms[p] || 0, 1) + ' ms (' + (100 * (c.phase_mean_ms[p] || 0) / total).toFixed(1) + '%)',
          style: 'width:' + (100 * (c.phase_mean_ms[p] || 0) / total) + '%;background:' + colors[i % colors.length]})));
      return [c.resolution + '² b' + c.batch + ' ' + c.generator + (c.round != null ? ' r' + c.round : ''), num(total, 0), bar];
    });
    if (rows.length) main.append(h('h2', {text: 'Phase split (mean ms per step)'}), legend, table(['configuration', 'total ms', 'split'], rows, [0, 1, 0]));
    main.append(h('p', null, h('a', {href: fileUrl(d.id), text: d.name})));
  }

  // ------------------------------------------------------------ compare
  const COMPARE_KEYS = [
    ['loss_G', 'G loss', 'loss'], ['loss_D', 'D loss (hinge)', 'loss'], ['D_real', 'D(real)', 'mean logit'], ['D_fake', 'D(fake)', 'mean logit'],
    ['img_per_s', 'speed', 'images / s'], ['rss_mib', 'RSS', 'MiB'], ['fid', 'FID', 'FID'], ['kid_mean', 'KID', 'KID'],
    ['valid_l2', 'UAE validation ℓ2', 'ℓ2'], ['train_loss', 'UAE train loss', 'loss']];

  async function showCompare(ids) {
    document.title = 'Compare · fewgen';
    main.append(h('h1', {text: 'Compare runs'}));
    let all = [];
    try { all = (await api('/api/runs')).runs.filter(r => r.kind === 'gan' || r.kind === 'uae'); } catch (e) { /* shown below */ }
    const picker = h('fieldset', {class: 'panel'}, h('legend', {text: 'Runs'}), all.length ? all.map(r => h('label', {style: 'display:block'},
      h('input', {type: 'checkbox', value: r.id, checked: ids.includes(r.id) || null, onchange: () => {
        const chosen = [...picker.querySelectorAll('input:checked')].map(i => i.value);
        chosen.forEach(c => selected.add(c)); all.forEach(r2 => { if (!chosen.includes(r2.id)) selected.delete(r2.id); }); saveSelected();
        location.hash = '#/compare?' + chosen.map(c => 'run=' + encodeURIComponent(c)).join('&');
      }}), ' ', r.id, ' ', badge(r.status))) : h('p', {class: 'muted', text: 'No GAN or UAE runs.'}));
    const smoothIn = h('input', {type: 'range', min: 0, max: 0.99, step: 0.01, value: 0.6, id: 'cmp-smoothing', 'aria-label': 'Smoothing'});
    const smoothOut = h('output', {for: 'cmp-smoothing', text: '0.6'});
    const xSel = h('select', {'aria-label': 'x axis'}, h('option', {value: 'kimg', text: 'kimg'}),
      h('option', {value: 'seconds', text: 'training time (s)'}), h('option', {value: 'epoch', text: 'epoch (UAE)'}));
    const box = h('div', {class: 'charts', id: 'compare-charts'});
    const grids = h('div', {class: 'charts'});
    const summary = h('div');
    main.append(h('div', {class: 'toolbar'}, h('label', null, 'x ', xSel), h('label', null, 'Smoothing ', smoothIn, smoothOut),
      h('span', {class: 'muted', text: 'FID and KID are never smoothed.'})), summary, box,
      h('h2', {text: 'Newest sample grids'}), grids,
      h('details', {open: ids.length < 2 || null}, h('summary', {text: 'Choose runs'}), picker));
    if (ids.length < 2) { box.append(h('p', {class: 'muted', text: 'Pick two or more runs below (or tick them in the run list).'})); if (!ids.length) return; }
    const runs = {};
    await Promise.all(ids.map(async id => {
      try {
        const [m, r] = await Promise.all([api('/api/metrics?id=' + encodeURIComponent(id) + '&offset=0'), api('/api/run?id=' + encodeURIComponent(id))]);
        runs[id] = {lines: m.lines, offset: m.offset, detail: r};
      } catch (e) { runs[id] = {lines: [], offset: 0, error: e.message}; }
    }));
    if (ids.every(id => runs[id].detail && runs[id].detail.kind === 'uae')) xSel.value = 'epoch';
    function draw() {
      view.charts.forEach(c => c.destroy()); view.charts = [];
      box.replaceChildren();
      const xKey = xSel.value, colors = palette();
      for (const [key, label, unit] of COMPARE_KEYS) {
        const metric = key === 'fid' || key === 'kid_mean';
        const w = metric ? 0 : +smoothIn.value;
        const tables = ids.map(id => {
          const pts = runs[id].lines.filter(l => (metric ? l.event === 'metric' : !l.event) && l[key] != null && l[xKey] != null)
            .map(l => [+l[xKey], +l[key]]).sort((a, b) => a[0] - b[0]);
          const xs = [], ys = [];
          for (const [x, y] of pts) { if (xs.length && xs[xs.length - 1] === x) { ys[ys.length - 1] = y; } else { xs.push(x); ys.push(y); } }
          return [xs, smooth(ys, w)];
        });
        if (!tables.some(t => t[0].length)) continue;
        const joined = uPlot.join(tables.map(t => t[0].length ? t : [[tables.find(u => u[0].length)[0][0]], [null]]));
        chart(box, {title: label, x: xKey === 'seconds' ? 'training time (s)' : xKey, y: unit,
          series: ids.map((id, i) => ({label: id, color: colors[i % colors.length], points: metric}))}, joined);
      }
      if (!box.children.length) box.append(h('p', {class: 'muted', text: 'None of these runs logged metrics against ' + xKey + '.'}));
    }
    function drawGrids() {
      grids.replaceChildren(...ids.filter(id => runs[id].detail && (runs[id].detail.grids || []).length).map(id => {
        const g = runs[id].detail.grids[runs[id].detail.grids.length - 1];
        return h('figure', {class: 'panel', style: 'margin:0'}, h('img', {class: 'full', src: fileUrl(g.file), alt: 'newest grid of ' + id}),
          h('figcaption', {text: id + ' · kimg ' + kimgText(g.kimg)}));
      }));
    }
    function drawSummary() {
      summary.replaceChildren(table(['run', 'status', 'data', 'generator', 'kimg', 'img/s', 'last FID', 'training time'],
        ids.map(id => { const r = runs[id].detail || {}; return [h('a', {href: runHref(id), text: id}), r.status ? badge(r.status) : (runs[id].error || '–'), r.data || '–',
          r.generator || r.encoder || '–', kimgText(r.kimg), num(r.img_per_s, 2), r.last_fid != null ? num(r.last_fid, 2) : '–', dur(r.train_seconds)]; }), [0, 0, 0, 0, 1, 1, 1, 1], 'cards'));
    }
    xSel.addEventListener('change', draw);
    smoothIn.addEventListener('input', () => { smoothOut.textContent = smoothIn.value; });
    smoothIn.addEventListener('change', draw);
    drawSummary(); draw(); drawGrids();
    if (ids.some(id => runs[id].detail && runs[id].detail.status === 'running')) {
      setLive('live');
      every(POLL_RUN_MS * 2, async () => {
        let changed = false;
        for (const id of ids) {
          if (!runs[id].detail || runs[id].detail.status !== 'running') continue;
          try {
            const [m, r] = await Promise.all([api('/api/metrics?id=' + encodeURIComponent(id) + '&offset=' + runs[id].offset),
              api('/api/run?id=' + encodeURIComponent(id))]);
            if (m.reset) runs[id].lines = [];
            runs[id].lines.push(...m.lines); runs[id].offset = m.offset; runs[id].detail = r;
            changed = changed || m.lines.length > 0;
          } catch (e) { /* next time */ }
        }
        if (changed) { draw(); drawGrids(); drawSummary(); }
        setLive('live · updated ' + new Date().toLocaleTimeString());
      });
    }
  }

  // ------------------------------------------------------------ start
  function start() {
    if (typeof uPlot === 'undefined') { main.replaceChildren(h('p', {class: 'error', text: 'The chart library did not load.'})); return; }
    api('/api/runs').then(d => { document.getElementById('root').textContent = d.root; }).catch(() => {});
    route();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
