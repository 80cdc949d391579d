/*
 * Problems: active and resolved problems with their onset and resolution dates, codes,
 * status and notes, and every problem on a timeline from onset to resolution (or today).
 */
(function () {
  "use strict";
  var el = Kit.el;
  var fmt = SmartConnect.formatDate;
  var DAY = 864e5;

  function timeline(problems) {
    var W = 760;
    var rowH = 24;
    var left = 220;
    var right = 16;
    var H = 8 + problems.length * rowH + 28;
    var now = Date.now();
    var spans = problems.map(function (p) {
      var a = SmartConnect.date(p.startDate);
      var b = SmartConnect.date(p.endDate);
      return { p: p, a: a ? a.getTime() : null, b: b ? b.getTime() : now, open: !b };
    }).filter(function (s) {
      return s.a !== null;
    });
    if (!spans.length) {
      return null;
    }
    var x0 = Math.min.apply(null, spans.map(function (s) { return s.a; }));
    var x1 = Math.max(now, Math.max.apply(null, spans.map(function (s) { return s.b; })));
    var pad = Math.max(30 * DAY, (x1 - x0) * 0.02);
    x0 -= pad;
    x1 += pad;
    function X(t) {
      return left + ((t - x0) / (x1 - x0)) * (W - left - right);
    }
    var svg = Kit.svg("svg", { class: "chart timeline", viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "problem timeline" });
    var years = (x1 - x0) / (365.25 * DAY);
    var step = years > 40 ? 10 : years > 16 ? 5 : years > 6 ? 2 : 1;
    for (var y = Math.ceil(new Date(x0).getUTCFullYear() / step) * step; Date.UTC(y, 0, 1) < x1; y += step) {
      var x = X(Date.UTC(y, 0, 1));
      svg.appendChild(Kit.svg("line", { class: "grid", x1: x, x2: x, y1: 8, y2: H - 24 }));
      svg.appendChild(Kit.svg("text", { class: "tick", x: x, y: H - 10, "text-anchor": "middle", text: String(y) }));
    }
    spans.forEach(function (s, i) {
      var top = 8 + i * rowH;
      var label = Kit.codeText(s.p.problemName);
      svg.appendChild(Kit.svg("text", { class: "tick row-label", x: left - 8, y: top + rowH / 2 + 4, "text-anchor": "end", text: label.length > 36 ? label.slice(0, 35) + "…" : label }));
      svg.appendChild(
        Kit.svg("rect", { class: "bar" + (s.open ? "" : " resolved"), x: X(s.a), y: top + 5, width: Math.max(3, X(s.b) - X(s.a)), height: rowH - 10, rx: 2 }, [
          Kit.svg("title", { text: label + ": " + fmt(s.p.startDate) + " – " + (s.open ? "active" : fmt(s.p.endDate)) }),
        ])
      );
    });
    svg.appendChild(Kit.svg("line", { class: "axis", x1: left, x2: W - right, y1: H - 24, y2: H - 24 }));
    return svg;
  }

  Kit.start(function (smart, main) {
    return smart.get_problems().then(function (r) {
      var problems = r.statements;
      if (!problems.length) {
        main.appendChild(Kit.section("Problems", [Kit.empty("No problems recorded")], { id: "problems-card" }));
        return;
      }
      var active = problems.filter(function (p) {
        return Kit.isCurrent(p);
      }).sort(Kit.byDateDesc("startDate"));
      var resolved = problems.filter(function (p) {
        return !Kit.isCurrent(p);
      }).sort(Kit.byDateDesc("endDate"));
      function rows(list, withEnd) {
        return list.map(function (p) {
          var cells = [[Kit.codeText(p.problemName), Kit.codeBadge(p.problemName)], fmt(p.startDate)];
          if (withEnd) {
            cells.push(fmt(p.endDate));
          }
          cells.push(Kit.codeText(p.problemStatus) || (withEnd ? "resolved" : "active"));
          cells.push(p.notes || "");
          return cells;
        });
      }
      main.appendChild(
        Kit.section("Active problems", [
          active.length
            ? Kit.table([{ title: "Problem" }, { title: "Onset", class: "date" }, { title: "Status" }, { title: "Notes" }], rows(active), { id: "active" })
            : Kit.empty("No active problems"),
        ], { id: "active-card" })
      );
      main.appendChild(
        Kit.section("Resolved problems", [
          resolved.length
            ? Kit.table(
                [{ title: "Problem" }, { title: "Onset", class: "date" }, { title: "Resolved", class: "date" }, { title: "Status" }, { title: "Notes" }],
                rows(resolved, true),
                { id: "resolved" }
              )
            : Kit.empty("No resolved problems"),
        ], { id: "resolved-card" })
      );
      var chart = timeline(active.concat(resolved));
      if (chart) {
        main.appendChild(Kit.section("Timeline", [chart, Kit.legend([{ class: "covered", label: "active" }, { class: "resolved", label: "resolved" }])], { id: "timeline-card" }));
      }
    });
  });
})();
