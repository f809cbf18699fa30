//! Whole numbers as JSON Schema counts them: `75.0` is the integer 75 (2020-12, 6.3),
//! though serde reads it as a float. Some clients (and JSON libraries) write every
//! number with a fraction; the contract promises an integer, so both forms are one.

use serde::{Deserialize, Deserializer};

/// An optional `u64` that may come as `75` or `75.0`; `75.5` is refused.
pub fn optional_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let Some(number) = Option::<serde_json::Number>::deserialize(deserializer)? else {
        return Ok(None);
    };
    if let Some(whole) = number.as_u64() {
        return Ok(Some(whole));
    }
    match number.as_f64() {
        // why: below 2^53 every whole f64 is exact, and far beyond any limit here.
        Some(float) if float.fract() == 0.0 && (0.0..9_007_199_254_740_992.0).contains(&float) =>
        {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Ok(Some(float as u64))
        }
        _ => Err(serde::de::Error::custom(format!(
            "expected a whole number, got {number}"
        ))),
    }
}

/// A required `u64`, in either form ([`optional_u64`]).
pub fn u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    optional_u64(deserializer)?
        .ok_or_else(|| serde::de::Error::custom("expected a whole number, got null"))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "super::optional_u64")]
        ttl: Option<u64>,
    }

    fn ttl(json: &str) -> Result<Option<u64>, serde_json::Error> {
        serde_json::from_str::<Body>(json).map(|body| body.ttl)
    }

    #[test]
    fn whole_numbers_are_read_in_either_form_and_fractions_refused() {
        assert_eq!(ttl(r#"{"ttl": 75}"#).unwrap(), Some(75));
        assert_eq!(ttl(r#"{"ttl": 75.0}"#).unwrap(), Some(75));
        assert_eq!(ttl(r#"{"ttl": 7.5e1}"#).unwrap(), Some(75));
        assert_eq!(ttl(r#"{"ttl": null}"#).unwrap(), None);
        assert_eq!(ttl("{}").unwrap(), None);
        assert!(ttl(r#"{"ttl": 75.5}"#).is_err());
        assert!(ttl(r#"{"ttl": -1}"#).is_err());
        assert!(ttl(r#"{"ttl": "75"}"#).is_err());
    }
}
