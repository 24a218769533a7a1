//! Card brands, Luhn-valid numbers and their printed grouping.
//!
//! Takes: a random generator (and optionally a brand).
//! Gives: a [`CardNumber`]: brand, digits (Luhn-valid, with the brand's
//! prefix and length from `shared/spec/korean-documents.md` "Payment cards")
//! and the printed groups (4-4-4-4; Amex 4-6-5; Diners 14 4-6-4; 19 digits
//! 4-4-4-4-3), plus [`luhn_valid`] and a random expiry.

use rand::Rng;

/// A card brand as printed in [`crate::CardTruth::brand`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Brand {
    Visa,
    Mastercard,
    Amex,
    Jcb,
    Discover,
    Diners,
    UnionPay,
    /// Korean domestic-only card (number starts with 9).
    Domestic,
}

impl Brand {
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

    /// Lower-case name used in the truth file.
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

    /// Relative frequency in generated sets (Korean wallet-ish mix).
    fn weight(self) -> u32 {
        match self {
            Brand::Visa => 26,
            Brand::Mastercard => 22,
            Brand::Domestic => 12,
            Brand::Amex => 9,
            Brand::Jcb => 9,
            Brand::UnionPay => 8,
            Brand::Discover => 7,
            Brand::Diners => 7,
        }
    }

    /// Picks a brand with the weights above.
    pub fn random(rng: &mut impl Rng) -> Brand {
        let total: u32 = Brand::ALL.iter().map(|b| b.weight()).sum();
        let mut r = rng.gen_range(0..total);
        for b in Brand::ALL {
            if r < b.weight() {
                return b;
            }
            r -= b.weight();
        }
        Brand::Visa
    }

    /// Whether a number (digits only) has this brand's prefix and a length
    /// this generator produces for it.
    pub fn matches(self, digits: &str) -> bool {
        let n = digits.len();
        let p = |k: usize| digits.get(..k).and_then(|s| s.parse::<u32>().ok());
        match self {
            Brand::Visa => digits.starts_with('4') && n == 16,
            Brand::Mastercard => {
                n == 16 && (matches!(p(2), Some(51..=55)) || matches!(p(4), Some(2221..=2720)))
            }
            Brand::Amex => n == 15 && (digits.starts_with("34") || digits.starts_with("37")),
            Brand::Jcb => n == 16 && matches!(p(4), Some(3528..=3589)),
            Brand::Discover => n == 16 && (digits.starts_with("6011") || digits.starts_with("65")),
            Brand::Diners => n == 14 && digits.starts_with("36"),
            Brand::UnionPay => (n == 16 || n == 19) && digits.starts_with("62"),
            Brand::Domestic => n == 16 && digits.starts_with('9'),
        }
    }
}

/// A generated card number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardNumber {
    pub brand: Brand,
    /// Digits only.
    pub digits: String,
    /// The printed groups, in order; concatenated they give `digits`.
    pub groups: Vec<String>,
}

/// Luhn (mod 10) check over a string of ASCII digits. Empty or non-digit
/// input is invalid.
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    luhn_sum(digits.bytes().rev().map(|b| u32::from(b - b'0')), false) % 10 == 0
}

/// Luhn sum of digits given from the rightmost; `double_first` says whether
/// the first of them is doubled.
fn luhn_sum(rev_digits: impl Iterator<Item = u32>, double_first: bool) -> u32 {
    rev_digits
        .enumerate()
        .map(|(i, d)| {
            if (i % 2 == 0) == double_first {
                let d2 = d * 2;
                if d2 > 9 {
                    d2 - 9
                } else {
                    d2
                }
            } else {
                d
            }
        })
        .sum()
}

/// The check digit that makes `payload` + digit Luhn-valid.
pub fn luhn_check_digit(payload: &str) -> u8 {
    let s = luhn_sum(payload.bytes().rev().map(|b| u32::from(b - b'0')), true);
    ((10 - s % 10) % 10) as u8
}

/// Group sizes as printed on the card for a brand and length.
pub fn group_sizes(brand: Brand, len: usize) -> &'static [usize] {
    match (brand, len) {
        (Brand::Amex, 15) => &[4, 6, 5],
        (Brand::Diners, 14) => &[4, 6, 4],
        (_, 19) => &[4, 4, 4, 4, 3],
        (_, 15) => &[4, 6, 5],
        (_, 14) => &[4, 6, 4],
        (_, 13) => &[4, 3, 3, 3],
        _ => &[4, 4, 4, 4],
    }
}

/// Splits digits into printed groups.
pub fn group(brand: Brand, digits: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    for &k in group_sizes(brand, digits.len()) {
        let end = (i + k).min(digits.len());
        out.push(digits[i..end].to_string());
        i = end;
    }
    if i < digits.len() {
        out.push(digits[i..].to_string());
    }
    out
}

impl CardNumber {
    /// A random Luhn-valid number of the given brand.
    pub fn random_for(brand: Brand, rng: &mut impl Rng) -> CardNumber {
        let (prefix, len): (String, usize) = match brand {
            Brand::Visa => ("4".into(), 16),
            Brand::Mastercard => {
                if rng.gen_bool(0.75) {
                    (rng.gen_range(51..=55u32).to_string(), 16)
                } else {
                    (rng.gen_range(2221..=2720u32).to_string(), 16)
                }
            }
            Brand::Amex => (if rng.gen_bool(0.5) { "34" } else { "37" }.into(), 15),
            Brand::Jcb => (rng.gen_range(3528..=3589u32).to_string(), 16),
            Brand::Discover => (if rng.gen_bool(0.5) { "6011" } else { "65" }.into(), 16),
            Brand::Diners => ("36".into(), 14),
            Brand::UnionPay => ("62".into(), if rng.gen_bool(0.2) { 19 } else { 16 }),
            Brand::Domestic => ("9".into(), 16),
        };
        let mut payload = prefix;
        while payload.len() < len - 1 {
            payload.push(char::from(b'0' + rng.gen_range(0..10u8)));
        }
        let check = luhn_check_digit(&payload);
        payload.push(char::from(b'0' + check));
        CardNumber {
            brand,
            groups: group(brand, &payload),
            digits: payload,
        }
    }

    /// A random number of a random brand.
    pub fn random(rng: &mut impl Rng) -> CardNumber {
        let brand = Brand::random(rng);
        CardNumber::random_for(brand, rng)
    }
}

/// A random expiry `MM/YY`, month 01-12, year 25-35.
pub fn random_expiry(rng: &mut impl Rng) -> String {
    format!(
        "{:02}/{:02}",
        rng.gen_range(1..=12u32),
        rng.gen_range(25..=35u32)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn luhn_known_numbers() {
        assert!(luhn_valid("4111111111111111"));
        assert!(!luhn_valid("4111111111111112"));
        assert!(luhn_valid("378282246310005"));
        assert!(luhn_valid("5555555555554444"));
        assert!(luhn_valid("30569309025904"));
        assert!(luhn_valid("0"));
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("4111 1111 1111 1111"));
        assert_eq!(luhn_check_digit("411111111111111"), 1);
        assert_eq!(luhn_check_digit("37828224631000"), 5);
    }

    #[test]
    fn generated_numbers_are_valid_for_their_brand() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for brand in Brand::ALL {
            for _ in 0..200 {
                let n = CardNumber::random_for(brand, &mut rng);
                assert!(luhn_valid(&n.digits), "{brand:?} {}", n.digits);
                assert!(brand.matches(&n.digits), "{brand:?} {}", n.digits);
                assert_eq!(n.groups.concat(), n.digits);
            }
        }
        for _ in 0..500 {
            let n = CardNumber::random(&mut rng);
            assert!(luhn_valid(&n.digits) && n.brand.matches(&n.digits));
        }
    }

    #[test]
    fn grouping() {
        let amex = group(Brand::Amex, "378282246310005");
        assert_eq!(amex, ["3782", "822463", "10005"]);
        let visa = group(Brand::Visa, "4111111111111111");
        assert_eq!(visa, ["4111", "1111", "1111", "1111"]);
        let diners = group(Brand::Diners, "30569309025904");
        assert_eq!(diners, ["3056", "930902", "5904"]);
        let up = group(Brand::UnionPay, "6212345678901234567");
        assert_eq!(up, ["6212", "3456", "7890", "1234", "567"]);
    }

    #[test]
    fn expiry_month_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..500 {
            let e = random_expiry(&mut rng);
            let (m, y) = e.split_once('/').unwrap();
            assert_eq!((m.len(), y.len()), (2, 2));
            let m: u32 = m.parse().unwrap();
            let y: u32 = y.parse().unwrap();
            assert!((1..=12).contains(&m) && (25..=35).contains(&y), "{e}");
        }
    }
}
