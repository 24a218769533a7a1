//! Random card numbers and expiry dates that follow the payment-card rules
//! of [`docrec_rules::payment_card`].
//!
//! Takes: a random generator (and optionally a brand).
//! Gives: a [`CardNumber`]: brand (drawn with a Korean wallet's mix),
//! digits (Luhn-valid, with one of the brand's prefixes and lengths) and
//! the groups the brand prints; and a random expiry. For specimen cards
//! ([`crate::specimen`]): numbers of a brand that fail Luhn
//! ([`CardNumber::failing_luhn`]) and sample expiries
//! ([`specimen_expiry`]).

use docrec_rules::payment_card::{luhn_check_digit, luhn_valid, Brand};
use rand::Rng;

/// How often a brand is drawn in generated sets (a Korean wallet's mix).
fn weight(brand: Brand) -> u32 {
    match brand {
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
pub fn random_brand(rng: &mut impl Rng) -> Brand {
    let total: u32 = Brand::ALL.iter().map(|&b| weight(b)).sum();
    let mut r = rng.gen_range(0..total);
    for b in Brand::ALL {
        if r < weight(b) {
            return b;
        }
        r -= weight(b);
    }
    Brand::Visa
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

/// Splits digits into the groups `brand` prints.
pub fn group(brand: Brand, digits: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    for k in brand.groups(digits.len()) {
        let end = (i + k).min(digits.len());
        out.push(digits[i..end].to_string());
        i = end;
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
        let brand = random_brand(rng);
        CardNumber::random_for(brand, rng)
    }

    /// A number of this one's brand and length that fails Luhn, as sample
    /// cards print them: half the time the brand's prefix padded with `0`
    /// to four digits, then `1234567890…` and a last `0` (`4000 1234 5678
    /// 9010`; another last digit where that one passes), else
    /// this number with its last digit changed. The last digit is never
    /// the check digit.
    pub fn failing_luhn(&self, rng: &mut (impl Rng + ?Sized)) -> CardNumber {
        let len = self.digits.len();
        let digits = if rng.gen_bool(0.5) {
            let mut digits = format!("{:0<4}", brand_prefix(self.brand, &self.digits));
            let mut next = 1u8;
            while digits.len() + 1 < len {
                digits.push(char::from(b'0' + next % 10));
                next += 1;
            }
            digits.truncate(len - 1);
            digits.push('0');
            if luhn_valid(&digits) {
                crate::specimen::other_last_digit(&digits, rng)
            } else {
                digits
            }
        } else {
            crate::specimen::other_last_digit(&self.digits, rng)
        };
        CardNumber {
            brand: self.brand,
            groups: group(self.brand, &digits),
            digits,
        }
    }
}

/// The digits of `digits` that tell its brand: `4` of Visa, `51` or
/// `2221` of Mastercard, `6011` or `65` of Discover…
fn brand_prefix(brand: Brand, digits: &str) -> &str {
    let len = match brand {
        Brand::Visa | Brand::Domestic => 1,
        Brand::Mastercard if digits.starts_with('5') => 2,
        Brand::Discover if !digits.starts_with("6011") => 2,
        Brand::Amex | Brand::Diners | Brand::UnionPay => 2,
        Brand::Mastercard | Brand::Jcb | Brand::Discover => 4,
    };
    &digits[..len.min(digits.len())]
}

/// An expiry such as sample cards print, whose month does not exist:
/// `00/00` (two in five), `00/YY`, `13/YY` or `99/99` (one in five each),
/// `YY` 25-35.
pub fn specimen_expiry(rng: &mut (impl Rng + ?Sized)) -> String {
    let year = rng.gen_range(25..=35u32);
    match rng.gen_range(0..5) {
        0 | 1 => "00/00".to_owned(),
        2 => format!("00/{year:02}"),
        3 => format!("13/{year:02}"),
        _ => "99/99".to_owned(),
    }
}

/// A random expiry `MM/YY`, month 01-12 (10-12, whose leading 1 is easily
/// lost, a third of the time), year 25-35.
pub fn random_expiry(rng: &mut impl Rng) -> String {
    let month = if rng.gen_bool(1.0 / 3.0) {
        rng.gen_range(10..=12u32)
    } else {
        rng.gen_range(1..=9u32)
    };
    format!("{month:02}/{:02}", rng.gen_range(25..=35u32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use docrec_rules::payment_card::NumberCheck;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// What the generator makes is what the recognizers' rules accept: of
    /// its brand by prefix, of an allowed length, passing Luhn, grouped as
    /// the brand prints it.
    #[test]
    fn generated_numbers_follow_the_rules() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let follows = |n: &CardNumber| {
            let check = NumberCheck::of(&n.digits);
            check.luhn
                && check.passes()
                && check.brand == Some(n.brand)
                && n.groups.concat() == n.digits
                && n.groups.iter().map(String::len).collect::<Vec<_>>()
                    == n.brand.groups(n.digits.len())
        };
        for brand in Brand::ALL {
            for _ in 0..200 {
                let n = CardNumber::random_for(brand, &mut rng);
                assert!(follows(&n), "{n:?}");
            }
        }
        for _ in 0..500 {
            let n = CardNumber::random(&mut rng);
            assert!(follows(&n), "{n:?}");
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
    fn failing_numbers_keep_brand_and_length_and_fail_luhn() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut samples = 0;
        for brand in Brand::ALL {
            for _ in 0..200 {
                let n = CardNumber::random_for(brand, &mut rng);
                let f = n.failing_luhn(&mut rng);
                let check = NumberCheck::of(&f.digits);
                assert!(!check.luhn, "{f:?}");
                assert_eq!(check.brand, Some(brand), "{f:?}");
                assert!(check.length_ok, "{f:?}");
                assert_eq!(f.digits.len(), n.digits.len());
                assert_eq!(f.groups.concat(), f.digits);
                assert_eq!(
                    f.groups.iter().map(String::len).collect::<Vec<_>>(),
                    brand.groups(f.digits.len())
                );
                if brand.requires_luhn() {
                    assert!(!check.passes(), "{f:?}");
                }
                samples += usize::from(f.digits.contains("12345678"));
            }
        }
        assert!(samples > 500, "{samples} sample-like numbers");
        let visa = CardNumber::random_for(Brand::Visa, &mut rng);
        let sample = (0..50)
            .map(|_| visa.failing_luhn(&mut rng))
            .find(|f| f.digits.contains("12345678"))
            .unwrap();
        assert_eq!(sample.groups, ["4000", "1234", "5678", "9010"]);
    }

    #[test]
    fn specimen_expiries_have_no_month() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut forms = std::collections::BTreeSet::new();
        for _ in 0..300 {
            let e = specimen_expiry(&mut rng);
            let (m, y) = e.split_once('/').unwrap();
            assert_eq!((m.len(), y.len()), (2, 2), "{e}");
            let m: u32 = m.parse().unwrap();
            assert!(!(1..=12).contains(&m), "{e}");
            forms.insert(m);
        }
        assert_eq!(forms.into_iter().collect::<Vec<_>>(), [0, 13, 99]);
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
