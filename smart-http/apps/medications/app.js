/*
 * Medications: current and past medications with dose, frequency and instructions, and
 * each medication's pharmacy fulfillments on a timeline with a simple adherence figure:
 * the share of days covered by the supply dispensed, from the first fill to the end of
 * the last fill's supply.
 */
(function () {
  "use strict";
  var el = Kit.el;
  var fmt = SmartConnect.formatDate;
  var DAY = 864e5;

  function frequencyText(f) {
    if (!f || f.value === undefined) {
      return "";
    }
    var per = { "/d": "a day", "/wk": "a week", "/mo": "a month" }[f.unit] || f.unit;
    var n = Number(f.value);
    var times = n === 1 ? "once" : n === 2 ? "twice" : Kit.num(n) + " times";
    return times + " " + per;
  }

  function doseText(q) {
    if (!q || q.value === undefined) {
      return "";
    }
    var unit = String(q.unit || "").replace(/^\{(.*)\}$/, "$1");
    return Kit.num(q.value) + " " + unit;
  }

  function medId(f) {
    var m = f.medication;
    return typeof m === "string" ? m : m && m.id;
  }

  /** Days covered: {covered, window, gaps} for fills [{start (ms), days}]. */
  function adherence(fills) {
    if (!fills.length) {
      return null;
    }
    var sorted = fills.slice().sort(function (a, b) {
      return a.start - b.start;
    });
    var first = sorted[0].start;
    var end = Math.max.apply(
      null,
      sorted.map(function (f) {
        return f.start + f.days * DAY;
      })
    );
    var windowDays = Math.round((end - first) / DAY);
    // Each day of the window is covered if some fill's supply includes it.
    var covered = 0;
    for (var t = first; t < end; t += DAY) {
      if (
        sorted.some(function (f) {
          return t >= f.start && t < f.start + f.days * DAY;
        })
      ) {
        covered += 1;
      }
    }
    return { covered: covered, window: windowDays, percent: windowDays ? Math.round((100 * covered) / windowDays) : 100 };
  }

  function timeline(rows) {
    var W = 760;
    var rowH = 30;
    var left = 210;
    var right = 16;
    var top = 8;
    var H = top + rows.length * rowH + 28;
    var starts = [];
    var ends = [];
    rows.forEach(function (r) {
      r.fills.forEach(function (f) {
        starts.push(f.start);
        ends.push(f.start + f.days * DAY);
      });
    });
    var x0 = Math.min.apply(null, starts);
    var x1 = Math.max.apply(null, ends);
    var pad = Math.max(7 * DAY, (x1 - x0) * 0.03);
    x0 -= pad;
    x1 += pad;
    function X(t) {
      return left + ((t - x0) / (x1 - x0)) * (W - left - right);
    }
    var svg = Kit.svg("svg", { class: "chart timeline", viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "fulfillment timeline" });
    var months = (x1 - x0) / (30 * DAY);
    var stepMonths = months > 48 ? 12 : months > 18 ? 6 : months > 8 ? 3 : 1;
    var d = new Date(x0);
    var tick = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    for (; tick.getTime() < x1; tick = new Date(Date.UTC(tick.getUTCFullYear(), tick.getUTCMonth() + stepMonths, 1))) {
      var x = X(tick.getTime());
      svg.appendChild(Kit.svg("line", { class: "grid", x1: x, x2: x, y1: top, y2: H - 24 }));
      svg.appendChild(Kit.svg("text", { class: "tick", x: x, y: H - 10, "text-anchor": "middle", text: tick.toISOString().slice(0, 7) }));
    }
    rows.forEach(function (r, i) {
      var y = top + i * rowH;
      svg.appendChild(Kit.svg("text", { class: "tick row-label", x: left - 8, y: y + rowH / 2 + 4, "text-anchor": "end", text: r.label.length > 34 ? r.label.slice(0, 33) + "…" : r.label }));
      svg.appendChild(Kit.svg("line", { class: "axis", x1: left, x2: W - right, y1: y + rowH / 2, y2: y + rowH / 2 }));
      r.fills.forEach(function (f) {
        var a = X(f.start);
        var b = X(f.start + f.days * DAY);
        svg.appendChild(
          Kit.svg("rect", { class: "bar", x: a, y: y + 7, width: Math.max(2, b - a), height: rowH - 14, rx: 2 }, [
            Kit.svg("title", { text: fmt(f.date) + ": " + f.days + " days" + (f.quantity ? ", " + f.quantity : "") }),
          ])
        );
      });
    });
    svg.appendChild(Kit.svg("line", { class: "axis", x1: left, x2: W - right, y1: H - 24, y2: H - 24 }));
    return svg;
  }

  Kit.start(function (smart, main) {
    return Promise.all([smart.get_medications(), smart.get_fulfillments()]).then(function (answers) {
      var meds = answers[0].statements;
      var fulfillments = answers[1].statements;
      if (!meds.length) {
        main.appendChild(Kit.section("Medications", [Kit.empty("No medications recorded")], { id: "medications-card" }));
        return;
      }
      var fillsOf = {};
      fulfillments.forEach(function (f) {
        var id = medId(f);
        var start = SmartConnect.date(f.date);
        var days = Number(f.dispenseDaysSupply);
        if (!id || !start || !(days > 0)) {
          return;
        }
        (fillsOf[id] = fillsOf[id] || []).push({
          start: start.getTime(),
          days: days,
          date: f.date,
          quantity: doseText(f.quantityDispensed),
          pharmacy: f.pharmacy && (f.pharmacy.organizationName || ""),
        });
      });
      Object.keys(fillsOf).forEach(function (id) {
        fillsOf[id].sort(function (a, b) {
          return a.start - b.start;
        });
      });
      var current = meds.filter(function (m) {
        return Kit.isCurrent(m);
      }).sort(Kit.byDateDesc("startDate"));
      var past = meds.filter(function (m) {
        return !Kit.isCurrent(m);
      }).sort(Kit.byDateDesc("endDate"));

      function rowsOf(list, withEnd) {
        return list.map(function (m) {
          var cells = [
            [Kit.codeText(m.drugName), Kit.codeBadge(m.drugName)],
            doseText(m.quantity),
            frequencyText(m.frequency),
            m.instructions || "",
            fmt(m.startDate),
          ];
          if (withEnd) {
            cells.push(fmt(m.endDate));
          }
          return cells;
        });
      }
      var columns = [
        { title: "Medication" },
        { title: "Dose" },
        { title: "Frequency" },
        { title: "Instructions" },
        { title: "Started", class: "date" },
      ];
      main.appendChild(
        Kit.section(
          "Current medications",
          [current.length ? Kit.table(columns, rowsOf(current), { id: "current" }) : Kit.empty("No current medications")],
          { id: "current-card" }
        )
      );
      main.appendChild(
        Kit.section(
          "Past medications",
          [past.length ? Kit.table(columns.concat([{ title: "Stopped", class: "date" }]), rowsOf(past, true), { id: "past" }) : Kit.empty("No past medications")],
          { id: "past-card" }
        )
      );

      var withFills = current.concat(past).filter(function (m) {
        return fillsOf[m.id];
      });
      var fillsCard = Kit.section("Fulfillments and adherence", [], { id: "fills-card" });
      main.appendChild(fillsCard);
      if (!withFills.length) {
        fillsCard.appendChild(Kit.empty("No fulfillments recorded"));
        return;
      }
      fillsCard.appendChild(
        timeline(
          withFills.map(function (m) {
            return { label: Kit.codeText(m.drugName), fills: fillsOf[m.id] };
          })
        )
      );
      fillsCard.appendChild(Kit.legend([{ class: "covered", label: "days supplied by a fill" }]));
      fillsCard.appendChild(
        Kit.table(
          [
            { title: "Medication" },
            { title: "Fills", class: "num" },
            { title: "First fill", class: "date" },
            { title: "Last fill", class: "date" },
            { title: "Days covered", class: "num" },
          ],
          withFills.map(function (m) {
            var fills = fillsOf[m.id].slice().sort(function (a, b) {
              return a.start - b.start;
            });
            var a = adherence(fills);
            return [
              Kit.codeText(m.drugName),
              String(fills.length),
              fmt(fills[0].date),
              fmt(fills[fills.length - 1].date),
              el("span", { class: a.percent < 80 ? "flag" : "" }, a.covered + " of " + a.window + " days (" + a.percent + "%)"),
            ];
          }),
          { id: "adherence" }
        )
      );
      fillsCard.appendChild(
        el("p", { class: "muted" }, "Days covered: the days, from the first fill to the end of the last fill's supply, on which the patient had medication dispensed. Under 80% is flagged.")
      );
    });
  });
})();
