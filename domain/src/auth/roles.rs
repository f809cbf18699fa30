//! Roles and what each may do: the one role -> permission table.

use std::fmt;

/// A job in the practice. A user holds one or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Admin,
    Clinician,
    FrontDesk,
    Billing,
}

/// Something an endpoint requires. Being signed in is enough for one's own account
/// and sessions; everything else is listed here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Create, read, change and deactivate user accounts; end anyone's sessions.
    ManageUsers,
    /// Read the audit trail.
    ReadAudit,
    /// Find and read patient records.
    ReadPatients,
    /// Register, change and archive patients.
    WritePatients,
    /// See providers and appointments.
    ReadAppointments,
    /// Book, reschedule and move appointments along.
    WriteAppointments,
    /// Read clinical notes.
    ReadNotes,
    /// Write, sign and amend clinical notes.
    WriteNotes,
    /// Read patients' problem lists (diagnoses).
    ReadProblems,
    /// Record and revise problems, mark them entered in error.
    WriteProblems,
    /// Read patients' allergies, medications, vitals and immunizations, and the
    /// clinical parts of the chart summary.
    ReadChart,
    /// Record and revise allergies, medications, vitals and immunizations; state "no
    /// known allergies".
    WriteChart,
    /// See patients' documents and their content.
    ReadDocuments,
    /// Upload, retitle and delete documents.
    WriteDocuments,
    /// End another user's record lock.
    BreakLocks,
    /// See the cluster's jobs and their runs.
    OperateCluster,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Clinician, Role::FrontDesk, Role::Billing];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Clinician => "clinician",
            Self::FrontDesk => "front_desk",
            Self::Billing => "billing",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == raw)
            .ok_or_else(|| {
                format!("unknown role `{raw}`: expected admin, clinician, front_desk or billing")
            })
    }

    /// The table. A permission not listed for a role is denied to it.
    pub fn permissions(self) -> &'static [Permission] {
        match self {
            Self::Admin => &[
                Permission::ManageUsers,
                Permission::ReadAudit,
                Permission::BreakLocks,
                Permission::OperateCluster,
            ],
            Self::Clinician => &[
                Permission::ReadPatients,
                Permission::WritePatients,
                Permission::ReadAppointments,
                Permission::WriteAppointments,
                Permission::ReadNotes,
                Permission::WriteNotes,
                Permission::ReadProblems,
                Permission::WriteProblems,
                Permission::ReadChart,
                Permission::WriteChart,
                Permission::ReadDocuments,
                Permission::WriteDocuments,
            ],
            // The front desk scans consents and referrals in and finds them again.
            Self::FrontDesk => &[
                Permission::ReadPatients,
                Permission::WritePatients,
                Permission::ReadAppointments,
                Permission::WriteAppointments,
                Permission::ReadDocuments,
                Permission::WriteDocuments,
            ],
            // Billing reads the problem list: the diagnoses its claims carry.
            Self::Billing => &[
                Permission::ReadPatients,
                Permission::ReadAppointments,
                Permission::ReadProblems,
            ],
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A non-empty set of roles, kept sorted and without repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roles(Vec<Role>);

impl Roles {
    pub fn new(mut roles: Vec<Role>) -> Result<Self, String> {
        roles.sort();
        roles.dedup();
        if roles.is_empty() {
            return Err("at least one role is required".to_owned());
        }
        Ok(Self(roles))
    }

    pub fn parse<S: AsRef<str>>(raw: &[S]) -> Result<Self, String> {
        let roles = raw
            .iter()
            .map(|role| Role::parse(role.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(roles)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn allows(&self, permission: Permission) -> bool {
        self.iter()
            .any(|role| role.permissions().contains(&permission))
    }

    /// `admin,clinician`: the stored form.
    pub fn to_csv(&self) -> String {
        self.iter().map(Role::as_str).collect::<Vec<_>>().join(",")
    }

    pub fn from_csv(stored: &str) -> Result<Self, String> {
        Self::parse(&stored.split(',').collect::<Vec<_>>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_manage_users() {
        for role in Role::ALL {
            let roles = Roles::new(vec![role]).unwrap();
            assert_eq!(
                roles.allows(Permission::ManageUsers),
                role == Role::Admin,
                "{role}"
            );
        }
    }

    #[test]
    fn patient_data_is_for_the_practice_staff_not_the_admins() {
        let allows = |role, permission| Roles::new(vec![role]).unwrap().allows(permission);
        assert!(!allows(Role::Admin, Permission::ReadPatients));
        assert!(allows(Role::Admin, Permission::ReadAudit));
        assert!(allows(Role::FrontDesk, Permission::WritePatients));
        assert!(allows(Role::Clinician, Permission::WritePatients));
        assert!(allows(Role::Billing, Permission::ReadPatients));
        assert!(!allows(Role::Billing, Permission::WritePatients));
        assert!(!allows(Role::Clinician, Permission::ReadAudit));
        assert!(allows(Role::Clinician, Permission::WriteNotes));
        for role in [Role::Admin, Role::FrontDesk, Role::Billing] {
            assert!(!allows(role, Permission::ReadNotes), "{role}");
        }
    }

    #[test]
    fn clinicians_keep_problem_lists_and_billing_reads_them() {
        let allows = |role, permission| Roles::new(vec![role]).unwrap().allows(permission);
        assert!(allows(Role::Clinician, Permission::WriteProblems));
        assert!(allows(Role::Clinician, Permission::ReadProblems));
        assert!(allows(Role::Billing, Permission::ReadProblems));
        assert!(!allows(Role::Billing, Permission::WriteProblems));
        for role in [Role::Admin, Role::FrontDesk] {
            assert!(!allows(role, Permission::ReadProblems), "{role}");
        }
    }

    #[test]
    fn the_chart_lists_are_the_clinicians_alone() {
        let allows = |role, permission| Roles::new(vec![role]).unwrap().allows(permission);
        assert!(allows(Role::Clinician, Permission::ReadChart));
        assert!(allows(Role::Clinician, Permission::WriteChart));
        for role in [Role::Admin, Role::FrontDesk, Role::Billing] {
            assert!(!allows(role, Permission::ReadChart), "{role}");
            assert!(!allows(role, Permission::WriteChart), "{role}");
        }
    }

    #[test]
    fn roles_round_trip_through_their_stored_form() {
        let roles = Roles::parse(&["front_desk", "admin", "admin"]).unwrap();
        assert_eq!(roles.to_csv(), "admin,front_desk");
        assert_eq!(Roles::from_csv("admin,front_desk").unwrap(), roles);
        assert!(Roles::parse::<&str>(&[]).is_err());
        assert!(Roles::parse(&["doctor"]).is_err());
    }
}
