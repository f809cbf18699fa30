//! The contract's schemas for typed text, built from the domain's own rules, so that
//! `openapi.yaml` states exactly what the server checks (a `pattern` and a `maxLength`
//! that a client or a fuzzer can follow) and cannot drift from it.

use domain::auth::{DisplayName, Password, Specialty, Username};
use domain::chart::entries::{
    AllergyCategory, AllergyDetails, AllergyStatus, Criticality, ImmunizationDetails,
    ImmunizationStatus, MedicationDetails, MedicationStatus, PeriodUnit, Severity, VitalsStatus,
};
use domain::chart::problems::ProblemDetails;
use domain::chart::{ClinicalCode, CodeSystem};
use domain::documents::Title;
use domain::locks::LockedResource;
use domain::notes::{AddendumText, SoapSections};
use domain::patients::PatientSearch;
use domain::patients::{Address, CountryCode, Email, EmergencyContact, Mrn, PersonName, Phone};
use domain::schedule::Reason;
use domain::text::{Controls, TextRule};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};

fn string(pattern: String, max_chars: Option<usize>, description: String) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .pattern(Some(pattern))
        .max_length(max_chars)
        .description(Some(description))
}

/// The rule in words, after what the field is.
fn text(rule: TextRule, what: &str) -> ObjectBuilder {
    let mut words = format!(
        "{what} At most {} characters as sent; surrounding white space is trimmed",
        rule.max_chars
    );
    words.push_str(match (rule.required, rule.controls) {
        (true, Controls::Refused) => "; not blank; no control characters.",
        (false, Controls::Refused) => "; may be blank; no control characters.",
        (true, Controls::LineFeeds) => {
            "; not blank; line feeds allowed, no other control characters."
        }
        (false, Controls::LineFeeds) => "; line feeds allowed, no other control characters.",
        (true, Controls::Layout) => {
            "; not blank; tabs and line breaks allowed, no other control characters."
        }
        (false, Controls::Layout) => "; tabs and line breaks allowed, no other control characters.",
    });
    string(rule.pattern(), Some(rule.max_chars), words)
}

/// The same schema, also `null` (an absent value).
fn or_null(builder: ObjectBuilder) -> Schema {
    builder
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .into()
}

pub fn person_name() -> Schema {
    text(PersonName::RULE, "A given or family name.")
        .examples(["Ada"])
        .into()
}

pub fn birth_date() -> Schema {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Date,
        )))
        .description(Some(
            "`YYYY-MM-DD`, from 1870-01-01 to today (the server's date).",
        ))
        .examples(["1985-12-10"])
        .into()
}

fn phone_words() -> String {
    format!(
        "A phone number as people write it: 5 to 20 digits, an optional leading `+`, and \
         spaces, dots, dashes and parentheses; at most {} characters as sent.",
        Phone::MAX_CHARS
    )
}

pub fn phone() -> Schema {
    string(Phone::pattern(), Some(Phone::MAX_CHARS), phone_words())
        .examples(["+44 20 7946 0958"])
        .into()
}

pub fn optional_phone() -> Schema {
    or_null(
        string(
            Phone::optional_pattern(),
            Some(Phone::MAX_CHARS),
            format!("{} Blank or `null`: none.", phone_words()),
        )
        .examples(["+44 20 7946 0958"]),
    )
}

pub fn optional_email() -> Schema {
    or_null(
        string(
            Email::optional_pattern(),
            Some(Email::MAX_CHARS),
            format!(
                "An e-mail address: one `@` and a dotted domain, no white space inside; at \
                 most {} characters as sent. Blank or `null`: none.",
                Email::MAX_CHARS
            ),
        )
        .examples(["ada@example.org"]),
    )
}

pub fn address_lines() -> Schema {
    ArrayBuilder::new()
        .items(text(
            Address::PART,
            "A street line; a blank line is dropped.",
        ))
        .max_items(Some(Address::MAX_LINES))
        .description(Some(format!("Up to {} street lines.", Address::MAX_LINES)))
        .into()
}

pub fn optional_address_part() -> Schema {
    or_null(text(Address::PART, "A city or region."))
}

pub fn optional_postal_code() -> Schema {
    or_null(text(Address::POSTAL_CODE, "A postal code."))
}

pub fn optional_country() -> Schema {
    or_null(
        string(
            CountryCode::pattern(),
            None,
            "ISO 3166-1 alpha-2, in either case (kept upper-case).".to_owned(),
        )
        .examples(["US"]),
    )
}

pub fn contact_name() -> Schema {
    text(EmergencyContact::NAME, "Whom to call.").into()
}

pub fn optional_relationship() -> Schema {
    or_null(text(EmergencyContact::RELATIONSHIP, "e.g. `spouse`."))
}

pub fn name_prefix() -> Schema {
    or_null(text(
        PatientSearch::NAME_PREFIX,
        "A case-insensitive prefix of the given or family name; blank: any.",
    ))
}

pub fn optional_mrn() -> Schema {
    or_null(
        string(
            Mrn::pattern(),
            None,
            "An exact medical record number, in either case.".to_owned(),
        )
        .examples(["MRN-7K2M9QX4"]),
    )
}

pub fn username() -> Schema {
    string(
        Username::pattern(),
        Some(Username::MAX_CHARS),
        format!(
            "3 to 64 characters of a-z, A-Z, 0-9, '.', '_' and '-', compared case-insensitively \
             (kept lower-case); surrounding white space is trimmed; at most {} characters as sent.",
            Username::MAX_CHARS
        ),
    )
    .examples(["jdoe"])
    .into()
}

pub fn display_name() -> Schema {
    text(DisplayName::RULE, "The name shown to others.")
        .examples(["Dr. Jane Doe"])
        .into()
}

pub fn optional_display_name() -> Schema {
    or_null(text(DisplayName::RULE, "A new name shown to others."))
}

pub fn new_password() -> Schema {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Password,
        )))
        .min_length(Some(Password::MIN_LENGTH))
        .max_length(Some(Password::MAX_LENGTH))
        .description(Some(format!(
            "{} to {} characters, kept exactly as typed; not the username, and not easy to \
             guess (a common password, or one close to it, is refused: a few uncommon words \
             make a strong passphrase).",
            Password::MIN_LENGTH,
            Password::MAX_LENGTH
        )))
        .into()
}

pub fn optional_specialty() -> Schema {
    or_null(
        text(Specialty::RULE, "For clinicians, shown when booking.").examples(["Family medicine"]),
    )
}

pub fn clearable_specialty() -> Schema {
    or_null(text(
        Specialty::CLEARABLE,
        "A new specialty; blank clears it, `null` or absent keeps it.",
    ))
}

pub fn optional_title() -> Schema {
    or_null(text(Title::RULE, "The document's title.").examples(["Discharge summary"]))
}

pub fn note_section() -> Schema {
    text(
        SoapSections::RULE,
        "One section of a SOAP note; may be empty while drafting.",
    )
    .into()
}

pub fn addendum_text() -> Schema {
    text(AddendumText::RULE, "What the addendum adds.").into()
}

pub fn reason() -> Schema {
    text(Reason::RULE, "Why the patient comes.")
        .examples(["Annual review"])
        .into()
}

pub fn optional_reason() -> Schema {
    or_null(text(Reason::RULE, "A new reason for the visit."))
}

pub fn problem_description() -> Schema {
    text(
        ProblemDetails::DESCRIPTION,
        "The problem as the clinician names it.",
    )
    .examples(["Type 2 diabetes mellitus"])
    .into()
}

pub fn problem_notes() -> Schema {
    or_null(text(
        ProblemDetails::NOTES,
        "Anything more the clinician notes.",
    ))
}

/// A text field of the chart's lists: required (with an example) or optional.
macro_rules! chart_text {
    ($name:ident, required $rule:expr, $what:literal, $example:literal) => {
        pub fn $name() -> Schema {
            text($rule, $what).examples([$example]).into()
        }
    };
    ($name:ident, optional $rule:expr, $what:literal) => {
        pub fn $name() -> Schema {
            or_null(text($rule, $what))
        }
    };
}

chart_text!(allergy_substance, required AllergyDetails::SUBSTANCE, "What the patient reacts to.", "Penicillin");
chart_text!(reaction_manifestation, required AllergyDetails::MANIFESTATION, "What the reaction looked like.", "Hives");
chart_text!(allergy_notes, optional AllergyDetails::NOTES, "Anything more the clinician notes.");
chart_text!(medication_drug, required MedicationDetails::DRUG, "The drug, as the clinician names it (with its strength and form, where known).", "Metformin 500 mg tablet");
chart_text!(medication_dose, optional MedicationDetails::DOSE, "The dose, in words.");
chart_text!(dose_unit, required MedicationDetails::DOSE_UNIT, "The unit of the dose's value.", "mg");
chart_text!(medication_route, optional MedicationDetails::ROUTE, "How it is taken (oral, inhaled, ...).");
chart_text!(medication_frequency, optional MedicationDetails::FREQUENCY, "How often, in words.");
chart_text!(prescriber_name, optional MedicationDetails::PRESCRIBER_NAME, "Who prescribed it, when not a practica user (`prescriberId`).");
chart_text!(medication_notes, optional MedicationDetails::NOTES, "Anything more the clinician notes.");
chart_text!(override_reason, required MedicationDetails::OVERRIDE_REASON, "Why the medication is recorded although an active allergy warns against it.", "Tolerated a supervised test dose");
chart_text!(immunization_vaccine, required ImmunizationDetails::VACCINE, "The vaccine, as the clinician names it.", "Influenza, seasonal, injectable");
chart_text!(lot_number, optional ImmunizationDetails::LOT_NUMBER, "The vaccine's lot number.");
chart_text!(immunization_site, optional ImmunizationDetails::SITE, "Where on the body it was given.");
chart_text!(immunization_route, optional ImmunizationDetails::ROUTE, "How it was given (intramuscular, ...).");
chart_text!(performer, optional ImmunizationDetails::PERFORMER, "Who gave it.");
chart_text!(status_reason, optional ImmunizationDetails::STATUS_REASON, "Why it was not given: exactly when the status is `not_done`.");
chart_text!(immunization_notes, optional ImmunizationDetails::NOTES, "Anything more the clinician notes.");

/// A choice among a chart list's named values, with the domain's own pattern.
macro_rules! chart_choice {
    ($name:ident, required $pattern:expr, $what:literal, $example:literal) => {
        pub fn $name() -> Schema {
            string($pattern, None, $what.to_owned())
                .examples([$example])
                .into()
        }
    };
    ($name:ident, optional $pattern:expr, $what:literal, $example:literal) => {
        pub fn $name() -> Schema {
            or_null(string($pattern, None, $what.to_owned()).examples([$example]))
        }
    };
}

chart_choice!(allergy_category, required AllergyCategory::pattern(), "`medication`, `food`, `environment` or `biologic`.", "medication");
chart_choice!(criticality, optional Criticality::pattern(), "How dangerous a future reaction could be: `low`, `high` or `unable_to_assess`.", "high");
chart_choice!(severity, optional Severity::pattern(), "`mild`, `moderate` or `severe`.", "moderate");
chart_choice!(allergy_status, optional AllergyStatus::pattern(), "`active` (the default; it withdraws a \"no known allergies\" statement), `inactive`, `resolved` or `entered_in_error` (a mistaken entry, which then never changes).", "active");
chart_choice!(allergy_code_system, optional CodeSystem::pattern(&AllergyDetails::CODE_SYSTEMS), "The terminology of `code`: `rxnorm` for a drug or ingredient, `snomed` otherwise.", "rxnorm");
chart_choice!(medication_code_system, optional CodeSystem::pattern(&MedicationDetails::CODE_SYSTEMS), "`rxnorm`, the terminology of `code`.", "rxnorm");
chart_choice!(medication_status, optional MedicationStatus::pattern(), "`active` (the default), `stopped`, `completed` or `entered_in_error` (a mistaken entry, which then never changes).", "active");
chart_choice!(period_unit, required PeriodUnit::pattern(), "`hour`, `day`, `week` or `month`.", "day");
chart_choice!(vitals_status, optional VitalsStatus::pattern(), "`final` (the default) or `entered_in_error` (a mistaken set, which then never changes and leaves its time free for the corrected one).", "final");
chart_choice!(immunization_status, optional ImmunizationStatus::pattern(), "`completed` (the default), `not_done` (with `statusReason`) or `entered_in_error` (a mistaken entry, which then never changes).", "completed");

pub fn allergy_code() -> Schema {
    or_null(
        string(
            "^[0-9]{1,18}$".to_owned(),
            Some(18),
            "A code of `codeSystem`: an RxNorm concept id (up to 10 digits) or a SNOMED CT \
             concept id (6 to 18 digits, the last a Verhoeff check digit)."
                .to_owned(),
        )
        .examples(["7980"]),
    )
}

pub fn clinical_code() -> Schema {
    or_null(
        string(
            ClinicalCode::SHAPES.to_owned(),
            Some(18),
            "A code of `codeSystem`: ICD-10 (a letter, two characters, then an optional dot \
             and up to four more) or a SNOMED CT concept id (6 to 18 digits, the last a \
             Verhoeff check digit)."
                .to_owned(),
        )
        .examples(["E11.9"]),
    )
}

pub fn lock_resource() -> Schema {
    string(
        LockedResource::pattern(),
        None,
        "The record, as `{kind}/{id}`: `patients`, `notes`, `documents`, `appointments`, `problems`, \
         `allergies`, `medications`, `vitals` or `immunizations` and the record's id; an administrator may also name a cluster job's lease, `job:{name}`."
            .to_owned(),
    )
    .examples(["notes/0193b2a4-5c1e-7d3f-9a40-1f2e3d4c5b6a"])
    .into()
}
