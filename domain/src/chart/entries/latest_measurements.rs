use chrono::{DateTime, Utc};

use super::{VitalSigns, VitalsStatus};

/// A measurement's value, and when it was taken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured<T> {
    pub value: T,
    pub taken_at: DateTime<Utc>,
}

/// The newest value of each measurement across a patient's sets: a set with only a
/// pain score must not hide the blood pressure taken an hour before it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LatestMeasurements {
    pub height_cm: Option<Measured<f64>>,
    pub weight_kg: Option<Measured<f64>>,
    pub temperature_c: Option<Measured<f64>>,
    pub pulse_per_min: Option<Measured<u16>>,
    pub respiratory_rate_per_min: Option<Measured<u16>>,
    /// Systolic and diastolic, from one set.
    pub blood_pressure_mmhg: Option<Measured<(u16, u16)>>,
    pub spo2_percent: Option<Measured<u16>>,
    pub pain_score: Option<Measured<u16>>,
}

impl LatestMeasurements {
    /// From sets given newest first; sets entered in error are passed over.
    pub fn of<'a>(sets: impl IntoIterator<Item = &'a VitalSigns>) -> Self {
        fn newest<T: Copy>(
            slot: &mut Option<Measured<T>>,
            value: Option<T>,
            taken_at: DateTime<Utc>,
        ) {
            if let (None, Some(value)) = (&slot, value) {
                *slot = Some(Measured { value, taken_at });
            }
        }
        let mut latest = Self::default();
        for set in sets {
            if set.status == VitalsStatus::EnteredInError {
                continue;
            }
            let at = set.taken_at;
            newest(&mut latest.height_cm, set.height_cm, at);
            newest(&mut latest.weight_kg, set.weight_kg, at);
            newest(&mut latest.temperature_c, set.temperature_c, at);
            newest(&mut latest.pulse_per_min, set.pulse_per_min, at);
            newest(
                &mut latest.respiratory_rate_per_min,
                set.respiratory_rate_per_min,
                at,
            );
            newest(
                &mut latest.blood_pressure_mmhg,
                set.systolic_mmhg.zip(set.diastolic_mmhg),
                at,
            );
            newest(&mut latest.spo2_percent, set.spo2_percent, at);
            newest(&mut latest.pain_score, set.pain_score, at);
        }
        latest
    }

    /// The body mass index from the newest height and the newest weight (kg/m², one
    /// decimal), which need not be of one set: height is seldom measured again.
    pub fn bmi(&self) -> Option<f64> {
        let height_m = self.height_cm?.value / 100.0;
        let bmi = self.weight_kg?.value / (height_m * height_m);
        Some((bmi * 10.0).round() / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::chart::entries::VitalsInput;

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

    #[test]
    fn the_latest_of_each_measurement_comes_from_whichever_set_has_it() {
        let at = |hour: u32| Utc.with_ymd_and_hms(2026, 11, 27, hour, 0, 0).unwrap();
        let pain_only = VitalSigns::parse(
            &VitalsInput {
                taken_at: "2026-11-27T09:00:00Z".to_owned(),
                pain_score: Some(3),
                ..VitalsInput::default()
            },
            now(),
        )
        .unwrap();
        let full = VitalSigns::parse(
            &VitalsInput {
                taken_at: "2026-11-27T08:00:00Z".to_owned(),
                ..input()
            },
            now(),
        )
        .unwrap();
        let mistaken = VitalSigns {
            status: VitalsStatus::EnteredInError,
            pain_score: Some(9),
            ..pain_only.clone()
        };
        let latest = LatestMeasurements::of([&mistaken, &pain_only, &full]);
        assert_eq!(
            latest.pain_score,
            Some(Measured {
                value: 3,
                taken_at: at(9)
            })
        );
        assert_eq!(
            latest.blood_pressure_mmhg,
            Some(Measured {
                value: (120, 80),
                taken_at: at(8)
            })
        );
        assert_eq!(latest.bmi(), Some(25.0));
        assert_eq!(latest.temperature_c, None);
    }
}
