"""Page assembly: CSS, HTML tables and the self-contained document (plotly.js inlined once, no CDN).

The page records its own health for tests and users: `<html data-js-errors="N" data-charts="M" data-charts-expected="E">`
is set after load (uncaught errors and rejected promises are counted by a hook installed first), with
`data-tick-overlaps` (pairs of overlapping tick labels in the heatmaps, out of `data-ticks-checked`
labels) and `data-sections` (each section's top and height in page pixels).

Example:
    >>> "<table" in html_table([["a", 1]], ["name", "n"])
    True
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

CSS = """
:root { --fg:#1d2430; --muted:#5b6675; --line:#e3e7ec; --bg:#f6f7f9; --card:#fff; --accent:#1f6feb; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg);
       font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif; }
header { background:#17202c; color:#fff; padding:18px 28px 14px; }
header h1 { margin:0 0 2px; font-size:21px; font-weight:600; }
header .sub { color:#b9c3cf; font-size:12.5px; }
main { max-width:1280px; margin:0 auto; padding:16px 22px 40px; }
.kpis { display:grid; grid-template-columns:repeat(auto-fit,minmax(150px,1fr)); gap:10px; margin:4px 0 14px; }
.kpi { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 14px; }
.kpi .v { font-size:22px; font-weight:650; }
.kpi .l { color:var(--muted); font-size:12px; }
.flag { background:#fde8e8; color:#9b1c1c; border-radius:4px; padding:0 5px; font-size:11px; font-weight:500; }
section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:14px 18px;
          margin:0 0 14px; }
section h2 { font-size:16px; margin:0 0 4px; }
section p.note { color:var(--muted); margin:2px 0 8px; font-size:12.5px; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:14px; }
.grid2.wide-right { grid-template-columns:2fr 3fr; }
.grid2 > div { min-width:0; }
@media (max-width: 1000px) { .grid2, .grid2.wide-right { grid-template-columns:1fr; } }
h3 { font-size:13.5px; margin:8px 0 6px; }
table { border-collapse:collapse; width:100%; font-size:12.5px; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#fafbfc; position:sticky; top:0; font-weight:600; }
td.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
.scroll { max-height:520px; overflow:auto; border:1px solid var(--line); border-radius:6px; }
.xscroll { overflow-x:auto; }
.wrap td { overflow-wrap:anywhere; word-break:break-word; }
.swatch { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:6px; }
.bar { height:6px; background:var(--accent); border-radius:3px; opacity:.75; }
ul.ex { margin:0; padding-left:16px; color:#333; }
.missing { color:var(--muted); font-style:italic; }
code { background:#f0f2f5; padding:1px 4px; border-radius:3px; font-size:12px; }
dl.card { display:grid; grid-template-columns:max-content 1fr; gap:3px 14px; margin:0; font-size:12.5px; }
dl.card dt { color:var(--muted); white-space:nowrap; } dl.card dd { margin:0; overflow-wrap:anywhere; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:10px; }
"""

ERROR_HOOK = """
(function(){
  var root = document.documentElement, errors = [];
  function record(msg){ errors.push(String(msg)); root.setAttribute('data-js-errors', String(errors.length));
                        root.setAttribute('data-js-error-text', errors.join(' | ').slice(0, 2000)); }
  window.addEventListener('error', function(e){ record(e.message || e); });
  window.addEventListener('unhandledrejection', function(e){ record('unhandled rejection: ' + e.reason); });
  function count(){
    var divs = document.querySelectorAll('.plotly-graph-div'), n = 0;
    divs.forEach(function(d){ if (d.querySelector('.main-svg')) { n++; } });
    root.setAttribute('data-charts-expected', String(divs.length));
    root.setAttribute('data-charts', String(n));
    return n === divs.length;
  }
  function overlaps(){  // pairs of tick labels whose boxes intersect, in the heatmaps
    var pairs = 0, checked = 0, seen = [];
    ['chart-topics', 'chart-model-heatmap', 'chart-sources'].forEach(function(id){
      var div = document.getElementById(id); if (!div) { return; }
      ['.xtick text', '.ytick text'].forEach(function(sel){
        var boxes = Array.prototype.map.call(div.querySelectorAll(sel), function(t){
          return t.getBoundingClientRect(); }).filter(function(r){ return r.width > 0 && r.height > 0; });
        checked += boxes.length;
        for (var i = 0; i < boxes.length; i++) { for (var j = i + 1; j < boxes.length; j++) {
          var a = boxes[i], b = boxes[j];
          var w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          var h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (w > 0.5 && h > 0.5) { pairs++; seen.push(id + sel); } } }
      });
    });
    root.setAttribute('data-ticks-checked', String(checked));
    root.setAttribute('data-tick-overlaps', String(pairs));
    root.setAttribute('data-tick-overlap-where', seen.slice(0, 5).join(' | '));
  }
  function sections(){  // where each section lies on the page (document pixels), for screenshots
    var out = {};
    document.querySelectorAll('section[id]').forEach(function(s){
      var r = s.getBoundingClientRect();
      out[s.id] = [Math.round(r.top + window.scrollY), Math.round(r.height)]; });
    root.setAttribute('data-sections', JSON.stringify(out));
  }
  window.addEventListener('load', function(){
    var tries = 0;
    (function poll(){ if (count() || ++tries > 50) { overlaps(); sections(); root.setAttribute('data-loaded', '1'); }
                      else { setTimeout(poll, 100); } })();
  });
})();
"""


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def html_table(rows: Sequence[Sequence[Any]], headers: Sequence[str], *, raw_cols: Sequence[int] = (),
               num_cols: Sequence[int] = ()) -> str:
    """Rows as an HTML table; cells in `raw_cols` are trusted HTML, others are escaped."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for j, v in enumerate(row):
            cls = ' class="num"' if j in num_cols else ""
            cells.append(f"<td{cls}>{v if j in raw_cols else esc(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def definition_list(items: dict[str, Any]) -> str:
    return '<dl class="card">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items.items()) + "</dl>"


def figure_div(fig, div_id: str) -> str:
    """A chart as a div + script using the page's single inlined plotly.js."""
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{div_id}",
                       config={"displaylogo": False, "responsive": True})


def section(title: str, body: str, note: str = "", anchor: str = "") -> str:
    note_html = f'<p class="note">{note}</p>' if note else ""
    return f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>{note_html}{body}</section>'


def missing(text: str) -> str:
    return f'<p class="missing">{text}</p>'


def kpis(items: list[tuple[str, str]]) -> str:
    return '<div class="kpis">' + "".join(
        f'<div class="kpi"><div class="v">{esc(v)}</div><div class="l">{esc(label)}</div></div>'
        for label, v in items) + "</div>"


def document(title: str, subtitle: str, body: str, footer: str) -> str:
    """The whole page, with plotly.js from the installed `plotly` package inlined (works offline)."""
    from plotly.offline import get_plotlyjs

    return (f'<!DOCTYPE html>\n<html lang="en" data-js-errors="0" data-charts="0">\n<head>\n'
            f'<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n<script>{ERROR_HOOK}</script>\n"
            f"<script>{get_plotlyjs()}</script>\n</head>\n<body>\n"
            f"<header><h1>{esc(title)}</h1><div class=\"sub\">{subtitle}</div></header>\n"
            f"<main>\n{body}\n</main>\n<footer>{footer}</footer>\n</body>\n</html>\n")
