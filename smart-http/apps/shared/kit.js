/*
 * kit.js: what the bundled apps share on top of smart-connect.js: building DOM safely
 * (text is always set as text, never parsed as HTML), the page frame (patient header,
 * loading, errors, empty states), tables, and line charts drawn as inline SVG.
 */
(function (global) {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";

  /** An element: el("td", {class: "num"}, ["12", child]); strings become text nodes. */
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    setAttrs(e, attrs);
    append(e, kids);
    return e;
  }

  /** An SVG element, the same way. */
  function svg(tag, attrs, kids) {
    var e = document.createElementNS(SVG, tag);
    setAttrs(e, attrs);
    append(e, kids);
    return e;
  }

  function setAttrs(e, attrs) {
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) {
        return;
      }
      if (k === "text") {
        e.textContent = String(v);
      } else if (k.indexOf("on") === 0 && typeof v === "function") {
        e.addEventListener(k.slice(2), v);
      } else {
        e.setAttribute(k, v === true ? "" : String(v));
      }
    });
  }

  function append(e, kids) {
    (Array.isArray(kids) ? kids : kids === undefined || kids === null ? [] : [kids]).forEach(function (k) {
      if (k === undefined || k === null || k === false) {
        return;
      }
      e.appendChild(typeof k === "string" || typeof k === "number" ? document.createTextNode(String(k)) : k);
    });
  }

  function clear(e) {
    while (e.firstChild) {
      e.removeChild(e.firstChild);
    }
    return e;
  }

  /** The friendly empty state of a section. */
  function empty(text) {
    return el("p", { class: "empty" }, text);
  }

  /** A section with a heading. */
  function section(title, kids, attrs) {
    var a = attrs || {};
    a.class = "card" + (a.class ? " " + a.class : "");
    return el("section", a, [el("h2", {}, title)].concat(kids || []));
  }

  /** A table: columns [{title, class}], rows of cells (strings or elements). */
  function table(columns, rows, attrs) {
    return el("table", attrs || {}, [
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          columns.map(function (c) {
            return el("th", { scope: "col", class: c.class }, c.title);
          })
        )
      ),
      el(
        "tbody",
        {},
        rows.map(function (r) {
          return el(
            "tr",
            r.attrs || {},
            (r.cells || r).map(function (cell, i) {
              return el("td", { class: columns[i] && columns[i].class }, cell);
            })
          );
        })
      ),
    ]);
  }

  /** A short coded value: "Title" with its code system and code as a tooltip-free small print. */
  function codeText(c) {
    if (!c) {
      return "";
    }
    return c.title || c.code || "";
  }

  function codeBadge(c) {
    if (!c || !c.code) {
      return null;
    }
    var system = /RXNORM/i.test(c.system || "") ? "RxNorm"
      : /SNOMED/i.test(c.system || "") ? "SNOMED CT"
      : /LNC|LOINC/i.test(c.system || "") ? "LOINC"
      : /cvx/i.test(c.system || "") ? "CVX"
      : /NDFRT/i.test(c.system || "") ? "NDF-RT"
      : /UNII/i.test(c.system || "") ? "UNII"
      : "code";
    return el("span", { class: "code" }, system + " " + c.code);
  }

  function showError(e) {
    var box = document.getElementById("error");
    var text = e && e.message ? e.message : String(e);
    if (box) {
      box.hidden = false;
      box.appendChild(el("p", {}, text));
    }
    var main = document.getElementById("app");
    if (main) {
      main.setAttribute("aria-busy", "false");
      main.setAttribute("data-state", "error");
    }
    if (global.console) {
      global.console.error(e);
    }
  }

  /**
   * Runs an app: waits for the container, writes the patient header, then
   * `render(smart, main)` (which may return a promise). Errors are shown in #error.
   */
  function start(render) {
    var main = document.getElementById("app");
    var patient = document.getElementById("patient");
    SmartConnect.ready()
      .then(function (smart) {
        if (patient) {
          patient.textContent = smart.record.full_name || smart.record.id || "";
        }
        main.appendChild(el("p", { class: "loading" }, "Loading…"));
        return Promise.resolve(render(smart, main)).then(function () {
          var l = main.querySelector(".loading");
          if (l) {
            l.remove();
          }
          main.setAttribute("aria-busy", "false");
          main.setAttribute("data-state", "done");
        });
      })
      .catch(function (e) {
        var l = main && main.querySelector(".loading");
        if (l) {
          l.remove();
        }
        showError(e);
      });
  }

  /** One call whose failure shows as a message inside a section rather than failing the page. */
  function soft(promise, into) {
    return promise.catch(function (e) {
      into.appendChild(el("p", { class: "error-inline", role: "alert" }, e && e.message ? e.message : String(e)));
      return null;
    });
  }

  function num(x, digits) {
    if (x === null || x === undefined || x === "" || isNaN(Number(x))) {
      return "";
    }
    var n = Number(x);
    var d = digits === undefined ? (Math.abs(n) >= 100 ? 0 : 1) : digits;
    var s = n.toFixed(d);
    return d > 0 ? s.replace(/\.?0+$/, "") : s;
  }

  // ------------------------------------------------------------------ charts (inline SVG)

  function niceTicks(min, max, count) {
    if (min === max) {
      min -= 1;
      max += 1;
    }
    var span = max - min;
    var step = Math.pow(10, Math.floor(Math.log10(span / count)));
    var err = (count / span) * step;
    if (err <= 0.15) {
      step *= 10;
    } else if (err <= 0.35) {
      step *= 5;
    } else if (err <= 0.75) {
      step *= 2;
    }
    var ticks = [];
    for (var t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
      ticks.push(Number(t.toFixed(10)));
    }
    return ticks;
  }

  function timeTicks(min, max) {
    var years = (max - min) / (365.25 * 864e5);
    var ticks = [];
    var d = new Date(min);
    if (years > 2) {
      var stepY = Math.max(1, Math.ceil(years / 6));
      var y = new Date(Date.UTC(d.getUTCFullYear() + 1, 0, 1));
      for (; y.getTime() <= max; y = new Date(Date.UTC(y.getUTCFullYear() + stepY, 0, 1))) {
        ticks.push({ x: y.getTime(), label: String(y.getUTCFullYear()) });
      }
    } else {
      var months = Math.max(1, Math.ceil((years * 12) / 6));
      var m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
      for (; m.getTime() <= max; m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + months, 1))) {
        ticks.push({ x: m.getTime(), label: m.toISOString().slice(0, 7) });
      }
    }
    return ticks;
  }

  /**
   * A line chart as an <svg>: opts = {series: [{name, class, points: [{x, y, label}]}],
   * bands: [{class, label, lower: [{x, y}], upper: [{x, y}]}], lines: [{class, label,
   * points}], range: {low, high} (a shaded normal range), x: "time" (x in ms) or "number",
   * xLabel, yLabel, width, height, title}.
   */
  function chart(opts) {
    var W = opts.width || 640;
    var H = opts.height || 240;
    var m = { l: 52, r: 16, t: 14, b: 36 };
    var xs = [];
    var ys = [];
    (opts.series || []).forEach(function (s) {
      s.points.forEach(function (p) {
        xs.push(p.x);
        ys.push(p.y);
      });
    });
    (opts.bands || []).concat(opts.lines || []).forEach(function (b) {
      (b.lower || []).concat(b.upper || [], b.points || []).forEach(function (p) {
        ys.push(p.y);
        if (opts.bandsSetX) {
          xs.push(p.x);
        }
      });
    });
    if (opts.range) {
      if (opts.range.low !== null && opts.range.low !== undefined) {
        ys.push(opts.range.low);
      }
      if (opts.range.high !== null && opts.range.high !== undefined) {
        ys.push(opts.range.high);
      }
    }
    if (opts.xDomain) {
      xs.push(opts.xDomain[0], opts.xDomain[1]);
    }
    var x0 = Math.min.apply(null, xs);
    var x1 = Math.max.apply(null, xs);
    if (x0 === x1) {
      var pad = opts.x === "time" ? 30 * 864e5 : 1;
      x0 -= pad;
      x1 += pad;
    }
    var y0 = Math.min.apply(null, ys);
    var y1 = Math.max.apply(null, ys);
    var yPad = (y1 - y0) * 0.08 || Math.abs(y1) * 0.1 || 1;
    y0 -= yPad;
    y1 += yPad;
    if (opts.yMin !== undefined) {
      y0 = Math.max(y0, opts.yMin);
    }
    var yt = niceTicks(y0, y1, 5);
    y0 = Math.min(y0, yt[0]);
    y1 = Math.max(y1, yt[yt.length - 1]);
    function X(v) {
      return m.l + ((v - x0) / (x1 - x0)) * (W - m.l - m.r);
    }
    function Y(v) {
      return H - m.b - ((v - y0) / (y1 - y0)) * (H - m.t - m.b);
    }
    function clipX(points) {
      return points.filter(function (p) {
        return p.x >= x0 && p.x <= x1;
      });
    }
    function path(points) {
      return points
        .map(function (p, i) {
          return (i ? "L" : "M") + X(p.x).toFixed(1) + "," + Y(p.y).toFixed(1);
        })
        .join(" ");
    }
    var root = svg("svg", {
      class: "chart" + (opts.class ? " " + opts.class : ""),
      viewBox: "0 0 " + W + " " + H,
      role: "img",
      "aria-label": opts.title || opts.yLabel || "chart",
      preserveAspectRatio: "xMidYMid meet",
    });
    if (opts.title) {
      root.appendChild(svg("title", { text: opts.title }));
    }
    // Grid and y axis.
    yt.forEach(function (t) {
      root.appendChild(svg("line", { class: "grid", x1: m.l, x2: W - m.r, y1: Y(t), y2: Y(t) }));
      root.appendChild(svg("text", { class: "tick", x: m.l - 6, y: Y(t) + 4, "text-anchor": "end", text: num(t, t % 1 ? 1 : 0) }));
    });
    var xt = opts.x === "time"
      ? timeTicks(x0, x1)
      : niceTicks(x0, x1, 6).map(function (t) {
          return { x: t, label: opts.xTickLabel ? opts.xTickLabel(t) : num(t, 0) };
        });
    xt.forEach(function (t) {
      if (t.x < x0 || t.x > x1) {
        return;
      }
      root.appendChild(svg("line", { class: "grid", x1: X(t.x), x2: X(t.x), y1: m.t, y2: H - m.b }));
      root.appendChild(svg("text", { class: "tick", x: X(t.x), y: H - m.b + 16, "text-anchor": "middle", text: t.label }));
    });
    if (opts.range) {
      var lo = opts.range.low === null || opts.range.low === undefined ? y0 : Math.max(y0, opts.range.low);
      var hi = opts.range.high === null || opts.range.high === undefined ? y1 : Math.min(y1, opts.range.high);
      root.appendChild(
        svg("rect", { class: "normal-range", x: m.l, y: Y(hi), width: W - m.l - m.r, height: Math.max(0, Y(lo) - Y(hi)) }, [
          svg("title", { text: "normal range" }),
        ])
      );
    }
    (opts.bands || []).forEach(function (b) {
      var lower = clipX(b.lower);
      var upper = clipX(b.upper);
      if (!lower.length || !upper.length) {
        return;
      }
      var d = path(lower) + " " + upper
        .slice()
        .reverse()
        .map(function (p) {
          return "L" + X(p.x).toFixed(1) + "," + Y(p.y).toFixed(1);
        })
        .join(" ") + " Z";
      root.appendChild(svg("path", { class: "band " + (b.class || ""), d: d }, [svg("title", { text: b.label || "" })]));
    });
    (opts.lines || []).forEach(function (l) {
      var pts = clipX(l.points);
      if (pts.length < 2) {
        return;
      }
      root.appendChild(svg("path", { class: "ref-line " + (l.class || ""), d: path(pts) }));
      var last = pts[pts.length - 1];
      if (l.label) {
        root.appendChild(svg("text", { class: "ref-label", x: X(last.x) - 2, y: Y(last.y) - 3, "text-anchor": "end", text: l.label }));
      }
    });
    root.appendChild(svg("line", { class: "axis", x1: m.l, x2: m.l, y1: m.t, y2: H - m.b }));
    root.appendChild(svg("line", { class: "axis", x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b }));
    (opts.series || []).forEach(function (s, i) {
      var cls = "series s" + i + " " + (s.class || "");
      if (s.points.length > 1) {
        root.appendChild(svg("path", { class: cls, d: path(s.points) }));
      }
      s.points.forEach(function (p) {
        root.appendChild(
          svg("circle", { class: "point " + cls + (p.flag ? " flagged" : ""), cx: X(p.x), cy: Y(p.y), r: p.flag ? 4.5 : 3.2 }, [
            svg("title", { text: p.label || num(p.y) }),
          ])
        );
      });
    });
    if (opts.yLabel) {
      root.appendChild(
        svg("text", { class: "axis-label", x: 12, y: m.t + (H - m.t - m.b) / 2, transform: "rotate(-90 12 " + (m.t + (H - m.t - m.b) / 2) + ")", "text-anchor": "middle", text: opts.yLabel })
      );
    }
    if (opts.xLabel) {
      root.appendChild(svg("text", { class: "axis-label", x: m.l + (W - m.l - m.r) / 2, y: H - 4, "text-anchor": "middle", text: opts.xLabel }));
    }
    return root;
  }

  /** A legend under a chart: [{class, label}]. */
  function legend(items) {
    return el(
      "ul",
      { class: "legend" },
      items.map(function (i) {
        return el("li", {}, [el("span", { class: "swatch " + i.class }), i.label]);
      })
    );
  }

  // ------------------------------------------------------------------ clinical helpers

  /** True if a statement with startDate/endDate is current on `today` (ISO; default now). */
  function isCurrent(stmt, today) {
    var t = today || new Date().toISOString().slice(0, 10);
    var end = SmartConnect.formatDate(stmt.endDate);
    return !end || end >= t;
  }

  /**
   * A lab result's numbers: {value, unit, low, high, flag ("high", "low" or null), text}
   * from its quantitative result and normal range (minimum inclusive, maximum exclusive
   * per the data model, though a value equal to the maximum is not flagged), or
   * {text} for a narrative result.
   */
  function labValue(r) {
    var q = r.quantitativeResult;
    if (q && q.valueAndUnit) {
      var v = Number(q.valueAndUnit.value);
      var range = q.normalRange || {};
      var low = range.minimum ? Number(range.minimum.value) : null;
      var high = range.maximum ? Number(range.maximum.value) : null;
      var flag = null;
      if (!isNaN(v) && low !== null && !isNaN(low) && v < low) {
        flag = "low";
      } else if (!isNaN(v) && high !== null && !isNaN(high) && v > high) {
        flag = "high";
      }
      var interp = r.abnormalInterpretation && r.abnormalInterpretation.code;
      if (!flag && interp && /^(H|HH|L|LL|A|AA)$/.test(interp)) {
        flag = /^L/.test(interp) ? "low" : "high";
      }
      return {
        value: isNaN(v) ? null : v,
        unit: q.valueAndUnit.unit || "",
        low: low,
        high: high,
        flag: flag,
        text: num(q.valueAndUnit.value, 2) + " " + (q.valueAndUnit.unit || ""),
      };
    }
    var n = r.narrativeResult;
    return { value: null, unit: "", low: null, high: null, flag: null, text: n && n.value ? String(n.value) : "" };
  }

  /** "low–high unit" for a lab value's normal range, or "". */
  function rangeText(lv) {
    if (lv.low === null && lv.high === null) {
      return "";
    }
    return (lv.low === null ? "" : num(lv.low, 2)) + "–" + (lv.high === null ? "" : num(lv.high, 2)) + " " + lv.unit;
  }

  /** The newest first, by an ISO date field. */
  function byDateDesc(field) {
    return function (a, b) {
      var x = SmartConnect.formatDate(a[field]);
      var y = SmartConnect.formatDate(b[field]);
      return x < y ? 1 : x > y ? -1 : 0;
    };
  }

  global.Kit = {
    isCurrent: isCurrent,
    labValue: labValue,
    rangeText: rangeText,
    byDateDesc: byDateDesc,
    el: el,
    svg: svg,
    clear: clear,
    empty: empty,
    section: section,
    table: table,
    codeText: codeText,
    codeBadge: codeBadge,
    showError: showError,
    start: start,
    soft: soft,
    num: num,
    chart: chart,
    legend: legend,
  };
})(window);
