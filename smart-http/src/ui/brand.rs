//! The container's look, from the `[branding]` configuration: its name (titles, top bar),
//! logo, accent colour and footer. The accent reaches the pages as a stylesheet,
//! `/static/brand.css`, since the CSP allows no inline style; it is built from the
//! checked `#rrggbb` value only, so no configuration text ever becomes CSS. The logo is
//! read once at start and served at `/static/logo`.

use super::plain;
use crate::config::BrandingConfig;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The branding of a running UI.
#[derive(Debug, Clone)]
pub(crate) struct Brand {
    /// The container's name.
    pub(crate) name: String,
    /// The footer line, if any.
    pub(crate) footer: Option<String>,
    /// The logo's bytes and media type, if a logo is configured and readable.
    logo: Option<(Vec<u8>, &'static str)>,
    /// The stylesheet with the accent colour (empty without one).
    css: String,
}

impl Brand {
    /// The brand of this configuration. A logo that cannot be read any more (the
    /// configuration check found it) is left out with a warning rather than stopping
    /// the server.
    pub(crate) fn from_config(b: &BrandingConfig) -> Self {
        let logo = match (&b.logo, b.logo_media_type()) {
            (Some(path), Some(media_type)) => match std::fs::read(path) {
                Ok(bytes) => Some((bytes, media_type)),
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "branding.logo unreadable; the default mark is shown");
                    None
                }
            },
            _ => None,
        };
        Self {
            name: b.name.clone(),
            footer: b.footer.clone().filter(|f| !f.trim().is_empty()),
            logo,
            css: b.accent_rgb().map(accent_css).unwrap_or_default(),
        }
    }

    /// Whether a logo is served.
    pub(crate) fn has_logo(&self) -> bool {
        self.logo.is_some()
    }

    /// `GET /static/brand.css`.
    pub(crate) fn stylesheet(&self) -> Response {
        let mut r = (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            self.css.clone(),
        )
            .into_response();
        super::secure_headers(&mut r, &[]);
        r
    }

    /// `GET /static/logo`.
    pub(crate) fn logo(&self) -> Response {
        let Some((bytes, media_type)) = &self.logo else {
            return plain(StatusCode::NOT_FOUND, "no logo is configured");
        };
        let mut r = (
            [
                (header::CONTENT_TYPE, *media_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            bytes.clone(),
        )
            .into_response();
        super::secure_headers(&mut r, &[]);
        // An SVG opened on its own is a document of this origin: no script, no plugin.
        r.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
        );
        r
    }
}

/// The accent stylesheet: the colour, readable ink on it (black or white, whichever
/// contrasts more), and a pale tint of it for backgrounds.
fn accent_css((r, g, b): (u8, u8, u8)) -> String {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    // Contrast with white (1.05 / (L + 0.05)) against black ((L + 0.05) / 0.05).
    let ink = if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 {
        "#fff"
    } else {
        "#111"
    };
    let tint = |c: u8| 255 - (255 - u16::from(c)) * 12 / 100;
    format!(
        ":root {{ --accent: #{r:02x}{g:02x}{b:02x}; --accent-ink: {ink}; --accent-soft: #{:02x}{:02x}{:02x}; }}\n",
        tint(r),
        tint(g),
        tint(b)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accent_stylesheet() {
        let css = accent_css((0x0b, 0x6e, 0x8a));
        assert!(css.contains("--accent: #0b6e8a;"), "{css}");
        assert!(css.contains("--accent-ink: #fff;"), "{css}");
        let light = accent_css((0xff, 0xee, 0x88));
        assert!(light.contains("--accent-ink: #111;"), "{light}");
        assert!(accent_css((0, 0, 0)).contains("--accent-soft: #e1e1e1;"));
    }
}
