//! The whole of an XML upload, read as it streams: an element or attribute of any
//! namespace but HL7's (an XHTML `<script>`, SVG, XSLT) is refused wherever it stands,
//! and so is a DOCTYPE. The first bytes alone ([`super::media::content_matches`]) say
//! only that the document is CDA; what follows them is judged here.

use std::io::{BufReader, Read};
use std::sync::mpsc;

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

/// Namespaces a CDA document's elements and attributes may be in (besides none).
const ALLOWED_NAMESPACES: &[&[u8]] = &[
    b"urn:hl7-org:v3",
    // HL7's extensions of CDA for the US (SDTC).
    b"urn:hl7-org:sdtc",
    b"http://www.w3.org/2001/XMLSchema-instance",
    b"http://www.w3.org/XML/1998/namespace",
];

/// Reads an XML document's pieces on a blocking thread of its own, as they arrive, and
/// answers at the end whether every element and attribute is in an allowed namespace.
pub struct MarkupCheck {
    pieces: Option<mpsc::Sender<Vec<u8>>>,
    verdict: tokio::task::JoinHandle<Result<(), String>>,
}

impl MarkupCheck {
    pub fn start() -> Self {
        let (pieces, arriving) = mpsc::channel();
        let verdict = tokio::task::spawn_blocking(move || {
            judge(BufReader::new(Arriving {
                pieces: arriving,
                current: Vec::new(),
                read: 0,
            }))
        });
        Self {
            pieces: Some(pieces),
            verdict,
        }
    }

    /// Passes one piece of the document on. A reader that already stopped (it found
    /// foreign markup) takes no more; its verdict says why.
    pub fn feed(&self, piece: &[u8]) {
        if let Some(pieces) = &self.pieces {
            let _ = pieces.send(piece.to_vec());
        }
    }

    /// The verdict, once the document has ended: `Err` names what was refused.
    pub async fn finish(mut self) -> Result<(), String> {
        self.pieces = None;
        self.verdict
            .await
            .map_err(|error| format!("the markup check stopped: {error}"))?
    }
}

/// The pieces sent so far, as one byte stream; it ends when the sender is dropped.
struct Arriving {
    pieces: mpsc::Receiver<Vec<u8>>,
    current: Vec<u8>,
    read: usize,
}

impl Read for Arriving {
    fn read(&mut self, into: &mut [u8]) -> std::io::Result<usize> {
        while self.read == self.current.len() {
            match self.pieces.recv() {
                Ok(piece) => {
                    self.current = piece;
                    self.read = 0;
                }
                Err(mpsc::RecvError) => return Ok(0),
            }
        }
        let count = into.len().min(self.current.len() - self.read);
        into[..count].copy_from_slice(&self.current[self.read..self.read + count]);
        self.read += count;
        Ok(count)
    }
}

fn allowed(namespace: &ResolveResult<'_>) -> bool {
    match namespace {
        ResolveResult::Unbound => true,
        ResolveResult::Bound(namespace) => ALLOWED_NAMESPACES.contains(&namespace.as_ref()),
        ResolveResult::Unknown(_) => false,
    }
}

fn judge(source: impl std::io::BufRead) -> Result<(), String> {
    let mut reader = NsReader::from_reader(source);
    let mut buffer = Vec::new();
    loop {
        let (namespace, event) = reader
            .read_resolved_event_into(&mut buffer)
            .map_err(|error| format!("the XML is not well-formed: {error}"))?;
        let element_allowed = allowed(&namespace);
        match event {
            Event::Start(element) | Event::Empty(element) => {
                let name = String::from_utf8_lossy(element.name().as_ref()).into_owned();
                if !element_allowed {
                    return Err(format!("the element <{name}> is not CDA markup"));
                }
                for attribute in element.attributes() {
                    let attribute =
                        attribute.map_err(|error| format!("a malformed attribute: {error}"))?;
                    let key = attribute.key.as_ref();
                    if key == b"xmlns" || key.starts_with(b"xmlns:") {
                        continue;
                    }
                    let (namespace, _) = reader.resolve_attribute(attribute.key);
                    if !allowed(&namespace) {
                        return Err(format!(
                            "the attribute {} of <{name}> is not CDA markup",
                            String::from_utf8_lossy(key)
                        ));
                    }
                }
            }
            Event::DocType(_) => return Err("a DOCTYPE".to_owned()),
            Event::Eof => return Ok(()),
            _ => {}
        }
        buffer.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn verdict(document: &str, piece_size: usize) -> Result<(), String> {
        let check = MarkupCheck::start();
        for piece in document.as_bytes().chunks(piece_size) {
            check.feed(piece);
        }
        check.finish().await
    }

    const CDA_START: &str = "<?xml version=\"1.0\"?><ClinicalDocument xmlns=\"urn:hl7-org:v3\" \
        xmlns:sdtc=\"urn:hl7-org:sdtc\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";

    #[tokio::test]
    async fn cda_markup_passes_however_it_is_cut() {
        let padding = "<paragraph>no known allergies</paragraph>".repeat(500);
        let document = format!(
            "{CDA_START}<title>Discharge</title>{padding}<sdtc:raceCode code=\"2106-3\"/>\
             <value xsi:type=\"CD\"/></ClinicalDocument>"
        );
        for piece_size in [1, 7, 4096, document.len()] {
            assert_eq!(verdict(&document, piece_size).await, Ok(()), "{piece_size}");
        }
    }

    #[tokio::test]
    async fn foreign_markup_is_refused_wherever_it_stands() {
        let padding = "<paragraph>text</paragraph>".repeat(1000);
        for foreign in [
            "<h:script xmlns:h=\"http://www.w3.org/1999/xhtml\">alert(1)</h:script>",
            "<script xmlns=\"http://www.w3.org/1999/xhtml\">alert(1)</script>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            "<content xmlns:h=\"http://www.w3.org/1999/xhtml\" h:onclick=\"alert(1)\"/>",
            "<undeclared:thing/>",
        ] {
            let document = format!("{CDA_START}{padding}{foreign}</ClinicalDocument>");
            let refused = verdict(&document, 4096).await;
            assert!(refused.is_err(), "{foreign}");
        }
        let doctype = "<?xml version=\"1.0\"?><!DOCTYPE x><ClinicalDocument/>";
        assert!(verdict(doctype, 8).await.is_err());
    }
}
