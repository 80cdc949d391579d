/*
 * smart-connect.js: the SMART Connect client library of smart-rs (SMART Classic 0.6).
 *
 * A classic script with no dependencies and no build step. Load it first in an app page
 * that a SMART container shows in a frame:
 *
 *   <script src="/lib/smart-connect.js"></script>
 *   <script src="app.js"></script>
 *
 * and in app.js:
 *
 *   SmartConnect.ready().then(function (smart) {
 *     smart.context.record.full_name;                 // who the app was launched for
 *     return smart.get_medications();
 *   }).then(function (response) {
 *     response.statements.forEach(function (m) {      // plain objects, see below
 *       console.log(m.drugName.title, m.drugName.code, m.startDate);
 *     });
 *   }).catch(function (e) {
 *     show(e.message);                                 // SmartConnect.ApiError or ConnectError
 *   });
 *
 * What it does:
 * - the channel handshake of the SMART Connect protocol: "procure_channel", the
 *   app_instance_uuid answer, the jschannel wire format (JSON strings scoped
 *   "<uuid>::<method>"), the __ready ping/pong, and the container's `ready` call that
 *   pushes {context, uuid, manifest, ready_data};
 * - one method per API call of the catalog (smart.get_medications, smart.post_clinical_note,
 *   ...), each returning a Promise of a Response (see `CALLS` below);
 * - RDF/XML answers parsed with DOMParser into a Graph, and the statements of the call's
 *   class into plain objects (`response.statements`);
 * - paging (smart.page, smart.all), preferences and scratchpad helpers;
 * - errors as SmartConnect.ApiError (an HTTP error of a call: status, call name, the
 *   server's message) and SmartConnect.ConnectError (no container, no `ready` in time).
 *
 * Plain objects: every statement of the call's class becomes an object with `id` (its
 * IRI), `type` (the local name of its sp: class) and one key per property, named by the
 * property's local name in camelCase (`drugName`, `startDate`, `givenName`). Values:
 * - a coded value (sp:CodedValue) becomes {title, code, system, uri};
 * - a value and unit (sp:ValueAndUnit, sp:VitalSign) becomes {value (a number), unit,
 *   text} (a vital sign keeps its coded `vitalName`);
 * - a date property (date, startDate, endDate, bday, deathdate) stays an ISO string;
 *   SmartConnect.date(s) gives a Date (UTC) and SmartConnect.formatDate(s) "2012-05-01";
 * - any other node is converted the same way, recursively; a node linked twice is the
 *   same object (a medication's fulfillments point back at the medication);
 * - a property with several values is an array; SmartConnect.list(v) always gives one.
 *
 * Written from the SMART Connect protocol specification; no code of the original client.
 * License: the project's license.
 */
(function (global) {
  "use strict";

  var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
  var SP = "http://smartplatforms.org/terms#";
  var API = "http://smartplatforms.org/terms/api#";
  var PREFIXES = {
    rdf: RDF,
    sp: SP,
    api: API,
    dcterms: "http://purl.org/dc/terms/",
    foaf: "http://xmlns.com/foaf/0.1/",
    v: "http://www.w3.org/2006/vcard/ns#",
    spcode: "http://smartplatforms.org/terms/codes/",
    rdfs: "http://www.w3.org/2000/01/rdf-schema#",
  };

  /* BEGIN CALLS (checked against smart-core's catalog by a Rust test: keep one per line)
   * [method name, HTTP method, path template, sp: class of the answer] */
  var CALLS = [
    ["get_container_manifest", "GET", "/manifest", "ContainerManifest"],
    ["get_ontology", "GET", "/ontology", "Ontology"],
    ["get_app_manifests", "GET", "/apps/manifests/", "AppManifest"],
    ["get_app_manifest", "GET", "/apps/{descriptor}/manifest", "AppManifest"],
    ["search_records", "GET", "/records/search", "Demographics"],
    ["search_users", "GET", "/users/search", "User"],
    ["get_user", "GET", "/users/{user_id}", "User"],
    ["get_allergies", "GET", "/records/{record_id}/allergies/", "Allergy"],
    ["get_allergy", "GET", "/records/{record_id}/allergies/{allergy_id}", "Allergy"],
    ["get_clinical_notes", "GET", "/records/{record_id}/clinical_notes/", "ClinicalNote"],
    ["post_clinical_note", "POST", "/records/{record_id}/clinical_notes/", "ClinicalNote"],
    ["get_clinical_note", "GET", "/records/{record_id}/clinical_notes/{clinical_note_id}", "ClinicalNote"],
    ["get_demographics", "GET", "/records/{record_id}/demographics", "Demographics"],
    ["get_documents", "GET", "/records/{record_id}/documents/", "Document"],
    ["get_document", "GET", "/records/{record_id}/documents/{document_id}", "Document"],
    ["get_encounters", "GET", "/records/{record_id}/encounters/", "Encounter"],
    ["get_encounter", "GET", "/records/{record_id}/encounters/{encounter_id}", "Encounter"],
    ["get_family_history_observations", "GET", "/records/{record_id}/family_history/", "FamilyHistory"],
    ["get_family_history_observation", "GET", "/records/{record_id}/family_history/{family_history_id}", "FamilyHistory"],
    ["get_fulfillments", "GET", "/records/{record_id}/fulfillments/", "Fulfillment"],
    ["get_fulfillment", "GET", "/records/{record_id}/fulfillments/{fulfillment_id}", "Fulfillment"],
    ["get_imaging_studies", "GET", "/records/{record_id}/imaging_studies/", "ImagingStudy"],
    ["get_imaging_study", "GET", "/records/{record_id}/imaging_studies/{imaging_study_id}", "ImagingStudy"],
    ["get_immunizations", "GET", "/records/{record_id}/immunizations/", "Immunization"],
    ["get_immunization", "GET", "/records/{record_id}/immunizations/{immunization_id}", "Immunization"],
    ["get_lab_panels", "GET", "/records/{record_id}/lab_panels/", "LabPanel"],
    ["get_lab_panel", "GET", "/records/{record_id}/lab_panels/{lab_panel_id}", "LabPanel"],
    ["get_lab_results", "GET", "/records/{record_id}/lab_results/", "LabResult"],
    ["get_lab_result", "GET", "/records/{record_id}/lab_results/{lab_result_id}", "LabResult"],
    ["get_medical_images", "GET", "/records/{record_id}/medical_images/", "MedicalImage"],
    ["get_medical_image", "GET", "/records/{record_id}/medical_images/{medical_image_id}", "MedicalImage"],
    ["get_medications", "GET", "/records/{record_id}/medications/", "Medication"],
    ["get_medication", "GET", "/records/{record_id}/medications/{medication_id}", "Medication"],
    ["get_photograph", "GET", "/records/{record_id}/photograph", "Photograph"],
    ["get_problems", "GET", "/records/{record_id}/problems/", "Problem"],
    ["get_problem", "GET", "/records/{record_id}/problems/{problem_id}", "Problem"],
    ["get_procedures", "GET", "/records/{record_id}/procedures/", "Procedure"],
    ["get_procedure", "GET", "/records/{record_id}/procedures/{procedure_id}", "Procedure"],
    ["get_scratchpad_data", "GET", "/records/{record_id}/apps/{smart_app_id}/scratchpad", "ScratchpadData"],
    ["put_scratchpad_data", "PUT", "/records/{record_id}/apps/{smart_app_id}/scratchpad", "ScratchpadData"],
    ["delete_scratchpad_data", "DELETE", "/records/{record_id}/apps/{smart_app_id}/scratchpad", "ScratchpadData"],
    ["get_social_history", "GET", "/records/{record_id}/social_history", "SocialHistory"],
    ["get_vital_sign_sets", "GET", "/records/{record_id}/vital_sign_sets/", "VitalSignSet"],
    ["get_vital_sign_set", "GET", "/records/{record_id}/vital_sign_sets/{vital_sign_set_id}", "VitalSignSet"],
    ["get_user_preferences", "GET", "/users/{user_id}/apps/{smart_app_id}/preferences", "UserPreferences"],
    ["put_user_preferences", "PUT", "/users/{user_id}/apps/{smart_app_id}/preferences", "UserPreferences"],
    ["delete_user_preferences", "DELETE", "/users/{user_id}/apps/{smart_app_id}/preferences", "UserPreferences"],
  ];
  /* END CALLS */

  /** How long the container has to send `ready` after the script runs (ms). */
  var READY_TIMEOUT_MS = 10000;

  // ------------------------------------------------------------------------- errors

  function makeError(name) {
    function E(message, fields) {
      var e = new Error(message);
      Object.setPrototypeOf(e, E.prototype);
      e.name = name;
      if (fields) {
        Object.keys(fields).forEach(function (k) {
          e[k] = fields[k];
        });
      }
      return e;
    }
    E.prototype = Object.create(Error.prototype);
    E.prototype.constructor = E;
    E.prototype.name = name;
    return E;
  }

  /**
   * A failed API call: `status` (the HTTP status, or a protocol error name such as
   * "method_not_found"), `call` (the method name), `detail` (the server's own message,
   * text), `contentType` and `data` (the raw answer).
   */
  var ApiError = makeError("ApiError");
  /** No container: the page is not framed, or no `ready` came in time. */
  var ConnectError = makeError("ConnectError");

  /** The server's explanation in an error answer (JSON {error}, or plain text). */
  function explain(message) {
    if (!message) {
      return "";
    }
    if (typeof message === "string") {
      return message;
    }
    var data = message.data;
    if (typeof data !== "string") {
      return JSON.stringify(message);
    }
    if (/json/.test(message.contentType || "")) {
      try {
        var j = JSON.parse(data);
        if (j && typeof j.error === "string") {
          return j.error;
        }
      } catch (ignored) {
        // fall through to the text
      }
    }
    if (/html/.test(message.contentType || "")) {
      data = data.replace(/<[^>]*>/g, " ");
    }
    return data.replace(/\s+/g, " ").trim().slice(0, 500);
  }

  function statusText(status) {
    var names = {
      400: "bad request",
      401: "not authorised",
      403: "forbidden",
      404: "not found",
      409: "conflict",
      413: "too large",
      415: "unsupported media type",
      500: "server error",
      502: "the container could not reach the API",
      503: "the service is unavailable",
    };
    return names[status] || "";
  }

  // ------------------------------------------------------------------------- channel

  /*
   * The app side of the SMART Connect channel. State lives in this closure: one page, one
   * channel (a reload of the page starts a new one, as the protocol expects).
   */
  var channel = {
    uuid: null,
    ready: false, // the __ready handshake is done
    gotReady: false,
    queue: [],
    pending: {},
    nextId: 1 + Math.floor(Math.random() * 1000000),
    listeners: {},
  };
  var readyState = { params: null, error: null, waiters: [] };

  function postString(object) {
    global.parent.postMessage(JSON.stringify(object), "*");
  }

  function send(object) {
    if (channel.ready) {
      postString(object);
    } else {
      channel.queue.push(object);
    }
  }

  function becomeReady() {
    channel.ready = true;
    var q = channel.queue;
    channel.queue = [];
    q.forEach(postString);
  }

  function settleReady() {
    var waiters = readyState.waiters;
    readyState.waiters = [];
    waiters.forEach(function (w) {
      if (readyState.params) {
        w.resolve(readyState.params);
      } else {
        w.reject(readyState.error);
      }
    });
  }

  function fail(error) {
    if (!readyState.params && !readyState.error) {
      readyState.error = error;
      settleReady();
    }
  }

  function onHostRequest(name, m) {
    if (name === "ready") {
      postString({ id: m.id, result: true });
      if (!readyState.params) {
        readyState.params = m.params || {};
        readyState.error = null;
        settleReady();
      }
    } else {
      postString({ id: m.id, error: "method_not_found", message: "the app has no method " + name });
    }
  }

  function onMessage(event) {
    if (event.source !== global.parent || typeof event.data !== "string") {
      return;
    }
    if (!channel.uuid) {
      var found = /^"app_instance_uuid=(.*)"$/.exec(event.data);
      if (found && found[1]) {
        channel.uuid = found[1];
        setTimeout(function () {
          postString({ method: channel.uuid + "::__ready", params: "ping" });
        }, 0);
      }
      return;
    }
    var m;
    try {
      m = JSON.parse(event.data);
    } catch (ignored) {
      return;
    }
    if (!m || typeof m !== "object") {
      return;
    }
    if (typeof m.method === "string") {
      var parts = m.method.split("::");
      if (parts.length !== 2 || parts[0] !== channel.uuid) {
        return;
      }
      if (parts[1] === "__ready") {
        if (!channel.gotReady) {
          channel.gotReady = true;
          if (m.params === "ping") {
            postString({ method: channel.uuid + "::__ready", params: "pong" });
          }
          becomeReady();
        }
      } else if (m.id) {
        onHostRequest(parts[1], m);
      } else {
        (channel.listeners[parts[1]] || []).forEach(function (cb) {
          try {
            cb(m.params);
          } catch (e) {
            setTimeout(function () {
              throw e;
            }, 0);
          }
        });
      }
      return;
    }
    if (m.id && channel.pending[m.id]) {
      var done = channel.pending[m.id];
      delete channel.pending[m.id];
      done(m);
    }
  }

  /** A request to the container; resolves with the raw reply {result} or {error, message}. */
  function request(name, params) {
    return new Promise(function (resolve) {
      var id = ++channel.nextId;
      channel.pending[id] = resolve;
      var m = { id: id, method: channel.uuid + "::" + name };
      if (params !== undefined) {
        m.params = params;
      }
      send(m);
    });
  }

  function start() {
    if (global.top === global.self) {
      fail(
        new ConnectError(
          "this page is a SMART app: open it from a SMART container (it is not inside a container's frame)"
        )
      );
      return;
    }
    global.addEventListener("message", onMessage);
    global.parent.postMessage(JSON.stringify("procure_channel"), "*");
    setTimeout(function () {
      fail(
        new ConnectError(
          "the container did not answer within " + READY_TIMEOUT_MS / 1000 + " s (no SMART Connect `ready`)"
        )
      );
    }, READY_TIMEOUT_MS);
  }

  // ------------------------------------------------------------------------- RDF/XML

  /** A parsed RDF graph: `triples` ({s, p, o}: o is {iri}, {bnode} or {value, datatype, lang}). */
  function Graph(triples) {
    this.triples = triples;
    this.bySubject = {};
    for (var i = 0; i < triples.length; i++) {
      var t = triples[i];
      (this.bySubject[t.s] = this.bySubject[t.s] || []).push(t);
    }
  }

  /** Expands a CURIE such as "sp:Medication" (full IRIs pass through). */
  function expand(name) {
    var i = name.indexOf(":");
    if (i > 0 && PREFIXES[name.slice(0, i)] && name.slice(i + 1, i + 3) !== "//") {
      return PREFIXES[name.slice(0, i)] + name.slice(i + 1);
    }
    return name;
  }

  Graph.prototype.values = function (subject, property) {
    var p = expand(property);
    return (this.bySubject[subject] || [])
      .filter(function (t) {
        return t.p === p;
      })
      .map(function (t) {
        return t.o;
      });
  };

  Graph.prototype.types = function (subject) {
    return this.values(subject, "rdf:type").map(function (o) {
      return o.iri;
    });
  };

  /** The subjects typed `type` (a CURIE or IRI), in document order. */
  Graph.prototype.subjectsOfType = function (type) {
    var t = expand(type);
    var seen = {};
    var out = [];
    for (var i = 0; i < this.triples.length; i++) {
      var x = this.triples[i];
      if (x.p === RDF + "type" && x.o.iri === t && !seen[x.s]) {
        seen[x.s] = true;
        out.push(x.s);
      }
    }
    return out;
  };

  /** The statements of `type` as plain objects (see the top of the file). */
  Graph.prototype.objects = function (type) {
    var self = this;
    var memo = {};
    return this.subjectsOfType(type).map(function (s) {
      return toObject(self, s, memo);
    });
  };

  function localName(iri) {
    var m = /[#\/]([^#\/]*)$/.exec(iri);
    return m ? m[1] : iri;
  }

  function camel(name) {
    return name.replace(/-([a-z])/g, function (_, c) {
      return c.toUpperCase();
    });
  }

  function literalOf(graph, subject, property) {
    var v = graph.values(subject, property)[0];
    return v && v.value !== undefined ? v.value : v && v.iri !== undefined ? v.iri : null;
  }

  function coded(graph, subject) {
    var codeNode = graph.values(subject, "sp:code")[0];
    var c = codeNode ? codeNode.iri || codeNode.bnode : null;
    var title = literalOf(graph, subject, "dcterms:title");
    return {
      title: title,
      code: c ? literalOf(graph, c, "dcterms:identifier") : null,
      system: c ? literalOf(graph, c, "sp:system") : null,
      uri: codeNode && codeNode.iri ? codeNode.iri : null,
    };
  }

  function isType(types, local) {
    return types.indexOf(SP + local) >= 0;
  }

  function toObject(graph, subject, memo) {
    if (memo[subject]) {
      return memo[subject];
    }
    var types = graph.types(subject);
    if (isType(types, "CodedValue")) {
      return (memo[subject] = coded(graph, subject));
    }
    var out = {};
    memo[subject] = out;
    if (subject.indexOf("_:") !== 0) {
      out.id = subject;
    }
    var spType = types.filter(function (t) {
      return t.indexOf(SP) === 0;
    })[0];
    out.type = spType ? localName(spType) : types[0] ? localName(types[0]) : null;
    var triples = graph.bySubject[subject] || [];
    triples.forEach(function (t) {
      if (t.p === RDF + "type") {
        return;
      }
      var key = camel(localName(t.p));
      if (t.p === SP + "belongsTo") {
        key = "belongsTo";
      }
      var value;
      if (t.o.value !== undefined) {
        value = t.o.value;
      } else {
        var node = t.o.iri || t.o.bnode;
        if (graph.bySubject[node] && t.p !== SP + "belongsTo") {
          value = toObject(graph, node, memo);
        } else {
          value = t.o.iri !== undefined ? t.o.iri : t.o.bnode;
        }
      }
      if (Object.prototype.hasOwnProperty.call(out, key)) {
        // Values are never arrays themselves, so an array here means "several values".
        if (Array.isArray(out[key])) {
          out[key].push(value);
        } else {
          out[key] = [out[key], value];
        }
      } else {
        out[key] = value;
      }
    });
    // Values and units: a number and its unit.
    if (typeof out.value === "string" && typeof out.unit === "string") {
      var n = Number(out.value);
      out.text = out.value + " " + out.unit;
      out.value = isNaN(n) ? out.value : n;
    }
    return out;
  }

  function attr(el, ns, local) {
    return el.hasAttributeNS(ns, local) ? el.getAttributeNS(ns, local) : null;
  }

  function resolveIri(iri, base) {
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(iri)) {
      return iri;
    }
    try {
      return new URL(iri, base || undefined).href;
    } catch (e) {
      return iri;
    }
  }

  /**
   * Parses RDF/XML text into a Graph. Handles node elements (typed or rdf:Description),
   * rdf:about / rdf:ID / rdf:nodeID, property elements with literals (rdf:datatype,
   * xml:lang), rdf:resource, nested nodes, rdf:parseType="Resource", "Literal" and
   * "Collection", and property attributes. Throws SyntaxError on XML that does not parse.
   */
  function parseRdfXml(text, base) {
    var doc = new DOMParser().parseFromString(text, "application/xml");
    var err = doc.getElementsByTagName("parsererror")[0];
    if (err) {
      throw new SyntaxError("the answer is not well-formed RDF/XML: " + err.textContent.trim().slice(0, 200));
    }
    var triples = [];
    var blank = 0;
    function newBlank() {
      blank += 1;
      return "_:b" + blank;
    }
    function elementIri(el) {
      return (el.namespaceURI || "") + el.localName;
    }
    function baseOf(el, inherited) {
      var b = attr(el, "http://www.w3.org/XML/1998/namespace", "base");
      return b ? resolveIri(b, inherited) : inherited;
    }
    function children(el) {
      var out = [];
      for (var n = el.firstChild; n; n = n.nextSibling) {
        if (n.nodeType === 1) {
          out.push(n);
        }
      }
      return out;
    }
    function subjectOf(el, b) {
      var about = attr(el, RDF, "about");
      if (about !== null) {
        return resolveIri(about, b);
      }
      var id = attr(el, RDF, "ID");
      if (id !== null) {
        return resolveIri("#" + id, b);
      }
      var nodeId = attr(el, RDF, "nodeID");
      if (nodeId !== null) {
        return "_:n" + nodeId;
      }
      return newBlank();
    }
    function objectTerm(s) {
      return s.indexOf("_:") === 0 ? { bnode: s } : { iri: s };
    }
    function nodeElement(el, b) {
      b = baseOf(el, b);
      var s = subjectOf(el, b);
      var iri = elementIri(el);
      if (iri !== RDF + "Description") {
        triples.push({ s: s, p: RDF + "type", o: { iri: iri } });
      }
      propertyAttributes(el, s, b);
      children(el).forEach(function (p) {
        propertyElement(p, s, b);
      });
      return s;
    }
    function propertyAttributes(el, s, b) {
      for (var i = 0; i < el.attributes.length; i++) {
        var a = el.attributes[i];
        var ns = a.namespaceURI;
        if (!ns || ns === "http://www.w3.org/2000/xmlns/" || ns === "http://www.w3.org/XML/1998/namespace") {
          continue;
        }
        var p = ns + a.localName;
        if (ns === RDF && ["about", "ID", "nodeID", "resource", "datatype", "parseType"].indexOf(a.localName) >= 0) {
          continue;
        }
        if (p === RDF + "type") {
          triples.push({ s: s, p: p, o: { iri: resolveIri(a.value, b) } });
        } else {
          triples.push({ s: s, p: p, o: { value: a.value, datatype: null, lang: null } });
        }
      }
    }
    function propertyElement(el, s, b) {
      b = baseOf(el, b);
      var p = elementIri(el);
      if (p === RDF + "li") {
        p = RDF + "_1";
      }
      var parseType = attr(el, RDF, "parseType");
      var resource = attr(el, RDF, "resource");
      var nodeId = attr(el, RDF, "nodeID");
      var kids = children(el);
      if (parseType === "Resource") {
        var r = newBlank();
        triples.push({ s: s, p: p, o: { bnode: r } });
        kids.forEach(function (k) {
          propertyElement(k, r, b);
        });
        return;
      }
      if (parseType === "Literal") {
        var xml = new XMLSerializer();
        var lit = Array.prototype.map
          .call(el.childNodes, function (n) {
            return xml.serializeToString(n);
          })
          .join("");
        triples.push({ s: s, p: p, o: { value: lit, datatype: RDF + "XMLLiteral", lang: null } });
        return;
      }
      if (parseType === "Collection") {
        var items = kids.map(function (k) {
          return nodeElement(k, b);
        });
        var head = RDF + "nil";
        for (var i = items.length - 1; i >= 0; i--) {
          var cell = newBlank();
          triples.push({ s: cell, p: RDF + "first", o: objectTerm(items[i]) });
          triples.push({ s: cell, p: RDF + "rest", o: head === RDF + "nil" ? { iri: head } : { bnode: head } });
          head = cell;
        }
        triples.push({ s: s, p: p, o: head === RDF + "nil" ? { iri: head } : { bnode: head } });
        return;
      }
      if (kids.length === 1) {
        triples.push({ s: s, p: p, o: objectTerm(nodeElement(kids[0], b)) });
        return;
      }
      if (resource !== null || nodeId !== null) {
        var o = resource !== null ? resolveIri(resource, b) : "_:n" + nodeId;
        triples.push({ s: s, p: p, o: objectTerm(o) });
        propertyAttributes(el, o, b);
        return;
      }
      var hasPropAttrs = Array.prototype.some.call(el.attributes, function (a) {
        return a.namespaceURI && a.namespaceURI !== RDF && a.namespaceURI.indexOf("http://www.w3.org/2000/xmlns") !== 0 &&
          a.namespaceURI !== "http://www.w3.org/XML/1998/namespace";
      });
      if (hasPropAttrs) {
        var e = newBlank();
        triples.push({ s: s, p: p, o: { bnode: e } });
        propertyAttributes(el, e, b);
        return;
      }
      var lang = null;
      for (var up = el; up && up.nodeType === 1; up = up.parentNode) {
        var l = attr(up, "http://www.w3.org/XML/1998/namespace", "lang");
        if (l !== null) {
          lang = l;
          break;
        }
      }
      triples.push({
        s: s,
        p: p,
        o: { value: el.textContent, datatype: attr(el, RDF, "datatype"), lang: lang || null },
      });
    }
    var root = doc.documentElement;
    var b0 = baseOf(root, base);
    if (root.namespaceURI === RDF && root.localName === "RDF") {
      children(root).forEach(function (n) {
        nodeElement(n, b0);
      });
    } else {
      nodeElement(root, b0);
    }
    return new Graph(triples);
  }

  /** The response summary of a collection answer (paging), or null. */
  function summaryOf(graph) {
    var s = graph.subjectsOfType("api:ResponseSummary");
    if (!s.length) {
      return null;
    }
    var total = 0;
    var returned = 0;
    var next = null;
    s.forEach(function (node) {
      var t = Number(literalOf(graph, node, "api:totalResultCount"));
      var r = Number(literalOf(graph, node, "api:resultsReturned"));
      total += isNaN(t) ? 0 : t;
      returned += isNaN(r) ? 0 : r;
      next = next || literalOf(graph, node, "api:nextPageURL");
    });
    return { totalResultCount: total, resultsReturned: returned, nextPageURL: next };
  }

  // ------------------------------------------------------------------------- values

  /** Always an array: [] for null/undefined, [v] for one value, v for several. */
  function list(v) {
    if (v === undefined || v === null) {
      return [];
    }
    return Array.isArray(v) ? v : [v];
  }

  /** An ISO date or date-time string as a Date (date-only strings at 00:00 UTC); null if none. */
  function date(s) {
    if (!s) {
      return null;
    }
    var d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? s + "T00:00:00Z" : s);
    return isNaN(d.getTime()) ? null : d;
  }

  /** "2012-05-01" for an ISO date or date-time (the date part, as written); "" if none. */
  function formatDate(s) {
    if (!s) {
      return "";
    }
    var m = /^(\d{4}-\d{2}-\d{2})/.exec(String(s));
    if (m) {
      return m[1];
    }
    var d = date(s);
    return d ? d.toISOString().slice(0, 10) : String(s);
  }

  /** Whole years from the ISO date `birth` to `at` (a Date; default now). */
  function age(birth, at) {
    var b = date(birth);
    if (!b) {
      return null;
    }
    var now = at || new Date();
    var years = now.getUTCFullYear() - b.getUTCFullYear();
    if (
      now.getUTCMonth() < b.getUTCMonth() ||
      (now.getUTCMonth() === b.getUTCMonth() && now.getUTCDate() < b.getUTCDate())
    ) {
      years -= 1;
    }
    return years;
  }

  // ------------------------------------------------------------------------- the client

  function formEncode(params) {
    return Object.keys(params)
      .filter(function (k) {
        return params[k] !== undefined && params[k] !== null;
      })
      .map(function (k) {
        return encodeURIComponent(k) + "=" + encodeURIComponent(String(params[k]));
      })
      .join("&");
  }

  var AUTO_VARIABLES = ["record_id", "user_id", "smart_app_id"];

  function variablesOf(path) {
    var out = [];
    path.replace(/\{([a-z_]+)\}/g, function (_, v) {
      out.push(v);
      return "";
    });
    return out;
  }

  /**
   * The client of one app instance (what SmartConnect.ready() resolves with): `context`
   * ({user: {id, full_name}, record: {id, full_name}}), `manifest`, `uuid`, `readyData`,
   * and one method per catalog call.
   */
  function Client(params) {
    this.context = params.context || {};
    this.manifest = params.manifest || {};
    this.uuid = params.uuid || channel.uuid;
    this.readyData = params.ready_data === undefined ? null : params.ready_data;
    this.user = this.context.user || {};
    this.record = this.context.record || {};
    this.preferences = new Store(this, "user_preferences");
    this.scratchpad = new Store(this, "scratchpad_data");
  }

  /**
   * Runs a catalog call. `options`: `vars` (path variables; record_id, user_id and
   * smart_app_id default to the launch context), `params` (query parameters of a GET, or
   * a form body), `body` (a string body for PUT/POST), `contentType`. Resolves with a
   * Response: {call, status, contentType, data, graph (RDF answers), statements (the
   * call's class as plain objects), summary (paging), json (JSON answers)}.
   */
  Client.prototype.call = function (name, options) {
    var spec = CALLS_BY_NAME[name];
    if (!spec) {
      return Promise.reject(new ApiError("no API call named " + name, { status: "unknown_call", call: name }));
    }
    options = options || {};
    var vars = options.vars || {};
    var defaults = {
      record_id: this.record.id,
      user_id: this.user.id,
      smart_app_id: this.manifest.id,
    };
    var missing = null;
    var path = spec[2].replace(/\{([a-z_]+)\}/g, function (_, v) {
      var value = vars[v] !== undefined ? vars[v] : defaults[v];
      if (value === undefined || value === null || value === "") {
        missing = missing || v;
        return "";
      }
      return encodeURIComponent(String(value));
    });
    if (missing) {
      return Promise.reject(
        new ApiError(name + " needs a value for {" + missing + "}", { status: "missing_variable", call: name })
      );
    }
    var body = options.body !== undefined ? options.body : options.params || {};
    var contentType = options.contentType || "application/x-www-form-urlencoded";
    if (typeof body !== "string" && spec[1] !== "GET" && options.body !== undefined) {
      body = JSON.stringify(body);
      contentType = options.contentType || "application/json";
    }
    var base = global.location.href;
    return request("api_call", {
      func: path,
      method: spec[1],
      params: body,
      contentType: contentType,
    }).then(function (reply) {
      if (reply.error) {
        var detail = explain(reply.message);
        var st = statusText(reply.error);
        throw new ApiError(
          name + " failed: " + (typeof reply.error === "number" ? "HTTP " + reply.error : reply.error) +
            (st ? " (" + st + ")" : "") + (detail ? ": " + detail : ""),
          {
            status: reply.error,
            call: name,
            detail: detail,
            contentType: reply.message && reply.message.contentType,
            data: reply.message && reply.message.data,
          }
        );
      }
      var r = reply.result || {};
      var response = {
        call: name,
        status: r.status || 200,
        contentType: r.contentType || "",
        data: r.data === undefined ? "" : r.data,
        graph: null,
        statements: [],
        summary: null,
        json: null,
        bytes: null,
      };
      // Binary answers (images, PDF) arrive base64-encoded from containers that mark
      // them so (smart-rs does): `bytes` and `blob()` give the content.
      if (r.encoding === "base64" && typeof response.data === "string") {
        var bin = atob(response.data);
        var bytes = new Uint8Array(bin.length);
        for (var i = 0; i < bin.length; i++) {
          bytes[i] = bin.charCodeAt(i);
        }
        response.bytes = bytes;
      }
      response.blob = function () {
        return new Blob([response.bytes || response.data], { type: response.contentType });
      };
      if (/rdf\+xml|^application\/xml|^text\/xml/.test(response.contentType) && response.data) {
        try {
          response.graph = parseRdfXml(response.data, base);
        } catch (e) {
          throw new ApiError(name + " answered RDF/XML that does not parse: " + e.message, {
            status: "bad_answer",
            call: name,
            data: response.data,
          });
        }
        response.statements = response.graph.objects("sp:" + spec[3]);
        response.summary = summaryOf(response.graph);
      } else if (/json/.test(response.contentType) && response.data) {
        try {
          response.json = JSON.parse(response.data);
        } catch (e) {
          throw new ApiError(name + " answered JSON that does not parse", { status: "bad_answer", call: name });
        }
      }
      return response;
    });
  };

  CALLS.forEach(function (spec) {
    var name = spec[0];
    var own = variablesOf(spec[2]).filter(function (v) {
      return AUTO_VARIABLES.indexOf(v) < 0;
    });
    /*
     * smart.<name>([id,] [params | body, contentType]): `id` for calls with a variable of
     * their own (get_medication(id), get_user(user_id), get_app_manifest(descriptor));
     * then query parameters for GET, a body (string, or an object sent as JSON) and its
     * content type for PUT and POST.
     */
    Client.prototype[name] = function () {
      var args = Array.prototype.slice.call(arguments);
      var vars = {};
      if (own.length) {
        vars[own[0]] = args.shift();
      } else if (name === "get_user" && typeof args[0] === "string") {
        vars.user_id = args.shift();
      }
      if (spec[1] === "GET") {
        return this.call(name, { vars: vars, params: args[0] || {} });
      }
      if (spec[1] === "DELETE") {
        return this.call(name, { vars: vars });
      }
      return this.call(name, { vars: vars, body: args[0] === undefined ? "" : args[0], contentType: args[1] });
    };
  });

  /**
   * One page of a pageable collection call: `limit` statements from `offset` (the
   * container's sort order: newest first). Resolves with the Response.
   */
  Client.prototype.page = function (name, limit, offset, params) {
    var p = {};
    Object.keys(params || {}).forEach(function (k) {
      p[k] = params[k];
    });
    p.limit = limit;
    p.offset = offset || 0;
    return this.call(name, { params: p });
  };

  /**
   * Every statement of a collection call, fetched `pageSize` at a time (default 100)
   * until the summary says there are no more; resolves with the statements (one array).
   * `onPage(response)` is called after each page (e.g. for progress).
   */
  Client.prototype.all = function (name, params, pageSize, onPage) {
    var self = this;
    var size = pageSize || 100;
    var out = [];
    function from(offset) {
      return self.page(name, size, offset, params).then(function (r) {
        out = out.concat(r.statements);
        if (onPage) {
          onPage(r);
        }
        var more = r.summary
          ? r.summary.nextPageURL || offset + r.summary.resultsReturned < r.summary.totalResultCount
          : r.statements.length === size;
        var returned = r.summary ? r.summary.resultsReturned : r.statements.length;
        return more && returned > 0 ? from(offset + size) : out;
      });
    }
    return from(0);
  };

  /** Listens to a container notification: "foregrounded", "backgrounded", "destroyed". */
  Client.prototype.on = function (name, callback) {
    (channel.listeners[name] = channel.listeners[name] || []).push(callback);
  };

  /**
   * The app's preferences for the user (smart.preferences) or its scratchpad for the
   * record (smart.scratchpad): get() → the stored text ("" if none), getJSON(fallback),
   * set(value) (an object is stored as JSON, a string as text/plain), remove().
   */
  function Store(client, suffix) {
    this.client = client;
    this.suffix = suffix;
  }
  Store.prototype.get = function () {
    return this.client["get_" + this.suffix]().then(function (r) {
      return r.data || "";
    });
  };
  Store.prototype.getJSON = function (fallback) {
    return this.get().then(function (text) {
      if (!text) {
        return fallback === undefined ? null : fallback;
      }
      try {
        return JSON.parse(text);
      } catch (e) {
        return fallback === undefined ? null : fallback;
      }
    });
  };
  Store.prototype.set = function (value) {
    var text = typeof value === "string" ? value : JSON.stringify(value);
    var type = typeof value === "string" ? "text/plain" : "application/json";
    return this.client["put_" + this.suffix](text, type).then(function (r) {
      return r.data;
    });
  };
  Store.prototype.remove = function () {
    return this.client["delete_" + this.suffix]().then(function () {
      return true;
    });
  };

  var CALLS_BY_NAME = {};
  CALLS.forEach(function (c) {
    CALLS_BY_NAME[c[0]] = c;
  });

  var client = null;

  /**
   * Resolves with the Client once the container has sent `ready` (at once if it already
   * has); rejects with a ConnectError if the page is not in a container's frame or no
   * `ready` came within 10 s.
   */
  function ready() {
    return new Promise(function (resolve, reject) {
      readyState.waiters.push({ resolve: resolve, reject: reject });
      if (readyState.params || readyState.error) {
        settleReady();
      }
    }).then(function (params) {
      client = client || new Client(params);
      return client;
    });
  }

  global.SmartConnect = {
    version: "0.6-smart-rs.1",
    ready: ready,
    calls: CALLS.map(function (c) {
      return { name: c[0], method: c[1], path: c[2], target: SP + c[3] };
    }),
    parseRdfXml: parseRdfXml,
    Graph: Graph,
    expand: expand,
    list: list,
    date: date,
    formatDate: formatDate,
    age: age,
    formEncode: formEncode,
    ApiError: ApiError,
    ConnectError: ConnectError,
  };

  start();
})(window);
