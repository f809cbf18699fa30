use std::ops::Range;

/// What a `Range` header asks of a representation of `size` bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum ByteRange {
    /// No usable single range: answer the whole (also for multi-range requests).
    Whole,
    /// One satisfiable range: answer 206.
    Part(Range<u64>),
    /// A well-formed range that lies outside the content: answer 416.
    Unsatisfiable,
}

/// Parses `bytes=a-b`, `bytes=a-` and `bytes=-n` (RFC 9110 §14.1.2).
pub fn parse_range(header: Option<&str>, size: u64) -> ByteRange {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return ByteRange::Whole;
    };
    if spec.contains(',') {
        return ByteRange::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return ByteRange::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let range = match (first.parse::<u64>(), last.parse::<u64>()) {
        (Ok(start), Ok(end)) if start <= end => start..end.saturating_add(1).min(size),
        (Ok(start), Err(_)) if last.is_empty() => start..size,
        (Err(_), Ok(suffix)) if first.is_empty() => {
            if suffix == 0 {
                return ByteRange::Unsatisfiable;
            }
            size.saturating_sub(suffix)..size
        }
        _ => return ByteRange::Whole,
    };
    if range.start >= size {
        ByteRange::Unsatisfiable
    } else {
        ByteRange::Part(range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_ranges_of_every_form() {
        assert_eq!(parse_range(Some("bytes=0-0"), 10), ByteRange::Part(0..1));
        assert_eq!(parse_range(Some("bytes=9-"), 10), ByteRange::Part(9..10));
        assert_eq!(parse_range(Some("bytes=-3"), 10), ByteRange::Part(7..10));
        assert_eq!(parse_range(Some("bytes=-30"), 10), ByteRange::Part(0..10));
        assert_eq!(parse_range(Some("bytes=5-100"), 10), ByteRange::Part(5..10));
        assert_eq!(parse_range(Some("bytes=10-"), 10), ByteRange::Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=0-"), 0), ByteRange::Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=5-2"), 10), ByteRange::Whole);
        assert_eq!(parse_range(Some("bytes=0-1,3-4"), 10), ByteRange::Whole);
        assert_eq!(parse_range(Some("items=0-1"), 10), ByteRange::Whole);
        assert_eq!(parse_range(None, 10), ByteRange::Whole);
    }
}
