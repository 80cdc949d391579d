//! Matching request paths against the call templates, and expanding templates into paths.

use super::{ApiCall, CALLS, HttpMethod};
use crate::encoding::{
    Decoding, EncodeSet, percent_decode as percent_decode_bytes, percent_encode_into,
};

/// Why a path template could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    /// A variable of the template was not given.
    #[error("{call}: no value for path variable `{variable}`")]
    Missing {
        /// The call's client method name.
        call: &'static str,
        /// The variable.
        variable: &'static str,
    },
    /// A value was given for a name that is not a variable of the template.
    #[error("{call}: the path has no variable `{variable}`")]
    Unknown {
        /// The call's client method name.
        call: &'static str,
        /// The name given.
        variable: String,
    },
    /// A variable was given twice.
    #[error("{call}: path variable `{variable}` is given more than once")]
    Duplicate {
        /// The call's client method name.
        call: &'static str,
        /// The variable.
        variable: &'static str,
    },
    /// A variable was given an empty value (a path segment cannot be empty).
    #[error("{call}: path variable `{variable}` is empty")]
    Empty {
        /// The call's client method name.
        call: &'static str,
        /// The variable.
        variable: &'static str,
    },
}

/// The values of a call's path variables, `(variable, value)` in template order.
pub type PathBindings = Vec<(&'static str, String)>;

/// One segment of a template: a literal or a `{variable}`.
fn variable_name(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

/// Binds `path` against `template`, segment by segment. On success, the variable bindings
/// (percent-decoded) and, per segment, whether it was a variable (for ranking).
fn bind(template: &'static str, path: &str) -> Option<(PathBindings, Vec<bool>)> {
    let mut template_segments = template.split('/');
    let mut path_segments = path.split('/');
    let mut bindings = Vec::new();
    let mut shape = Vec::new();
    loop {
        match (template_segments.next(), path_segments.next()) {
            (None, None) => return Some((bindings, shape)),
            (Some(t), Some(p)) => match variable_name(t) {
                Some(name) => {
                    if p.is_empty() {
                        return None;
                    }
                    bindings.push((name, percent_decode(p)?));
                    shape.push(true);
                }
                None => {
                    if t != p {
                        return None;
                    }
                    shape.push(false);
                }
            },
            _ => return None,
        }
    }
}

/// The call a request goes to, with the values of its path variables.
///
/// `path` is the request path relative to the API base, without the query string, e.g.
/// `/records/123/medications/`. Each `{variable}` matches exactly one non-empty segment,
/// whose value is percent-decoded (a segment that does not decode to UTF-8 matches
/// nothing). Trailing slashes are significant. When several templates match, literal
/// segments win over variables, leftmost first, so `/users/search` is `search_users`, not
/// `get_user`.
pub fn match_path(method: HttpMethod, path: &str) -> Option<(&'static ApiCall, PathBindings)> {
    let mut best: Option<(&'static ApiCall, PathBindings, Vec<bool>)> = None;
    for call in CALLS.iter().filter(|c| c.method == method) {
        let Some((bindings, shape)) = bind(call.path, path) else {
            continue;
        };
        // `false` (literal) sorts before `true` (variable): the smaller shape is more
        // specific.
        if best.as_ref().is_none_or(|(_, _, s)| shape < *s) {
            best = Some((call, bindings, shape));
        }
    }
    best.map(|(call, bindings, _)| (call, bindings))
}

/// The methods for which some call matches `path`, in [`HttpMethod`] order. Empty when
/// the path matches no call at all (a 404); otherwise what an HTTP `Allow` header lists
/// when the request's method is not among them (a 405).
pub fn allowed_methods(path: &str) -> Vec<HttpMethod> {
    HttpMethod::ALL
        .into_iter()
        .filter(|m| match_path(*m, path).is_some())
        .collect()
}

pub(super) fn expand(call: &ApiCall, values: &[(&str, &str)]) -> Result<String, PathError> {
    let variables = call.path_variables();
    for (i, (name, _)) in values.iter().enumerate() {
        let Some(variable) = variables.iter().copied().find(|v| *v == *name) else {
            return Err(PathError::Unknown {
                call: call.name,
                variable: (*name).to_owned(),
            });
        };
        if values[..i].iter().any(|(n, _)| n == name) {
            return Err(PathError::Duplicate {
                call: call.name,
                variable,
            });
        }
    }
    let mut out = String::with_capacity(call.path.len() + 32);
    for (i, segment) in call.path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        match variable_name(segment) {
            None => out.push_str(segment),
            Some(variable) => {
                let Some((_, value)) = values.iter().find(|(n, _)| *n == variable) else {
                    return Err(PathError::Missing {
                        call: call.name,
                        variable,
                    });
                };
                if value.is_empty() {
                    return Err(PathError::Empty {
                        call: call.name,
                        variable,
                    });
                }
                percent_encode_into(value.as_bytes(), EncodeSet::PathSegment, &mut out);
            }
        }
    }
    Ok(out)
}

/// Decodes `%XX` escapes. A `%` not followed by two hex digits is kept as it is. `None`
/// if the result is not UTF-8.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = percent_decode_bytes(segment.as_bytes(), Decoding::lenient()).ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::call;
    use HttpMethod::*;

    fn matched(method: HttpMethod, path: &str) -> Option<(&'static str, Vec<(&str, String)>)> {
        match_path(method, path).map(|(c, b)| (c.name, b))
    }

    #[test]
    fn matches_collections_items_and_bindings() {
        assert_eq!(
            matched(Get, "/records/123/medications/"),
            Some(("get_medications", vec![("record_id", "123".to_owned())]))
        );
        assert_eq!(
            matched(Get, "/records/123/medications/abc"),
            Some((
                "get_medication",
                vec![
                    ("record_id", "123".to_owned()),
                    ("medication_id", "abc".to_owned())
                ]
            ))
        );
        assert_eq!(
            matched(Post, "/records/1/clinical_notes/").map(|m| m.0),
            Some("post_clinical_note")
        );
        assert_eq!(
            matched(Get, "/manifest").map(|m| m.0),
            Some("get_container_manifest")
        );
    }

    #[test]
    fn trailing_slash_is_significant() {
        assert_eq!(matched(Get, "/records/123/medications"), None);
        assert_eq!(matched(Get, "/records/123/medications/abc/"), None);
        assert_eq!(matched(Get, "/manifest/"), None);
        assert_eq!(matched(Get, "/records/1/demographics/"), None);
    }

    #[test]
    fn variables_match_one_non_empty_segment() {
        assert_eq!(matched(Get, "/records//medications/"), None);
        assert_eq!(matched(Get, "/records/1/2/medications/"), None);
        assert_eq!(matched(Get, "/users/"), None);
        assert_eq!(matched(Get, ""), None);
        assert_eq!(matched(Get, "/"), None);
        assert_eq!(matched(Get, "records/1/medications/"), None);
    }

    #[test]
    fn literal_segments_win_over_variables() {
        assert_eq!(
            matched(Get, "/users/search").map(|m| m.0),
            Some("search_users")
        );
        assert_eq!(
            matched(Get, "/users/josh@example.org"),
            Some(("get_user", vec![("user_id", "josh@example.org".to_owned())]))
        );
        assert_eq!(
            matched(Get, "/records/search").map(|m| m.0),
            Some("search_records")
        );
        // `/apps/manifests/` is a collection; `/apps/{descriptor}/manifest` needs the
        // descriptor and no trailing slash.
        assert_eq!(
            matched(Get, "/apps/manifests/").map(|m| m.0),
            Some("get_app_manifests")
        );
        assert_eq!(
            matched(Get, "/apps/manifests/manifest"),
            Some((
                "get_app_manifest",
                vec![("descriptor", "manifests".to_owned())]
            ))
        );
    }

    #[test]
    fn the_fixed_lab_panel_path_is_reachable() {
        assert_eq!(
            matched(Get, "/records/1/lab_panels/").map(|m| m.0),
            Some("get_lab_panels")
        );
        assert_eq!(
            matched(Get, "/records/1/lab_panels/p1").map(|m| m.0),
            Some("get_lab_panel")
        );
    }

    #[test]
    fn method_selects_among_same_path() {
        let p = "/records/r/apps/a@b/scratchpad";
        assert_eq!(matched(Get, p).map(|m| m.0), Some("get_scratchpad_data"));
        assert_eq!(matched(Put, p).map(|m| m.0), Some("put_scratchpad_data"));
        assert_eq!(
            matched(Delete, p).map(|m| m.0),
            Some("delete_scratchpad_data")
        );
        assert_eq!(matched(Post, p), None);
        assert_eq!(allowed_methods(p), vec![Get, Put, Delete]);
        assert_eq!(
            allowed_methods("/records/1/clinical_notes/"),
            vec![Get, Post]
        );
        assert_eq!(allowed_methods("/nothing"), vec![]);
    }

    #[test]
    fn bindings_are_percent_decoded() {
        assert_eq!(
            matched(Get, "/users/a%40b.org%2Fx"),
            Some(("get_user", vec![("user_id", "a@b.org/x".to_owned())]))
        );
        // a lone or malformed escape is kept as is
        assert_eq!(
            matched(Get, "/users/100%25%zz%"),
            Some(("get_user", vec![("user_id", "100%%zz%".to_owned())]))
        );
        // not UTF-8 after decoding: no match
        assert_eq!(matched(Get, "/users/%FF"), None);
    }

    #[test]
    fn every_call_matches_its_own_expanded_path() {
        for c in CALLS {
            let values: Vec<(&str, String)> = c
                .path_variables()
                .into_iter()
                .map(|v| (v, format!("{v} 1/é")))
                .collect();
            let borrowed: Vec<(&str, &str)> =
                values.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let path = c.expand_path(&borrowed).expect(c.name);
            let (found, bindings) = match_path(c.method, &path).expect(c.name);
            assert_eq!(found.name, c.name, "{path}");
            assert_eq!(bindings, values, "{path}");
        }
    }

    #[test]
    fn expand_path_builds_and_encodes() {
        let c = call("get_medication").unwrap();
        assert_eq!(
            c.expand_path(&[("medication_id", "m 1"), ("record_id", "r/2")]),
            Ok("/records/r%2F2/medications/m%201".to_owned())
        );
        let c = call("get_user").unwrap();
        assert_eq!(
            c.expand_path(&[("user_id", "a@b.org")]),
            Ok("/users/a@b.org".to_owned())
        );
        assert_eq!(
            call("get_ontology").unwrap().expand_path(&[]),
            Ok("/ontology".to_owned())
        );
    }

    #[test]
    fn expand_path_errors_name_the_variable() {
        let c = call("get_medication").unwrap();
        let err = c.expand_path(&[("record_id", "1")]).unwrap_err();
        assert_eq!(
            err,
            PathError::Missing {
                call: "get_medication",
                variable: "medication_id"
            }
        );
        assert!(err.to_string().contains("medication_id"), "{err}");
        let err = c
            .expand_path(&[("record_id", "1"), ("medication_id", "2"), ("x", "3")])
            .unwrap_err();
        assert!(matches!(&err, PathError::Unknown { variable, .. } if variable == "x"));
        assert!(err.to_string().contains("`x`"), "{err}");
        let err = c
            .expand_path(&[
                ("record_id", "1"),
                ("record_id", "2"),
                ("medication_id", "3"),
            ])
            .unwrap_err();
        assert_eq!(
            err,
            PathError::Duplicate {
                call: "get_medication",
                variable: "record_id"
            }
        );
        let err = c
            .expand_path(&[("record_id", ""), ("medication_id", "3")])
            .unwrap_err();
        assert_eq!(
            err,
            PathError::Empty {
                call: "get_medication",
                variable: "record_id"
            }
        );
    }

    proptest::proptest! {
        #[test]
        fn expand_then_match_round_trips(record in ".{1,20}", item in ".{1,20}") {
            let c = call("get_problem").unwrap();
            let path = c.expand_path(&[("record_id", &record), ("problem_id", &item)]).unwrap();
            let (found, bindings) = match_path(HttpMethod::Get, &path).unwrap();
            proptest::prop_assert_eq!(found.name, "get_problem");
            proptest::prop_assert_eq!(
                bindings,
                vec![("record_id", record.clone()), ("problem_id", item.clone())]
            );
        }
    }
}
