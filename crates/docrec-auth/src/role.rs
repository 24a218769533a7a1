//! The roles a user can have in a project (API.md §5) and what each may
//! do.

/// A member's role in a project, from the most to the least able.
///
/// | role | calls the APIs | manages appKeys and members | deletes the project |
/// |---|---|---|---|
/// | owner | yes | yes | yes |
/// | admin | yes | yes | no |
/// | member | yes | no | no |
/// | viewer | no | no | no |
///
/// The operator (the CLI, and later the admin API's operator token) is
/// above every role. Only the API column is enforced so far: the admin
/// operations are the operator's alone.
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
        }
        assert_eq!(Role::from_name("Owner"), None);
    }
}
