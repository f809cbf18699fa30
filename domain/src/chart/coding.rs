//! Codes from the clinical terminologies a chart entry may carry beside its free text.

use std::fmt;

/// A terminology.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSystem {
    /// ICD-10 (and ICD-10-CM): diagnoses, as claims carry them.
    Icd10,
    /// SNOMED CT concept ids.
    Snomed,
    /// RxNorm concept ids (RXCUI): medications and their ingredients.
    RxNorm,
    /// CDC's CVX: vaccines.
    Cvx,
}

impl CodeSystem {
    pub const ALL: [CodeSystem; 4] = [Self::Icd10, Self::Snomed, Self::RxNorm, Self::Cvx];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Icd10 => "icd10",
            Self::Snomed => "snomed",
            Self::RxNorm => "rxnorm",
            Self::Cvx => "cvx",
        }
    }

    /// The contract's pattern for the names of `allowed`.
    pub fn pattern(allowed: &[CodeSystem]) -> String {
        let names: Vec<_> = allowed.iter().map(|system| system.as_str()).collect();
        format!("^(?:{})$", names.join("|"))
    }

    /// One of `allowed`, by name.
    pub fn parse(raw: &str, allowed: &[CodeSystem]) -> Result<Self, String> {
        allowed
            .iter()
            .copied()
            .find(|system| system.as_str() == raw)
            .ok_or_else(|| {
                let names: Vec<_> = allowed.iter().map(|system| system.as_str()).collect();
                format!("must be one of {}", names.join(", "))
            })
    }
}

/// A code checked against its system's format (not against the terminology itself,
/// which practica does not ship).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClinicalCode {
    system: CodeSystem,
    code: String,
}

impl ClinicalCode {
    /// The pattern every code's shape matches, whatever its system (the contract's).
    pub const SHAPES: &'static str =
        "^(?:[A-Za-z][0-9][0-9A-Za-z](?:\\.[0-9A-Za-z]{1,4})?|[0-9]{1,18})$";

    pub fn parse(system: CodeSystem, raw: &str) -> Result<Self, String> {
        let code = raw;
        let well_formed = match system {
            CodeSystem::Icd10 => is_icd10(code),
            CodeSystem::Snomed => is_snomed_concept_id(code),
            CodeSystem::RxNorm => is_digits(code, 1, 10),
            CodeSystem::Cvx => is_digits(code, 1, 4),
        };
        if !well_formed {
            return Err(match system {
                CodeSystem::Icd10 => "is not an ICD-10 code (a letter, two characters, then an optional dot and up to four more: E11.9)",
                CodeSystem::Snomed => "is not a SNOMED CT concept id (6 to 18 digits, the last a Verhoeff check digit of the rest; for example 44054006)",
                CodeSystem::RxNorm => "is not an RxNorm concept id (up to 10 digits)",
                CodeSystem::Cvx => "is not a CVX code (up to 4 digits)",
            }
            .to_owned());
        }
        Ok(Self {
            system,
            code: code.to_ascii_uppercase(),
        })
    }

    pub fn system(&self) -> CodeSystem {
        self.system
    }

    pub fn code(&self) -> &str {
        &self.code
    }
}

impl fmt::Display for ClinicalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.system.as_str(), self.code)
    }
}

fn is_digits(code: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

/// A letter (U too: WHO's codes for emergency use, U07.1 COVID-19), a digit, a digit or
/// letter, then
/// optionally a dot and one to four digits or letters.
fn is_icd10(code: &str) -> bool {
    let code = code.to_ascii_uppercase();
    let (category, subcategory) = match code.split_once('.') {
        Some((category, rest)) => (category, Some(rest)),
        None => (code.as_str(), None),
    };
    let category = category.as_bytes();
    let category_ok = category.len() == 3
        && category[0].is_ascii_uppercase()
        && category[1].is_ascii_digit()
        && category[2].is_ascii_alphanumeric();
    let subcategory_ok = subcategory.is_none_or(|rest| {
        (1..=4).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    category_ok && subcategory_ok
}

/// 6 to 18 digits, no leading zero, the last a Verhoeff check digit over the rest.
fn is_snomed_concept_id(code: &str) -> bool {
    is_digits(code, 6, 18) && !code.starts_with('0') && verhoeff_valid(code)
}

fn verhoeff_valid(digits: &str) -> bool {
    const D: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const P: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    let check = digits
        .bytes()
        .rev()
        .enumerate()
        .fold(0u8, |check, (position, digit)| {
            D[usize::from(check)][usize::from(P[position % 8][usize::from(digit - b'0')])]
        });
    check == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icd10_codes_are_checked_by_shape() {
        for good in ["E11.9", "I10", "j45.909", "S72.001A", "Z00.00", "U07.1"] {
            assert!(
                ClinicalCode::parse(CodeSystem::Icd10, good).is_ok(),
                "{good}"
            );
        }
        for bad in [
            "",
            "E1",
            "E11.",
            "E11.12345",
            "111.9",
            "E11-9",
            "E11.9 x",
            " E11.9",
        ] {
            assert!(
                ClinicalCode::parse(CodeSystem::Icd10, bad).is_err(),
                "{bad}"
            );
        }
        assert_eq!(
            ClinicalCode::parse(CodeSystem::Icd10, "j45.909")
                .unwrap()
                .code(),
            "J45.909"
        );
    }

    #[test]
    fn snomed_ids_carry_a_verhoeff_check_digit() {
        // Diabetes mellitus type 2, asthma, essential hypertension, and a ten-digit id.
        for good in ["44054006", "195967001", "59621000", "1119302008"] {
            assert!(
                ClinicalCode::parse(CodeSystem::Snomed, good).is_ok(),
                "{good}"
            );
        }
        for bad in [
            "44054007",
            "12345",
            "044054006",
            "4405400a",
            "1234567890123456789",
        ] {
            assert!(
                ClinicalCode::parse(CodeSystem::Snomed, bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn every_well_formed_code_matches_the_contracts_shape() {
        let shapes = regex::Regex::new(ClinicalCode::SHAPES).unwrap();
        for (system, code) in [
            (CodeSystem::Icd10, "E11.9"),
            (CodeSystem::Icd10, "s72.001a"),
            (CodeSystem::Snomed, "44054006"),
            (CodeSystem::RxNorm, "197361"),
            (CodeSystem::Cvx, "208"),
        ] {
            assert!(ClinicalCode::parse(system, code).is_ok(), "{code}");
            assert!(shapes.is_match(code), "{code}");
        }
        for outside in [" E11.9", "E11-9", "1234567890123456789", ""] {
            assert!(!shapes.is_match(outside), "{outside}");
        }
    }

    #[test]
    fn systems_are_named_and_limited_per_field() {
        let problem = [CodeSystem::Icd10, CodeSystem::Snomed];
        assert_eq!(
            CodeSystem::parse("snomed", &problem),
            Ok(CodeSystem::Snomed)
        );
        assert_eq!(
            CodeSystem::parse("rxnorm", &problem),
            Err("must be one of icd10, snomed".to_owned())
        );
    }
}
