//! The roles a user can have in a project (API.md §5) and what each may
//! do.

/// A member's role in a project, from the most to the least able.
///
/// | role | calls the APIs | submits and cancels service use requests |
/// |---|---|---|
/// | owner | yes | yes |
/// | admin | yes | yes |
/// | member | yes | no |
/// | viewer | no | no |
///
/// The operator (the CLI, and later the admin API's operator token) is
/// above every role, and alone approves or rejects a request and manages
/// projects, users and keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Admin,
    Member,
    Viewer,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Member, Role::Viewer];

    /// The name as stored and as the CLI takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }

    /// The role named `name` (as in [`Role::as_str`]).
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Whether the role may call the recognition APIs with its access
    /// token: every role but viewer.
    pub fn may_call_apis(self) -> bool {
        !matches!(self, Role::Viewer)
    }

    /// Whether the role may submit or cancel a service use request for the
    /// project's appKeys: owners and admins.
    pub fn may_request_services(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_only_viewers_may_not_call() {
        for role in Role::ALL {
            assert_eq!(Role::from_name(role.as_str()), Some(role));
            assert_eq!(role.may_call_apis(), role != Role::Viewer);
            assert_eq!(
                role.may_request_services(),
                matches!(role, Role::Owner | Role::Admin)
            );
        }
        assert_eq!(Role::from_name("Owner"), None);
    }
}
