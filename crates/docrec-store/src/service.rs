//! The recognition services an appKey may be allowed to call, and the
//! states of the service-use workflow (API.md §5).

/// A service, as named in the API paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// `/business` (business registration certificates).
    Business,
    /// `/credit-card`.
    CreditCard,
    /// `/id-card` (and its stand-alone and authenticity endpoints).
    IdCard,
}

impl Service {
    /// Every service.
    pub const ALL: [Service; 3] = [Service::Business, Service::CreditCard, Service::IdCard];

    /// The name as in the API paths and the `service` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Business => "business",
            Service::CreditCard => "credit-card",
            Service::IdCard => "id-card",
        }
    }

    /// The service named `name` (as in [`Service::as_str`]).
    pub fn from_name(name: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether a new appKey needs an approved use request before it may
    /// call the service: only `id-card` (API.md §5).
    pub fn is_gated(self) -> bool {
        matches!(self, Service::IdCard)
    }
}

/// Where an appKey's service is in the service-use workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceState {
    /// Not callable; a use request may be submitted.
    NotEnabled,
    /// A use request waits for an operator's approval or rejection.
    InProgress,
    /// Callable.
    Enabled,
}

impl ServiceState {
    /// Every state.
    pub const ALL: [ServiceState; 3] = [
        ServiceState::NotEnabled,
        ServiceState::InProgress,
        ServiceState::Enabled,
    ];

    /// The name as stored and shown (API.md §5's).
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceState::NotEnabled => "NOT_ENABLED",
            ServiceState::InProgress => "IN_PROGRESS",
            ServiceState::Enabled => "ENABLED",
        }
    }

    /// The state named `name` (as in [`ServiceState::as_str`]).
    pub fn from_name(name: &str) -> Option<ServiceState> {
        ServiceState::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl std::fmt::Display for ServiceState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(Service::CreditCard.as_str(), "credit-card");
        assert_eq!(Service::IdCard.to_string(), "id-card");
        for service in Service::ALL {
            assert_eq!(Service::from_name(service.as_str()), Some(service));
        }
        assert_eq!(Service::from_name("idcard"), None);
        for state in ServiceState::ALL {
            assert_eq!(ServiceState::from_name(state.as_str()), Some(state));
        }
        assert!(Service::IdCard.is_gated() && !Service::CreditCard.is_gated());
    }
}
