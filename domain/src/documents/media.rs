//! Which media types are accepted, judged by what the bytes are as well as the label.

/// The default allow-list: PDF, PNG, JPEG, TIFF, plain text, DICOM, and CDA/XML.
pub const DEFAULT_ALLOWED: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/tiff",
    "text/plain",
    "application/dicom",
    "application/xml",
    "text/xml",
    "application/hl7-cda+xml",
];

/// The declared type without parameters, lower-cased: `Text/Plain; charset=utf-8` ->
/// `text/plain`.
pub fn essence(declared: &str) -> String {
    declared
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Whether the first bytes of the content agree with `media_type`. Binary formats are
/// known by their signatures; text types must be UTF-8 without NUL bytes, and the XML
/// ones must start like XML.
pub fn content_matches(media_type: &str, head: &[u8]) -> bool {
    match media_type {
        "application/pdf" => head.starts_with(b"%PDF-"),
        "image/png" => head.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => head.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/tiff" => head.starts_with(b"II*\0") || head.starts_with(b"MM\0*"),
        "application/dicom" => head.get(128..132) == Some(b"DICM".as_slice()),
        "text/plain" => is_text(head),
        "application/xml" | "text/xml" | "application/hl7-cda+xml" => {
            is_text(head) && {
                let text = String::from_utf8_lossy(head);
                text.trim_start_matches('\u{feff}')
                    .trim_start()
                    .starts_with('<')
            }
        }
        _ => false,
    }
}

fn is_text(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        // The head may end inside a multi-byte character.
        Err(error) => error.error_len().is_none() && head.len() - error.valid_up_to() < 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_decide_and_labels_alone_do_not() {
        assert!(content_matches("application/pdf", b"%PDF-1.7\n..."));
        assert!(!content_matches(
            "application/pdf",
            b"MZ\x90\0 an executable"
        ));
        assert!(content_matches("image/png", b"\x89PNG\r\n\x1a\n\0\0"));
        assert!(!content_matches("image/jpeg", b"\x89PNG\r\n\x1a\n"));
        let mut dicom = vec![0_u8; 128];
        dicom.extend_from_slice(b"DICM");
        assert!(content_matches("application/dicom", &dicom));
        assert!(content_matches(
            "text/plain",
            "Blutdruck 120/80 — normal".as_bytes()
        ));
        assert!(!content_matches("text/plain", b"\0\x01binary"));
        assert!(content_matches(
            "application/hl7-cda+xml",
            b"\xef\xbb\xbf<?xml version=\"1.0\"?><ClinicalDocument/>"
        ));
        assert!(!content_matches("application/x-msdownload", b"MZ"));
        assert_eq!(essence("Text/Plain; charset=utf-8"), "text/plain");
    }
}
