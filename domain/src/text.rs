//! Text as people type it, and the rule each kind of text follows.
//!
//! A rule is stated once and serves twice: [`TextRule::check`] is what the server
//! applies, and [`TextRule::pattern`] with [`TextRule::max_chars`] is the same rule in the
//! API contract's terms (a JSON Schema `pattern` and `maxLength`). The two must agree
//! both ways: a client that follows the contract is never refused for its text, and one
//! that breaks it always is. The tests hold every rule's pattern to its check.
//!
//! Patterns use only the regular-expression syntax that ECMA-262, Python's `re` and
//! Rust's `regex` read alike (`\uXXXX` escapes, classes, `*`, `+`, `{m,n}`, groups).

/// Unicode's White_Space characters: what `str::trim` removes.
pub const WHITE_SPACE: &str =
    r"\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// Unicode's control characters (category Cc): what `char::is_control` finds.
pub const CONTROLS: &str = r"\u0000-\u001F\u007F-\u009F";
/// Whether `c` is one of Unicode's explicit bidirectional formatting characters (marks,
/// embeddings, overrides, isolates): invisible, they make `evil\u{202E}fdp.exe` read as
/// `evilexe.pdf`.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The characters [`is_bidi_control`] finds, as a pattern's class.
const BIDI_CONTROLS: &str = r"\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069";
/// The control characters other than a line feed.
const CONTROLS_BUT_LINE_FEED: &str = r"\u0000-\u0009\u000B-\u001F\u007F-\u009F";
/// The control characters other than tab, line feed and carriage return.
const CONTROLS_BUT_LAYOUT: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";

/// Which control characters may stand inside the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Controls {
    /// None: a name, a title.
    Refused,
    /// Line feeds, for a few lines of text (an appointment's reason).
    LineFeeds,
    /// Tabs and line breaks, for clinical prose.
    Layout,
}

impl Controls {
    fn admits(self, c: char) -> bool {
        match self {
            Self::Refused => false,
            Self::LineFeeds => c == '\n',
            Self::Layout => matches!(c, '\t' | '\n' | '\r'),
        }
    }

    fn refused_class(self) -> &'static str {
        match self {
            Self::Refused => CONTROLS,
            Self::LineFeeds => CONTROLS_BUT_LINE_FEED,
            Self::Layout => CONTROLS_BUT_LAYOUT,
        }
    }
}

/// Free text: at most `max_chars` characters as sent (surrounding white space counts),
/// stored without its surrounding white space, without refused control characters, and
/// not empty once trimmed when `required`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    pub max_chars: usize,
    pub required: bool,
    pub controls: Controls,
    /// Whether bidirectional controls are refused too: in what is shown as a name on
    /// one line (a user's display name, a document's title, which becomes a download's
    /// file name), where a reversed run could disguise what it names.
    pub refuses_bidi_controls: bool,
}

impl TextRule {
    /// Text that must say something: a name, a title.
    pub const fn required(max_chars: usize) -> Self {
        Self {
            max_chars,
            required: true,
            controls: Controls::Refused,
            refuses_bidi_controls: false,
        }
    }

    /// Text that may be blank, which then means "none".
    pub const fn optional(max_chars: usize) -> Self {
        Self {
            max_chars,
            required: false,
            controls: Controls::Refused,
            refuses_bidi_controls: false,
        }
    }

    pub const fn with_controls(self, controls: Controls) -> Self {
        Self { controls, ..self }
    }

    /// The rule, refusing bidirectional controls as well.
    pub const fn without_bidi_controls(self) -> Self {
        Self {
            refuses_bidi_controls: true,
            ..self
        }
    }

    /// The trimmed text, or why it is refused.
    pub fn check(&self, raw: &str) -> Result<String, String> {
        if raw.chars().count() > self.max_chars {
            return Err(format!(
                "must be at most {} characters long",
                self.max_chars
            ));
        }
        let trimmed = raw.trim();
        if self.required && trimmed.is_empty() {
            return Err("must not be empty".to_owned());
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() && !self.controls.admits(c))
        {
            return Err("must not contain control characters".to_owned());
        }
        if self.refuses_bidi_controls && trimmed.chars().any(is_bidi_control) {
            return Err("must not contain bidirectional controls (U+202E and the like)".to_owned());
        }
        Ok(trimmed.to_owned())
    }

    /// The rule as a regular expression, `max_chars` aside (the contract's `maxLength`).
    ///
    /// Trimmed text begins and ends with a character that is neither white space nor a
    /// control; inside, anything but a refused control may stand.
    pub fn pattern(&self) -> String {
        let bidi = if self.refuses_bidi_controls {
            BIDI_CONTROLS
        } else {
            ""
        };
        let edge = format!("[^{WHITE_SPACE}{CONTROLS}{bidi}]");
        let inside = format!("[^{}{bidi}]", self.controls.refused_class());
        let text = format!("{edge}(?:{inside}*{edge})?");
        let text = if self.required {
            text
        } else {
            format!("(?:{text})?")
        };
        format!("^[{WHITE_SPACE}]*{text}[{WHITE_SPACE}]*$")
    }
}

/// A pattern for one short token (a code, a username) that may come with surrounding
/// white space, which is trimmed: `token` is the pattern of the trimmed text.
pub fn padded(token: &str) -> String {
    format!("^[{WHITE_SPACE}]*{token}[{WHITE_SPACE}]*$")
}

#[cfg(test)]
pub(crate) mod agreement {
    //! Holds a pattern to the check it states, over strings built from characters
    //! chosen to sit on every edge of the rules.

    use regex::Regex;

    /// White space that is also a control (tab, U+0085), white space that is not
    /// (space, no-break space, em space), controls that are not white space, letters,
    /// digits, punctuation, an accented letter and an emoji.
    pub const EDGE_CHARACTERS: &[char] = &[
        'a', 'Z', '7', ' ', '\t', '\n', '\r', '\u{0B}', '\u{85}', '\u{A0}', '\u{2003}', '\u{3000}',
        '\u{1}', '\u{7F}', '\u{9F}', 'é', '😀', '@', '.', '-', '+', '(', '_', '\u{202E}',
    ];

    /// Every string of up to `max_len` characters drawn from `alphabet`.
    pub fn strings(alphabet: &[char], max_len: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..max_len {
            last = last
                .iter()
                .flat_map(|prefix| {
                    alphabet.iter().map(move |c| {
                        let mut next = prefix.clone();
                        next.push(*c);
                        next
                    })
                })
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    /// [`assert_agree`] for text rules.
    pub fn assert_rules_agree(rules: &[super::TextRule], samples: &[String]) {
        for rule in rules {
            assert_agree(
                &rule.pattern(),
                Some(rule.max_chars),
                samples.iter().cloned(),
                |raw| rule.check(raw),
            );
        }
    }

    /// Panics naming the first string the pattern (with `max_chars`) and the check judge
    /// differently.
    pub fn assert_agree<T>(
        pattern: &str,
        max_chars: Option<usize>,
        samples: impl IntoIterator<Item = String>,
        check: impl Fn(&str) -> Result<T, String>,
    ) {
        let regex = Regex::new(pattern).expect("the pattern compiles");
        for sample in samples {
            let by_contract = regex.is_match(&sample)
                && max_chars.is_none_or(|max| sample.chars().count() <= max);
            let by_server = check(&sample).is_ok();
            assert_eq!(
                by_contract, by_server,
                "{sample:?}: the contract says {by_contract}, the server {by_server} ({pattern})"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::agreement::{assert_rules_agree, strings, EDGE_CHARACTERS};
    use super::*;

    #[test]
    fn every_kind_of_text_rule_agrees_with_its_pattern() {
        let samples = strings(EDGE_CHARACTERS, 4);
        for controls in [Controls::Refused, Controls::LineFeeds, Controls::Layout] {
            let rules = [TextRule::required(3), TextRule::optional(3)]
                .map(|rule| rule.with_controls(controls));
            assert_rules_agree(&rules, &samples);
            assert_rules_agree(&rules.map(TextRule::without_bidi_controls), &samples);
        }
    }

    #[test]
    fn text_is_trimmed_and_counted_as_sent() {
        let rule = TextRule::required(6);
        assert_eq!(rule.check("  Ada ").unwrap(), "Ada");
        assert!(rule.check("  Ada  ").is_err(), "seven characters as sent");
        assert!(rule.check(" \t ").is_err());
        assert!(rule.check("A\tB").is_err());
        assert_eq!(TextRule::optional(5).check("   ").unwrap(), "");
        let prose = TextRule::optional(9).with_controls(Controls::Layout);
        assert_eq!(prose.check("a\n\tb\r\n").unwrap(), "a\n\tb");
    }
}
