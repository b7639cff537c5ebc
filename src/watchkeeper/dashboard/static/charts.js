/* watchkeeper dashboard charts: inline SVG line charts (with bands and threshold
   lines), sparklines and histograms. No dependency, no network: the data is handed in.
   Every text from the data is set with textContent, never parsed as HTML. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var PALETTE = ["#2f81f7", "#e36209", "#1a7f37", "#cf222e", "#8250df", "#bf8700",
    "#0598bc", "#d63384", "#6e7781", "#3fb950", "#a371f7", "#db6d28"];

  function svgEl(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, String(attrs[key]));
    });
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  function fmt(value) {
    if (value === null || value === undefined || !isFinite(value)) {
      return "-";
    }
    var abs = Math.abs(value);
    if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) {
      return value.toExponential(2);
    }
    return String(Math.round(value * 1000) / 1000);
  }

  function fmtTime(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getUTCMonth() + 1) + "-" + two(d.getUTCDate()) + " " +
      two(d.getUTCHours()) + ":" + two(d.getUTCMinutes());
  }

  function extent(values) {
    var lo = Infinity;
    var hi = -Infinity;
    values.forEach(function (v) {
      if (v !== null && isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    });
    if (lo === Infinity) {
      return [0, 1];
    }
    if (lo === hi) {
      var pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
      return [lo - pad, hi + pad];
    }
    var margin = (hi - lo) * 0.05;
    return [lo - margin, hi + margin];
  }

  function scale(domain, range) {
    var span = domain[1] - domain[0] || 1;
    return function (v) {
      return range[0] + (v - domain[0]) / span * (range[1] - range[0]);
    };
  }

  function empty(el, message) {
    el.textContent = "";
    var p = document.createElement("p");
    p.className = "wk-muted wk-small wk-nodata";
    p.textContent = message;
    el.appendChild(p);
  }

  function frame(el, width, height, title) {
    el.textContent = "";
    var svg = svgEl("svg", { viewBox: "0 0 " + width + " " + height, role: "img",
      "aria-label": title, focusable: "false" }, el);
    svgEl("title", {}, svg).textContent = title;
    return svg;
  }

  function axes(svg, x, y, xDomain, yDomain, box) {
    svgEl("line", { x1: box.left, x2: box.right, y1: box.bottom, y2: box.bottom,
      "class": "wk-axis" }, svg);
    svgEl("line", { x1: box.left, x2: box.left, y1: box.top, y2: box.bottom,
      "class": "wk-axis" }, svg);
    for (var i = 0; i <= 3; i++) {
      var yv = yDomain[0] + (yDomain[1] - yDomain[0]) * i / 3;
      var yy = y(yv);
      svgEl("line", { x1: box.left - 3, x2: box.left, y1: yy, y2: yy, "class": "wk-axis" }, svg);
      svgEl("text", { x: box.left - 5, y: yy + 3, "text-anchor": "end" }, svg).textContent = fmt(yv);
    }
    if (xDomain) {
      for (var j = 0; j <= 3; j++) {
        var xv = xDomain[0] + (xDomain[1] - xDomain[0]) * j / 3;
        svgEl("text", { x: x(xv), y: box.bottom + 14,
          "text-anchor": j === 0 ? "start" : (j === 3 ? "end" : "middle") }, svg)
          .textContent = fmtTime(xv);
      }
    }
  }

  function legend(el, names) {
    var list = document.createElement("ul");
    list.className = "wk-legend";
    names.forEach(function (entry) {
      var item = document.createElement("li");
      var swatch = svgEl("svg", { width: 10, height: 10, "aria-hidden": "true" });
      svgEl("rect", { width: 10, height: 10, rx: 2, fill: entry.color }, swatch);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(" " + entry.name));
      list.appendChild(item);
    });
    el.appendChild(list);
  }

  function pathOf(points, x, y) {
    var d = "";
    points.forEach(function (p, i) {
      if (p[1] === null || !isFinite(p[1])) {
        return;
      }
      d += (d ? "L" : "M") + x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1);
    });
    return d;
  }

  /* data: {series: [{name, points: [[ms, value]]}], thresholds: [{value, label}],
     bands: [{name, lower: [[ms, v]], upper: [[ms, v]]}], omitted} */
  function line(el, data, options) {
    var series = (data.series || []).filter(function (s) { return s.points.length; });
    var title = (options && options.title) || "chart";
    if (!series.length) {
      empty(el, "no data in this range");
      return "no data";
    }
    var width = 600;
    var height = 220;
    var box = { left: 52, right: width - 10, top: 10, bottom: height - 24 };
    var xs = [];
    var ys = [];
    series.forEach(function (s) {
      s.points.forEach(function (p) { xs.push(p[0]); ys.push(p[1]); });
    });
    (data.bands || []).forEach(function (b) {
      b.lower.concat(b.upper).forEach(function (p) { ys.push(p[1]); });
    });
    (data.thresholds || []).forEach(function (t) { ys.push(t.value); });
    var xDomain = [Math.min.apply(null, xs), Math.max.apply(null, xs)];
    if (xDomain[0] === xDomain[1]) {
      xDomain = [xDomain[0] - 1800000, xDomain[1] + 1800000];
    }
    var yDomain = extent(ys);
    var x = scale(xDomain, [box.left, box.right]);
    var y = scale(yDomain, [box.bottom, box.top]);
    var svg = frame(el, width, height, title);
    axes(svg, x, y, xDomain, yDomain, box);
    var colors = {};
    series.forEach(function (s, i) { colors[s.name] = PALETTE[i % PALETTE.length]; });
    (data.bands || []).forEach(function (b) {
      var upper = b.upper.map(function (p) { return x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1); });
      var lower = b.lower.slice().reverse().map(function (p) {
        return x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1);
      });
      var band = svgEl("polygon", { points: upper.concat(lower).join(" "), "class": "wk-band",
        fill: colors[b.name] || PALETTE[0] }, svg);
      svgEl("title", {}, band).textContent = "confidence band of " + b.name;
    });
    (data.thresholds || []).forEach(function (t) {
      var yy = y(t.value);
      var rule = svgEl("line", { x1: box.left, x2: box.right, y1: yy, y2: yy,
        "class": "wk-threshold" }, svg);
      svgEl("title", {}, rule).textContent = "threshold " + fmt(t.value) + ": " + t.label;
    });
    var latest = [];
    series.forEach(function (s) {
      var path = svgEl("path", { d: pathOf(s.points, x, y), "class": "wk-line",
        stroke: colors[s.name] }, svg);
      svgEl("title", {}, path).textContent = s.name;
      if (s.points.length === 1) {
        svgEl("circle", { cx: x(s.points[0][0]), cy: y(s.points[0][1]), r: 3,
          fill: colors[s.name] }, svg);
      }
      latest.push(s.name + " " + fmt(s.points[s.points.length - 1][1]));
    });
    var names = series.map(function (s) { return { name: s.name, color: colors[s.name] }; });
    (data.thresholds || []).forEach(function (t) {
      names.push({ name: "threshold " + fmt(t.value), color: "#cf222e" });
    });
    legend(el, names);
    if (data.omitted) {
      var more = document.createElement("p");
      more.className = "wk-muted wk-small";
      more.textContent = data.omitted + " more series not drawn (smaller values)";
      el.appendChild(more);
    }
    return "latest: " + latest.slice(0, 6).join(", ");
  }

  function sparkline(el, values, title) {
    var clean = (values || []).filter(function (v) { return v !== null && isFinite(v); });
    if (!clean.length) {
      el.textContent = "-";
      return;
    }
    var width = 120;
    var height = 28;
    var x = scale([0, Math.max(1, clean.length - 1)], [2, width - 2]);
    var y = scale(extent(clean), [height - 2, 2]);
    var svg = frame(el, width, height, title + ": latest " + fmt(clean[clean.length - 1]));
    var points = clean.map(function (v, i) { return [i, v]; });
    svgEl("path", { d: pathOf(points, x, y), "class": "wk-line" }, svg);
    svgEl("circle", { cx: x(clean.length - 1), cy: y(clean[clean.length - 1]), r: 2,
      fill: "#2f81f7" }, svg);
  }

  function histogram(el, data, options) {
    var values = [];
    (data.series || []).forEach(function (s) {
      s.points.forEach(function (p) { if (p[1] !== null && isFinite(p[1])) { values.push(p[1]); } });
    });
    var title = (options && options.title) || "histogram";
    if (!values.length) {
      empty(el, "no data in this range");
      return "no data";
    }
    var bins = Math.min(20, Math.max(5, Math.ceil(Math.sqrt(values.length))));
    var lo = Math.min.apply(null, values);
    var hi = Math.max.apply(null, values);
    if (lo === hi) { hi = lo + 1; }
    var counts = [];
    for (var i = 0; i < bins; i++) { counts.push(0); }
    values.forEach(function (v) {
      counts[Math.min(bins - 1, Math.floor((v - lo) / (hi - lo) * bins))] += 1;
    });
    var width = 600;
    var height = 200;
    var box = { left: 52, right: width - 10, top: 10, bottom: height - 24 };
    var x = scale([lo, hi], [box.left, box.right]);
    var y = scale([0, Math.max.apply(null, counts)], [box.bottom, box.top]);
    var svg = frame(el, width, height, title);
    axes(svg, x, y, null, [0, Math.max.apply(null, counts)], box);
    counts.forEach(function (count, k) {
      var x0 = x(lo + (hi - lo) * k / bins);
      var x1 = x(lo + (hi - lo) * (k + 1) / bins);
      var bar = svgEl("rect", { x: x0 + 0.5, y: y(count), width: Math.max(0, x1 - x0 - 1),
        height: box.bottom - y(count), "class": "wk-bar" }, svg);
      svgEl("title", {}, bar).textContent =
        fmt(lo + (hi - lo) * k / bins) + " to " + fmt(lo + (hi - lo) * (k + 1) / bins) + ": " + count;
    });
    svgEl("text", { x: box.left, y: box.bottom + 14, "text-anchor": "start" }, svg).textContent = fmt(lo);
    svgEl("text", { x: box.right, y: box.bottom + 14, "text-anchor": "end" }, svg).textContent = fmt(hi);
    return values.length + " windows, from " + fmt(lo) + " to " + fmt(hi);
  }

  window.WKCharts = { line: line, sparkline: sparkline, histogram: histogram, format: fmt };
})();
