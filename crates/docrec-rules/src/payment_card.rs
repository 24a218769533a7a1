//! Payment card numbers (`shared/spec/korean-documents.md`, "Payment
//! cards"): the Luhn check and check digit, and the brands' prefixes,
//! lengths and printed groupings.
//!
//! Takes digit strings; gives the brand ([`Brand::of`]), what the rules say
//! of a number ([`NumberCheck`]) and how a brand prints it
//! ([`Brand::groups`]).

/// A card brand, told by the number's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Brand {
    Visa,
    Mastercard,
    Amex,
    Jcb,
    Discover,
    Diners,
    UnionPay,
    /// Korean domestic-only cards (prefix 9).
    Domestic,
}

impl Brand {
    /// Every brand.
    pub const ALL: [Brand; 8] = [
        Brand::Visa,
        Brand::Mastercard,
        Brand::Amex,
        Brand::Jcb,
        Brand::Discover,
        Brand::Diners,
        Brand::UnionPay,
        Brand::Domestic,
    ];

    /// The brand's lower-case name (`visa`, `unionpay`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Brand::Visa => "visa",
            Brand::Mastercard => "mastercard",
            Brand::Amex => "amex",
            Brand::Jcb => "jcb",
            Brand::Discover => "discover",
            Brand::Diners => "diners",
            Brand::UnionPay => "unionpay",
            Brand::Domestic => "domestic",
        }
    }

    /// The brand whose prefix `digits` starts with, if any.
    pub fn of(digits: &str) -> Option<Brand> {
        let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok());
        let p1 = prefix(1)?;
        let p2 = prefix(2).unwrap_or(0);
        let p3 = prefix(3).unwrap_or(0);
        let p4 = prefix(4).unwrap_or(0);
        Some(match () {
            _ if p1 == 4 => Brand::Visa,
            _ if (51..=55).contains(&p2) || (2221..=2720).contains(&p4) => Brand::Mastercard,
            _ if p2 == 34 || p2 == 37 => Brand::Amex,
            _ if (3528..=3589).contains(&p4) => Brand::Jcb,
            _ if (300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39 => Brand::Diners,
            _ if p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 => Brand::Discover,
            _ if p2 == 62 => Brand::UnionPay,
            _ if p1 == 9 => Brand::Domestic,
            _ => return None,
        })
    }

    /// Whether the brand issues numbers of `len` digits.
    pub fn allows_length(self, len: usize) -> bool {
        match self {
            Brand::Visa => matches!(len, 13 | 16 | 19),
            Brand::Mastercard => len == 16,
            Brand::Amex => len == 15,
            Brand::Jcb | Brand::Discover | Brand::UnionPay => (16..=19).contains(&len),
            Brand::Diners => (14..=19).contains(&len),
            Brand::Domestic => len == 16,
        }
    }

    /// Whether a number of this brand must pass Luhn (some UnionPay numbers
    /// fail it legitimately).
    pub fn requires_luhn(self) -> bool {
        self != Brand::UnionPay
    }

    /// How the brand prints a number of `len` digits.
    pub fn groups(self, len: usize) -> Vec<usize> {
        match (self, len) {
            (Brand::Amex, 15) => vec![4, 6, 5],
            (Brand::Diners, 14) => vec![4, 6, 4],
            _ => standard_groups(len),
        }
    }
}

/// Fours, with the remainder last (16 → 4-4-4-4, 19 → 4-4-4-4-3).
pub fn standard_groups(len: usize) -> Vec<usize> {
    let mut groups = vec![4; len / 4];
    if len % 4 != 0 {
        groups.push(len % 4);
    }
    groups
}

/// The Luhn (mod 10) check over all digits; false for anything but digits.
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    luhn_sum(digits, false) % 10 == 0
}

/// The check digit that makes `payload` followed by it pass Luhn.
/// `payload` must be ASCII digits.
pub fn luhn_check_digit(payload: &str) -> u8 {
    debug_assert!(payload.bytes().all(|b| b.is_ascii_digit()));
    ((10 - luhn_sum(payload, true) % 10) % 10) as u8
}

/// The Luhn sum of `digits` taken from the right, every second digit
/// doubled (less 9 when over 9): from the rightmost when `double_last`,
/// else from the one before it.
fn luhn_sum(digits: &str, double_last: bool) -> u32 {
    digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if (i % 2 == 0) == double_last {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum()
}

/// What the rules say of a candidate number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberCheck {
    pub brand: Option<Brand>,
    pub luhn: bool,
    pub length_ok: bool,
}

impl NumberCheck {
    pub fn of(digits: &str) -> NumberCheck {
        let brand = Brand::of(digits);
        NumberCheck {
            brand,
            luhn: luhn_valid(digits),
            length_ok: brand.is_some_and(|b| b.allows_length(digits.len())),
        }
    }

    /// Whether the number passes every check its brand requires.
    pub fn passes(&self) -> bool {
        self.length_ok && (self.luhn || self.brand.is_some_and(|b| !b.requires_luhn()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        assert!(luhn_valid("4111111111111111"));
        assert!(!luhn_valid("4111111111111112"));
        assert!(luhn_valid("378282246310005"));
        assert!(luhn_valid("5555555555554444"));
        assert!(luhn_valid("30569309025904"));
        assert!(luhn_valid("0"));
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("4111 1111"));
        assert_eq!(luhn_check_digit("411111111111111"), 1);
        assert_eq!(luhn_check_digit("37828224631000"), 5);
        assert_eq!(luhn_check_digit(""), 0);
    }

    #[test]
    fn names() {
        let names: Vec<&str> = Brand::ALL.iter().map(|b| b.name()).collect();
        assert_eq!(
            names,
            [
                "visa",
                "mastercard",
                "amex",
                "jcb",
                "discover",
                "diners",
                "unionpay",
                "domestic"
            ]
        );
    }

    #[test]
    fn brands_by_prefix() {
        assert_eq!(Brand::of("4111111111111111"), Some(Brand::Visa));
        assert_eq!(Brand::of("5500000000000004"), Some(Brand::Mastercard));
        assert_eq!(Brand::of("2221000000000009"), Some(Brand::Mastercard));
        assert_eq!(Brand::of("378282246310005"), Some(Brand::Amex));
        assert_eq!(Brand::of("3530111333300000"), Some(Brand::Jcb));
        assert_eq!(Brand::of("36227206271667"), Some(Brand::Diners));
        assert_eq!(Brand::of("6011111111111117"), Some(Brand::Discover));
        assert_eq!(Brand::of("6212345678901265"), Some(Brand::UnionPay));
        assert_eq!(Brand::of("9410123456789012"), Some(Brand::Domestic));
        assert_eq!(Brand::of("1234567812345678"), None);
    }

    #[test]
    fn lengths_and_groups() {
        assert!(Brand::Amex.allows_length(15));
        assert!(!Brand::Amex.allows_length(16));
        assert_eq!(Brand::Amex.groups(15), [4, 6, 5]);
        assert_eq!(Brand::Visa.groups(16), [4, 4, 4, 4]);
        assert_eq!(Brand::Visa.groups(19), [4, 4, 4, 4, 3]);
        assert_eq!(Brand::Diners.groups(14), [4, 6, 4]);
    }

    #[test]
    fn checks() {
        assert!(NumberCheck::of("4111111111111111").passes());
        assert!(!NumberCheck::of("4111111111111112").passes());
        assert!(!NumberCheck::of("411111111111111").passes());
        // UnionPay may fail Luhn.
        assert!(NumberCheck::of("6212345678901234").passes());
    }
}
