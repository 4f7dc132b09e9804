"""The scripts a report page runs in the browser, as text for :mod:`.page` to inline.

:data:`BOOT_JS` unpacks plotly.js (stored once per page, gzip-compressed and
base64-encoded) and then every figure of the page, in page order, and hands
each to the draw function its block registered in ``window.rosteringFigures``.
The page then carries ``data-figures-drawn`` (the number of figures) on its
``<html>`` element. A browser without ``DecompressionStream`` gets a message in
place of each chart.

:data:`GANTT_JS` defines ``rosteringGantt(Plotly, id, fig)``: it draws a
Gantt figure one page of rows at a time, picking rows by the controls of
``<id>-controls`` (a filter by team, skill or shift, a name search, rows per
page and the page) from ``fig.rows`` (``label``, ``team``, ``skills``,
``shifts``). Every per-point array of a trace (as long as its ``y``) is cut to
the rows shown; the figure's height follows the rows
(``fig.gantt.row_px`` each, at least ``fig.gantt.min_px``) and the plot
carries the number of rows shown in ``data-rows``.
"""

from __future__ import annotations

BOOT_JS = """
(function () {
  "use strict";
  var NO_UNPACK = "This browser cannot unpack the charts of this report (it has no " +
    "DecompressionStream). Open the file in a current Chrome, Edge, Firefox or Safari.";
  function fail(text) {
    var boxes = document.querySelectorAll(".figure");
    for (var i = 0; i < boxes.length; i++) {
      if (!boxes[i].classList.contains("js-plotly-plot")) {
        boxes[i].textContent = text;
        boxes[i].classList.add("figure-error");
      }
    }
  }
  function unpack(id) {
    var raw = atob(document.getElementById(id).textContent.trim());
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }
  async function drawAll() {
    if (typeof DecompressionStream === "undefined") { fail(NO_UNPACK); return; }
    if (!window.Plotly) {
      var tag = document.createElement("script");
      tag.textContent = await unpack("plotly-js");
      document.head.appendChild(tag);
    }
    var figures = window.rosteringFigures || [];
    for (var i = 0; i < figures.length; i++) {
      var spec = JSON.parse(await unpack(figures[i].data));
      await figures[i].draw(window.Plotly, spec);
    }
    document.documentElement.setAttribute("data-figures-drawn", String(figures.length));
  }
  drawAll().catch(function (err) {
    console.error(err);
    fail("The charts could not be drawn: " + err);
  });
})();
"""

GANTT_JS = """
window.rosteringGantt = function (Plotly, id, fig) {
  "use strict";
  var div = document.getElementById(id);
  var bar = document.getElementById(id + "-controls");
  function control(role) { return bar.querySelector('[data-role="' + role + '"]'); }
  var pick = control("filter"), find = control("find"), size = control("size");
  var pageSel = control("page"), prev = control("prev"), next = control("next");
  var status = control("status");
  var rows = fig.rows;
  var margin = fig.layout.margin.t + fig.layout.margin.b;
  var index = fig.data.map(function (trace) {
    var byRow = new Map(), y = trace.y || [];
    for (var i = 0; i < y.length; i++) {
      var list = byRow.get(y[i]);
      if (!list) { list = []; byRow.set(y[i], list); }
      list.push(i);
    }
    return byRow;
  });
  var page = 0;
  function chosen() {
    var choice = pick.value, cut = choice.indexOf(":");
    var key = cut < 0 ? choice : choice.slice(0, cut), value = choice.slice(cut + 1);
    var text = find.value.trim().toLowerCase();
    return rows.filter(function (row) {
      if (text && row.label.toLowerCase().indexOf(text) < 0) return false;
      if (key === "team") return row.team === value;
      if (key === "skill") return row.skills.indexOf(value) >= 0;
      if (key === "shift") return row.shifts.indexOf(value) >= 0;
      return true;
    });
  }
  function subset(trace, byRow, labels) {
    var n = (trace.y || []).length, picked = [];
    labels.forEach(function (label) {
      var list = byRow.get(label);
      if (list) for (var i = 0; i < list.length; i++) picked.push(list[i]);
    });
    var out = {};
    Object.keys(trace).forEach(function (key) {
      var value = trace[key];
      out[key] = n > 0 && Array.isArray(value) && value.length === n
        ? picked.map(function (i) { return value[i]; })
        : value;
    });
    return out;
  }
  function show() {
    var all = chosen();
    var per = parseInt(size.value, 10) || Math.max(1, all.length);
    var pages = Math.max(1, Math.ceil(all.length / per));
    page = Math.min(Math.max(page, 0), pages - 1);
    var shown = all.slice(page * per, (page + 1) * per);
    var labels = shown.map(function (row) { return row.label; });
    pageSel.textContent = "";
    for (var p = 0; p < pages; p++) {
      var option = document.createElement("option");
      option.value = String(p);
      option.textContent = all.length
        ? (p * per + 1) + "-" + Math.min(all.length, (p + 1) * per)
        : "-";
      pageSel.appendChild(option);
    }
    pageSel.value = String(page);
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
    status.textContent = all.length
      ? "people " + (page * per + 1) + "-" + (page * per + shown.length) + " of " + all.length
      : "nobody matches";
    var data = fig.data.map(function (trace, k) { return subset(trace, index[k], labels); });
    var height = Math.max(fig.gantt.min_px, margin + fig.gantt.row_px * Math.max(1, labels.length));
    var layout = Object.assign({}, fig.layout, {
      height: height,
      uirevision: "gantt",
      yaxis: Object.assign({}, fig.layout.yaxis, {
        categoryarray: labels,
        range: [Math.max(1, labels.length) - 0.5, -0.5],
        uirevision: [pick.value, find.value, per, page].join("|")
      })
    });
    div.style.height = height + "px";
    div.setAttribute("data-rows", String(labels.length));
    return Plotly.react(div, data, layout, fig.config);
  }
  function restart() { page = 0; return show(); }
  pick.addEventListener("change", restart);
  find.addEventListener("input", restart);
  size.addEventListener("change", restart);
  pageSel.addEventListener("change", function () { page = parseInt(pageSel.value, 10); show(); });
  prev.addEventListener("click", function () { page -= 1; show(); });
  next.addEventListener("click", function () { page += 1; show(); });
  return show();
};
"""

__all__ = ["BOOT_JS", "GANTT_JS"]
