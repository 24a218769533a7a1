//! Business registration numbers (사업자등록번호) and corporate registration
//! numbers (법인등록번호), from `shared/spec/korean-documents.md`.
//!
//! Takes digit strings (separators are ignored); gives check digits, whether
//! a number passes, and what its middle digits say of the taxpayer.

/// The digits of `text`, ignoring everything else.
fn digits_of(text: &str) -> Vec<u32> {
    text.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// The check digit of a business registration number from its first nine
/// digits: weights 1 3 7 1 3 7 1 3 5, plus floor(d9 × 5 / 10).
pub fn registration_check_digit(first_nine: &[u32]) -> Option<u32> {
    const WEIGHTS: [u32; 9] = [1, 3, 7, 1, 3, 7, 1, 3, 5];
    if first_nine.len() != 9 || first_nine.iter().any(|d| *d > 9) {
        return None;
    }
    let weighted: u32 = first_nine.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    let sum = weighted + first_nine[8] * 5 / 10;
    Some((10 - sum % 10) % 10)
}

/// Whether `text` holds a ten-digit business registration number whose
/// check digit is right (`123-45-67891` passes).
pub fn registration_number_passes(text: &str) -> bool {
    let digits = digits_of(text);
    digits.len() == 10 && registration_check_digit(&digits[..9]) == Some(digits[9])
}

/// `XXX-XX-XXXXX` from ten digits.
pub fn format_registration_number(digits: &str) -> Option<String> {
    let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
    (digits.len() == 10).then(|| format!("{}-{}-{}", &digits[..3], &digits[3..5], &digits[5..]))
}

/// Whether the middle two digits mark a corporation (81, 86, 87, 88 for
/// profit, 82 non-profit): a hint to cross-check the taxpayer kind.
pub fn is_corporate_kind(middle: u32) -> bool {
    matches!(middle, 81 | 82 | 86 | 87 | 88)
}

/// The check digit of a corporate registration number from its first
/// twelve digits: weights alternate 1, 2.
pub fn corporate_check_digit(first_twelve: &[u32]) -> Option<u32> {
    if first_twelve.len() != 12 || first_twelve.iter().any(|d| *d > 9) {
        return None;
    }
    let sum: u32 = first_twelve
        .iter()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { *d } else { d * 2 })
        .sum();
    Some((10 - sum % 10) % 10)
}

/// Whether `text` holds a thirteen-digit corporate registration number whose
/// check digit is right.
pub fn corporate_number_passes(text: &str) -> bool {
    let digits = digits_of(text);
    digits.len() == 13 && corporate_check_digit(&digits[..12]) == Some(digits[12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_examples() {
        assert!(registration_number_passes("123-45-67891"));
        assert!(!registration_number_passes("123-45-67890"));
        assert!(!registration_number_passes("123-45-6789"));
        assert_eq!(
            format_registration_number("1234567891").as_deref(),
            Some("123-45-67891")
        );
    }

    #[test]
    fn corporate_numbers() {
        // 1·1 + 1·2 + 0·1 + 1·2 + 1·1 + 1·2 + 1·1 + 2·2 + 3·1 + 4·2 + 5·1 + 6·2 = 41.
        assert_eq!(
            corporate_check_digit(&[1, 1, 0, 1, 1, 1, 1, 2, 3, 4, 5, 6]),
            Some(9)
        );
        assert!(corporate_number_passes("110111-1234569"));
        assert!(!corporate_number_passes("110111-1234567"));
        assert!(is_corporate_kind(81) && !is_corporate_kind(45));
    }
}
