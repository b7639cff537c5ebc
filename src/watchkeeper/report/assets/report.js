// watchkeeper report: sorting, filtering and the per-column charts.
//
// The renderer wraps this file in a function and calls wkStart(rootId). Values from the
// report are only ever set as textContent or as numeric SVG attributes, never parsed as
// markup, so a column named "<script>" stays text. This file must never contain a less-
// than sign followed by a slash, which would end the script element it is inlined in.

// The SVG namespace name: an identifier, never fetched. It is assembled so that the page
// holds no URL text at all, which keeps "this page makes no request" easy to check.
const SVG_NS = ["http", "//www.w3.org/2000/svg"].join(":");
const CHART_WIDTH = 560;
const MAX_UNSEEN_SHOWN = 30;
const LABEL_CHARS = 22;
const SUMMARY_ORDER = [
  "count", "missing", "infinite", "mean", "std", "min", "p05", "p25", "median", "p75",
  "p95", "max", "n_categories",
];

// Sort key and the first direction (1 ascending, -1 descending) for each header.
const SORT_KEYS = {
  column: [(c) => String(c.column), 1],
  kind: [(c) => String(c.kind || ""), 1],
  method: [(c) => String(c.method || ""), 1],
  statistic: [(c) => num(c.statistic), -1],
  threshold: [(c) => num(c.threshold), -1],
  p_value: [(c) => num(c.p_value), 1],
  p_value_adjusted: [(c) => num(c.p_value_adjusted), 1],
  effect: [(c) => (c.effect_size ? num(c.effect_size.value) : null), -1],
  floor: [(c) => (c.effect_size ? num(c.effect_size.min_effect) : null), -1],
  verdict: [(c) => (c.drifted ? 2 : c.statistic === null ? 0 : 1), -1],
};

function num(v) {
  if (v === "inf") return Infinity;
  return typeof v === "number" && !Number.isNaN(v) ? v : null;
}

function fmt(v, digits) {
  const d = digits || 4;
  if (v === null || v === undefined) return "\u2014";
  if (v === true) return "yes";
  if (v === false) return "no";
  if (v === "inf") return "\u221e";
  if (typeof v !== "number") return String(v);
  if (!Number.isFinite(v)) return v > 0 ? "\u221e" : "-\u221e";
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toLocaleString("en-US");
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) {
    return v.toExponential(d - 1).replace(/\.?0+e/, "e");
  }
  return String(Number(v.toPrecision(d)));
}

function pct(v) {
  const x = num(v);
  return x === null ? "\u2014" : fmt(100 * x, 3) + "%";
}

function r2(v) {
  return Math.round(v * 100) / 100;
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function svg(tag, attrs, parent) {
  const node = document.createElementNS(SVG_NS, tag);
  Object.keys(attrs).forEach((k) => node.setAttribute(k, String(attrs[k])));
  if (parent) parent.appendChild(node);
  return node;
}

function svgText(parent, x, y, anchor, text) {
  const t = svg("text", { x: r2(x), y: r2(y), "text-anchor": anchor }, parent);
  t.textContent = text;
  return t;
}

function titled(node, text) {
  svg("title", {}, node).textContent = text;
  return node;
}

function shorten(text) {
  const s = String(text);
  return s.length > LABEL_CHARS ? s.slice(0, LABEL_CHARS - 1) + "\u2026" : s;
}

function largest(a, b, n) {
  let top = 0;
  for (let i = 0; i < n; i++) top = Math.max(top, num(a[i]) || 0, num(b[i]) || 0);
  return top > 0 ? top : 1;
}

// Numeric columns: the two histograms over the same edges, drawn on top of each other
// with translucent fills so that both stay visible where they overlap.
function numericChart(name, hist) {
  const edges = hist.edges || [];
  const ref = hist.reference || [];
  const cur = hist.current || [];
  const k = Math.min(edges.length - 1, ref.length, cur.length);
  if (k < 1) return null;
  const W = CHART_WIDTH;
  const H = 220;
  const m = { l: 48, r: 12, t: 10, b: 34 };
  const x0 = edges[0];
  const span = edges[k] - x0 || 1;
  const top = largest(ref, cur, k);
  const iw = W - m.l - m.r;
  const ih = H - m.t - m.b;
  const sx = (x) => m.l + ((x - x0) / span) * iw;
  const sy = (y) => m.t + ih - (y / top) * ih;
  const root = svg("svg", {
    viewBox: "0 0 " + W + " " + H,
    role: "img",
    "aria-label": "Histogram of " + name + ": share of values per bin, reference and current",
  });
  [0, 0.5, 1].forEach((f) => {
    const y = sy(f * top);
    svg("line", { x1: m.l, x2: W - m.r, y1: r2(y), y2: r2(y), class: "wk-axis" }, root);
    svgText(root, m.l - 4, y + 4, "end", pct(f * top));
  });
  [["reference", ref, "wk-ref"], ["current", cur, "wk-cur"]].forEach(([side, shares, cls]) => {
    const g = svg("g", { class: cls }, root);
    for (let i = 0; i < k; i++) {
      const v = num(shares[i]) || 0;
      const xa = sx(edges[i]);
      const rect = svg("rect", {
        x: r2(xa),
        y: r2(sy(v)),
        width: r2(Math.max(sx(edges[i + 1]) - xa, 0.5)),
        height: r2(sy(0) - sy(v)),
        "stroke-width": 0.5,
      }, g);
      titled(rect, side + ", " + fmt(edges[i], 3) + " to " + fmt(edges[i + 1], 3) + ": " + pct(v));
    }
  });
  [[0, "start"], [Math.floor(k / 2), "middle"], [k, "end"]].forEach(([i, anchor]) => {
    svgText(root, sx(edges[i]), H - m.b + 16, anchor, fmt(edges[i], 3));
  });
  return root;
}

// Categorical columns: one row per category, the reference bar above the current one.
function categoricalChart(name, hist) {
  const cats = hist.categories || [];
  const ref = hist.reference || [];
  const cur = hist.current || [];
  const n = Math.min(cats.length, ref.length, cur.length);
  if (n < 1) return null;
  const W = CHART_WIDTH;
  const row = 26;
  const bar = 10;
  const labelWidth = 150;
  const m = { t: 6, r: 56, b: 6 };
  const H = m.t + n * row + m.b;
  const top = largest(ref, cur, n);
  const iw = W - labelWidth - m.r;
  const root = svg("svg", {
    viewBox: "0 0 " + W + " " + H,
    role: "img",
    "aria-label": "Bar chart of " + name + ": share of each category, reference and current",
  });
  svg("line", { x1: labelWidth, x2: labelWidth, y1: m.t, y2: H - m.b, class: "wk-axis" }, root);
  for (let i = 0; i < n; i++) {
    const y = m.t + i * row;
    titled(svgText(root, labelWidth - 6, y + row / 2 + 4, "end", shorten(cats[i])), String(cats[i]));
    [[ref, "wk-ref", "reference", 2], [cur, "wk-cur", "current", 3 + bar]].forEach(
      ([shares, cls, side, dy]) => {
        const v = num(shares[i]) || 0;
        const w = Math.max((v / top) * iw, v > 0 ? 1 : 0);
        const rect = svg("rect", {
          x: labelWidth, y: y + dy, width: r2(w), height: bar, class: cls, "stroke-width": 0.5,
        }, root);
        titled(rect, String(cats[i]) + ", " + side + ": " + pct(v));
        svgText(root, labelWidth + w + 4, y + dy + bar - 1, "start", pct(v));
      },
    );
  }
  return root;
}

function legend() {
  const box = el("div", "wk-legend");
  [["wk-swatch wk-swatch-ref", "reference"], ["wk-swatch wk-swatch-cur", "current"]].forEach(
    ([cls, text]) => {
      const item = el("span");
      item.appendChild(el("span", cls));
      item.appendChild(document.createTextNode(text));
      box.appendChild(item);
    },
  );
  return box;
}

function summaryValue(v) {
  if (v && typeof v === "object") return JSON.stringify(v);
  return fmt(v);
}

function statsTable(summary) {
  const ref = (summary && summary.reference) || {};
  const cur = (summary && summary.current) || {};
  const keys = SUMMARY_ORDER.filter((k) => k in ref || k in cur);
  // Lists (the top categories) are left to the chart, which shows them in full.
  Object.keys(ref).concat(Object.keys(cur)).forEach((k) => {
    const listed = Array.isArray(ref[k]) || Array.isArray(cur[k]);
    if (keys.indexOf(k) === -1 && !listed) keys.push(k);
  });
  if (!keys.length) return null;
  const table = el("table");
  const head = table.createTHead().insertRow();
  ["", "reference", "current"].forEach((t) => {
    const th = el("th", t ? "wk-num" : "", t);
    th.scope = "col";
    head.appendChild(th);
  });
  const body = table.createTBody();
  keys.forEach((k) => {
    const tr = body.insertRow();
    const th = el("th", "", k.replace(/_/g, " "));
    th.scope = "row";
    tr.appendChild(th);
    tr.appendChild(el("td", "wk-num", summaryValue(ref[k])));
    tr.appendChild(el("td", "wk-num", summaryValue(cur[k])));
  });
  return table;
}

function facts(col, findings) {
  const list = el("ul", "wk-list");
  const add = (text) => list.appendChild(el("li", "", text));
  if (col.n_reference || col.n_current) {
    add("Compared " + fmt(col.n_reference) + " reference and " + fmt(col.n_current) +
      " current values (" + (col.comparison || "exact") + ").");
  }
  if (col.threshold !== undefined && col.threshold !== null) {
    add(col.output === "distance"
      ? "Drift when the " + col.method + " distance is " + fmt(col.threshold) + " or more."
      : "Drift when the " + (col.p_value_adjusted !== null ? "adjusted " : "") +
        "p-value is below " + fmt(col.threshold) +
        (col.effect_size ? " and the effect size reaches its floor." : "."));
  }
  if (col.effect_size) {
    add("Effect size (" + col.effect_size.method + "): " + fmt(col.effect_size.value) +
      ", floor " + fmt(col.effect_size.min_effect) + ".");
  }
  const unseen = col.unseen_categories || [];
  if (unseen.length) {
    const shown = unseen.slice(0, MAX_UNSEEN_SHOWN).map(String).join(", ");
    const more = unseen.length > MAX_UNSEEN_SHOWN
      ? " and " + fmt(unseen.length - MAX_UNSEEN_SHOWN) + " more" : "";
    add("Categories the reference never had (" + fmt(unseen.length) + "): " + shown + more + ".");
  }
  if (col.note) add("Note: " + col.note);
  findings.forEach((f) => {
    const li = el("li");
    const sev = String(f.severity || "info");
    const known = ["critical", "warning", "info"].indexOf(sev) !== -1;
    li.appendChild(el("span", "wk-badge wk-badge-" + (known ? sev : "none"), sev));
    li.appendChild(document.createTextNode(" " + String(f.check || "") + ": " +
      String(f.message || "")));
    list.appendChild(li);
  });
  return list;
}

function buildDetail(col, findings) {
  const grid = el("div", "wk-detail-grid");
  const chartBox = el("div", "wk-chart");
  const hist = col.histogram || {};
  const name = String(col.column);
  let chart = null;
  if (hist.edges) chart = numericChart(name, hist);
  else if (hist.categories) chart = categoricalChart(name, hist);
  if (chart) {
    chartBox.appendChild(legend());
    chartBox.appendChild(chart);
  } else {
    chartBox.appendChild(el("p", "wk-muted", "No distribution to draw."));
  }
  grid.appendChild(chartBox);
  const side = el("div", "wk-stats");
  const stats = statsTable(col.summary);
  if (stats) side.appendChild(stats);
  side.appendChild(facts(col, findings));
  grid.appendChild(side);
  return grid;
}

function compareKeys(a, b, dir) {
  if (a === b) return 0;
  if (a === null) return 1; // missing values sort last in both directions
  if (b === null) return -1;
  if (typeof a === "string") return dir * a.localeCompare(b);
  return a < b ? -dir : dir;
}

function setupTable(id, table, cols, findingsOf) {
  const section = table.getAttribute("data-section");
  const tbody = table.tBodies[0];
  const ncols = table.tHead.rows[0].cells.length;
  const rows = Array.prototype.slice.call(tbody.querySelectorAll("tr.wk-row"));
  const details = {};
  const state = { key: null, dir: 1 };

  function toggle(row) {
    const i = Number(row.getAttribute("data-i"));
    const open = row.getAttribute("aria-expanded") !== "true";
    let detail = details[i];
    if (!detail && open && cols[i]) {
      // Built on first opening, so a page with a thousand columns loads without
      // drawing a thousand charts.
      detail = el("tr", "wk-detail");
      detail.id = id + "-" + section + "-" + i;
      const td = el("td");
      td.colSpan = ncols;
      td.appendChild(buildDetail(cols[i], findingsOf(cols[i].column)));
      detail.appendChild(td);
      row.parentNode.insertBefore(detail, row.nextSibling);
      details[i] = detail;
      row.setAttribute("aria-controls", detail.id);
    }
    row.setAttribute("aria-expanded", open ? "true" : "false");
    if (detail) detail.hidden = !open;
  }

  function visibleNeighbour(row, step) {
    const i = rows.indexOf(row);
    const ordered = Array.prototype.slice.call(tbody.querySelectorAll("tr.wk-row"));
    let j = ordered.indexOf(rows[i]) + step;
    while (j >= 0 && j < ordered.length && ordered[j].hidden) j += step;
    return ordered[j] || null;
  }

  tbody.addEventListener("click", (ev) => {
    const row = ev.target.closest("tr.wk-row");
    if (row && tbody.contains(row)) toggle(row);
  });
  tbody.addEventListener("keydown", (ev) => {
    const row = ev.target;
    if (!row.classList || !row.classList.contains("wk-row")) return;
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      toggle(row);
    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      const next = visibleNeighbour(row, ev.key === "ArrowDown" ? 1 : -1);
      if (next) {
        ev.preventDefault();
        next.focus();
      }
    }
  });
  table.tHead.addEventListener("click", (ev) => {
    const th = ev.target.closest("th[data-key]");
    const spec = th && SORT_KEYS[th.getAttribute("data-key")];
    if (!spec) return;
    const key = th.getAttribute("data-key");
    state.dir = state.key === key ? -state.dir : spec[1];
    state.key = key;
    Array.prototype.forEach.call(table.tHead.querySelectorAll("th[data-key]"), (h) => {
      if (h === th) h.setAttribute("aria-sort", state.dir === 1 ? "ascending" : "descending");
      else h.removeAttribute("aria-sort");
    });
    const sortKeys = cols.map(spec[0]);
    const order = rows.slice().sort((a, b) => {
      const i = Number(a.getAttribute("data-i"));
      const j = Number(b.getAttribute("data-i"));
      return compareKeys(sortKeys[i], sortKeys[j], state.dir) || i - j;
    });
    const frag = document.createDocumentFragment();
    order.forEach((row) => {
      frag.appendChild(row);
      const detail = details[Number(row.getAttribute("data-i"))];
      if (detail) frag.appendChild(detail);
    });
    tbody.appendChild(frag);
  });
  return { rows, details, cols, toggle };
}

function setupControls(id, t) {
  const box = document.getElementById(id + "-controls");
  if (!box) return;
  const query = box.querySelector(".wk-filter");
  const only = box.querySelector(".wk-drifted-only");
  const kind = box.querySelector(".wk-kind");
  const count = box.querySelector(".wk-count");
  const names = t.cols.map((c) => String(c.column).toLowerCase());
  function apply() {
    const text = query.value.trim().toLowerCase();
    const k = kind.value;
    let shown = 0;
    t.rows.forEach((row) => {
      const i = Number(row.getAttribute("data-i"));
      const c = t.cols[i] || {};
      const ok = (!text || names[i].indexOf(text) !== -1) &&
        (!only.checked || c.drifted === true) && (!k || c.kind === k);
      row.hidden = !ok;
      if (ok) shown += 1;
      const detail = t.details[i];
      if (detail) detail.hidden = !ok || row.getAttribute("aria-expanded") !== "true";
    });
    count.textContent = "showing " + fmt(shown) + " of " + fmt(t.rows.length);
  }
  query.addEventListener("input", apply);
  only.addEventListener("change", apply);
  kind.addEventListener("change", apply);
  box.hidden = false;
  apply();
}

function wkStart(id, attempt) {
  const root = document.getElementById(id);
  if (!root) {
    // A notebook may run the script before it attaches the output to the page.
    const n = attempt || 0;
    if (n < 50) setTimeout(() => wkStart(id, n + 1), 100);
    return;
  }
  if (root.getAttribute("data-wk-ready")) return;
  const data = JSON.parse(document.getElementById(id + "-data").textContent);
  const drift = data.drift || {};
  const quality = data.quality || {};
  const byColumn = new Map();
  (quality.findings || []).forEach((f) => {
    if (f && f.column !== null && f.column !== undefined) {
      const key = String(f.column);
      if (!byColumn.has(key)) byColumn.set(key, []);
      byColumn.get(key).push(f);
    }
  });
  const findingsOf = (name) => byColumn.get(String(name)) || [];
  const tables = {};
  Array.prototype.forEach.call(root.querySelectorAll("table.wk-columns"), (table) => {
    const section = table.getAttribute("data-section");
    tables[section] = setupTable(id, table, drift[section] || [], findingsOf);
  });
  if (tables.columns) setupControls(id, tables.columns);
  root.setAttribute("data-wk-ready", "1");
  // A link to report.html#column=NAME opens that column's details.
  const hash = root.getAttribute("data-embedded") === "1" ? "" : window.location.hash;
  if (hash.indexOf("#column=") === 0) {
    let wanted = null;
    try {
      wanted = decodeURIComponent(hash.slice("#column=".length));
    } catch (e) {
      return; // a malformed link opens nothing
    }
    Object.keys(tables).forEach((section) => {
      const t = tables[section];
      t.rows.forEach((row) => {
        const c = t.cols[Number(row.getAttribute("data-i"))];
        if (c && String(c.column) === wanted && row.getAttribute("aria-expanded") !== "true") {
          t.toggle(row);
          row.scrollIntoView();
        }
      });
    });
  }
}
