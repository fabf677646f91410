// The mse console's only script (served from this origin; the CSP allows nothing inline):
// live logs and the metrics charts on an app's page. Every page works without it.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";

  function liveLogs() {
    const pre = document.getElementById("logs");
    if (!pre) return;
    const toggle = document.getElementById("logs-toggle");
    const state = document.getElementById("logs-state");
    let live = true;
    async function refresh() {
      if (!live) return;
      try {
        const r = await fetch(pre.dataset.src, { credentials: "same-origin", cache: "no-store" });
        if (!r.ok) {
          state.textContent = "not available (HTTP " + r.status + ")";
          return;
        }
        const text = await r.text();
        const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
        if (pre.textContent !== text) {
          pre.textContent = text.length ? text : "(no output yet)";
          if (atBottom) pre.scrollTop = pre.scrollHeight;
        }
        state.textContent = "live, updated " + new Date().toISOString().slice(11, 19) + " UTC";
      } catch (e) {
        state.textContent = "cannot reach the operator";
      }
    }
    toggle.addEventListener("click", function () {
      live = !live;
      toggle.setAttribute("aria-pressed", String(live));
      toggle.textContent = live ? "Pause live logs" : "Resume live logs";
      state.textContent = live ? "live" : "paused";
      if (live) refresh();
    });
    refresh();
    setInterval(refresh, 3000);
  }

  function format(v) {
    if (v >= 1e9) return (v / 1e9).toFixed(1) + "G";
    if (v >= 1e6) return (v / 1e6).toFixed(1) + "M";
    if (v >= 1e3) return (v / 1e3).toFixed(1) + "k";
    return v >= 10 || v === 0 ? v.toFixed(0) : v.toFixed(2);
  }

  function el(name, attrs) {
    const e = document.createElementNS(SVG, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  // One line chart as SVG: time on x (first to last sample), the series on y from 0.
  function draw(figure, points) {
    const key = figure.dataset.series;
    const title = figure.querySelector("figcaption").textContent;
    const values = points.map(function (p) { return Number(p[key]) || 0; });
    const w = 320, h = 120, left = 36, bottom = 18, top = 6;
    const max = Math.max(1e-9, Math.max.apply(null, values.concat([0])));
    const svg = el("svg", { viewBox: "0 0 " + w + " " + h, role: "img", "data-points": String(values.length) });
    const latest = values.length ? values[values.length - 1] : 0;
    const label = title + ": " + values.length + " samples, latest " + format(latest) + ", highest " + format(max === 1e-9 ? 0 : max);
    svg.setAttribute("aria-label", label);
    const t = el("title", {});
    t.textContent = label;
    svg.appendChild(t);
    svg.appendChild(el("line", { class: "axis", x1: left, y1: top, x2: left, y2: h - bottom }));
    svg.appendChild(el("line", { class: "axis", x1: left, y1: h - bottom, x2: w - 4, y2: h - bottom }));
    const maxText = el("text", { x: 2, y: top + 8 });
    maxText.textContent = format(max === 1e-9 ? 0 : max);
    svg.appendChild(maxText);
    const zero = el("text", { x: 2, y: h - bottom });
    zero.textContent = "0";
    svg.appendChild(zero);
    if (points.length) {
      const first = el("text", { x: left, y: h - 4 });
      first.textContent = points[0].at.slice(11, 19);
      svg.appendChild(first);
      const last = el("text", { x: w - 4, y: h - 4, "text-anchor": "end" });
      last.textContent = points[points.length - 1].at.slice(11, 19);
      svg.appendChild(last);
    }
    const n = values.length;
    const xs = function (i) { return left + (n <= 1 ? (w - left - 4) : i * (w - left - 4) / (n - 1)); };
    const ys = function (v) { return h - bottom - (v / max) * (h - bottom - top); };
    const coords = values.map(function (v, i) { return xs(i).toFixed(1) + "," + ys(v).toFixed(1); });
    if (n === 1) coords.unshift(left + "," + ys(values[0]).toFixed(1));
    svg.appendChild(el("polyline", { class: "line", points: coords.join(" ") }));
    const old = figure.querySelector("svg");
    if (old) figure.replaceChild(svg, old); else figure.appendChild(svg);
    let p = figure.querySelector("p.latest");
    if (!p) {
      p = document.createElement("p");
      p.className = "latest";
      figure.appendChild(p);
    }
    p.textContent = "latest " + format(latest);
  }

  function charts() {
    const box = document.getElementById("charts");
    if (!box) return;
    async function refresh() {
      try {
        const r = await fetch(box.dataset.src, { credentials: "same-origin", cache: "no-store" });
        if (!r.ok) return;
        const data = await r.json();
        box.querySelectorAll("figure.chart").forEach(function (f) { draw(f, data.points); });
      } catch (e) {
        // the next refresh tries again
      }
    }
    refresh();
    setInterval(refresh, 10000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    liveLogs();
    charts();
  });
})();
