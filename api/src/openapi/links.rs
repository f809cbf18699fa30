//! The contract's links (OpenAPI 3.1 `links`): which operation a client (or a fuzzer's
//! stateful run) calls next with what an answer gave it, so that the main flows read as
//! flows: register a patient, then read, change and archive it, write its notes...

use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::RefOr;
use utoipa::Modify;

/// The id of the record an answer's body describes.
const BODY_ID: &str = "$response.body#/id";
/// The record's version, to send back in If-Match.
const ETAG: &str = "$response.header.ETag";

const BY_ID: &[(&str, &str)] = &[("path.id", BODY_ID)];
const BY_ID_AND_VERSION: &[(&str, &str)] = &[("path.id", BODY_ID), ("header.If-Match", ETAG)];

/// (operation, status, link name, operation linked to, its parameters).
type LinkRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const LINKS: &[LinkRow] = &[
    ("create_patient", "201", "read", "get_patient", BY_ID),
    (
        "create_patient",
        "201",
        "change",
        "update_patient",
        BY_ID_AND_VERSION,
    ),
    (
        "create_patient",
        "201",
        "archive",
        "archive_patient_record",
        BY_ID_AND_VERSION,
    ),
    ("create_patient", "201", "write_note", "write_note", BY_ID),
    ("create_patient", "201", "notes", "list_notes", BY_ID),
    ("create_patient", "201", "upload", "upload_document", BY_ID),
    (
        "create_patient",
        "201",
        "documents",
        "list_documents",
        BY_ID,
    ),
    ("write_note", "201", "read", "get_note", BY_ID),
    (
        "write_note",
        "201",
        "revise",
        "revise_note",
        BY_ID_AND_VERSION,
    ),
    ("write_note", "201", "sign", "sign_note", BY_ID_AND_VERSION),
    ("sign_note", "200", "add_addendum", "add_addendum", BY_ID),
    ("upload_document", "201", "read", "get_document", BY_ID),
    (
        "upload_document",
        "201",
        "download",
        "download_content",
        BY_ID,
    ),
    (
        "upload_document",
        "201",
        "change",
        "update_document",
        BY_ID_AND_VERSION,
    ),
    (
        "upload_document",
        "201",
        "delete",
        "delete_document",
        BY_ID_AND_VERSION,
    ),
    ("book_appointment", "201", "read", "get_appointment", BY_ID),
    (
        "book_appointment",
        "201",
        "change",
        "change_appointment",
        BY_ID_AND_VERSION,
    ),
    (
        "acquire_lock",
        "201",
        "renew",
        "renew_lock",
        &[("path.token", "$response.body#/token")],
    ),
    (
        "acquire_lock",
        "201",
        "release",
        "release_lock",
        &[("path.token", "$response.body#/token")],
    ),
    ("create_user", "201", "read", "get_user", BY_ID),
    (
        "create_user",
        "201",
        "change",
        "update_user",
        BY_ID_AND_VERSION,
    ),
];

/// Adds [`LINKS`] to the answers they start from.
pub struct Links;

impl Modify for Links {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for operation in super::operations_mut(openapi) {
            let Some(id) = operation.operation_id.clone() else {
                continue;
            };
            for (_, status, name, target, parameters) in
                LINKS.iter().filter(|(from, ..)| *from == id)
            {
                let Some(RefOr::T(response)) = operation.responses.responses.get_mut(*status)
                else {
                    continue;
                };
                let mut link = parameters
                    .iter()
                    .fold(LinkBuilder::new(), |link, (parameter, value)| {
                        link.parameter(*parameter, *value)
                    })
                    .build();
                // why: utoipa 5.5 writes `Link::operation_id` as `operation_id`, a key
                // OpenAPI does not know; the field goes in under its own name instead.
                let mut named = Extensions::default();
                named.insert("operationId".to_owned(), (*target).into());
                link.extensions = Some(named);
                response.links.insert((*name).to_owned(), link.into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_joins_two_operations_of_the_contract() {
        let document = super::super::document();
        let operations: Vec<_> = document
            .paths
            .paths
            .values()
            .flat_map(|item| [&item.get, &item.put, &item.post, &item.delete, &item.patch])
            .flatten()
            .collect();
        let find = |id: &str| {
            operations
                .iter()
                .find(|operation| operation.operation_id.as_deref() == Some(id))
                .unwrap_or_else(|| panic!("no operation {id}"))
        };
        for (from, status, name, to, parameters) in LINKS {
            let response = &find(from).responses.responses[*status];
            let RefOr::T(response) = response else {
                panic!("{from} {status} is a reference");
            };
            let RefOr::T(link) = &response.links[*name] else {
                panic!("{from} {status} {name} is a reference");
            };
            let json = serde_json::to_value(link).unwrap();
            assert_eq!(json["operationId"], *to, "{json}");
            let target = find(to);
            for (parameter, _) in *parameters {
                let (place, parameter) = parameter.split_once('.').unwrap();
                assert!(
                    target
                        .parameters
                        .iter()
                        .flatten()
                        .any(|p| p.name == parameter
                            && serde_json::to_value(&p.parameter_in).unwrap() == place),
                    "{to} has no {place} parameter {parameter}"
                );
            }
        }
    }
}
