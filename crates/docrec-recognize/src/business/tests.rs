use super::labels::without_label_bracket;
use super::values::{
    after_label_end, with_spaced_conjunction, year_of_look_alike, LOST_DIGIT_YEAR_CONF,
    MISREAD_YEAR_CONF,
};
use super::*;

fn word(text: &str, x: i32, line: u32) -> Word {
    Word {
        text: text.to_owned(),
        conf: 0.9,
        rect: Rect::new(x, 100 * line as i32, 20 * text.chars().count() as u32, 30),
        line: (1, 1, line),
    }
}

fn row(texts: &[&str]) -> Row {
    let mut x = 0;
    Row {
        words: texts
            .iter()
            .map(|t| {
                let w = word(t, x, 1);
                x += w.rect.width as i32 + 10;
                w
            })
            .collect(),
    }
}

#[test]
fn labels_are_found_however_they_are_spaced() {
    for texts in [
        &["상", "호", ":", "한빛상사"][..],
        &["상호", ":", "한빛상사"],
        &["상호:", "한빛상사"],
        &["상호:한빛상사"],
    ] {
        let r = row(texts);
        let labels = labels_in(&r);
        assert_eq!(labels.len(), 1, "{texts:?}");
        let label = labels[0];
        assert_eq!(label.target, LabelTarget::Key(BusinessKey::TradeName));
        let words = value_words(
            &r,
            label.start + label.words,
            label.value_skip,
            r.words.len(),
        );
        let value: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(value, ["한빛상사"], "{texts:?}");
    }
}

#[test]
fn a_misread_long_label_is_still_a_label_but_a_short_one_is_not() {
    let r = row(&["사엽장소재지", ":", "서울특별시"]);
    assert_eq!(
        labels_in(&r)[0].target,
        LabelTarget::Key(BusinessKey::BusinessAddress)
    );
    assert!(labels_in(&row(&["상오", ":", "한빛"])).is_empty());
}

#[test]
fn a_label_glued_to_the_value_before_it_is_split_off() {
    let words = split_glued_labels(vec![word("홍길동생년월일:1980", 0, 1)]);
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["홍길동", "생년월일:1980"]);
    assert_eq!(words[0].rect.width + words[1].rect.width, 20 * 12);
    assert_eq!(words[1].rect.x, words[0].rect.right());
}

#[test]
fn a_second_label_ends_the_first_value() {
    let r = row(&[
        "성",
        "명",
        ":",
        "홍길동",
        "생년월일",
        ":",
        "1980",
        "년",
        "01",
        "월",
        "01",
        "일",
    ]);
    let labels = labels_in(&r);
    let targets: Vec<LabelTarget> = labels.iter().map(|l| l.target).collect();
    assert_eq!(
        targets,
        [
            LabelTarget::Key(BusinessKey::Representative),
            LabelTarget::Key(BusinessKey::BirthDate)
        ]
    );
    let first = value_words(&r, labels[0].start + labels[0].words, 0, labels[1].start);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].text, "홍길동");
}

#[test]
fn a_value_whose_label_was_lost_ends_at_the_label_sharing_its_row() {
    // `성` of `성 명` not read: `명.` is all that is left of the label.
    let r = row(&["명.", "오지수", "생년월일", ":", "1950", "년"]);
    assert!(labels_in(&r).is_empty());
    let shared = shared_labels_from(&r, 1);
    assert!(value_before(&row(&["명", "오지수", "생년월일"]), 1, &shared[0]).is_none());
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0].target, LabelTarget::Key(BusinessKey::BirthDate));
    assert_eq!(shared[0].start, 2);
    // Its value is the words between the label's misread end and the
    // shared label.
    let rows = vec![
        row(&["상호", ":", "제일디자인"]),
        r,
        row(&["개업연월일", ":", "2012", "년"]),
    ];
    let values: Vec<RawValue> = [(BusinessKey::TradeName, 0), (BusinessKey::OpeningDate, 2)]
        .into_iter()
        .map(|(key, row)| RawValue {
            key,
            words: Vec::new(),
            errors: 0,
            row,
        })
        .collect();
    let unlabelled = [value_before(&rows[1], 1, &shared[0]).unwrap()];
    let value = unlabelled_value(
        &rows,
        &values,
        &unlabelled,
        BusinessKey::Representative,
        (BusinessKey::TradeName, BusinessKey::OpeningDate),
    )
    .unwrap();
    assert_eq!(value.text(), "오지수");
}

#[test]
fn a_second_reading_loses_the_label_end_before_its_colon() {
    assert_eq!(after_label_end("표자:백지준"), "백지준");
    assert_eq!(after_label_end("자 ： 백지준"), " 백지준");
    assert_eq!(
        after_label_end("명 )푸른식품 유한회사"),
        "푸른식품 유한회사"
    );
    assert_eq!(after_label_end("(주)한빛상사"), "(주)한빛상사");
    assert_eq!(after_label_end("백지준"), "백지준");
    assert_eq!(
        after_label_end("한빛상사 본점: 서울"),
        "한빛상사 본점: 서울"
    );
}

#[test]
fn an_opening_date_whose_label_was_misread_is_the_date_between_name_and_address() {
    let rows = [
        row(&["성", "명", ":", "홍길동"]),
        row(&["생년월일", ":", "1960", "년", "01", "월", "02", "일"]),
        row(&[
            "게", "없", "연", "월", "잎", ":", "2017", "년", "05", "월", "22", "인",
        ]),
        row(&["사업장소재지", ":", "서울특별시"]),
    ];
    let value = |key, row: usize| RawValue {
        key,
        words: rows[row].words.clone(),
        errors: 0,
        row,
    };
    let values = [
        value(BusinessKey::Representative, 0),
        value(BusinessKey::BirthDate, 1),
        value(BusinessKey::BusinessAddress, 3),
    ];
    let date = unlabelled_opening_date(&rows, &values).expect("a date");
    assert_eq!(date.row, 2);
    assert_eq!(
        korean_date(&date.text()).map(|d| d.0).as_deref(),
        Some("2017 년 05 월 22 일")
    );
    // No row but labelled ones between: no date.
    let without = [
        value(BusinessKey::Representative, 0),
        value(BusinessKey::BirthDate, 1),
        value(BusinessKey::BusinessAddress, 2),
    ];
    assert!(unlabelled_opening_date(&rows, &without).is_none());
}

#[test]
fn a_labels_bracket_read_before_a_trade_name_is_left_out() {
    assert_eq!(
        without_label_bracket("(단체몇주)해맑은테크"),
        "(주)해맑은테크"
    );
    assert_eq!(
        without_label_bracket("( 단 체 명주)초록미용실"),
        "(주)초록미용실"
    );
    assert_eq!(
        without_label_bracket("(단체명) 정다운부동산 주식회사"),
        "정다운부동산 주식회사"
    );
    // A name's own bracket stays.
    assert_eq!(without_label_bracket("(주)한빛상사"), "(주)한빛상사");
    assert_eq!(without_label_bracket("(사)단체연합"), "(사)단체연합");
    // The label's first word read letter by letter with it.
    assert_eq!(
        without_label_bracket("법 인 명 ( 단 체 명:) (주)새봄약국"),
        "(주)새봄약국"
    );
    assert_eq!(without_label_bracket("법인마트"), "법인마트");
}

#[test]
fn dates_are_given_as_printed_and_checked() {
    assert_eq!(
        korean_date("2015 년 03 월 02 일"),
        Some(("2015 년 03 월 02 일".to_owned(), 1.0))
    );
    assert_eq!(
        korean_date("2015년 3월 2일"),
        Some(("2015 년 03 월 02 일".to_owned(), 1.0))
    );
    assert_eq!(korean_date("2015 년 02 월 30 일").map(|d| d.1), Some(0.5));
    assert_eq!(korean_date("신규"), None);
    // A year's first digit lost to the label before it is put back,
    // with a lower confidence, when only one digit gives a year.
    assert_eq!(
        korean_date("998 년 11 월 20 일"),
        Some(("1998 년 11 월 20 일".to_owned(), LOST_DIGIT_YEAR_CONF))
    );
    assert_eq!(
        korean_date("016년02월15 일").map(|d| d.0).as_deref(),
        Some("2016 년 02 월 15 일")
    );
    assert_eq!(korean_date("516 년 02 월 15 일"), None);
    // A year out of range read back through one look-alike digit when
    // only one gives a year in it.
    assert_eq!(
        korean_date("2605 년 02 월 06 일"),
        Some(("2005 년 02 월 06 일".to_owned(), MISREAD_YEAR_CONF))
    );
    assert_eq!(year_of_look_alike(2807), Some(2007));
    assert_eq!(year_of_look_alike(5015), None);
    assert_eq!(korean_date("5015 년 02 월 06 일").map(|d| d.1), Some(0.5));
}

#[test]
fn and_is_spaced_in_kinds_of_business() {
    assert_eq!(with_spaced_conjunction("도매및소매업"), "도매 및 소매업");
    assert_eq!(
        with_spaced_conjunction("전문 과학및 기술 서비스업"),
        "전문 과학 및 기술 서비스업"
    );
    assert_eq!(with_spaced_conjunction("제조업"), "제조업");
}

#[test]
fn the_issuing_office_is_the_line_ending_in_its_title() {
    assert_eq!(
        issuing_office("종로세무서장").as_deref(),
        Some("종로세무서장")
    );
    assert_eq!(
        issuing_office("종로세무서장(인)").as_deref(),
        Some("종로세무서장")
    );
    assert_eq!(issuing_office("세무서장"), None);
}

#[test]
fn a_wrong_check_digit_lowers_conf_but_keeps_the_reading() {
    let quad = |r: Rect| r.to_quad();
    let good = RawValue {
        key: BusinessKey::RegistrationNumber,
        words: vec![word("123-45-67891", 0, 1)],
        errors: 0,
        row: 0,
    };
    let bad = RawValue {
        words: vec![word("123-45-67890", 0, 1)],
        ..good.clone()
    };
    let good = checked_value(&good, &quad).unwrap();
    let bad = checked_value(&bad, &quad).unwrap();
    assert_eq!(bad.value, "123-45-67890");
    assert!(bad.conf < good.conf / 2.0);
}

#[test]
fn a_companys_kind_glued_to_its_trade_name_is_set_apart() {
    assert_eq!(
        with_company_type_apart("유한회사바른철물").as_deref(),
        Some("유한회사 바른철물")
    );
    assert_eq!(
        with_company_type_apart("정다운부동산주식회사").as_deref(),
        Some("정다운부동산 주식회사")
    );
    assert_eq!(with_company_type_apart("주식회사 새봄학원"), None);
    assert_eq!(with_company_type_apart("(주)새봄약국"), None);
    assert_eq!(with_company_type_apart("주식회사"), None);
    assert_eq!(with_company_type_apart("주식회사ABC"), None);
}

#[test]
fn a_companys_kind_misread_in_its_trade_name_is_spelt_as_it_is() {
    let spelt = |name: &str| with_company_type(name);
    assert_eq!(
        spelt("똥식회사 새봄학원"),
        Some(("주식회사 새봄학원".to_owned(), 1))
    );
    assert_eq!(
        spelt("정다운부동산 유한회샤"),
        Some(("정다운부동산 유한회사".to_owned(), 1))
    );
    // As printed, too far, as near two kinds, or no word apart: as read.
    assert_eq!(spelt("주식회사 새봄학원"), None);
    assert_eq!(spelt("똥삭최사 새봄학원"), None);
    assert_eq!(spelt("합사회사 새봄학원"), None);
    assert_eq!(spelt("똥식회사"), None);
}

#[test]
fn a_companys_kind_glued_by_a_stray_mark_is_set_apart() {
    assert_eq!(
        with_stray_mark_apart("워한횡사)해맑은꽃집").as_deref(),
        Some("워한횡사 해맑은꽃집")
    );
    assert_eq!(
        with_stray_mark_apart("새봄학원.주식회샤").as_deref(),
        Some("새봄학원 주식회샤")
    );
    // Brackets of the corporate mark, a mark inside a word of another
    // length, no mark: nothing to set apart.
    assert_eq!(with_stray_mark_apart("(주)새봄약국"), None);
    assert_eq!(with_stray_mark_apart("정다운부동산(주)"), None);
    assert_eq!(with_stray_mark_apart("해맑은)꽃집"), None);
    assert_eq!(with_stray_mark_apart("유한회사 해맑은꽃집"), None);
    assert!(holds_company_type("새봄학원 주식회사"));
    assert!(!holds_company_type("새봄학원 주식회샤"));
}

#[test]
fn a_misread_corporate_mark_is_spelt_as_printed() {
    let mark = |name: &str| with_corporate_mark(name);
    assert_eq!(mark("@)미래베이커리").as_deref(), Some("(주)미래베이커리"));
    assert_eq!(mark("(추)새봄약국").as_deref(), Some("(주)새봄약국"));
    assert_eq!(mark("(윤)새봄약국").as_deref(), Some("(유)새봄약국"));
    // One letter off both marks: either could be printed.
    assert_eq!(mark("(우)새봄약국"), None);
    // As printed, a letter or digit (no mark is one), a syllable far
    // from both marks, no bracket: as read.
    assert_eq!(mark("(주)새봄약국"), None);
    assert_eq!(mark("(A)새봄약국"), None);
    assert_eq!(mark("(강)새봄약국"), None);
    assert_eq!(mark("새봄약국"), None);
}

#[test]
fn a_company_is_told_by_its_subtitle_or_its_numbers() {
    let key = |key: BusinessKey, value: &str| KeyValue {
        key,
        value: value.to_owned(),
        conf: 0.9,
        quad: Rect::new(0, 0, 1, 1).to_quad(),
    };
    assert!(is_corporation(&[key(
        BusinessKey::TaxpayerKind,
        "법인사업자"
    )]));
    assert!(is_corporation(&[key(
        BusinessKey::RegistrationNumber,
        "123-81-67891"
    )]));
    assert!(is_corporation(&[key(
        BusinessKey::CorporateNumber,
        "110111-3385477"
    )]));
    assert!(!is_corporation(&[key(
        BusinessKey::RegistrationNumber,
        "123-45-67891"
    )]));
    assert!(!is_corporation(&[key(
        BusinessKey::TaxpayerKind,
        "일반과세자"
    )]));
}

#[test]
fn a_representative_is_a_name_without_digits() {
    let quad = |r: Rect| r.to_quad();
    let name = |text: &str| RawValue {
        key: BusinessKey::Representative,
        words: vec![word(text, 0, 1)],
        errors: 0,
        row: 0,
    };
    let value = checked_value(&name("백 철재"), &quad).map(|v| v.value);
    assert_eq!(value.as_deref(), Some("백철재"));
    assert!(checked_value(&name("1959년05월09일"), &quad).is_none());
}

#[test]
fn a_page_is_read_the_likelier_way_up_first_then_the_other() {
    // A page with one dark pixel in its top-left corner.
    let page = |width, height| {
        let mut image = GrayImage::from_pixel(width, height, image::Luma([255]));
        image.put_pixel(0, 0, image::Luma([0]));
        rectify_as_found(&image, None, width.min(height))
    };
    let portrait = page(40, 60);
    let upright = way_up(&portrait, false);
    assert_eq!(upright.image.dimensions(), (40, 60));
    assert_eq!(upright.image.get_pixel(0, 0)[0], 0);
    let upside_down = way_up(&portrait, true);
    assert_eq!(upside_down.image.get_pixel(39, 59)[0], 0);
    // A page lying sideways is turned a quarter one way, then the other.
    let landscape = page(60, 40);
    let (one, other) = (way_up(&landscape, false), way_up(&landscape, true));
    assert_eq!(one.image.dimensions(), (40, 60));
    assert_eq!(other.image.dimensions(), (40, 60));
    assert_ne!(one.image, other.image);
}
