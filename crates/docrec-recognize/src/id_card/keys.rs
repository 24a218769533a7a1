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
    /// A key only a passport has.
    Passport(PassportKey),
}

/// A key of a passport's `keyValues` (API.md §4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassportKey {
    /// The MRZ's document code (`PM`, `P`).
    PassportType,
    /// The issuing state (`KOR`, `D`).
    CountryCode,
    PassportNo,
    SurName,
    GivenName,
    Nationality,
    /// `YYMMDD` as in the MRZ.
    DateOfBirth,
    DateOfBirthYmd,
    Sex,
    /// As printed in the visual zone (`21 MAR 2023`).
    DateOfIssue,
    DateOfIssueYmd,
    /// `YYMMDD` as in the MRZ.
    DateOfExpiry,
    DateOfExpiryYmd,
    /// The holder's name in Hangul, on a Korean passport.
    KoreanName,
    /// The MRZ's optional data: an older Korean passport's personal number.
    PersonalNo,
    Mrz1,
    Mrz2,
}

impl ApiKey for PassportKey {
    /// Its name in the API (`passportNo`).
    fn api_name(self) -> &'static str {
        match self {
            PassportKey::PassportType => "passportType",
            PassportKey::CountryCode => "countryCode",
            PassportKey::PassportNo => "passportNo",
            PassportKey::SurName => "surName",
            PassportKey::GivenName => "givenName",
            PassportKey::Nationality => "nationality",
            PassportKey::DateOfBirth => "dateOfBirth",
            PassportKey::DateOfBirthYmd => "dateOfBirthYMD",
            PassportKey::Sex => "sex",
            PassportKey::DateOfIssue => "dateOfIssue",
            PassportKey::DateOfIssueYmd => "dateOfIssueYMD",
            PassportKey::DateOfExpiry => "dateOfExpiry",
            PassportKey::DateOfExpiryYmd => "dateOfExpiryYMD",
            PassportKey::KoreanName => "koreanName",
            PassportKey::PersonalNo => "personalNo",
            PassportKey::Mrz1 => "MRZ1",
            PassportKey::Mrz2 => "MRZ2",
        }
    }
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
            IdKey::Passport(key) => key.api_name(),
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

/// The keys of a passport, in the API's order.
pub const PASSPORT_KEYS: [IdKey; 17] = [
    IdKey::Passport(PassportKey::PassportType),
    IdKey::Passport(PassportKey::CountryCode),
    IdKey::Passport(PassportKey::PassportNo),
    IdKey::Passport(PassportKey::SurName),
    IdKey::Passport(PassportKey::GivenName),
    IdKey::Passport(PassportKey::Nationality),
    IdKey::Passport(PassportKey::DateOfBirth),
    IdKey::Passport(PassportKey::DateOfBirthYmd),
    IdKey::Passport(PassportKey::Sex),
    IdKey::Passport(PassportKey::DateOfIssue),
    IdKey::Passport(PassportKey::DateOfIssueYmd),
    IdKey::Passport(PassportKey::DateOfExpiry),
    IdKey::Passport(PassportKey::DateOfExpiryYmd),
    IdKey::Passport(PassportKey::KoreanName),
    IdKey::Passport(PassportKey::PersonalNo),
    IdKey::Passport(PassportKey::Mrz1),
    IdKey::Passport(PassportKey::Mrz2),
];
