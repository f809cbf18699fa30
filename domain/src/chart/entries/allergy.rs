use chrono::NaiveDate;

use crate::chart::fields::{all_parsed, named_choices, optional_code, past_date};
use crate::chart::{ClinicalCode, CodeSystem};
use crate::error::FieldErrors;
use crate::text::{Controls, TextRule};
use crate::DomainError;

named_choices!(
    /// What kind of thing the patient reacts to.
    AllergyCategory {
        Medication => "medication",
        Food => "food",
        Environment => "environment",
        Biologic => "biologic",
    }
);

named_choices!(
    /// How dangerous a future reaction could be.
    Criticality {
        Low => "low",
        High => "high",
        UnableToAssess => "unable_to_assess",
    }
);

named_choices!(
    /// How bad a reaction was.
    Severity {
        Mild => "mild",
        Moderate => "moderate",
        Severe => "severe",
    }
);

named_choices!(
    /// Where an allergy stands. Only an active one warns against a medication and
    /// rules out "no known allergies".
    AllergyStatus {
        Active => "active",
        Inactive => "inactive",
        Resolved => "resolved",
        EnteredInError => "entered_in_error",
    }
);

/// One reaction the patient had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reaction {
    pub manifestation: String,
    pub severity: Option<Severity>,
}

/// An allergy or intolerance, checked field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllergyDetails {
    pub substance: String,
    pub code: Option<ClinicalCode>,
    pub category: AllergyCategory,
    pub criticality: Option<Criticality>,
    pub reactions: Vec<Reaction>,
    pub onset: Option<NaiveDate>,
    pub status: AllergyStatus,
    pub notes: String,
}

/// A reaction as the caller sent it.
#[derive(Debug, Clone, Default)]
pub struct ReactionInput {
    pub manifestation: String,
    pub severity: Option<String>,
}

/// The fields of an allergy as the caller sent them.
#[derive(Debug, Clone, Default)]
pub struct AllergyInput {
    pub substance: String,
    pub code_system: Option<String>,
    pub code: Option<String>,
    pub category: String,
    pub criticality: Option<String>,
    pub reactions: Vec<ReactionInput>,
    pub onset: Option<String>,
    pub status: Option<String>,
    pub notes: Option<String>,
}

impl AllergyDetails {
    pub const SUBSTANCE: TextRule = TextRule::required(200);
    pub const MANIFESTATION: TextRule = TextRule::required(200);
    pub const NOTES: TextRule = TextRule::optional(4_000).with_controls(Controls::Layout);
    pub const CODE_SYSTEMS: [CodeSystem; 2] = [CodeSystem::RxNorm, CodeSystem::Snomed];
    pub const MAX_REACTIONS: usize = 20;

    /// Checks every field, naming each that fails; a missing status is `active`.
    pub fn parse(input: &AllergyInput, today: NaiveDate) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::default();
        let substance = errors.take("substance", Self::SUBSTANCE.check(&input.substance));
        let code = optional_code(
            &mut errors,
            input.code_system.as_deref(),
            input.code.as_deref(),
            &Self::CODE_SYSTEMS,
        );
        let category = errors.take("category", AllergyCategory::parse(&input.category));
        let criticality = errors.take(
            "criticality",
            input
                .criticality
                .as_deref()
                .map(Criticality::parse)
                .transpose(),
        );
        let reactions = if input.reactions.len() > Self::MAX_REACTIONS {
            errors.take::<()>(
                "reactions",
                Err(format!(
                    "must hold at most {} reactions",
                    Self::MAX_REACTIONS
                )),
            );
            None
        } else {
            let mut reactions = Vec::with_capacity(input.reactions.len());
            for (index, reaction) in input.reactions.iter().enumerate() {
                let manifestation = errors.take(
                    &format!("reactions[{index}].manifestation"),
                    Self::MANIFESTATION.check(&reaction.manifestation),
                );
                let severity = errors.take(
                    &format!("reactions[{index}].severity"),
                    reaction
                        .severity
                        .as_deref()
                        .map(Severity::parse)
                        .transpose(),
                );
                if let (Some(manifestation), Some(severity)) = (manifestation, severity) {
                    reactions.push(Reaction {
                        manifestation,
                        severity,
                    });
                }
            }
            Some(reactions)
        };
        let onset = errors.take("onset", past_date(input.onset.as_deref(), today));
        let status = errors.take(
            "status",
            input
                .status
                .as_deref()
                .map_or(Ok(AllergyStatus::Active), AllergyStatus::parse),
        );
        let notes = errors.take(
            "notes",
            Self::NOTES.check(input.notes.as_deref().unwrap_or("")),
        );
        errors.into_result()?;
        Ok(Self {
            substance: all_parsed(substance, "allergy")?,
            code: all_parsed(code, "allergy")?,
            category: all_parsed(category, "allergy")?,
            criticality: all_parsed(criticality, "allergy")?,
            reactions: all_parsed(reactions, "allergy")?,
            onset: all_parsed(onset, "allergy")?,
            status: all_parsed(status, "allergy")?,
            notes: all_parsed(notes, "allergy")?,
        })
    }

    pub fn is_active(&self) -> bool {
        self.status == AllergyStatus::Active
    }

    /// Whether a drug named `name`, coded `code`, is what this allergy warns against:
    /// an active medication allergy whose code is the drug's, or whose substance names
    /// the drug (its words appear, in order, among the drug name's words, compared as
    /// [`comparable_words`] says: "penicillin" matches "Penicillin V potassium 500 mg").
    pub fn warns_against(&self, name: &str, code: Option<&ClinicalCode>) -> bool {
        if !self.is_active() || self.category != AllergyCategory::Medication {
            return false;
        }
        if let (Some(allergen), Some(drug)) = (&self.code, code) {
            if allergen == drug {
                return true;
            }
        }
        let substance = comparable_words(&self.substance);
        let drug = comparable_words(name);
        !substance.is_empty()
            && drug
                .windows(substance.len())
                .any(|window| window == substance.as_slice())
    }
}

/// The words of a drug or substance name as they are compared: letters decomposed to
/// their plain form (full-width letters, ligatures, accents and the Turkish dotted I
/// all read as their ASCII letters), invisible characters dropped (a zero-width space
/// or a soft hyphen inside a word must not hide it), lower-cased, and a plural's final
/// `s` dropped ("penicillins" names penicillin).
fn comparable_words(text: &str) -> Vec<String> {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;

    let plain: String = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c) && !is_invisible(*c))
        .collect::<String>()
        .to_lowercase();
    plain
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| match word.strip_suffix('s') {
            Some(stem) if stem.chars().count() >= 3 && !stem.ends_with('s') => stem.to_owned(),
            _ => word.to_owned(),
        })
        .collect()
}

/// Unicode's format characters that show nothing (zero-width spaces and joiners, the
/// soft hyphen, direction marks, variation selectors, the byte-order mark).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn penicillin() -> AllergyInput {
        AllergyInput {
            substance: "Penicillin".to_owned(),
            code_system: Some("rxnorm".to_owned()),
            code: Some("7980".to_owned()),
            category: "medication".to_owned(),
            criticality: Some("high".to_owned()),
            reactions: vec![ReactionInput {
                manifestation: "Hives".to_owned(),
                severity: Some("moderate".to_owned()),
            }],
            ..AllergyInput::default()
        }
    }

    fn fields_of(error: DomainError) -> Vec<String> {
        match error {
            DomainError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    #[test]
    fn an_allergy_is_active_unless_said_otherwise() {
        let allergy = AllergyDetails::parse(&penicillin(), today()).unwrap();
        assert_eq!(allergy.status, AllergyStatus::Active);
        assert_eq!(allergy.reactions[0].severity, Some(Severity::Moderate));
        assert_eq!(allergy.code.unwrap().to_string(), "rxnorm:7980");
    }

    #[test]
    fn every_bad_field_is_named_with_the_reaction_it_belongs_to() {
        let bad = AllergyInput {
            substance: " ".to_owned(),
            code_system: Some("icd10".to_owned()),
            category: "pollen".to_owned(),
            criticality: Some("extreme".to_owned()),
            reactions: vec![
                ReactionInput {
                    manifestation: "Rash".to_owned(),
                    severity: None,
                },
                ReactionInput {
                    manifestation: String::new(),
                    severity: Some("fatal".to_owned()),
                },
            ],
            onset: Some("2031-01-01".to_owned()),
            status: Some("gone".to_owned()),
            ..penicillin()
        };
        assert_eq!(
            fields_of(AllergyDetails::parse(&bad, today()).unwrap_err()),
            [
                "substance",
                "codeSystem",
                "category",
                "criticality",
                "reactions[1].manifestation",
                "reactions[1].severity",
                "onset",
                "status"
            ]
        );
    }

    #[test]
    fn an_active_medication_allergy_warns_by_code_or_by_name() {
        let allergy = AllergyDetails::parse(&penicillin(), today()).unwrap();
        let rxnorm = |code: &str| ClinicalCode::parse(CodeSystem::RxNorm, code).unwrap();
        assert!(allergy.warns_against("Bicillin", Some(&rxnorm("7980"))));
        assert!(allergy.warns_against("penicillin V potassium 500 mg", None));
        assert!(!allergy.warns_against("Amoxicillin", Some(&rxnorm("723"))));
        assert!(!allergy.warns_against("Penicillamine", None));
        // Neither invisible characters, nor look-alike letters, nor a plural hide it.
        for disguised in [
            "Peni\u{200B}cillin V",
            "Penicil\u{00AD}lin V",
            "Penicillins",
            "PEN\u{0130}C\u{0130}LL\u{0130}N",
            "\u{FF30}\u{FF45}\u{FF4E}\u{FF49}\u{FF43}\u{FF49}\u{FF4C}\u{FF4C}\u{FF49}\u{FF4E}",
        ] {
            assert!(allergy.warns_against(disguised, None), "{disguised}");
        }
        assert!(!allergy.warns_against("Glass ampoule", None));
        let resolved = AllergyDetails {
            status: AllergyStatus::Resolved,
            ..allergy.clone()
        };
        assert!(!resolved.warns_against("Penicillin", None));
        let food = AllergyDetails {
            category: AllergyCategory::Food,
            ..allergy
        };
        assert!(!food.warns_against("Penicillin", None));
    }
}
