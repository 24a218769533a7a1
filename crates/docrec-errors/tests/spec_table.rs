//! Checks the error table against `shared/spec/error-codes.md`, row by row.

use docrec_errors::{ErrorCode, Origin};
use std::path::PathBuf;

fn spec_path() -> PathBuf {
    // crates/docrec-errors -> repository root -> ../shared/spec
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec/error-codes.md")
}

/// The table rows of the spec: (code, key, message), cells trimmed.
fn spec_rows() -> Vec<(i64, String, String)> {
    let text = std::fs::read_to_string(spec_path())
        .expect("shared/spec/error-codes.md beside the repository");
    text.lines()
        .filter(|l| l.starts_with('|'))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let code = cells.first()?.parse::<i64>().ok()?;
            Some((code, cells.get(1)?.to_string(), cells.get(2)?.to_string()))
        })
        .collect()
}

#[test]
fn every_spec_row_is_in_the_table_byte_for_byte() {
    let rows = spec_rows();
    assert!(rows.len() >= 40, "parsed only {} rows", rows.len());
    for (code, key, message) in &rows {
        let ours = ErrorCode::from_code(*code).unwrap_or_else(|| panic!("code {code} missing"));
        assert_eq!(ours.key(), key, "key of {code}");
        assert_eq!(ours.message(), message, "message of {code}");
        assert_eq!(ours.origin(), Origin::Table, "{code} comes from the table");
    }
}

#[test]
fn every_table_code_is_in_the_spec_and_the_rest_are_extensions() {
    let rows = spec_rows();
    for code in ErrorCode::ALL {
        let in_spec = rows.iter().any(|(c, _, _)| *c == code.code());
        assert_eq!(in_spec, code.origin() == Origin::Table, "{code}");
    }
}

#[test]
fn table_order_follows_the_spec() {
    let spec_codes: Vec<i64> = spec_rows().into_iter().map(|r| r.0).collect();
    let ours: Vec<i64> = ErrorCode::ALL
        .iter()
        .filter(|c| c.origin() == Origin::Table)
        .map(|c| c.code())
        .collect();
    assert_eq!(ours, spec_codes);
}

#[test]
fn hosted_codes_are_those_api_md_adopts_byte_for_byte() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec/API.md");
    let text = std::fs::read_to_string(path).expect("shared/spec/API.md beside the repository");
    // Markdown may wrap a message over lines: compare with single spaces.
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let hosted: Vec<ErrorCode> = ErrorCode::ALL
        .iter()
        .copied()
        .filter(|c| c.origin() == Origin::Hosted)
        .collect();
    assert_eq!(
        hosted,
        [ErrorCode::UrlNotFound, ErrorCode::ApiTemporarilyUnavailable]
    );
    for code in hosted {
        let written = format!("{} `{}` \"{}\"", code.code(), code.key(), code.message());
        assert!(text.contains(&written), "API.md does not adopt {written}");
    }
}
