//! Request headers as the contract states them: a header is a string or absent, never
//! `null` (utoipa writes an optional one as `string | null`), and the headers whose form
//! the server checks carry that form as a pattern.

use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::RefOr;
use utoipa::Modify;

use super::operations_mut;

/// A lock's token, as `POST /api/v1/locks` returns it, optionally in angle brackets.
const LOCK_TOKEN: &str = "^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|<[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}>)$";
/// RFC 9530's `Content-Digest` with a SHA-256 member (32 bytes in padded base64, whose
/// last character before the `=` carries 4 bits), among any others.
const CONTENT_DIGEST: &str =
    "^(?:[^,]*,)*[ \\t]*sha-256=:[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=:[ \\t]*(?:,[^,]*)*$";

pub struct HeaderParameters;

impl Modify for HeaderParameters {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for operation in operations_mut(openapi) {
            for parameter in operation.parameters.iter_mut().flatten() {
                if parameter.parameter_in != ParameterIn::Header {
                    continue;
                }
                let pattern = match parameter.name.as_str() {
                    "Lock-Token" => Some(LOCK_TOKEN),
                    "Content-Digest" => Some(CONTENT_DIGEST),
                    _ => None,
                };
                if let Some(RefOr::T(Schema::Object(schema))) = parameter.schema.as_mut() {
                    schema.schema_type = SchemaType::Type(Type::String);
                    if let Some(pattern) = pattern {
                        schema.pattern = Some(pattern.to_owned());
                        schema.format = None;
                    }
                } else if let Some(pattern) = pattern {
                    parameter.schema = Some(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .pattern(Some(pattern))
                            .into(),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_patterns_agree_with_the_parsers() {
        let lock = regex::Regex::new(LOCK_TOKEN).unwrap();
        let token = "0193b2a4-5c1e-7d3f-9a40-1f2e3d4c5b6a";
        for (value, valid) in [
            (token.to_owned(), true),
            (format!("<{token}>"), true),
            (token.to_uppercase(), true),
            (token.replace('-', ""), false),
            (format!("urn:uuid:{token}"), false),
            (format!("<<{token}>>"), false),
            (format!("<{token}"), false),
            (format!("{token}>"), false),
        ] {
            assert_eq!(lock.is_match(&value), valid, "{value}");
            assert_eq!(
                crate::http::parse_lock_token(&value).is_some(),
                valid,
                "{value}"
            );
        }
        let digest = regex::Regex::new(CONTENT_DIGEST).unwrap();
        let good = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
        for (value, valid) in [
            (good.to_owned(), true),
            (format!("sha-512=:abc=:, {good}"), true),
            (good.trim_end_matches(':').to_owned(), false),
            (
                "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPF=:".to_owned(),
                false,
            ),
            ("sha-256=:abc=:".to_owned(), false),
        ] {
            assert_eq!(digest.is_match(&value), valid, "{value}");
            assert_eq!(
                crate::documents::parse_content_digest(&value).is_ok(),
                valid,
                "{value}"
            );
        }
    }
}
