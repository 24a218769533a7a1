//! The business status lookup's rules (API.md §4.6), shared by the API and
//! `docrec admin import-business-status`: the status codes and their
//! default messages, the registration number's shape, and reading the CSV
//! an administrator imports.

use docrec_store::BusinessStatus;

/// The status codes of API.md §4.6 and the message answered for a number
/// whose imported row gives none (worded as the National Tax Service's
/// status service words them).
pub const STATUS_CODES: [(&str, &str); 8] = [
    ("00", "국세청에 등록되지 않은 사업자등록번호입니다."),
    ("01", "부가가치세 일반과세자 입니다."),
    ("02", "부가가치세 간이과세자 입니다."),
    ("03", "부가가치세 면세사업자 입니다."),
    (
        "04",
        "비영리법인 또는 국가기관, 고유번호가 부여된 단체입니다.",
    ),
    ("05", "휴업자입니다."),
    ("06", "폐업자입니다."),
    ("09", "기타 사업자입니다."),
];

/// Whether `number` is a registration number as the API takes it: ten
/// ASCII digits.
pub fn is_business_number(number: &str) -> bool {
    number.len() == 10 && number.bytes().all(|b| b.is_ascii_digit())
}

/// Reads an import file: one row per number, `business_number,
/// status_code[, status_message]`, an optional header row (a first row
/// whose first cell is not a number), hyphens allowed in the number
/// (`123-45-67891`). A row without a message gets the code's default. Any
/// bad row makes the whole file an error naming its line, so that nothing
/// of a bad file is imported.
pub fn parse_status_csv(text: &str) -> Result<Vec<BusinessStatus>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 1;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let number: String = record
            .get(0)
            .unwrap_or_default()
            .chars()
            .filter(|c| *c != '-')
            .collect();
        if index == 0 && !number.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        if !is_business_number(&number) {
            return Err(format!(
                "line {line}: the business number must have ten digits"
            ));
        }
        let code = record.get(1).unwrap_or_default();
        let Some((_, default_message)) = STATUS_CODES.iter().find(|(c, _)| *c == code) else {
            return Err(format!(
                "line {line}: unknown status code {code:?} (expected one of 00-06, 09)"
            ));
        };
        let message = match record.get(2) {
            Some(message) if !message.is_empty() => message.to_owned(),
            _ => (*default_message).to_owned(),
        };
        rows.push(BusinessStatus {
            business_number: number,
            status_code: code.to_owned(),
            status_message: message,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_with_and_without_a_header_and_messages() {
        let rows = parse_status_csv(
            "business_number,status_code,status_message\n\
             123-45-67891,01,\n\
             2208162517,06,\"폐업, 2024\"\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].business_number, "1234567891");
        assert_eq!(rows[0].status_message, "부가가치세 일반과세자 입니다.");
        assert_eq!(rows[1].status_message, "폐업, 2024");
        assert_eq!(parse_status_csv("1234567891,02").unwrap().len(), 1);
    }

    #[test]
    fn a_bad_row_names_its_line() {
        let error = parse_status_csv("1234567891,01\n12345,01\n").unwrap_err();
        assert!(error.starts_with("line 2:"), "{error}");
        let error = parse_status_csv("1234567891,07\n").unwrap_err();
        assert!(error.contains("unknown status code"), "{error}");
    }

    #[test]
    fn business_numbers_are_ten_digits() {
        assert!(is_business_number("1234567891"));
        assert!(!is_business_number("123-45-67891"));
        assert!(!is_business_number("123456789"));
        assert!(!is_business_number("١٢٣٤٥٦٧٨٩١"));
    }
}
