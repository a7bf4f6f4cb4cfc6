//! A QR code as inline SVG (one `<path>` of the dark modules, a quiet zone of four), for the
//! authenticator enrolment page: an `<img>` of a `data:` URL would need the CSP to allow it, and
//! an inline `<svg>` needs nothing. The encoder is `qrcodegen`; only the drawing is kordon's.

use qrcodegen::{QrCode, QrCodeEcc};

/// Modules of white around the code (the standard's quiet zone).
const BORDER: i32 = 4;

/// `text` as an SVG QR code (error correction M), or None when it does not fit one.
pub(crate) fn svg(text: &str, label: &str) -> Option<String> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let size = code.size();
    // One rectangle per run of dark modules in a row: a few kilobytes, not one square each.
    let mut path = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !code.get_module(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < size && code.get_module(x, y) {
                x += 1;
            }
            let run = x - start;
            path.push_str(&format!("M{},{}h{run}v1h-{run}z", start + BORDER, y + BORDER));
        }
    }
    let full = size + 2 * BORDER;
    let label = label.replace(['<', '>', '&', '"'], "");
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {full}\" role=\"img\" aria-label=\"{label}\" \
         shape-rendering=\"crispEdges\"><rect width=\"{full}\" height=\"{full}\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::svg;

    #[test]
    fn a_code_is_one_path_inside_its_quiet_zone() {
        let drawn = svg("otpauth://totp/kordon:a%40b?secret=JBSWY3DPEHPK3PXP", "QR <code>").expect("fits");
        assert!(drawn.starts_with("<svg ") && drawn.ends_with("</svg>"), "{drawn}");
        assert_eq!(drawn.matches("<path").count(), 1);
        assert!(drawn.contains("viewBox=\"0 0 41 41\""), "version 4 (33 modules) plus the border: {drawn}");
        // The top-left finder pattern's first row: a run of seven dark modules.
        assert!(drawn.contains("M4,4h7v1h-7z"), "{drawn}");
        assert!(drawn.contains("aria-label=\"QR code\""), "no markup from the label");
        assert!(svg(&"x".repeat(8000), "too long").is_none());
    }
}
