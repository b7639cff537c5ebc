/* watchkeeper dashboard: fetch each chart's data when it scrolls into view (the page
   itself carries none, so it stays small), draw it, and batch the overview's
   sparklines into one request. */
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("the server answered " + response.status);
        }
        return response.json();
      });
  }

  function draw(el) {
    var data = el.wkData;
    var base = el.getAttribute("aria-label") || "";
    var kind = el.getAttribute("data-chart");
    var title = base.split(". ")[0];
    var said = kind === "histogram" ?
      window.WKCharts.histogram(el, data, { title: title }) :
      window.WKCharts.line(el, data, { title: title });
    el.setAttribute("aria-label", base.replace(/ Latest:.*$/, "") + " Latest: " + said);
    el.setAttribute("data-drawn", "true");
  }

  function load(el) {
    if (el.getAttribute("data-state")) {
      return;
    }
    el.setAttribute("data-state", "loading");
    getJSON(el.getAttribute("data-src")).then(function (data) {
      el.wkData = data;
      el.setAttribute("data-state", "done");
      draw(el);
    }).catch(function (err) {
      el.setAttribute("data-state", "failed");
      el.textContent = "could not load this chart (" + err.message + "); reload the page";
    });
  }

  function sparklines(container) {
    var spans = Array.prototype.slice.call(container.querySelectorAll(".wk-spark"));
    if (!spans.length) {
      return;
    }
    var models = [];
    spans.forEach(function (s) {
      var name = s.getAttribute("data-model");
      if (models.indexOf(name) < 0) { models.push(name); }
    });
    var query = models.map(function (m) { return "model=" + encodeURIComponent(m); }).join("&");
    getJSON(container.getAttribute("data-sparklines") + "?" + query).then(function (data) {
      spans.forEach(function (s) {
        var values = ((data.models || {})[s.getAttribute("data-model")] || {})[s.getAttribute("data-metric")];
        window.WKCharts.sparkline(s, values, s.getAttribute("aria-label") || "sparkline");
        s.setAttribute("data-drawn", "true");
      });
    }).catch(function () {
      spans.forEach(function (s) { s.textContent = "?"; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var charts = Array.prototype.slice.call(document.querySelectorAll(".wk-chart[data-src]"));
    if ("IntersectionObserver" in window) {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            observer.unobserve(entry.target);
            load(entry.target);
          }
        });
      }, { rootMargin: "200px" });
      charts.forEach(function (el) { observer.observe(el); });
    } else {
      charts.forEach(load);
    }
    Array.prototype.slice.call(document.querySelectorAll("[data-sparklines]")).forEach(sparklines);
    document.addEventListener("wk-theme", function () {
      charts.forEach(function (el) { if (el.wkData) { draw(el); } });
    });
  });
})();
