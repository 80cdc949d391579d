/*
 * Preferences and scratchpad: the two SMART storage calls side by side.
 * - Preferences belong to the user and this app, whatever the patient: stored as JSON
 *   with smart.preferences.set({...}) (PUT .../users/{user}/apps/{app}/preferences).
 * - The scratchpad belongs to the record and this app, whoever the user: stored as text
 *   with smart.scratchpad.set("...") (PUT .../records/{record}/apps/{app}/scratchpad).
 */
(function () {
  "use strict";
  var el = Kit.el;

  function status(box, text, isError) {
    box.textContent = text;
    box.className = isError ? "error-inline" : "muted";
  }

  function stored(pre, text) {
    pre.textContent = text ? text : "(nothing stored)";
  }

  Kit.start(function (smart, main) {
    var prefStatus = el("p", { id: "pref-status", role: "status", class: "muted" });
    var prefRaw = el("pre", { id: "pref-raw", class: "raw" });
    var units = el("select", { id: "pref-units", name: "units" }, [
      el("option", { value: "metric" }, "metric (kg, cm)"),
      el("option", { value: "imperial" }, "imperial (lb, in)"),
    ]);
    var codes = el("input", { id: "pref-codes", type: "checkbox", name: "codes" });
    var greeting = el("input", { id: "pref-greeting", type: "text", name: "greeting", maxlength: "200", placeholder: "e.g. Good morning" });
    var prefCard = Kit.section("Your preferences", [
      el("p", { class: "muted" }, "Stored for you (" + (smart.user.full_name || smart.user.id) + ") and this app, on every patient."),
      el("label", { for: "pref-units" }, "Units"),
      units,
      el("label", { for: "pref-codes" }, [codes, " show codes next to names"]),
      el("label", { for: "pref-greeting" }, "Greeting"),
      greeting,
      el("p", {}, [
        el("button", { type: "button", class: "primary", id: "pref-save" }, "Save preferences"),
        " ",
        el("button", { type: "button", class: "secondary", id: "pref-clear" }, "Clear"),
      ]),
      prefStatus,
      el("h3", {}, "Stored value"),
      prefRaw,
    ], { id: "preferences-card" });

    var padStatus = el("p", { id: "pad-status", role: "status", class: "muted" });
    var padRaw = el("pre", { id: "pad-raw", class: "raw" });
    var pad = el("textarea", { id: "pad-text", name: "scratchpad", maxlength: "100000", placeholder: "Notes this app keeps with the record" });
    var padCard = Kit.section("Scratchpad for this record", [
      el("p", { class: "muted" }, "Stored with " + (smart.record.full_name || smart.record.id) + "'s record for this app; every user of the app sees it."),
      pad,
      el("p", {}, [
        el("button", { type: "button", class: "primary", id: "pad-save" }, "Save scratchpad"),
        " ",
        el("button", { type: "button", class: "secondary", id: "pad-clear" }, "Clear"),
      ]),
      padStatus,
      el("h3", {}, "Stored value"),
      padRaw,
    ], { id: "scratchpad-card" });
    main.appendChild(prefCard);
    main.appendChild(padCard);

    function showPrefs(text) {
      stored(prefRaw, text);
      var p = {};
      try {
        p = text ? JSON.parse(text) : {};
      } catch (e) {
        status(prefStatus, "The stored preferences are not JSON; saving replaces them.", true);
      }
      units.value = p.units === "imperial" ? "imperial" : "metric";
      codes.checked = !!p.showCodes;
      greeting.value = typeof p.greeting === "string" ? p.greeting : "";
    }

    document.getElementById("pref-save").addEventListener("click", function () {
      status(prefStatus, "Saving…");
      var value = { units: units.value, showCodes: codes.checked, greeting: greeting.value };
      smart.preferences.set(value).then(function (echo) {
        showPrefs(echo);
        status(prefStatus, "Preferences saved.");
      }, function (e) {
        status(prefStatus, e.message, true);
      });
    });
    document.getElementById("pref-clear").addEventListener("click", function () {
      smart.preferences.remove().then(function () {
        showPrefs("");
        status(prefStatus, "Preferences cleared.");
      }, function (e) {
        status(prefStatus, e.message, true);
      });
    });
    document.getElementById("pad-save").addEventListener("click", function () {
      status(padStatus, "Saving…");
      smart.scratchpad.set(pad.value).then(function (echo) {
        stored(padRaw, echo);
        status(padStatus, "Scratchpad saved.");
      }, function (e) {
        status(padStatus, e.message, true);
      });
    });
    document.getElementById("pad-clear").addEventListener("click", function () {
      smart.scratchpad.remove().then(function () {
        pad.value = "";
        stored(padRaw, "");
        status(padStatus, "Scratchpad cleared.");
      }, function (e) {
        status(padStatus, e.message, true);
      });
    });

    return Promise.all([
      Kit.soft(smart.preferences.get().then(showPrefs), prefCard),
      Kit.soft(
        smart.scratchpad.get().then(function (text) {
          pad.value = text;
          stored(padRaw, text);
        }),
        padCard
      ),
    ]);
  });
})();
