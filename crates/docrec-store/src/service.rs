//! The recognition services an appKey may be allowed to call.

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
    }
}
