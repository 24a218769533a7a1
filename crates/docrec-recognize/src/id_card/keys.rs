//! The keys an ID card is answered with, as one enum: the key a
//! recognizer looks for and the key it answers are the same value, a
//! misspelt key does not compile, and the API's names are written once.

use crate::api::ApiKey;

/// A key of an ID card's `keyValues`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKey {
    Name,
    ResidentNumber,
    IssueDate,
    Issuer,
    DriverLicenseNumber,
    LicenseType,
    Condition,
    SerialNum,
}

impl ApiKey for IdKey {
    /// Its name in the API (`residentNumber`).
    fn api_name(self) -> &'static str {
        match self {
            IdKey::Name => "name",
            IdKey::ResidentNumber => "residentNumber",
            IdKey::IssueDate => "issueDate",
            IdKey::Issuer => "issuer",
            IdKey::DriverLicenseNumber => "driverLicenseNumber",
            IdKey::LicenseType => "licenseType",
            IdKey::Condition => "condition",
            IdKey::SerialNum => "serialNum",
        }
    }
}

/// The keys of a resident registration card, in the API's order.
pub const RESIDENT_KEYS: [IdKey; 4] = [
    IdKey::Name,
    IdKey::ResidentNumber,
    IdKey::IssueDate,
    IdKey::Issuer,
];

/// The keys of a driver's licence, in the API's order: every ID-card key.
pub const DRIVER_KEYS: [IdKey; 8] = [
    IdKey::DriverLicenseNumber,
    IdKey::LicenseType,
    IdKey::Name,
    IdKey::ResidentNumber,
    IdKey::Condition,
    IdKey::SerialNum,
    IdKey::IssueDate,
    IdKey::Issuer,
];
