//! A tiny HTML builder that escapes by construction: markup can only come from
//! `&'static str` literals ([`Html::raw`]), and every dynamic value goes through
//! [`Html::text`] or [`Html::attr`], which escape it. So a patient named
//! `<script>alert(1)</script>` is text on the page, whatever the template does.

/// Escapes text for HTML element content and double-quoted attribute values.
pub(crate) fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON for a `<script type="application/json">` data block: `<`, `>` and `&` as
/// `\u00XX` escapes, so no value can close the element or open a comment.
pub(crate) fn json_for_script(value: &serde_json::Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// An HTML document under construction.
#[derive(Debug, Default)]
pub(crate) struct Html(String);

impl Html {
    /// An empty document.
    pub(crate) fn new() -> Self {
        Self(String::with_capacity(4096))
    }

    /// Markup from the template itself (a literal, never a value).
    pub(crate) fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    /// A value as text.
    pub(crate) fn text(&mut self, value: &str) -> &mut Self {
        self.0.push_str(&escape(value));
        self
    }

    /// ` name="value"` with the value escaped (call between `<tag` and `>`).
    pub(crate) fn attr(&mut self, name: &'static str, value: &str) -> &mut Self {
        self.0.push(' ');
        self.0.push_str(name);
        self.0.push_str("=\"");
        self.0.push_str(&escape(value));
        self.0.push('"');
        self
    }

    /// ` name` (a boolean attribute) when `on`.
    pub(crate) fn flag(&mut self, name: &'static str, on: bool) -> &mut Self {
        if on {
            self.0.push(' ');
            self.0.push_str(name);
        }
        self
    }

    /// A JSON data block `<script type="application/json" id="…">…</script>` (not
    /// executable, so the CSP's "no inline script" holds).
    pub(crate) fn json_block(&mut self, id: &'static str, value: &serde_json::Value) -> &mut Self {
        self.raw("<script type=\"application/json\"")
            .attr("id", id)
            .raw(">");
        self.0.push_str(&json_for_script(value));
        self.raw("</script>")
    }

    /// Appends another fragment built the same way.
    pub(crate) fn append(&mut self, other: Html) -> &mut Self {
        self.0.push_str(&other.0);
        self
    }

    /// The document.
    pub(crate) fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let hostile = "<script>alert(1)</script>\"'&";
        let mut h = Html::new();
        h.raw("<a")
            .attr("title", hostile)
            .raw(">")
            .text(hostile)
            .raw("</a>");
        let s = h.into_string();
        assert!(!s.contains("<script>"), "{s}");
        assert_eq!(
            s,
            "<a title=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;\">&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;</a>"
        );
    }

    #[test]
    fn json_block_cannot_close_the_script_element() {
        let mut h = Html::new();
        h.json_block(
            "smart-page",
            &serde_json::json!({"name": "</script><script>alert(1)</script><!--"}),
        );
        let s = h.into_string();
        assert_eq!(s.matches("</script>").count(), 1, "{s}");
        assert!(!s.contains("<!--"));
        let inner = s
            .trim_start_matches("<script type=\"application/json\" id=\"smart-page\">")
            .trim_end_matches("</script>");
        let back: serde_json::Value = serde_json::from_str(inner).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script><!--");
    }
}
