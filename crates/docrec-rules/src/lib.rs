//! The rules documents follow, from `shared/spec/korean-documents.md`, in
//! one place for the two sides that need them: the recognizers check what
//! they read against them, and the synthetic generator makes documents that
//! follow them. Pure functions of strings; no dependencies.
//!
//! - [`payment_card`]: payment card numbers: the Luhn check and check
//!   digit, the brands' prefixes, lengths and printed groupings.
//! - [`business_number`]: business and corporate registration numbers.

pub mod business_number;
pub mod payment_card;
