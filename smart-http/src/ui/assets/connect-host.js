/*
 * SMART Connect host of the smart-rs record view.
 *
 * Runs SMART Classic 0.6 apps in iframes on their own origin and answers their
 * postMessage protocol: procure_channel discovery, the jschannel wire format, the
 * __ready handshake, the ready call that pushes the context, api_call (relayed to
 * {base}/ui/api with a per-launch token the host keeps), call_app/return, the delegated
 * calls of frame_ui apps, request_fullscreen, and the destroyed / backgrounded /
 * foregrounded notifications. Written for smart-rs from its protocol specification.
 *
 * Nothing secret reaches an app frame: the CSRF token and the launch tokens stay in
 * this page; apps get their context, uuid and manifest only.
 *
 * No inline script and no eval: the page's Content-Security-Policy forbids both.
 */
(function () {
  "use strict";

  var pageBlock = document.getElementById("smart-page");
  var pane = document.getElementById("app-pane");
  if (!pageBlock || !pane) {
    return; // not a record view
  }
  var page = JSON.parse(pageBlock.textContent);
  var base = page.base || "";
  // A shared link's viewer page has endpoints of its own (its cookie reaches only those).
  var launchUrl = page.launch_url || base + "/ui/launch";
  var apiUrl = page.api_url || base + "/ui/api";
  var tabs = document.getElementById("app-tabs");
  var sidebar = document.getElementById("app-sidebar");
  var statusBox = document.getElementById("app-status");

  /** How long an app has to finish the handshake before the page says it failed. */
  var LOAD_TIMEOUT_MS = 8000;
  /** Time an app gets to handle `destroyed` before its frame goes away. */
  var DESTROY_GRACE_MS = 300;
  /** sessionStorage key: the apps open when the page was left, relaunched on the next record view. */
  var OPEN_APPS_KEY = "smart-rs.connect.open-apps";

  /** Running instances by uuid. */
  var instances = {};
  /** uuids in tab order. */
  var tabOrder = [];
  /** uuid of the instance shown, or null. */
  var shown = null;
  /** Whether the page is being left (destroyed already sent). */
  var leaving = false;

  // Outgoing request ids: page-wide, random start, never zero (receivers test `m.id`).
  var nextId = 1 + Math.floor(Math.random() * 1000000);
  function newId() {
    nextId += 1;
    if (nextId > 2147483000) {
      nextId = 1;
    }
    return nextId;
  }

  /** A random RFC 4122 v4 UUID in upper-case hex (also outside secure contexts). */
  function newUuid() {
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = "";
    for (var i = 0; i < 16; i++) {
      h += (b[i] + 0x100).toString(16).slice(1);
      if (i === 3 || i === 5 || i === 7 || i === 9) {
        h += "-";
      }
    }
    return h.toUpperCase();
  }

  function setStatus(text) {
    if (statusBox) {
      statusBox.textContent = text;
    }
  }

  function launcherFor(appId) {
    if (!sidebar) {
      return null;
    }
    var all = sidebar.querySelectorAll(".app-launcher");
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute("data-app-id") === appId) {
        return all[i];
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- HTTP to the server

  /** POST {base}/ui/launch: a launch token and everything to start the app. */
  function requestLaunch(appId, recordId) {
    return window
      .fetch(launchUrl, {
        method: "POST",
        credentials: "same-origin",
        cache: "no-store",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": page.csrf },
        body: JSON.stringify({ app_id: appId, record_id: recordId }),
      })
      .then(function (r) {
        return r.text().then(function (text) {
          var body = null;
          try {
            body = JSON.parse(text);
          } catch (e) {
            body = null;
          }
          if (!r.ok || !body || typeof body !== "object") {
            var why = body && body.error ? body.error : "HTTP " + r.status;
            throw new Error(why);
          }
          if (!body.manifest || body.manifest.id !== appId || !body.launch_token || !body.index) {
            throw new Error("the launch answer does not match the app");
          }
          return body;
        });
      });
  }

  /** jQuery-style form encoding (`%20` as `+`, `k[]=` for arrays, `k[sub]=` for objects). */
  function formEncode(params) {
    var parts = [];
    function add(key, value) {
      if (value === null || value === undefined) {
        value = "";
      }
      if (typeof value === "function") {
        return;
      }
      parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(String(value)));
    }
    function build(prefix, value) {
      if (Array.isArray(value)) {
        for (var i = 0; i < value.length; i++) {
          var v = value[i];
          build(prefix + "[" + (v !== null && typeof v === "object" ? i : "") + "]", v);
        }
      } else if (value !== null && typeof value === "object") {
        Object.keys(value).forEach(function (k) {
          build(prefix + "[" + k + "]", value[k]);
        });
      } else {
        add(prefix, value);
      }
    }
    Object.keys(params).forEach(function (k) {
      build(k, params[k]);
    });
    return parts.join("&").replace(/%20/g, "+");
  }

  /** The media type without parameters (`application/rdf+xml; charset=utf-8` → `application/rdf+xml`). */
  function mediaType(header) {
    return (header || "").split(";")[0].trim().toLowerCase();
  }

  /** True for media types whose bytes are not text. */
  function isBinary(type) {
    return /^(image|audio|video)\//.test(type) || /^application\/(pdf|octet-stream|zip|dicom)/.test(type);
  }

  function toBase64(buffer) {
    var bytes = new Uint8Array(buffer);
    var parts = [];
    for (var i = 0; i < bytes.length; i += 0x8000) {
      parts.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000)));
    }
    return btoa(parts.join(""));
  }

  /**
   * Runs an api_call under a launch token. Resolves to a jschannel reply body:
   * {result: {contentType, data, status}} or {error: <status>, message: {contentType, data}}.
   */
  function runApiCall(token, call) {
    if (!call || typeof call !== "object" || typeof call.func !== "string" || call.func.charAt(0) !== "/") {
      return Promise.resolve({
        error: "invalid_params",
        message: "api_call needs params {func: \"/...\", method, params, contentType}",
      });
    }
    var method = String(call.method || "GET").toUpperCase();
    var params = call.params;
    var contentType = call.contentType || "application/x-www-form-urlencoded";
    var url = apiUrl + call.func;
    var init = {
      method: method,
      credentials: "same-origin",
      cache: "no-store",
      redirect: "error",
      headers: { "X-Smart-Launch": token },
    };
    if (method === "GET" || method === "HEAD") {
      var query = "";
      if (typeof params === "string") {
        query = params;
      } else if (params && typeof params === "object") {
        query = formEncode(params);
      }
      if (query) {
        url += (call.func.indexOf("?") >= 0 ? "&" : "?") + query;
      }
    } else {
      var body = "";
      if (typeof params === "string") {
        body = params;
      } else if (params && typeof params === "object") {
        body = formEncode(params);
      } else if (params !== undefined && params !== null) {
        body = String(params);
      }
      init.body = body;
      init.headers["Content-Type"] = contentType;
    }
    return window.fetch(url, init).then(
      function (r) {
        var type = mediaType(r.headers.get("Content-Type"));
        // A binary answer (an image, a PDF) cannot travel as text: it goes base64-encoded,
        // marked `encoding: "base64"` (an extension; text answers are unchanged).
        if (r.status >= 200 && r.status < 300 && isBinary(type)) {
          return r.arrayBuffer().then(function (buffer) {
            return { result: { contentType: type, data: toBase64(buffer), encoding: "base64", status: r.status } };
          });
        }
        return r.text().then(function (text) {
          if (r.status >= 200 && r.status < 300) {
            return { result: { contentType: type, data: text, status: r.status } };
          }
          return { error: r.status || 502, message: { contentType: type, data: text } };
        });
      },
      function (e) {
        return {
          error: 502,
          message: { contentType: "text/plain", data: "network failure: " + (e && e.message ? e.message : e) },
        };
      }
    );
  }

  // ---------------------------------------------------------------- the wire

  function post(inst, object) {
    var win = inst.iframe && inst.iframe.contentWindow;
    if (!win) {
      return;
    }
    try {
      win.postMessage(JSON.stringify(object), inst.origin);
    } catch (e) {
      // a frame gone between the check and the call: nothing to tell
    }
  }

  /** Sends now if the channel is ready, or queues until the handshake finishes. */
  function send(inst, object) {
    var ch = inst.channel;
    if (!ch) {
      return;
    }
    if (ch.ready) {
      post(inst, object);
    } else {
      ch.queue.push(object);
    }
  }

  function notify(inst, name, params) {
    var m = { method: inst.uuid + "::" + name };
    if (params !== undefined) {
      m.params = params;
    }
    send(inst, m);
  }

  /** A host → app request; `onReply(message)` gets the app's response or error. */
  function request(inst, name, params, onReply) {
    var id = newId();
    inst.channel.outgoing[id] = onReply;
    send(inst, { id: id, method: inst.uuid + "::" + name, params: params });
  }

  /** One reply per request, only to the page that asked (same channel generation). */
  function replier(inst, id) {
    var generation = inst.channel.generation;
    var done = false;
    return function (reply) {
      if (done) {
        return;
      }
      done = true;
      if (!instances[inst.uuid] || !inst.channel || inst.channel.generation !== generation) {
        return;
      }
      var m = { id: id };
      if (Object.prototype.hasOwnProperty.call(reply, "error") && reply.error) {
        m.error = reply.error;
        m.message = reply.message === undefined ? null : reply.message;
      } else {
        m.result = reply.result === undefined ? null : reply.result;
      }
      post(inst, m);
    };
  }

  var channelGeneration = 0;

  /** procure_channel: (re)build the channel, tell the app its uuid, handshake, then ready. */
  function procure(inst, source) {
    channelGeneration += 1;
    inst.channel = { generation: channelGeneration, ready: false, gotReady: false, queue: [], outgoing: {} };
    inst.readyAcked = false;
    try {
      source.postMessage(JSON.stringify("app_instance_uuid=" + inst.uuid), inst.origin);
    } catch (e) {
      return;
    }
    var ch = inst.channel;
    window.setTimeout(function () {
      if (inst.channel === ch) {
        post(inst, { method: inst.uuid + "::__ready", params: "ping" });
      }
    }, 0);
    var params = { context: inst.context, uuid: inst.uuid, manifest: inst.manifest };
    if (inst.hasReadyData) {
      params.ready_data = inst.readyData;
    }
    request(inst, "ready", params, function (m) {
      if (m.error) {
        return;
      }
      inst.readyAcked = true;
      if (inst.loadTimer) {
        window.clearTimeout(inst.loadTimer);
        inst.loadTimer = null;
      }
      if (inst.tab) {
        inst.tab.classList.remove("app-failed");
      }
    });
  }

  function onReadyNotification(inst, params) {
    var ch = inst.channel;
    if (ch.gotReady) {
      return; // only the first __ready counts; a ping is answered once
    }
    ch.gotReady = true;
    if (params === "ping") {
      post(inst, { method: inst.uuid + "::__ready", params: "pong" });
    }
    ch.ready = true;
    var queued = ch.queue;
    ch.queue = [];
    for (var i = 0; i < queued.length; i++) {
      post(inst, queued[i]);
    }
  }

  function findBySource(source) {
    if (!source) {
      return null;
    }
    for (var uuid in instances) {
      var inst = instances[uuid];
      if (inst.iframe && inst.iframe.contentWindow === source) {
        return inst;
      }
    }
    return null;
  }

  window.addEventListener("message", function (event) {
    if (typeof event.data !== "string") {
      return;
    }
    var inst = findBySource(event.source);
    if (!inst || inst.closing || event.origin !== inst.origin) {
      return; // an unregistered window, or the app frame now showing another origin
    }
    if (event.data === '"procure_channel"') {
      procure(inst, event.source);
      return;
    }
    if (!inst.channel) {
      return;
    }
    var m;
    try {
      m = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    if (!m || typeof m !== "object" || Array.isArray(m)) {
      return;
    }
    if (typeof m.method === "string") {
      var parts = m.method.split("::");
      if (parts.length !== 2 || parts[0] !== inst.uuid) {
        return; // another scope
      }
      var name = parts[1];
      if (name === "__ready") {
        onReadyNotification(inst, m.params);
      } else if (m.id) {
        onRequest(inst, name, m.id, m.params);
      } else {
        onNotification(inst, name, m.params);
      }
      return;
    }
    if (m.id && (Object.prototype.hasOwnProperty.call(m, "result") || Object.prototype.hasOwnProperty.call(m, "error"))) {
      var handler = inst.channel.outgoing[m.id];
      if (handler) {
        delete inst.channel.outgoing[m.id];
        handler(m);
      }
    }
  });

  // ---------------------------------------------------------------- app → host methods

  function onRequest(inst, name, id, params) {
    var reply = replier(inst, id);
    var frameUi = inst.manifest && inst.manifest.mode === "frame_ui";
    if (name === "api_call") {
      runApiCall(inst.launchToken, params).then(reply);
    } else if (name === "call_app") {
      callApp(inst, params, reply);
    } else if (name === "launch_app_delegated" && frameUi) {
      launchDelegated(inst, params, reply);
    } else if (name === "api_call_delegated" && frameUi) {
      apiCallDelegated(inst, params, reply);
    } else {
      reply({ error: "method_not_found", message: "no method " + name + " in this container" });
    }
  }

  function onNotification(inst, name, params) {
    if (name === "return") {
      completeCall(inst, params);
    } else if (name === "request_fullscreen") {
      setFullscreen(inst, true);
    }
    // other notifications are ignored, as the protocol asks
  }

  function callApp(caller, params, reply) {
    var manifest = params && params.manifest;
    if (!manifest || typeof manifest.id !== "string") {
      reply({ error: "invalid_params", message: "call_app needs {manifest: {id}, ready_data}" });
      return;
    }
    var record = caller.context && caller.context.record;
    var options = {
      recordId: record && record.id ? record.id : null,
      callerUuid: caller.uuid,
      reply: reply,
      hasReadyData: params.ready_data !== undefined,
      readyData: params.ready_data,
    };
    launch(manifest.id, options).catch(function (e) {
      reply({ error: "launch_failed", message: String(e && e.message ? e.message : e) });
    });
  }

  /** `return` from a called app: completes the caller's call_app, closes the called app. */
  function completeCall(inst, data) {
    if (!inst.callerUuid) {
      return;
    }
    var caller = instances[inst.callerUuid];
    var reply = inst.callReply;
    inst.callReply = null;
    if (reply) {
      reply({ result: data === undefined ? null : data });
    }
    closeInstance(inst.uuid, caller ? caller.uuid : null);
  }

  function launchDelegated(parent, params, reply) {
    if (!params || typeof params !== "object" || !params.manifest || typeof params.manifest.id !== "string" ||
        typeof params.uuid !== "string" || !params.uuid || params.uuid.indexOf("::") >= 0) {
      reply({ error: "invalid_params", message: "launch_app_delegated needs {uuid, context, manifest}" });
      return;
    }
    var record = (params.context && params.context.record) || (parent.context && parent.context.record);
    requestLaunch(params.manifest.id, record && record.id ? record.id : null).then(
      function (launched) {
        parent.delegated[params.uuid] = { token: launched.launch_token, appId: launched.manifest.id };
        var out = {};
        Object.keys(params).forEach(function (k) {
          out[k] = params[k];
        });
        // whatever an older client sent as credentials is replaced; no secret in here
        out.credentials = { app_id: launched.manifest.id, api_base: launched.api_base };
        out.api_base = launched.api_base;
        reply({ result: out });
      },
      function (e) {
        reply({ error: "launch_failed", message: String(e && e.message ? e.message : e) });
      }
    );
  }

  function apiCallDelegated(parent, params, reply) {
    var uuid = params && params.app_instance && params.app_instance.uuid;
    var child = typeof uuid === "string" && Object.prototype.hasOwnProperty.call(parent.delegated, uuid)
      ? parent.delegated[uuid]
      : null;
    if (!child) {
      reply({ error: "unknown_app_instance", message: "no app instance " + uuid + " was launched by this app" });
      return;
    }
    runApiCall(child.token, params.call_info).then(reply);
  }

  // ---------------------------------------------------------------- frames and tabs

  function setFullscreen(inst, on) {
    inst.fullscreen = on;
    document.body.classList.toggle("app-fullscreen", on);
    if (inst.iframe) {
      inst.iframe.classList.toggle("app-frame-fullscreen", on);
      var s = inst.iframe.style;
      s.position = on ? "fixed" : "";
      s.top = on ? "0" : "";
      s.left = on ? "0" : "";
      s.width = on ? "100vw" : "";
      s.height = on ? "100vh" : "";
      s.zIndex = on ? "1000" : "";
      s.background = on ? "#fff" : "";
    }
    if (on && !inst.exitButton) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "app-exit-fullscreen";
      b.textContent = "Exit full screen";
      b.style.position = "fixed";
      b.style.top = "8px";
      b.style.right = "8px";
      b.style.zIndex = "1001";
      b.addEventListener("click", function () {
        setFullscreen(inst, false);
      });
      document.body.appendChild(b);
      inst.exitButton = b;
    } else if (!on && inst.exitButton) {
      inst.exitButton.remove();
      inst.exitButton = null;
    }
  }

  function makeTab(inst) {
    if (!tabs) {
      return;
    }
    var tab = document.createElement("div");
    tab.className = "app-tab";
    tab.setAttribute("data-app-id", inst.appId);
    tab.setAttribute("data-uuid", inst.uuid);
    var select = document.createElement("button");
    select.type = "button";
    select.className = "app-tab-select";
    select.setAttribute("role", "tab");
    select.setAttribute("aria-selected", "false");
    select.textContent = inst.manifest.name || inst.appId;
    select.addEventListener("click", function () {
      show(inst.uuid);
    });
    select.addEventListener("keydown", function (e) {
      var i = tabOrder.indexOf(inst.uuid);
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
        var j = (i + (e.key === "ArrowRight" ? 1 : tabOrder.length - 1)) % tabOrder.length;
        show(tabOrder[j]);
        var next = instances[tabOrder[j]];
        if (next && next.tabSelect) {
          next.tabSelect.focus();
        }
        e.preventDefault();
      }
    });
    var close = document.createElement("button");
    close.type = "button";
    close.className = "app-tab-close";
    close.setAttribute("aria-label", "Close " + (inst.manifest.name || inst.appId));
    close.textContent = "\u00d7";
    close.addEventListener("click", function () {
      closeInstance(inst.uuid, null);
    });
    tab.appendChild(select);
    tab.appendChild(close);
    tabs.appendChild(tab);
    inst.tab = tab;
    inst.tabSelect = select;
  }

  /** Shows one instance; the one hidden gets `backgrounded`, one shown again `foregrounded`. */
  function show(uuid) {
    var target = instances[uuid];
    if (!target) {
      return;
    }
    if (shown === uuid) {
      return;
    }
    var previous = shown ? instances[shown] : null;
    shown = uuid;
    if (previous) {
      previous.iframe.hidden = true;
      if (previous.tabSelect) {
        previous.tabSelect.setAttribute("aria-selected", "false");
        previous.tab.classList.remove("active");
      }
      if (previous.fullscreen) {
        setFullscreen(previous, false);
      }
      notify(previous, "backgrounded");
    }
    target.iframe.hidden = false;
    if (target.tabSelect) {
      target.tabSelect.setAttribute("aria-selected", "true");
      target.tab.classList.add("active");
    }
    if (target.everShown) {
      notify(target, "foregrounded");
    }
    target.everShown = true;
  }

  /** Sends `destroyed`, then removes the frame (after a grace period, so the app gets it). */
  function closeInstance(uuid, showNext) {
    var inst = instances[uuid];
    if (!inst || inst.closing) {
      return;
    }
    inst.closing = true;
    if (inst.channel && inst.channel.ready) {
      post(inst, { method: inst.uuid + "::destroyed" });
    }
    if (inst.loadTimer) {
      window.clearTimeout(inst.loadTimer);
    }
    if (inst.fullscreen) {
      setFullscreen(inst, false);
    }
    delete instances[uuid];
    var at = tabOrder.indexOf(uuid);
    if (at >= 0) {
      tabOrder.splice(at, 1);
    }
    if (inst.tab) {
      inst.tab.remove();
    }
    inst.iframe.hidden = true;
    window.setTimeout(function () {
      inst.iframe.remove();
    }, DESTROY_GRACE_MS);
    if (shown === uuid) {
      shown = null;
      var next = showNext && instances[showNext] ? showNext : tabOrder[Math.max(0, at - 1)];
      if (next) {
        show(next);
      }
    }
    // a caller closed while its call is pending gets nothing; a callee closed by the user
    // completes its caller's call_app with null so the caller is not left waiting
    if (inst.callReply) {
      var reply = inst.callReply;
      inst.callReply = null;
      reply({ result: null });
    }
  }

  /**
   * Launches an app: gets a launch token, registers the instance and its frame, then sets
   * the frame's src. Standalone apps open in a new window instead.
   */
  function launch(appId, options) {
    options = options || {};
    var recordId = options.recordId !== undefined ? options.recordId : defaultRecordFor(appId);
    return requestLaunch(appId, recordId).then(function (launched) {
      if (launched.manifest.standalone === true) {
        window.open(launched.index, "_blank", "noopener");
        return null;
      }
      if (leaving) {
        return null;
      }
      var origin = new URL(launched.index, window.location.href).origin;
      var context = {};
      Object.keys(launched.context || {}).forEach(function (k) {
        context[k] = launched.context[k];
      });
      if (!context.record) {
        context.record = { id: null, full_name: null };
      }
      context.browser_environment = "desktop";
      var inst = {
        uuid: newUuid(),
        appId: appId,
        manifest: launched.manifest,
        context: context,
        origin: origin,
        launchToken: launched.launch_token,
        apiBase: launched.api_base,
        hasReadyData: !!options.hasReadyData,
        readyData: options.readyData,
        callerUuid: options.callerUuid || null,
        callReply: options.reply || null,
        delegated: {},
        channel: null,
        readyAcked: false,
      };
      var frame = document.createElement("iframe");
      frame.className = "app-frame";
      frame.setAttribute("data-app-id", appId);
      frame.setAttribute("data-uuid", inst.uuid);
      frame.setAttribute("title", launched.manifest.name || appId);
      frame.setAttribute("allow", "fullscreen");
      frame.referrerPolicy = "no-referrer";
      frame.hidden = true;
      inst.iframe = frame;
      // registered and in the DOM before src is set: the app's client starts at once
      instances[inst.uuid] = inst;
      tabOrder.push(inst.uuid);
      pane.appendChild(frame);
      makeTab(inst);
      show(inst.uuid);
      inst.loadTimer = window.setTimeout(function () {
        inst.loadTimer = null;
        if (!inst.readyAcked && instances[inst.uuid]) {
          setStatus((launched.manifest.name || appId) + ": app failed to load");
          if (inst.tab) {
            inst.tab.classList.add("app-failed");
          }
        }
      }, LOAD_TIMEOUT_MS);
      frame.src = launched.index;
      return inst;
    });
  }

  /** The record of a launch from the sidebar: none for container-scope apps. */
  function defaultRecordFor(appId) {
    var button = launcherFor(appId);
    if (button && button.getAttribute("data-scope") === "container") {
      return null;
    }
    return page.record && page.record.id ? page.record.id : null;
  }

  function launchFromSidebar(appId) {
    for (var uuid in instances) {
      if (instances[uuid].appId === appId && !instances[uuid].callerUuid) {
        show(uuid);
        return Promise.resolve(instances[uuid]);
      }
    }
    setStatus("");
    return launch(appId, {}).catch(function (e) {
      setStatus(appId + ": app failed to load (" + (e && e.message ? e.message : e) + ")");
      return null;
    });
  }

  if (sidebar) {
    sidebar.addEventListener("click", function (e) {
      var button = e.target && e.target.closest ? e.target.closest(".app-launcher") : null;
      if (!button || button.getAttribute("data-mode") === "background") {
        return;
      }
      e.preventDefault();
      launchFromSidebar(button.getAttribute("data-app-id"));
    });
  }

  // ---------------------------------------------------------------- leaving the page

  /**
   * The record view is being left (another patient, the list, logout): every instance is
   * told `destroyed`, and the open apps are remembered for the next record view.
   * `beforeunload` comes while the frames still run, so they get the message;
   * `pagehide` covers the navigations that skip it.
   */
  function leave(forget) {
    if (leaving) {
      return;
    }
    leaving = true;
    var open = [];
    tabOrder.forEach(function (uuid) {
      var inst = instances[uuid];
      if (inst && !inst.callerUuid && open.indexOf(inst.appId) < 0) {
        open.push(inst.appId);
      }
    });
    try {
      if (forget) {
        window.sessionStorage.removeItem(OPEN_APPS_KEY);
      } else {
        window.sessionStorage.setItem(
          OPEN_APPS_KEY,
          JSON.stringify({ apps: open, shown: shown && instances[shown] ? instances[shown].appId : null })
        );
      }
    } catch (e) {
      // storage disabled: apps are simply not relaunched
    }
    Object.keys(instances).forEach(function (uuid) {
      var inst = instances[uuid];
      if (inst.channel && inst.channel.ready && !inst.closing) {
        post(inst, { method: inst.uuid + "::destroyed" });
      }
      inst.closing = true;
    });
  }

  var loggingOut = false;

  function hasOpenInstances() {
    return Object.keys(instances).some(function (uuid) {
      return !instances[uuid].closing;
    });
  }

  // Links and forms that leave the record view: `destroyed` goes out first, and the
  // navigation follows once the apps had a moment to handle it (a message posted while
  // the page unloads may never be delivered).
  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
      return;
    }
    var link = e.target && e.target.closest ? e.target.closest("a[href]") : null;
    if (!link || (link.target && link.target !== "_self") || link.hasAttribute("download")) {
      return;
    }
    var href = link.href;
    if (!hasOpenInstances() || href.split("#")[0] === location.href.split("#")[0]) {
      return;
    }
    e.preventDefault();
    leave(false);
    window.setTimeout(function () {
      window.location.assign(href);
    }, DESTROY_GRACE_MS);
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || !form || form.tagName !== "FORM" || (form.target && form.target !== "_self")) {
      return;
    }
    var action = form.getAttribute("action") || "";
    loggingOut = /\/logout$/.test(action);
    if (!hasOpenInstances()) {
      return;
    }
    e.preventDefault();
    leave(loggingOut);
    window.setTimeout(function () {
      HTMLFormElement.prototype.submit.call(form);
    }, DESTROY_GRACE_MS);
  });
  window.addEventListener("beforeunload", function () {
    leave(loggingOut);
  });
  window.addEventListener("pagehide", function () {
    leave(loggingOut);
  });
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) {
      return;
    }
    // back from the back/forward cache: the old instances were told destroyed; start over
    Object.keys(instances).forEach(function (uuid) {
      var inst = instances[uuid];
      if (inst.tab) {
        inst.tab.remove();
      }
      inst.iframe.remove();
      delete instances[uuid];
    });
    tabOrder = [];
    shown = null;
    leaving = false;
    loggingOut = false;
    relaunchRemembered();
  });

  /** Relaunches, as new instances, the apps that were open when the last record view was left. */
  function relaunchRemembered() {
    var saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(OPEN_APPS_KEY) || "null");
      window.sessionStorage.removeItem(OPEN_APPS_KEY);
    } catch (e) {
      saved = null;
    }
    if (!saved || !Array.isArray(saved.apps)) {
      return;
    }
    var chain = Promise.resolve();
    var launched = {};
    saved.apps.forEach(function (appId) {
      var button = launcherFor(appId);
      if (!button || button.getAttribute("data-mode") === "background" ||
          button.getAttribute("data-standalone") === "true") {
        return;
      }
      chain = chain.then(function () {
        return launch(appId, {}).then(
          function (inst) {
            if (inst) {
              launched[appId] = inst.uuid;
            }
          },
          function (e) {
            setStatus(appId + ": app failed to load (" + (e && e.message ? e.message : e) + ")");
          }
        );
      });
    });
    chain.then(function () {
      if (saved.shown && launched[saved.shown]) {
        show(launched[saved.shown]);
      }
    });
  }

  if (page.autolaunch) {
    // A shared link's viewer page: its one app, at once.
    launchFromSidebar(page.autolaunch);
  } else {
    // "Launch by URL": the app just registered (named by the server in the page data)
    // opens now, unless it is among the apps reopened from the last record view.
    var reopening = [];
    try {
      reopening = (JSON.parse(window.sessionStorage.getItem(OPEN_APPS_KEY) || "null") || {}).apps || [];
    } catch (e) {
      reopening = [];
    }
    relaunchRemembered();
    if (page.launch && reopening.indexOf(page.launch) < 0 && launcherFor(page.launch)) {
      launchFromSidebar(page.launch);
    }
  }
})();
