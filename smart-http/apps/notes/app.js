/*
 * Notes and documents: the record's clinical notes (newest first) with a form that writes
 * a new note (POST clinical_notes, RDF/XML built with the DOM so every value is escaped),
 * and the record's documents with their metadata, a preview of text documents and
 * downloads of the content (raw) and of the metadata (RDF/XML).
 *
 * Binary content (the photograph, image and PDF documents) comes base64-encoded through
 * the channel (smart-connect.js gives it as bytes and a Blob): images are previewed,
 * every document can be downloaded. The patient's photograph is shown.
 */
(function () {
  "use strict";
  var el = Kit.el;
  var fmt = SmartConnect.formatDate;
  var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
  var SP = "http://smartplatforms.org/terms#";
  var DC = "http://purl.org/dc/terms/";
  var RDFS = "http://www.w3.org/2000/01/rdf-schema#";

  function mediaType(doc) {
    var f = doc.format;
    if (!f) {
      return "";
    }
    if (typeof f === "string") {
      return f.replace(/^https?:\/\/purl\.org\/NET\/mediatypes\//, "");
    }
    return f.label || (f.id || "").replace(/^https?:\/\/purl\.org\/NET\/mediatypes\//, "");
  }

  function noteText(n) {
    var r = n.resource;
    var c = r && r.content;
    if (!c || c.value === undefined) {
      return "";
    }
    if (/base64/i.test(c.encoding || "")) {
      try {
        var bin = atob(String(c.value));
        var bytes = new Uint8Array(bin.length);
        for (var i = 0; i < bin.length; i++) {
          bytes[i] = bin.charCodeAt(i);
        }
        return new TextDecoder().decode(bytes);
      } catch (e) {
        return "(content not readable)";
      }
    }
    return String(c.value);
  }

  /** The RDF/XML of a new note: date, title, text/plain content (no sp:belongsTo). */
  function noteXml(date, title, text) {
    var doc = document.implementation.createDocument(RDF, "rdf:RDF", null);
    var root = doc.documentElement;
    root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:sp", SP);
    root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:dcterms", DC);
    root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:rdfs", RDFS);
    function add(parent, ns, name, text) {
      var e = doc.createElementNS(ns, name);
      if (text !== undefined) {
        e.textContent = text;
      }
      parent.appendChild(e);
      return e;
    }
    var note = add(root, SP, "sp:ClinicalNote");
    add(note, DC, "dcterms:date", date);
    add(note, DC, "dcterms:title", title);
    var format = add(add(note, DC, "dcterms:format"), DC, "dcterms:MediaTypeOrExtent");
    format.setAttributeNS(RDF, "rdf:about", "http://purl.org/NET/mediatypes/text/plain");
    add(format, RDFS, "rdfs:label", "text/plain");
    var content = add(add(add(add(note, SP, "sp:resource"), SP, "sp:Resource"), SP, "sp:content"), SP, "sp:Content");
    add(content, SP, "sp:encoding", "UTF-8");
    add(content, SP, "sp:value", text);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(doc);
  }

  function download(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = el("a", { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 10000);
  }

  function downloadBlob(name, blob) {
    var url = URL.createObjectURL(blob);
    var a = el("a", { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 10000);
  }

  function photographCard(smart, card) {
    return smart.get_photograph().then(
      function (r) {
        if (!r.bytes || !r.bytes.length) {
          card.appendChild(Kit.empty("No photograph recorded"));
          return;
        }
        card.appendChild(el("img", { id: "photograph", class: "photo", alt: "Photograph of " + (smart.record.full_name || "the patient"), src: URL.createObjectURL(r.blob()) }));
      },
      function (e) {
        if (e.status === 404) {
          card.appendChild(Kit.empty("No photograph recorded"));
          return;
        }
        throw e;
      }
    );
  }

  function docId(doc) {
    var m = /\/documents\/([^\/?#]+)$/.exec(doc.id || "");
    return m ? decodeURIComponent(m[1]) : null;
  }

  function renderNotes(list, notes) {
    Kit.clear(list);
    if (!notes.length) {
      list.appendChild(Kit.empty("No clinical notes recorded"));
      return;
    }
    notes.sort(Kit.byDateDesc("date")).forEach(function (n) {
      var provider = n.provider && n.provider.n ? [n.provider.n.givenName, n.provider.n.familyName].filter(Boolean).join(" ") : "";
      list.appendChild(
        el("article", { class: "note" }, [
          el("h3", {}, [n.title || "Untitled note", el("span", { class: "muted" }, " — " + fmt(n.date) + (provider ? ", " + provider : ""))]),
          el("p", { class: "note-text" }, noteText(n)),
        ])
      );
    });
  }

  function notesCard(smart, card) {
    var list = el("div", { id: "notes" });
    var title = el("input", { id: "note-title", type: "text", maxlength: "200", required: true, placeholder: "e.g. Telephone call" });
    var text = el("textarea", { id: "note-text", maxlength: "20000", required: true, placeholder: "The note" });
    var status = el("p", { id: "note-status", role: "status", class: "muted" });
    var button = el("button", { type: "button", class: "primary", id: "note-save" }, "Add note");
    card.appendChild(list);
    card.appendChild(
      el("div", { class: "note-form" }, [
        el("h3", {}, "Write a note"),
        el("label", { for: "note-title" }, "Title"),
        title,
        el("label", { for: "note-text" }, "Text"),
        text,
        el("p", {}, button),
        status,
      ])
    );
    function load() {
      return smart.get_clinical_notes().then(function (r) {
        renderNotes(list, r.statements);
      });
    }
    button.addEventListener("click", function () {
      if (!title.value.trim() || !text.value.trim()) {
        status.className = "error-inline";
        status.textContent = "A note needs a title and a text.";
        return;
      }
      button.disabled = true;
      status.className = "muted";
      status.textContent = "Saving…";
      var today = new Date().toISOString().slice(0, 10);
      smart
        .post_clinical_note(noteXml(today, title.value.trim(), text.value), "application/rdf+xml")
        .then(function (r) {
          var stored = r.statements[0];
          title.value = "";
          text.value = "";
          status.textContent = "Note saved" + (stored && stored.id ? " as " + stored.id : "") + ".";
          return load();
        })
        .catch(function (e) {
          status.className = "error-inline";
          status.textContent = e.message;
        })
        .then(function () {
          button.disabled = false;
        });
    });
    return load();
  }

  function documentsCard(smart, card) {
    var preview = el("div", { id: "preview" });
    return smart.get_documents().then(function (r) {
      var docs = r.statements.slice().sort(Kit.byDateDesc("date"));
      if (!docs.length) {
        card.appendChild(Kit.empty("No documents recorded"));
        return;
      }
      card.appendChild(
        Kit.table(
          [{ title: "Date", class: "date" }, { title: "Title" }, { title: "Type" }, { title: "Size", class: "num" }, { title: "" }],
          docs.map(function (d) {
            var type = mediaType(d);
            var id = docId(d);
            var name = d.fileName || (id || "document");
            var textual = /^text\/|json|xml/.test(type);
            var actions = [];
            if (id && !textual) {
              actions.push(
                /^image\//.test(type)
                  ? el("button", { type: "button", class: "secondary preview", onclick: function () {
                      Kit.clear(preview);
                      smart.get_document(id).then(function (raw) {
                        preview.appendChild(el("h3", {}, d.title || name));
                        preview.appendChild(el("img", { class: "doc-image", id: "preview-image", alt: d.title || name, src: URL.createObjectURL(raw.blob()) }));
                      }, function (e) {
                        preview.appendChild(el("p", { class: "error-inline", role: "alert" }, e.message));
                      });
                    } }, "Preview")
                  : null,
                " ",
                el("button", { type: "button", class: "secondary", onclick: function () {
                  smart.get_document(id).then(function (raw) {
                    downloadBlob(name, raw.blob());
                  }, Kit.showError);
                } }, "Download")
              );
            }
            if (id && textual) {
              actions.push(
                el("button", { type: "button", class: "secondary preview", onclick: function () {
                  Kit.clear(preview);
                  smart.get_document(id).then(function (raw) {
                    preview.appendChild(el("h3", {}, d.title || name));
                    preview.appendChild(el("pre", { class: "raw", id: "preview-text" }, raw.data));
                  }, function (e) {
                    preview.appendChild(el("p", { class: "error-inline", role: "alert" }, e.message));
                  });
                } }, "Preview"),
                " ",
                el("button", { type: "button", class: "secondary", onclick: function () {
                  smart.get_document(id).then(function (raw) {
                    download(name, type, raw.data);
                  }, Kit.showError);
                } }, "Download")
              );
            }
            if (id) {
              actions.push(
                " ",
                el("button", { type: "button", class: "secondary", onclick: function () {
                  smart.get_document(id, { format: "metadata" }).then(function (meta) {
                    download((id || "document") + ".rdf", "application/rdf+xml", meta.data);
                  }, Kit.showError);
                } }, "Metadata")
              );
            }
            var size = d.fileSize && d.fileSize.value !== undefined ? Kit.num(d.fileSize.value, 0) + " bytes" : "";
            return [fmt(d.date), [d.title || name, el("span", { class: "code" }, name)], type, size, actions];
          }),
          { id: "documents" }
        )
      );
      card.appendChild(preview);
    });
  }

  Kit.start(function (smart, main) {
    var notes = Kit.section("Clinical notes", [], { id: "notes-card" });
    var docs = Kit.section("Documents", [], { id: "documents-card" });
    var photo = Kit.section("Photograph", [], { id: "photograph-card" });
    main.appendChild(notes);
    main.appendChild(docs);
    main.appendChild(photo);
    return Promise.all([
      Kit.soft(notesCard(smart, notes), notes),
      Kit.soft(documentsCard(smart, docs), docs),
      Kit.soft(photographCard(smart, photo), photo),
    ]);
  });
})();
