//! The app's two pages, as plain HTML strings with every value escaped.

use crate::flow::MedicationView;

/// Escapes text for HTML element content and quoted attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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

fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{}</title><style>body{{font-family:sans-serif;margin:2em;max-width:50em}}\
         table{{border-collapse:collapse}}td,th{{padding:.3em .8em;border-bottom:1px solid #ddd;\
         text-align:left}}</style></head><body>{body}</body></html>\n",
        escape(title)
    )
}

/// A page with one message.
pub(crate) fn message(title: &str, text: &str) -> String {
    document(
        title,
        &format!(
            "<h1>{}</h1><p id=\"message\">{}</p>",
            escape(title),
            escape(text)
        ),
    )
}

/// The medication list.
pub(crate) fn medications(view: &MedicationView) -> String {
    let mut body = format!(
        "<h1>Medications</h1><p id=\"patient\" data-record-id=\"{}\">{}</p>",
        escape(&view.record_id),
        escape(&view.patient)
    );
    if view.medications.is_empty() {
        body.push_str("<p id=\"empty\">No medications recorded.</p>");
    } else {
        body.push_str(
            "<table id=\"medications\"><thead><tr><th>Drug</th><th>Started</th>\
             <th>Stopped</th><th>Instructions</th></tr></thead><tbody>",
        );
        for m in &view.medications {
            let cell = |v: &Option<String>| escape(v.as_deref().unwrap_or(""));
            body.push_str(&format!(
                "<tr><td class=\"drug\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&m.name),
                cell(&m.start),
                cell(&m.end),
                cell(&m.instructions)
            ));
        }
        body.push_str("</tbody></table>");
    }
    document("Medications", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped() {
        let page = message("<b>", "a \"quote\" & <script>alert(1)</script>");
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page}"
        );
        assert!(page.contains("&quot;quote&quot; &amp;"), "{page}");
    }
}
