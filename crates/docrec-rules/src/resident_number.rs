//! Resident registration numbers (주민등록번호), from
//! `shared/spec/korean-documents.md`.
//!
//! Takes digit strings (a hyphen is ignored); gives the check digit of
//! numbers assigned before 2020-10, the birth date the number encodes, and
//! the `YYMMDD-GXXXXXX` form.

/// The digits of `text`, ignoring everything else.
fn digits_of(text: &str) -> Vec<u32> {
    text.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// The check digit of a number assigned before 2020-10-05, from its first
/// twelve digits: weights 2 3 4 5 6 7 8 9 2 3 4 5, (11 − sum mod 11) mod 10.
pub fn check_digit(first_twelve: &[u32]) -> Option<u32> {
    const WEIGHTS: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    if first_twelve.len() != 12 || first_twelve.iter().any(|d| *d > 9) {
        return None;
    }
    let sum: u32 = first_twelve.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    Some((11 - sum % 11) % 10)
}

/// Whether a thirteen-digit number's last digit is its check digit. Numbers
/// assigned since 2020-10 have random digits after G: a failed check is a
/// penalty, never a rejection.
pub fn check_digit_passes(text: &str) -> bool {
    let digits = digits_of(text);
    digits.len() == 13 && check_digit(&digits[..12]) == Some(digits[12])
}

/// The century a number's seventh digit G gives: 1/2 (and 5/6 for
/// foreigners) 1900s, 3/4 (7/8) 2000s, 9/0 1800s.
pub fn century(g: u32) -> Option<u32> {
    match g {
        1 | 2 | 5 | 6 => Some(1900),
        3 | 4 | 7 | 8 => Some(2000),
        9 | 0 => Some(1800),
        _ => None,
    }
}

/// The birth date `(year, month, day)` the number encodes, when it is a
/// real date.
pub fn birth_date(text: &str) -> Option<(u32, u32, u32)> {
    let digits = digits_of(text);
    if digits.len() != 13 {
        return None;
    }
    let year = century(digits[6])? + digits[0] * 10 + digits[1];
    let month = digits[2] * 10 + digits[3];
    let day = digits[4] * 10 + digits[5];
    crate::date_exists(year, month, day).then_some((year, month, day))
}

/// `YYMMDD-GXXXXXX` from thirteen digits.
pub fn format(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    (digits.len() == 13).then(|| format!("{}-{}", &digits[..6], &digits[6..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_and_birth_dates() {
        // 800101-1 23456 + check: 2·8+3·0+4·0+5·1+6·0+7·1+8·1+9·2+2·3+3·4+4·5+5·6 = 122;
        // (11 − 122 mod 11) mod 10 = (11 − 1) mod 10 = 0.
        assert_eq!(check_digit(&[8, 0, 0, 1, 0, 1, 1, 2, 3, 4, 5, 6]), Some(0));
        assert!(check_digit_passes("800101-1234560"));
        assert!(!check_digit_passes("800101-1234561"));
        assert_eq!(birth_date("800101-1234560"), Some((1980, 1, 1)));
        assert_eq!(birth_date("050229-3000000"), None);
        assert_eq!(birth_date("040229-3000000"), Some((2004, 2, 29)));
        assert_eq!(format("8001011234560").as_deref(), Some("800101-1234560"));
    }
}
