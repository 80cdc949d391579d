/*
 * Patient summary ("face sheet"): demographics, allergies, active problems, current
 * medications, the last vital signs and recent lab results, on one page.
 */
(function () {
  "use strict";
  var el = Kit.el;
  var fmt = SmartConnect.formatDate;
  var list = SmartConnect.list;

  function demographicsCard(smart, card) {
    return smart.get_demographics().then(function (r) {
      var d = r.statements[0];
      if (!d) {
        card.appendChild(Kit.empty("No demographics recorded"));
        return;
      }
      var n = d.n || {};
      var name = [list(n.honorificPrefix).join(" "), n.givenName, list(n.additionalName).join(" "), n.familyName]
        .filter(Boolean)
        .join(" ");
      var facts = [
        ["Name", name],
        ["Sex", d.gender || ""],
        ["Born", d.bday ? fmt(d.bday) + " (age " + SmartConnect.age(d.bday) + ")" : ""],
      ];
      if (d.deathdate) {
        facts.push(["Died", fmt(d.deathdate)]);
      }
      list(d.medicalRecordNumber).forEach(function (mrn) {
        facts.push(["Record number", (mrn.identifier || "") + (mrn.system ? " (" + mrn.system + ")" : "")]);
      });
      list(d.adr).forEach(function (a) {
        var line = [a.streetAddress, a.extendedAddress, a.locality, a.region, a.postalCode, a.countryName || a.country]
          .filter(Boolean)
          .join(", ");
        if (line) {
          facts.push(["Address", line]);
        }
      });
      list(d.tel).forEach(function (t) {
        if (t.value) {
          facts.push(["Phone", String(t.value)]);
        }
      });
      if (d.preferredLanguage) {
        facts.push(["Language", d.preferredLanguage]);
      }
      if (d.race || d.ethnicity) {
        facts.push(["Race / ethnicity", [d.race, d.ethnicity].filter(Boolean).join(" / ")]);
      }
      card.appendChild(
        el(
          "dl",
          { class: "facts", id: "demographics" },
          facts.reduce(function (acc, f) {
            return acc.concat([el("dt", {}, f[0]), el("dd", {}, f[1])]);
          }, [])
        )
      );
    });
  }

  function allergiesCard(smart, card) {
    return smart.get_allergies().then(function (r) {
      var allergies = r.statements.filter(function (a) {
        return Kit.isCurrent(a);
      });
      var exclusions = r.graph ? r.graph.objects("sp:AllergyExclusion") : [];
      if (!allergies.length) {
        card.appendChild(
          exclusions.length
            ? el("p", { class: "nka" }, exclusions.map(function (x) {
                return Kit.codeText(x.allergyExclusionName) + (x.date ? " (" + fmt(x.date) + ")" : "");
              }).join("; "))
            : Kit.empty("No allergies recorded")
        );
        return;
      }
      card.appendChild(
        el(
          "ul",
          { id: "allergies" },
          allergies.map(function (a) {
            var allergen = a.drugAllergen || a.drugClassAllergen || a.otherAllergen;
            return el("li", {}, [
              el("strong", {}, Kit.codeText(allergen) || "Unknown allergen"),
              " — " + Kit.codeText(a.allergicReaction),
              a.severity ? el("span", { class: "status " + String(Kit.codeText(a.severity)).toLowerCase() }, Kit.codeText(a.severity)) : null,
            ]);
          })
        )
      );
    });
  }

  function problemsCard(smart, card) {
    return smart.get_problems().then(function (r) {
      var active = r.statements.filter(function (p) {
        return Kit.isCurrent(p);
      }).sort(Kit.byDateDesc("startDate"));
      if (!active.length) {
        card.appendChild(Kit.empty(r.statements.length ? "No active problems" : "No problems recorded"));
        return;
      }
      card.appendChild(
        Kit.table(
          [{ title: "Problem" }, { title: "Since", class: "date" }],
          active.map(function (p) {
            return [[Kit.codeText(p.problemName), Kit.codeBadge(p.problemName)], fmt(p.startDate)];
          }),
          { id: "problems" }
        )
      );
    });
  }

  function medicationsCard(smart, card) {
    return smart.get_medications().then(function (r) {
      var current = r.statements.filter(function (m) {
        return Kit.isCurrent(m);
      }).sort(Kit.byDateDesc("startDate"));
      if (!current.length) {
        card.appendChild(Kit.empty(r.statements.length ? "No current medications" : "No medications recorded"));
        return;
      }
      card.appendChild(
        Kit.table(
          [{ title: "Medication" }, { title: "Instructions" }, { title: "Since", class: "date" }],
          current.map(function (m) {
            return [Kit.codeText(m.drugName), m.instructions || "", fmt(m.startDate)];
          }),
          { id: "medications" }
        )
      );
    });
  }

  var VITALS = [
    ["heartRate", "Heart rate"],
    ["respiratoryRate", "Respiratory rate"],
    ["temperature", "Temperature"],
    ["oxygenSaturation", "O₂ saturation"],
    ["height", "Height"],
    ["weight", "Weight"],
    ["bodyMassIndex", "BMI"],
    ["headCircumference", "Head circumference"],
  ];

  function unitText(u) {
    return { "{beats}/min": "/min", "{breaths}/min": "/min", Cel: "°C", "%{HemoglobinSaturation}": "%", "kg/m2": "kg/m²" }[u] || u;
  }

  function vitalsCard(smart, card) {
    return smart.get_vital_sign_sets().then(function (r) {
      var sets = r.statements.slice().sort(Kit.byDateDesc("date"));
      var last = sets[0];
      if (!last) {
        card.appendChild(Kit.empty("No vital signs recorded"));
        return;
      }
      var facts = [["Taken", fmt(last.date)]];
      var bp = last.bloodPressure;
      if (bp && bp.systolic && bp.diastolic) {
        facts.push(["Blood pressure", Kit.num(bp.systolic.value, 0) + "/" + Kit.num(bp.diastolic.value, 0) + " mmHg"]);
      }
      VITALS.forEach(function (v) {
        var x = last[v[0]];
        if (x && x.value !== undefined) {
          facts.push([v[1], Kit.num(x.value) + " " + unitText(x.unit)]);
        }
      });
      card.appendChild(
        el(
          "dl",
          { class: "facts", id: "vitals" },
          facts.reduce(function (acc, f) {
            return acc.concat([el("dt", {}, f[0]), el("dd", {}, f[1])]);
          }, [])
        )
      );
    });
  }

  function labsCard(smart, card) {
    return smart.page("get_lab_results", 12, 0).then(function (r) {
      var labs = r.statements.slice().sort(Kit.byDateDesc("date"));
      if (!labs.length) {
        card.appendChild(Kit.empty("No lab results recorded"));
        return;
      }
      card.appendChild(
        Kit.table(
          [{ title: "Test" }, { title: "Result", class: "num" }, { title: "Normal range" }, { title: "Date", class: "date" }],
          labs.map(function (l) {
            var v = Kit.labValue(l);
            return {
              attrs: v.flag ? { class: "abnormal" } : {},
              cells: [
                Kit.codeText(l.labName),
                el("span", { class: v.flag ? "flag" : "" }, v.text + (v.flag === "high" ? " ↑" : v.flag === "low" ? " ↓" : "")),
                Kit.rangeText(v),
                fmt(l.date),
              ],
            };
          }),
          { id: "labs" }
        )
      );
      if (r.summary && r.summary.totalResultCount > labs.length) {
        card.appendChild(el("p", { class: "muted" }, "The " + labs.length + " most recent of " + r.summary.totalResultCount + " results."));
      }
    });
  }

  Kit.start(function (smart, main) {
    var cards = [
      ["Demographics", demographicsCard, "demographics-card"],
      ["Allergies", allergiesCard, "allergies-card"],
      ["Active problems", problemsCard, "problems-card"],
      ["Current medications", medicationsCard, "medications-card"],
      ["Last vital signs", vitalsCard, "vitals-card"],
      ["Recent lab results", labsCard, "labs-card"],
    ];
    return Promise.all(
      cards.map(function (c) {
        var card = Kit.section(c[0], [], { id: c[2] });
        main.appendChild(card);
        return Kit.soft(c[1](smart, card), card);
      })
    );
  });
})();
