//! The name a document's file had on the uploader's machine, and the name it is
//! downloaded under.

use crate::text::is_bidi_control;

/// A file name made safe to hand back in `Content-Disposition`: no directories (a
/// browser may send `C:\scans\x.pdf`), no control or bidirectional characters (which
/// could disguise `x\u{202E}fdp.exe` as `xexe.pdf`), no quotes, at most 255 characters.
/// A name is cleaned rather than refused: it is what the uploader's machine called the
/// file, not something they typed for the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

impl FileName {
    pub const MAX_CHARS: usize = 255;

    /// The cleaned name, or `None` when nothing is left of it.
    pub fn clean(raw: &str) -> Option<Self> {
        let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        let cleaned: String = last
            .chars()
            .filter(|&c| !c.is_control() && !is_bidi_control(c) && c != '"')
            .take(Self::MAX_CHARS)
            .collect();
        let cleaned = cleaned.trim().trim_start_matches('.').trim();
        (!cleaned.is_empty()).then(|| Self(cleaned.to_owned()))
    }

    /// The name a download goes by: the uploaded file's, else the title with the
    /// extension of the media type, so that the file opens in the right program.
    pub fn for_download(uploaded: Option<&FileName>, title: &str, media_type: &str) -> Self {
        if let Some(name) = uploaded {
            return name.clone();
        }
        let extension = extension_of(media_type);
        let base = Self::clean(title).map_or_else(|| "document".to_owned(), |name| name.0);
        let name = if extension.is_empty() || base.to_lowercase().ends_with(extension) {
            base
        } else {
            format!("{base}{extension}")
        };
        Self::clean(&name).unwrap_or_else(|| Self("document".to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name in printable ASCII, for clients that read only `filename` (RFC 6266's
    /// fallback beside `filename*`).
    pub fn ascii_fallback(&self) -> String {
        self.0
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || " .-_()".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }
}

fn extension_of(media_type: &str) -> &'static str {
    match media_type {
        "application/pdf" => ".pdf",
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/tiff" => ".tiff",
        "text/plain" => ".txt",
        "application/dicom" => ".dcm",
        "application/xml" | "text/xml" | "application/hl7-cda+xml" => ".xml",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_controls_and_reversals_are_cleaned_away() {
        let clean = |raw: &str| FileName::clean(raw).map(|name| name.0);
        assert_eq!(clean("test.pdf").as_deref(), Some("test.pdf"));
        assert_eq!(
            clean("C:\\scans\\x-ray 1.png").as_deref(),
            Some("x-ray 1.png")
        );
        assert_eq!(clean("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(
            clean("invoice\u{202E}fdp.exe").as_deref(),
            Some("invoicefdp.exe")
        );
        assert_eq!(
            clean("a\r\nContent-Type: x\".pdf").as_deref(),
            Some("aContent-Type: x.pdf")
        );
        assert_eq!(clean("..."), None);
        assert_eq!(clean("dir/"), None);
        assert_eq!(clean(&"é".repeat(300)).unwrap().chars().count(), 255);
    }

    #[test]
    fn a_download_keeps_the_uploaded_name_or_takes_the_title_and_its_type() {
        let uploaded = FileName::clean("scan.pdf");
        assert_eq!(
            FileName::for_download(uploaded.as_ref(), "Referral", "application/pdf").as_str(),
            "scan.pdf"
        );
        assert_eq!(
            FileName::for_download(None, "Referral", "application/pdf").as_str(),
            "Referral.pdf"
        );
        assert_eq!(
            FileName::for_download(None, "Lab.PDF", "application/pdf").as_str(),
            "Lab.PDF"
        );
        assert_eq!(
            FileName::for_download(None, "Résumé", "text/plain").ascii_fallback(),
            "R_sum_.txt"
        );
    }
}
