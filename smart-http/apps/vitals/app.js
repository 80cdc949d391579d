/*
 * Vitals and growth: blood pressure, heart rate, weight and BMI over time, every vital
 * sign set in a table, and for patients under 20 the growth charts (length/height, weight
 * and BMI for age) with percentile bands from the WHO Child Growth Standards (under 2
 * years) and the CDC 2000 growth charts (2 to 20 years), shipped in /growth/.
 *
 * Percentiles from the LMS parameters: z = ((X/M)^L - 1) / (L*S) (ln(X/M)/S when L = 0),
 * percentile = Φ(z); the value at a percentile with quantile z is M * (1 + L*S*z)^(1/L).
 */
(function () {
  "use strict";
  var el = Kit.el;
  var fmt = SmartConnect.formatDate;
  var DAY = 864e5;
  var MONTH = 30.4375 * DAY;

  // ---------------------------------------------------------------- growth references

  /** Φ(z): the standard normal CDF (Abramowitz and Stegun 7.1.26, error < 1.5e-7). */
  function phi(z) {
    var t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
    var y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
    return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
  }

  function zOf(x, lms) {
    return lms.L === 0 ? Math.log(x / lms.M) / lms.S : (Math.pow(x / lms.M, lms.L) - 1) / (lms.L * lms.S);
  }

  function valueAt(z, lms) {
    return lms.L === 0 ? lms.M * Math.exp(lms.S * z) : lms.M * Math.pow(1 + lms.L * lms.S * z, 1 / lms.L);
  }

  var MEASURES = {
    height: { who: "lhfa_{sex}_0_5_zscores.json", cdc: "lhfa_{sex}_2_20_zscores.cdc.json", title: "Length/height for age", unit: "cm" },
    weight: { who: "wfa_{sex}_0_5_zscores.json", cdc: "wfa_{sex}_2_20_zscores.cdc.json", title: "Weight for age", unit: "kg" },
    bmi: { who: "bmifa_{sex}_0_2_zscores.json", cdc: "bmifa_{sex}_2_20_zscores.cdc.json", title: "BMI for age", unit: "kg/m²" },
  };

  var tableCache = {};
  function loadTable(file) {
    if (!tableCache[file]) {
      tableCache[file] = fetch("/growth/" + file).then(function (r) {
        if (!r.ok) {
          throw new Error("the growth table " + file + " could not be loaded (HTTP " + r.status + ")");
        }
        return r.json().then(function (rows) {
          var out = [];
          rows.forEach(function (row) {
            var m = Number(row.Month);
            // The WHO length/height table repeats month 24 (length, then height): keep the first.
            if (!out.length || out[out.length - 1].month !== m) {
              out.push({ month: m, L: Number(row.L), M: Number(row.M), S: Number(row.S) });
            }
          });
          return out;
        });
      });
    }
    return tableCache[file];
  }

  /** The reference for one measure and sex: lms(month) from WHO (< 24) or CDC (>= 24). */
  function reference(measure, sex) {
    var spec = MEASURES[measure];
    var s = sex === "female" ? "girls" : "boys";
    return Promise.all([loadTable(spec.who.replace("{sex}", s)), loadTable(spec.cdc.replace("{sex}", s))]).then(function (t) {
      function interpolate(rows, month) {
        if (month <= rows[0].month) {
          return rows[0];
        }
        for (var i = 1; i < rows.length; i++) {
          if (rows[i].month >= month) {
            var a = rows[i - 1];
            var b = rows[i];
            var f = (month - a.month) / (b.month - a.month);
            return { L: a.L + f * (b.L - a.L), M: a.M + f * (b.M - a.M), S: a.S + f * (b.S - a.S) };
          }
        }
        return null;
      }
      return {
        lms: function (month) {
          if (month < 0 || month > 240) {
            return null;
          }
          return month < 24 ? interpolate(t[0], month) : interpolate(t[1], month);
        },
        source: function (month) {
          return month < 24 ? "WHO" : "CDC";
        },
      };
    });
  }

  var Z = { p3: -1.880794, p15: -1.036433, p50: 0, p85: 1.036433, p97: 1.880794 };

  function growthChart(measure, points, ref) {
    var months = points.map(function (p) {
      return p.x;
    });
    var lo = Math.max(0, Math.floor(Math.min.apply(null, months) - 6));
    var hi = Math.min(240, Math.ceil(Math.max.apply(null, months) + 6));
    var curve = function (z) {
      var out = [];
      for (var m = lo; m <= hi; m += hi - lo > 60 ? 2 : 1) {
        var lms = ref.lms(m);
        if (lms) {
          out.push({ x: m, y: valueAt(z, lms) });
        }
      }
      return out;
    };
    var spec = MEASURES[measure];
    return Kit.chart({
      title: spec.title,
      x: "number",
      xDomain: [lo, hi],
      xLabel: "age (years)",
      xTickLabel: function (m) {
        return Kit.num(m / 12, 1);
      },
      yLabel: spec.unit,
      bands: [
        { class: "outer", label: "3rd–97th percentile", lower: curve(Z.p3), upper: curve(Z.p97) },
        { class: "inner", label: "15th–85th percentile", lower: curve(Z.p15), upper: curve(Z.p85) },
      ],
      lines: [{ class: "median", label: "50th", points: curve(Z.p50) }],
      series: [{ name: "patient", class: "patient", points: points }],
    });
  }

  function ordinal(n) {
    var s = ["th", "st", "nd", "rd"];
    var v = n % 100;
    return n + (s[(v - 20) % 10] || s[v] || s[0]);
  }

  // ---------------------------------------------------------------- the page

  function val(v) {
    return v && v.value !== undefined && !isNaN(Number(v.value)) ? Number(v.value) : null;
  }

  function series(sets, pick, label) {
    return sets
      .map(function (s) {
        var y = pick(s);
        var d = SmartConnect.date(s.date);
        return y === null || !d ? null : { x: d.getTime(), y: y, label: fmt(s.date) + ": " + Kit.num(y) + (label ? " " + label : "") };
      })
      .filter(Boolean);
  }

  function trendCard(title, id, seriesList, yLabel, legendItems) {
    var pts = seriesList.reduce(function (n, s) {
      return n + s.points.length;
    }, 0);
    var card = Kit.section(title, [], { id: id });
    if (!pts) {
      card.appendChild(Kit.empty("No " + title.toLowerCase() + " recorded"));
      return card;
    }
    card.appendChild(Kit.chart({ title: title, x: "time", series: seriesList, yLabel: yLabel }));
    if (legendItems) {
      card.appendChild(Kit.legend(legendItems));
    }
    return card;
  }

  Kit.start(function (smart, main) {
    return Promise.all([smart.get_demographics(), smart.get_vital_sign_sets()]).then(function (answers) {
      var demo = answers[0].statements[0] || {};
      var sets = answers[1].statements.slice().sort(function (a, b) {
        return fmt(a.date) < fmt(b.date) ? -1 : fmt(a.date) > fmt(b.date) ? 1 : 0;
      });
      if (!sets.length) {
        main.appendChild(Kit.section("Vital signs", [Kit.empty("No vital signs recorded")], { id: "vitals-card", class: "wide" }));
        return;
      }
      var bp = function (part) {
        return function (s) {
          return s.bloodPressure ? val(s.bloodPressure[part]) : null;
        };
      };
      main.appendChild(
        trendCard(
          "Blood pressure",
          "bp-card",
          [
            { name: "systolic", points: series(sets, bp("systolic"), "mmHg systolic") },
            { name: "diastolic", points: series(sets, bp("diastolic"), "mmHg diastolic") },
          ],
          "mmHg"
        )
      );
      main.appendChild(trendCard("Heart rate", "hr-card", [{ points: series(sets, function (s) {
        return val(s.heartRate);
      }, "/min") }], "beats/min"));
      main.appendChild(trendCard("Weight", "weight-card", [{ points: series(sets, function (s) {
        return val(s.weight);
      }, "kg") }], "kg"));
      main.appendChild(trendCard("BMI", "bmi-card", [{ points: series(sets, function (s) {
        return val(s.bodyMassIndex);
      }, "kg/m²") }], "kg/m²"));

      var birth = SmartConnect.date(demo.bday);
      var growth = Kit.section("Growth charts", [], { id: "growth-card", class: "wide" });
      var growthDone = Promise.resolve();
      var ageMonths = function (s) {
        var d = SmartConnect.date(s.date);
        return birth && d ? (d.getTime() - birth.getTime()) / MONTH : null;
      };
      var child = sets.filter(function (s) {
        var m = ageMonths(s);
        return m !== null && m >= 0 && m <= 240;
      });
      if (!birth || (demo.gender !== "male" && demo.gender !== "female")) {
        growth.appendChild(Kit.empty("Growth charts need the patient's sex and date of birth"));
      } else if (!child.length) {
        growth.appendChild(Kit.empty("No measurements before age 20: growth charts are for children and adolescents"));
      } else {
        var pick = {
          height: function (s) {
            return val(s.height);
          },
          weight: function (s) {
            return val(s.weight);
          },
          bmi: function (s) {
            var b = val(s.bodyMassIndex);
            var h = val(s.height);
            var w = val(s.weight);
            return b !== null ? b : h && w ? w / Math.pow(h / 100, 2) : null;
          },
        };
        var latestRows = [];
        growthDone = Promise.all(
          ["height", "weight", "bmi"].map(function (measure) {
            var holder = el("div", { class: "growth", id: "growth-" + measure }, [el("h3", {}, MEASURES[measure].title)]);
            growth.appendChild(holder);
            return reference(measure, demo.gender).then(function (ref) {
              var points = child
                .map(function (s) {
                  var y = pick[measure](s);
                  var m = ageMonths(s);
                  if (y === null) {
                    return null;
                  }
                  var lms = ref.lms(m);
                  var pct = lms ? Math.round(100 * phi(zOf(y, lms))) : null;
                  pct = pct === null ? null : Math.min(99, Math.max(1, pct));
                  return {
                    x: m,
                    y: y,
                    date: s.date,
                    pct: pct,
                    source: ref.source(m),
                    label: fmt(s.date) + ": " + Kit.num(y) + " " + MEASURES[measure].unit + (pct ? " (" + ordinal(pct) + " percentile)" : ""),
                  };
                })
                .filter(Boolean);
              if (!points.length) {
                holder.appendChild(Kit.empty("No " + MEASURES[measure].title.split(" ")[0].toLowerCase() + " measurements"));
                return;
              }
              holder.appendChild(growthChart(measure, points, ref));
              var last = points[points.length - 1];
              latestRows.push({
                order: ["height", "weight", "bmi"].indexOf(measure),
                cells: [
                  MEASURES[measure].title,
                  Kit.num(last.y) + " " + MEASURES[measure].unit,
                  fmt(last.date),
                  "age " + Kit.num(last.x / 12, 1),
                  last.pct ? ordinal(last.pct) + " percentile" : "",
                  last.source,
                ],
              });
            });
          })
        ).then(function () {
          growth.insertBefore(
            Kit.legend([
              { class: "outer", label: "3rd–97th percentile" },
              { class: "inner", label: "15th–85th percentile" },
              { class: "median", label: "median" },
              { class: "patient", label: "the patient" },
            ]),
            growth.children[1]
          );
          latestRows.sort(function (a, b) {
            return a.order - b.order;
          });
          growth.insertBefore(
            Kit.table(
              [{ title: "Measure" }, { title: "Latest", class: "num" }, { title: "Date", class: "date" }, { title: "Age" }, { title: "Percentile" }, { title: "Reference" }],
              latestRows.map(function (r) {
                return r.cells;
              }),
              { id: "percentiles" }
            ),
            growth.children[1]
          );
          growth.appendChild(
            el("p", { class: "muted" }, "References: WHO Child Growth Standards (birth to 2 years), CDC 2000 growth charts (2 to 20 years). Bands are computed from the published LMS parameters.")
          );
        });
      }
      // For a child the growth charts come first; for an adult, after the trends.
      if (child.length) {
        main.insertBefore(growth, main.firstChild);
      } else {
        main.appendChild(growth);
      }

      var rows = sets
        .slice()
        .reverse()
        .map(function (s) {
          var b = s.bloodPressure;
          return [
            fmt(s.date),
            b && b.systolic && b.diastolic ? Kit.num(b.systolic.value, 0) + "/" + Kit.num(b.diastolic.value, 0) : "",
            val(s.heartRate) === null ? "" : Kit.num(val(s.heartRate), 0),
            val(s.respiratoryRate) === null ? "" : Kit.num(val(s.respiratoryRate), 0),
            val(s.temperature) === null ? "" : Kit.num(val(s.temperature), 1),
            val(s.height) === null ? "" : Kit.num(val(s.height)),
            val(s.weight) === null ? "" : Kit.num(val(s.weight)),
            val(s.bodyMassIndex) === null ? "" : Kit.num(val(s.bodyMassIndex)),
          ];
        });
      main.appendChild(
        Kit.section(
          "All vital sign sets",
          [
            Kit.table(
              [
                { title: "Date", class: "date" },
                { title: "BP (mmHg)", class: "num" },
                { title: "HR (/min)", class: "num" },
                { title: "RR (/min)", class: "num" },
                { title: "Temp (°C)", class: "num" },
                { title: "Height (cm)", class: "num" },
                { title: "Weight (kg)", class: "num" },
                { title: "BMI", class: "num" },
              ],
              rows,
              { id: "sets" }
            ),
          ],
          { id: "sets-card", class: "wide" }
        )
      );
      return growthDone;
    });
  });
})();
