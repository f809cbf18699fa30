//! Which media types are accepted, judged by what the bytes are as well as the label.

use quick_xml::events::Event;

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

/// The XML documents accepted, by their root element: HL7 CDA.
pub const XML_ROOTS: &[&str] = &["ClinicalDocument"];

/// Whether the first bytes of the content agree with `media_type`. Binary formats are
/// known by their signatures; text types must be UTF-8 without NUL bytes; XML must be a
/// document whose root is one of [`XML_ROOTS`], without a DOCTYPE (whose entities
/// attack the readers a document is passed on to). A page of (X)HTML labelled as XML is
/// so refused, and can never be served back as markup a browser would run.
pub fn content_matches(media_type: &str, head: &[u8]) -> bool {
    match media_type {
        "application/pdf" => head.starts_with(b"%PDF-"),
        "image/png" => head.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => head.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/tiff" => head.starts_with(b"II*\0") || head.starts_with(b"MM\0*"),
        "application/dicom" => head.get(128..132) == Some(b"DICM".as_slice()),
        "text/plain" => is_text(head),
        xml if is_xml(xml) => {
            is_text(head) && xml_root(head).is_some_and(|root| XML_ROOTS.contains(&root.as_str()))
        }
        _ => false,
    }
}

/// Whether documents of `media_type` are XML, whose whole markup is checked as well
/// ([`super::markup`]).
pub fn is_xml(media_type: &str) -> bool {
    matches!(
        media_type,
        "application/xml" | "text/xml" | "application/hl7-cda+xml"
    )
}

/// The local name of the document's root element, read from its first bytes: after the
/// declaration, comments and processing instructions, and only when no DOCTYPE comes
/// before it. `None` when the bytes do not reach the root's whole start tag.
fn xml_root(head: &[u8]) -> Option<String> {
    let head = head.strip_prefix("\u{feff}".as_bytes()).unwrap_or(head);
    let mut reader = quick_xml::Reader::from_reader(head);
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer).ok()? {
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Text(text) if text.iter().all(u8::is_ascii_whitespace) => {}
            Event::Start(root) | Event::Empty(root) => {
                return std::str::from_utf8(root.local_name().as_ref())
                    .ok()
                    .map(str::to_owned);
            }
            _ => return None,
        }
        buffer.clear();
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
        assert!(content_matches(
            "text/xml",
            b"<?xml version=\"1.0\"?>\n<!-- a discharge summary -->\n<cda:ClinicalDocument xmlns:cda=\"urn:hl7-org:v3\"><title>x</title>"
        ));
        for refused in [
            "<html xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></html>",
            "<!DOCTYPE ClinicalDocument [<!ENTITY a \"a\">]><ClinicalDocument/>",
            "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" ",
            "< not xml",
        ] {
            assert!(
                !content_matches("application/xml", refused.as_bytes()),
                "{refused}"
            );
        }
        assert_eq!(essence("Text/Plain; charset=utf-8"), "text/plain");
    }
}
