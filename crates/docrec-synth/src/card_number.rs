//! Random card numbers and expiry dates that follow the payment-card rules
//! of [`docrec_rules::payment_card`].
//!
//! Takes: a random generator (and optionally a brand).
//! Gives: a [`CardNumber`]: brand (drawn with a Korean wallet's mix),
//! digits (Luhn-valid, with one of the brand's prefixes and lengths) and
//! the groups the brand prints; and a random expiry.

use docrec_rules::payment_card::{luhn_check_digit, Brand};
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
