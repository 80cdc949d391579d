//! The body of an admin form: URL-encoded, or `multipart/form-data` when it carries files
//! (a manifest, patient files). The multipart reader is deliberately small: parts with a
//! `Content-Disposition: form-data; name="…"` header, an optional `filename`, and their
//! bytes; anything else refuses the whole body.

use axum::http::{HeaderMap, header};

/// An uploaded file.
#[derive(Debug, Clone)]
pub(super) struct Upload {
    /// The form field it came in.
    pub(super) field: String,
    /// The file name the browser sent (its last path segment only).
    pub(super) file_name: String,
    /// The bytes.
    pub(super) bytes: Vec<u8>,
}

/// A parsed form: text fields and files.
#[derive(Debug, Default)]
pub(super) struct Form {
    fields: Vec<(String, String)>,
    files: Vec<Upload>,
}

impl Form {
    /// Parses the body by its content type; `None` if a multipart body is malformed.
    pub(super) fn parse(headers: &HeaderMap, body: &[u8]) -> Option<Self> {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if media == "multipart/form-data" {
            let boundary = boundary(content_type)?;
            return multipart(body, &boundary);
        }
        Some(Self {
            fields: serde_urlencoded::from_bytes(body).unwrap_or_default(),
            files: Vec::new(),
        })
    }

    /// A text field (the first of that name).
    pub(super) fn text(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A text field, trimmed; empty when absent.
    pub(super) fn trimmed(&self, name: &str) -> &str {
        self.text(name).unwrap_or("").trim()
    }

    /// Whether a checkbox was ticked.
    pub(super) fn checked(&self, name: &str) -> bool {
        self.text(name).is_some()
    }

    /// The non-empty files sent in this field.
    pub(super) fn files(&self, name: &str) -> impl Iterator<Item = &Upload> {
        self.files
            .iter()
            .filter(move |f| f.field == name && !(f.bytes.is_empty() && f.file_name.is_empty()))
    }
}

/// The `boundary` parameter of a multipart content type.
fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty() && b.len() <= 200)
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Splits a multipart body into its parts.
fn multipart(body: &[u8], boundary: &str) -> Option<Form> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let start = find(body, delimiter)?;
    let mut rest = &body[start + delimiter.len()..];
    let mut form = Form::default();
    let next_delimiter = [b"\r\n".as_slice(), delimiter].concat();
    loop {
        if rest.starts_with(b"--") {
            return Some(form);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let header_end = find(rest, b"\r\n\r\n")?;
        let head = std::str::from_utf8(&rest[..header_end]).ok()?;
        let after_head = &rest[header_end + 4..];
        let end = find(after_head, &next_delimiter)?;
        let content = &after_head[..end];
        rest = &after_head[end + next_delimiter.len()..];
        let (name, file_name) = disposition(head)?;
        match file_name {
            Some(file_name) => form.files.push(Upload {
                field: name,
                file_name,
                bytes: content.to_vec(),
            }),
            None => form
                .fields
                .push((name, String::from_utf8(content.to_vec()).ok()?)),
        }
    }
}

/// The field name and file name of a part's `Content-Disposition: form-data` header.
fn disposition(head: &str) -> Option<(String, Option<String>)> {
    let line = head.split("\r\n").find(|l| {
        l.split_once(':')
            .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition"))
    })?;
    let value = line.split_once(':')?.1;
    let mut params = value.split(';');
    if !params.next()?.trim().eq_ignore_ascii_case("form-data") {
        return None;
    }
    let mut name = None;
    let mut file_name = None;
    for p in params {
        let Some((k, v)) = p.trim().split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches('"').to_owned();
        match k.trim().to_ascii_lowercase().as_str() {
            "name" => name = Some(v),
            // Browsers send the bare name; some older ones a whole path.
            "filename" => {
                file_name = Some(v.rsplit(['/', '\\']).next().unwrap_or_default().to_owned());
            }
            _ => {}
        }
    }
    Some((name?, file_name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(ct: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
        h
    }

    #[test]
    fn multipart_fields_and_files() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"manifest\"; filename=\"C:\\\\dir\\\\m.json\"\r\n\
                    Content-Type: application/json\r\n\r\n{\"a\":\r\n1}\r\n--XyZ--\r\n";
        let form = Form::parse(
            &headers("multipart/form-data; boundary=XyZ"),
            body.as_bytes(),
        )
        .unwrap();
        assert_eq!(form.text("csrf"), Some("tok"));
        let files: Vec<_> = form.files("manifest").collect();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].file_name, "m.json");
        assert_eq!(files[0].bytes, b"{\"a\":\r\n1}");
    }

    #[test]
    fn urlencoded_and_malformed_bodies() {
        let form = Form::parse(
            &headers("application/x-www-form-urlencoded"),
            b"csrf=a%20b&on=1",
        )
        .unwrap();
        assert_eq!(form.text("csrf"), Some("a b"));
        assert!(form.checked("on") && !form.checked("off"));
        let bad = Form::parse(
            &headers("multipart/form-data; boundary=B"),
            b"--B\r\nno disposition\r\n\r\nx\r\n--B--",
        );
        assert!(bad.is_none());
        assert!(Form::parse(&headers("multipart/form-data"), b"").is_none());
    }
}
