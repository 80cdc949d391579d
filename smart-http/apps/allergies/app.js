/*
 * Allergies and immunizations: allergies with the allergen, reaction, severity and
 * category; the "no known allergies" statements (sp:AllergyExclusion); the immunization
 * history with product, vaccine class, status and any refusal reason.
 */
(function () {
  "use strict";
  var el = Kit.el;
  var fmt = SmartConnect.formatDate;
  var list = SmartConnect.list;

  function allergiesCard(smart, card) {
    return smart.get_allergies().then(function (r) {
      var allergies = r.statements.slice().sort(Kit.byDateDesc("startDate"));
      var exclusions = r.graph ? r.graph.objects("sp:AllergyExclusion") : [];
      exclusions.forEach(function (x) {
        card.appendChild(
          el("p", { class: "nka" }, [
            el("strong", {}, Kit.codeText(x.allergyExclusionName) || "No known allergies"),
            x.date ? " — stated " + fmt(x.date) : "",
            Kit.codeBadge(x.allergyExclusionName),
          ])
        );
      });
      if (!allergies.length) {
        if (!exclusions.length) {
          card.appendChild(Kit.empty("No allergies recorded"));
        }
        return;
      }
      card.appendChild(
        Kit.table(
          [
            { title: "Allergen" },
            { title: "Category" },
            { title: "Reaction" },
            { title: "Severity" },
            { title: "Since", class: "date" },
            { title: "Until", class: "date" },
          ],
          allergies.map(function (a) {
            var allergen = a.drugAllergen || a.drugClassAllergen || a.otherAllergen;
            var severity = Kit.codeText(a.severity);
            return [
              [Kit.codeText(allergen) || "Unknown allergen", Kit.codeBadge(allergen)],
              Kit.codeText(a.category),
              Kit.codeText(a.allergicReaction),
              severity ? el("span", { class: "status " + severity.toLowerCase() }, severity) : "",
              fmt(a.startDate),
              fmt(a.endDate),
            ];
          }),
          { id: "allergies" }
        )
      );
    });
  }

  function immunizationsCard(smart, card) {
    return smart.get_immunizations().then(function (r) {
      var shots = r.statements.slice().sort(Kit.byDateDesc("date"));
      if (!shots.length) {
        card.appendChild(Kit.empty("No immunizations recorded"));
        return;
      }
      card.appendChild(
        Kit.table(
          [{ title: "Date", class: "date" }, { title: "Vaccine" }, { title: "Class" }, { title: "Status" }, { title: "Refusal reason" }],
          shots.map(function (i) {
            return [
              fmt(i.date),
              [Kit.codeText(i.productName), Kit.codeBadge(i.productName)],
              list(i.productClass).map(Kit.codeText).join(", "),
              Kit.codeText(i.administrationStatus),
              Kit.codeText(i.refusalReason),
            ];
          }),
          { id: "immunizations" }
        )
      );
    });
  }

  Kit.start(function (smart, main) {
    var a = Kit.section("Allergies", [], { id: "allergies-card" });
    var i = Kit.section("Immunizations", [], { id: "immunizations-card" });
    main.appendChild(a);
    main.appendChild(i);
    return Promise.all([Kit.soft(allergiesCard(smart, a), a), Kit.soft(immunizationsCard(smart, i), i)]);
  });
})();
