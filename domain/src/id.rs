//! Record ids: one newtype per kind of record, so a patient's id cannot be passed where an
//! appointment's is expected. All are UUIDv7 (time-ordered) and read and write as UUIDs.

/// Declares an id newtype over `Uuid` with serde as a plain UUID string.
#[macro_export]
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(uuid::Uuid);

        impl $name {
            /// A new, time-ordered id (UUIDv7).
            pub fn generate() -> Self {
                Self(uuid::Uuid::now_v7())
            }

            pub fn from_uuid(id: uuid::Uuid) -> Self {
                Self(id)
            }

            pub fn as_uuid(self) -> uuid::Uuid {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.parse().map(Self)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    id_type!(
        /// For the tests.
        SampleId
    );

    #[test]
    fn an_id_reads_and_writes_as_a_plain_uuid() {
        let id = SampleId::generate();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        assert_eq!(serde_json::from_str::<SampleId>(&json).unwrap(), id);
        assert_eq!(id.to_string().parse::<SampleId>().unwrap(), id);
        assert!("not-a-uuid".parse::<SampleId>().is_err());
        assert_eq!(SampleId::from_uuid(id.as_uuid()), id);
    }
}
