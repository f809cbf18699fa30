//! The YAML form of the contract, readable by YAML 1.1 tools.

/// The committed form of the contract (`openapi.yaml`).
pub fn yaml() -> anyhow::Result<String> {
    Ok(quote_dates(&super::document().to_yaml()?))
}

/// Quotes plain scalars that look like dates or times: YAML 1.1 readers (PyYAML, many
/// code generators) would otherwise read `2026-12-01` as a date, not the string it is.
fn quote_dates(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + 64);
    for line in yaml.lines() {
        let split = line.rfind(": ").map(|at| at + 2).or_else(|| {
            line.trim_start()
                .starts_with("- ")
                .then(|| line.find("- ").unwrap_or(0) + 2)
        });
        match split {
            Some(at) if looks_like_a_date(&line[at..]) => {
                out.push_str(&line[..at]);
                out.push('\'');
                out.push_str(&line[at..]);
                out.push('\'');
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

fn looks_like_a_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit)
        && !value.contains(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_in_the_yaml_are_quoted() {
        let yaml = "a:\n  example: 1985-12-10\n  at: 2026-12-01T10:00:00Z\n  list:\n  - 2026-01-02\n  n: 2026\n  s: '1985-12-10'\n";
        assert_eq!(
            quote_dates(yaml),
            "a:\n  example: '1985-12-10'\n  at: '2026-12-01T10:00:00Z'\n  list:\n  - '2026-01-02'\n  n: 2026\n  s: '1985-12-10'\n"
        );
    }
}
