/*
 * Lab results: every result grouped by test (its LOINC code), newest test first; for each
 * test a trend chart with the normal range shaded and the results outside it flagged
 * (from the reference range in the data, or the abnormal interpretation when there is
 * no range), then the results in a table.
 */
(function () {
  "use strict";
  var el = Kit.el;
  var fmt = SmartConnect.formatDate;

  function keyOf(r) {
    var n = r.labName || {};
    return n.uri || n.code || n.title || "unknown";
  }

  function slug(s) {
    return String(s).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  }

  Kit.start(function (smart, main) {
    // Fetched in pages, as a big record would need.
    return smart.all("get_lab_results", {}, 100).then(function (results) {
      if (!results.length) {
        main.appendChild(Kit.section("Lab results", [Kit.empty("No lab results recorded")], { id: "labs-card", class: "wide" }));
        return;
      }
      var groups = {};
      var order = [];
      results.forEach(function (r) {
        var k = keyOf(r);
        if (!groups[k]) {
          groups[k] = [];
          order.push(k);
        }
        groups[k].push(r);
      });
      order.forEach(function (k) {
        groups[k].sort(Kit.byDateDesc("date"));
      });
      order.sort(function (a, b) {
        var x = fmt(groups[a][0].date);
        var y = fmt(groups[b][0].date);
        return x < y ? 1 : x > y ? -1 : Kit.codeText(groups[a][0].labName) < Kit.codeText(groups[b][0].labName) ? -1 : 1;
      });
      var abnormal = results.filter(function (r) {
        return Kit.labValue(r).flag;
      }).length;
      main.appendChild(
        el("p", { class: "muted card wide", id: "lab-overview" },
          results.length + " results of " + order.length + " tests; " + (abnormal ? abnormal + " outside the normal range (flagged)." : "none outside the normal range."))
      );
      order.forEach(function (k) {
        var list = groups[k];
        var name = list[0].labName || {};
        var card = Kit.section(Kit.codeText(name) || "Unnamed test", [], { id: "test-" + slug(name.code || name.title || k), class: "lab-test" });
        var badge = Kit.codeBadge(name);
        if (badge) {
          card.querySelector("h2").appendChild(badge);
        }
        var values = list.map(function (r) {
          return { r: r, v: Kit.labValue(r) };
        });
        var numeric = values.filter(function (x) {
          return x.v.value !== null && SmartConnect.date(x.r.date);
        });
        if (numeric.length) {
          var latestRange = numeric[0].v;
          card.appendChild(
            Kit.chart({
              title: Kit.codeText(name),
              x: "time",
              height: 200,
              yLabel: latestRange.unit,
              range: latestRange.low !== null || latestRange.high !== null ? { low: latestRange.low, high: latestRange.high } : null,
              series: [
                {
                  points: numeric
                    .slice()
                    .reverse()
                    .map(function (x) {
                      return {
                        x: SmartConnect.date(x.r.date).getTime(),
                        y: x.v.value,
                        flag: !!x.v.flag,
                        label: fmt(x.r.date) + ": " + x.v.text + (x.v.flag ? " (" + x.v.flag + ")" : ""),
                      };
                    }),
                },
              ],
            })
          );
        }
        card.appendChild(
          Kit.table(
            [{ title: "Date", class: "date" }, { title: "Result", class: "num" }, { title: "Flag" }, { title: "Normal range" }, { title: "Status" }],
            values.map(function (x) {
              return {
                attrs: x.v.flag ? { class: "abnormal" } : {},
                cells: [
                  fmt(x.r.date),
                  el("span", { class: x.v.flag ? "flag" : "" }, x.v.text),
                  x.v.flag ? el("span", { class: "flag" }, x.v.flag === "high" ? "H ↑" : "L ↓") : "",
                  Kit.rangeText(x.v),
                  Kit.codeText(x.r.labStatus),
                ],
              };
            })
          )
        );
        main.appendChild(card);
      });
      main.appendChild(Kit.legend([{ class: "normal", label: "normal range" }, { class: "flagged", label: "outside the normal range" }]));
    });
  });
})();
