use chrono::{DateTime, SubsecRound, Utc};

use crate::chart::fields::{all_parsed, named_choices, past_instant};
use crate::error::FieldErrors;
use crate::DomainError;

named_choices!(
    /// Where a vitals set stands: as taken, or recorded by mistake.
    VitalsStatus {
        Final => "final",
        EnteredInError => "entered_in_error",
    }
);

/// The range a measurement may take, in its unit: what a body can show, newborn to
/// adult, so that a unit mix-up (pounds for kilograms, Fahrenheit for Celsius) is
/// refused rather than charted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub min: f64,
    pub max: f64,
    pub unit: &'static str,
}

impl Range {
    fn check(self, value: f64) -> Result<f64, String> {
        if value.is_finite() && (self.min..=self.max).contains(&value) {
            Ok(value)
        } else {
            Err(format!(
                "must be between {} and {} {}",
                self.min, self.max, self.unit
            ))
        }
    }
}

/// One set of vital signs, taken at one time. Every measurement is optional; at least
/// one is given.
#[derive(Debug, Clone, PartialEq)]
pub struct VitalSigns {
    pub taken_at: DateTime<Utc>,
    pub height_cm: Option<f64>,
    pub weight_kg: Option<f64>,
    pub temperature_c: Option<f64>,
    pub pulse_per_min: Option<u16>,
    pub respiratory_rate_per_min: Option<u16>,
    pub systolic_mmhg: Option<u16>,
    pub diastolic_mmhg: Option<u16>,
    pub spo2_percent: Option<u16>,
    pub pain_score: Option<u16>,
    pub status: VitalsStatus,
}

/// The measurements as the caller sent them.
#[derive(Debug, Clone, Default)]
pub struct VitalsInput {
    pub taken_at: String,
    pub height_cm: Option<f64>,
    pub weight_kg: Option<f64>,
    pub temperature_c: Option<f64>,
    pub pulse_per_min: Option<i64>,
    pub respiratory_rate_per_min: Option<i64>,
    pub systolic_mmhg: Option<i64>,
    pub diastolic_mmhg: Option<i64>,
    pub spo2_percent: Option<i64>,
    pub pain_score: Option<i64>,
    pub status: Option<String>,
}

impl VitalSigns {
    pub const HEIGHT: Range = Range {
        min: 20.0,
        max: 275.0,
        unit: "cm",
    };
    pub const WEIGHT: Range = Range {
        min: 0.2,
        max: 650.0,
        unit: "kg",
    };
    pub const TEMPERATURE: Range = Range {
        min: 25.0,
        max: 45.0,
        unit: "degrees C",
    };
    pub const PULSE: Range = Range {
        min: 20.0,
        max: 300.0,
        unit: "beats/min",
    };
    pub const RESPIRATORY_RATE: Range = Range {
        min: 2.0,
        max: 100.0,
        unit: "breaths/min",
    };
    pub const SYSTOLIC: Range = Range {
        min: 40.0,
        max: 300.0,
        unit: "mmHg",
    };
    pub const DIASTOLIC: Range = Range {
        min: 20.0,
        max: 200.0,
        unit: "mmHg",
    };
    pub const SPO2: Range = Range {
        min: 50.0,
        max: 100.0,
        unit: "%",
    };
    pub const PAIN: Range = Range {
        min: 0.0,
        max: 10.0,
        unit: "(0-10 scale)",
    };

    /// Checks every measurement against its range, naming each that fails with the
    /// range; a missing status is `final`; `not_after` is the latest time a set may be
    /// taken at.
    pub fn parse(input: &VitalsInput, not_after: DateTime<Utc>) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::default();
        // why: to the millisecond, which both databases keep exactly, so that "one set
        // per time" and `since` mean the same on each.
        let taken_at = errors.take(
            "takenAt",
            past_instant(&input.taken_at, not_after).map(|taken_at| taken_at.trunc_subsecs(3)),
        );
        let mut decimal = |field: &str, value: Option<f64>, range: Range| {
            errors.take(field, value.map(|value| range.check(value)).transpose())
        };
        let height_cm = decimal("heightCm", input.height_cm, Self::HEIGHT);
        let weight_kg = decimal("weightKg", input.weight_kg, Self::WEIGHT);
        let temperature_c = decimal("temperatureC", input.temperature_c, Self::TEMPERATURE);
        let mut whole = |field: &str, value: Option<i64>, range: Range| {
            errors.take(
                field,
                value
                    .map(|value| {
                        // why: every range fits in u16, so a value within it converts.
                        range.check(value as f64).map(|_| value as u16)
                    })
                    .transpose(),
            )
        };
        let pulse = whole("pulsePerMin", input.pulse_per_min, Self::PULSE);
        let respiratory_rate = whole(
            "respiratoryRatePerMin",
            input.respiratory_rate_per_min,
            Self::RESPIRATORY_RATE,
        );
        let systolic = whole("systolicMmhg", input.systolic_mmhg, Self::SYSTOLIC);
        let diastolic = whole("diastolicMmhg", input.diastolic_mmhg, Self::DIASTOLIC);
        let spo2 = whole("spo2Percent", input.spo2_percent, Self::SPO2);
        let pain = whole("painScore", input.pain_score, Self::PAIN);
        match (systolic, diastolic) {
            (Some(Some(systolic)), Some(Some(diastolic))) if diastolic >= systolic => {
                errors.take::<()>(
                    "diastolicMmhg",
                    Err("must be lower than the systolic pressure".into()),
                );
            }
            (Some(Some(_)), Some(None)) | (Some(None), Some(Some(_))) => {
                let field = if input.systolic_mmhg.is_some() {
                    "diastolicMmhg"
                } else {
                    "systolicMmhg"
                };
                errors.take::<()>(field, Err("a blood pressure has both its values".into()));
            }
            _ => {}
        }
        let status = errors.take(
            "status",
            input
                .status
                .as_deref()
                .map_or(Ok(VitalsStatus::Final), VitalsStatus::parse),
        );
        let measured = [
            input.height_cm.is_some(),
            input.weight_kg.is_some(),
            input.temperature_c.is_some(),
            input.pulse_per_min.is_some(),
            input.respiratory_rate_per_min.is_some(),
            input.systolic_mmhg.is_some(),
            input.diastolic_mmhg.is_some(),
            input.spo2_percent.is_some(),
            input.pain_score.is_some(),
        ];
        if !measured.contains(&true) {
            errors.take::<()>("takenAt", Err("comes with at least one measurement".into()));
        }
        errors.into_result()?;
        Ok(Self {
            taken_at: all_parsed(taken_at, "vitals")?,
            height_cm: all_parsed(height_cm, "vitals")?,
            weight_kg: all_parsed(weight_kg, "vitals")?,
            temperature_c: all_parsed(temperature_c, "vitals")?,
            pulse_per_min: all_parsed(pulse, "vitals")?,
            respiratory_rate_per_min: all_parsed(respiratory_rate, "vitals")?,
            systolic_mmhg: all_parsed(systolic, "vitals")?,
            diastolic_mmhg: all_parsed(diastolic, "vitals")?,
            spo2_percent: all_parsed(spo2, "vitals")?,
            pain_score: all_parsed(pain, "vitals")?,
            status: all_parsed(status, "vitals")?,
        })
    }

    /// The body mass index (kg/m², one decimal), when the set has height and weight.
    pub fn bmi(&self) -> Option<f64> {
        let height_m = self.height_cm? / 100.0;
        let bmi = self.weight_kg? / (height_m * height_m);
        Some((bmi * 10.0).round() / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap()
    }

    fn input() -> VitalsInput {
        VitalsInput {
            taken_at: "2026-11-27T09:30:00Z".to_owned(),
            height_cm: Some(180.0),
            weight_kg: Some(81.0),
            systolic_mmhg: Some(120),
            diastolic_mmhg: Some(80),
            ..VitalsInput::default()
        }
    }

    fn errors_of(error: DomainError) -> Vec<(String, String)> {
        match error {
            DomainError::Invalid(errors) => {
                errors.into_iter().map(|e| (e.field, e.message)).collect()
            }
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    #[test]
    fn bmi_is_derived_from_height_and_weight() {
        let vitals = VitalSigns::parse(&input(), now()).unwrap();
        assert_eq!(vitals.bmi(), Some(25.0));
        assert_eq!(vitals.status, VitalsStatus::Final);
        let weight_only = VitalsInput {
            height_cm: None,
            ..input()
        };
        assert_eq!(VitalSigns::parse(&weight_only, now()).unwrap().bmi(), None);
    }

    #[test]
    fn a_measurement_out_of_range_is_named_with_its_range() {
        let fahrenheit = VitalsInput {
            temperature_c: Some(98.6),
            pulse_per_min: Some(0),
            spo2_percent: Some(101),
            pain_score: Some(11),
            ..input()
        };
        assert_eq!(
            errors_of(VitalSigns::parse(&fahrenheit, now()).unwrap_err()),
            [
                (
                    "temperatureC".into(),
                    "must be between 25 and 45 degrees C".into()
                ),
                (
                    "pulsePerMin".into(),
                    "must be between 20 and 300 beats/min".into()
                ),
                ("spo2Percent".into(), "must be between 50 and 100 %".into()),
                (
                    "painScore".into(),
                    "must be between 0 and 10 (0-10 scale)".into()
                ),
            ]
        );
    }

    #[test]
    fn a_set_has_a_past_time_a_measurement_and_a_whole_blood_pressure() {
        let empty = VitalsInput {
            taken_at: "2026-11-27T11:00:00Z".to_owned(),
            ..VitalsInput::default()
        };
        let fields: Vec<_> = errors_of(VitalSigns::parse(&empty, now()).unwrap_err())
            .into_iter()
            .map(|(field, _)| field)
            .collect();
        assert_eq!(fields, ["takenAt", "takenAt"]);
        let half = VitalsInput {
            diastolic_mmhg: None,
            ..input()
        };
        assert_eq!(
            errors_of(VitalSigns::parse(&half, now()).unwrap_err())[0].0,
            "diastolicMmhg"
        );
        let inverted = VitalsInput {
            systolic_mmhg: Some(80),
            diastolic_mmhg: Some(120),
            ..input()
        };
        assert_eq!(
            errors_of(VitalSigns::parse(&inverted, now()).unwrap_err())[0].0,
            "diastolicMmhg"
        );
    }
}
