//! The keys a business registration certificate is answered with, as one
//! enum: the key a label introduces, the key a value is checked as and the
//! key answered are the same value, a misspelt key does not compile, and
//! the API's names are written once.

use crate::api::ApiKey;

/// A key of a certificate's `keyValues` (API.md §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BusinessKey {
    /// 구분: the kind of taxpayer.
    TaxpayerKind,
    /// 등록번호: the business registration number.
    RegistrationNumber,
    /// 상호: the trade name (법인명 for a corporation).
    TradeName,
    /// 대표자: the representative (성명 on some certificates).
    Representative,
    /// 생년월일: the representative's birth date.
    BirthDate,
    /// 개업연월일: the opening date.
    OpeningDate,
    /// 법인등록번호: the corporate registration number.
    CorporateNumber,
    /// 사업장소재지: the place of business.
    BusinessAddress,
    /// 본점소재지: the head office.
    HeadOfficeAddress,
    /// 업태: the type of business.
    BusinessType,
    /// 종목: the items of business.
    BusinessItem,
    /// 발급사유: why the certificate was issued.
    IssueReason,
    /// 발급일자: the issue date.
    IssueDate,
    /// 발급기관: the issuing tax office.
    Issuer,
}

impl ApiKey for BusinessKey {
    /// Its name in the API (`등록번호`).
    fn api_name(self) -> &'static str {
        match self {
            BusinessKey::TaxpayerKind => "구분",
            BusinessKey::RegistrationNumber => "등록번호",
            BusinessKey::TradeName => "상호",
            BusinessKey::Representative => "대표자",
            BusinessKey::BirthDate => "생년월일",
            BusinessKey::OpeningDate => "개업연월일",
            BusinessKey::CorporateNumber => "법인등록번호",
            BusinessKey::BusinessAddress => "사업장소재지",
            BusinessKey::HeadOfficeAddress => "본점소재지",
            BusinessKey::BusinessType => "업태",
            BusinessKey::BusinessItem => "종목",
            BusinessKey::IssueReason => "발급사유",
            BusinessKey::IssueDate => "발급일자",
            BusinessKey::Issuer => "발급기관",
        }
    }
}

/// Every key, in the API's order.
pub const KEYS: [BusinessKey; 14] = [
    BusinessKey::TaxpayerKind,
    BusinessKey::RegistrationNumber,
    BusinessKey::TradeName,
    BusinessKey::Representative,
    BusinessKey::BirthDate,
    BusinessKey::OpeningDate,
    BusinessKey::CorporateNumber,
    BusinessKey::BusinessAddress,
    BusinessKey::HeadOfficeAddress,
    BusinessKey::BusinessType,
    BusinessKey::BusinessItem,
    BusinessKey::IssueReason,
    BusinessKey::IssueDate,
    BusinessKey::Issuer,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_its_own_api_name() {
        let mut names = KEYS.map(BusinessKey::api_name).to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), KEYS.len());
    }
}
