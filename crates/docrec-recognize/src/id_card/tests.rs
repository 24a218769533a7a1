use image::Luma;

use super::glyphs::{ink_lines, LAST_SIX_START_AT_LATEST};
use super::issue::{
    completes, could_be_issued, date_of_pieces, digit_groups, office_in, PIECED_DATE_CONF,
};
use super::licence::{classes_in, condition_codes, is_condition_label};
use super::name::{name_in, with_common_surname};
use super::numbers::{region_among_choices, region_code_of, DIGIT_MODEL_CONF};
use super::*;
use crate::text::Line;
use docrec_ocr::detect::find_quad;

#[test]
fn ink_lines_are_the_runs_of_inked_rows_boxed_to_their_ink() {
    let mut view = GrayImage::from_pixel(200, 120, image::Luma([230]));
    // A line of two "words" with a gap of three blank rows inside it,
    // a speck (one pixel: no line), and a second line.
    for (x0, x1, y0, y1) in [(20, 60, 10, 16), (70, 90, 19, 25), (30, 50, 60, 75)] {
        for x in x0..x1 {
            for y in y0..y1 {
                view.put_pixel(x, y, image::Luma([30]));
            }
        }
    }
    view.put_pixel(150, 40, image::Luma([30]));
    let lines = ink_lines(&view, Rect::new(0, 0, 200, 120));
    assert_eq!(
        lines,
        [Rect::new(20, 10, 70, 15), Rect::new(30, 60, 20, 15)]
    );
    // Only what is inside the rectangle counts, in the view's pixels.
    assert_eq!(
        ink_lines(&view, Rect::new(25, 55, 100, 40)),
        [Rect::new(30, 60, 20, 15)]
    );
    let blank = GrayImage::from_pixel(50, 50, image::Luma([230]));
    assert!(ink_lines(&blank, Rect::new(0, 0, 50, 50)).is_empty());
}

/// A view with `dddddd-ddddddd` drawn as blocks 12 pixels wide, 4 apart,
/// from x = 100, y = 50 to 80, the hyphen a short bar; `merged` closes
/// the gaps after the glyphs it names (0-based, the hyphen counted).
fn drawn_number(merged: &[usize]) -> GrayImage {
    let mut view = GrayImage::from_pixel(400, 120, image::Luma([225]));
    for glyph in 0..14u32 {
        let x0 = 100 + glyph * 16;
        let x1 = x0
            + if merged.contains(&(glyph as usize)) {
                16
            } else {
                12
            };
        let (y0, y1) = if glyph == 6 { (63, 67) } else { (50, 80) };
        for x in x0..x1 {
            for y in y0..y1 {
                view.put_pixel(x, y, image::Luma([40]));
            }
        }
    }
    view
}

#[test]
fn masking_starts_in_the_gap_before_the_last_six_digits() {
    // The number's box as a segment gives it: a little around the ink.
    let number = Rect::new(95, 46, 230, 38);
    // Glyph 7 (the eighth, the gender digit) ends at 224, glyph 8
    // starts at 228: the box starts between them.
    let masked = last_six_digits(&drawn_number(&[]), number);
    assert_eq!(masked.x, 226);
    assert_eq!(masked.right(), number.right() + 3);
    assert!(masked.y < number.y && masked.bottom() > number.bottom());
    // Two of the last six touching: one glyph fewer, and the box
    // starts a glyph earlier, over the gender digit, never later.
    let touching = last_six_digits(&drawn_number(&[10]), number);
    assert!(touching.x <= 214, "{touching:?}");
    // Digits before the hyphen touching change nothing.
    assert_eq!(last_six_digits(&drawn_number(&[1, 2]), number).x, 226);
    // No ink to tell glyphs by: from the share of the box.
    let blank = GrayImage::from_pixel(400, 120, image::Luma([225]));
    let guessed = last_six_digits(&blank, number);
    assert_eq!(guessed.x, 95 + (230.0 * LAST_SIX_START_AT_LATEST) as i32);
}

fn word(text: &str, x: i32, y: i32, height: u32, conf: f32) -> Word {
    Word {
        text: text.to_owned(),
        conf,
        rect: Rect::new(x, y, height * text.chars().count() as u32, height),
        line: (0, 0, 0),
    }
}

fn segment(korean: &str, english: &[&str], y: i32) -> Segment {
    let words: Vec<Word> = korean
        .split_whitespace()
        .enumerate()
        .map(|(i, w)| word(w, 60 + 200 * i as i32, y, 30, 0.95))
        .collect();
    Segment {
        rect: words_rect(&words),
        words,
        english: english.iter().map(|t| (t.to_string(), 0.93)).collect(),
    }
}

#[test]
fn a_numbers_digits_are_its_groups_with_a_first_group_split_off() {
    let on_row = |texts: &[(&str, i32)]| {
        let words: Vec<Word> = texts.iter().map(|(t, x)| word(t, *x, 0, 20, 0.9)).collect();
        let segment = Segment {
            rect: words_rect(&words),
            words,
            english: Vec::new(),
        };
        digits_rect(&segment)
    };
    // Label, first group split off (4 digits, 10 pixels before the
    // rest), rest: the digits start at the split-off group.
    let split = on_row(&[("주민등록번호", 0), ("9808", 200), ("20-2780041", 290)]);
    assert_eq!((split.x, split.right()), (200, 490));
    // Split twice, the second time after the group's sixth digit.
    let twice = on_row(&[("72062", 200), ("1", 310), ("-1(065610", 340)]);
    assert_eq!((twice.x, twice.right()), (200, 520));
    // A lone digit before the number is not a group split off.
    let lone = on_row(&[("1", 270), ("980820-2780041", 300)]);
    assert_eq!(lone.x, 300);
    // A few digits far before the number, or a label read as a digit
    // as wide as a word (a misread label), stay out.
    let far = on_row(&[("2204", 0), ("980820-2780041", 200)]);
    assert_eq!(far.x, 200);
    let words = vec![
        Word {
            rect: Rect::new(0, 0, 110, 16),
            ..word("08", 0, 0, 16, 0.9)
        },
        word("540805-1513959", 118, 0, 20, 0.9),
    ];
    let label = Segment {
        rect: words_rect(&words),
        words,
        english: Vec::new(),
    };
    assert_eq!(digits_rect(&label).x, 118);
    assert_eq!(on_row(&[("성명", 0)]).x, 0);
}

#[test]
fn titles_tell_the_type_with_a_letter_misread() {
    let title = |text: &str| title_type(&segment(text, &[], 0));
    assert_eq!(title("주민등록증"), Some(IdType::Resident));
    assert_eq!(title("주민동록증"), Some(IdType::Resident));
    assert_eq!(title("자동차운전면허증"), Some(IdType::Driver));
    assert_eq!(title("자동차운전먼허증"), Some(IdType::Driver));
    // Two syllables off by a vowel each: two letters.
    assert_eq!(title("주뮌등록중"), Some(IdType::Resident));
    assert_eq!(title("사업자등록증"), None);
    assert_eq!(title("등록증"), None);
    assert_eq!(title("VISA"), None);
}

#[test]
fn resident_numbers_are_checked_not_rewritten() {
    let segments = [
        segment("주민등록증", &[], 0),
        segment("8001011234560", &["800101-1234560"], 100),
    ];
    let (at, found) = find_resident_number(&segments).expect("a number");
    assert_eq!((at, found.value.as_str()), (1, "800101-1234560"));
    assert!((found.conf - 0.93).abs() < 1e-6);
    // A wrong check digit and a month 13: kept, at a lower conf.
    let segments = [segment("x", &["801301-1234561"], 0)];
    let (_, found) = find_resident_number(&segments).expect("a number");
    assert_eq!(found.value, "801301-1234561");
    assert!(found.conf < 0.4, "{}", found.conf);
}

#[test]
fn more_scales_are_read_only_while_a_key_read_in_english_is_not_shown() {
    let number = segment("8001011234560", &["800101-1234560"], 100);
    let date = segment("2019.05.13", &["2019. 5. 13."], 300);
    let resident = [number.clone(), date.clone()];
    assert!(english_keys_shown(&resident, Some(IdType::Resident)));
    // No date, or a number that fails its check digit: read more.
    assert!(!english_keys_shown(&resident[..1], Some(IdType::Resident)));
    let failing = [segment("x", &["800101-1234561"], 100), date.clone()];
    assert!(!english_keys_shown(&failing, Some(IdType::Resident)));
    // A licence needs its number and a serial too, titled or not.
    let licence = segment("x", &["11-19-123456-01"], 50);
    let serial = segment("x", &["K3YKR"], 400);
    let without_serial = [licence.clone(), number.clone(), date.clone()];
    assert!(!english_keys_shown(&without_serial, None));
    assert!(!english_keys_shown(&resident, Some(IdType::Driver)));
    let whole = [licence, number, date, serial];
    assert!(english_keys_shown(&whole, Some(IdType::Driver)));
}

#[test]
fn another_documents_digits_are_no_resident_or_licence_number() {
    let segments = [segment("x", &["4492 5809 2444 2097"], 0)];
    assert!(find_resident_number(&segments).is_none());
    assert!(find_licence_number(&segments).is_none());
}

#[test]
fn licence_numbers_map_printed_region_names_to_codes() {
    let numeric = [segment("x", &["11-19-123456-01"], 0)];
    let (_, found) = find_licence_number(&numeric).expect("a number");
    assert_eq!(found.value, "11-19-123456-01");
    let legacy = [segment("서울-19-123456-01", &["MS-19-123456-01"], 0)];
    let (_, found) = find_licence_number(&legacy).expect("a number");
    assert_eq!(found.value, "11-19-123456-01");
    // A mark read before the region's name.
    let marked = [segment("_경기-10-971046--82", &["247 |-10-97 1046-82"], 0)];
    let (_, found) = find_licence_number(&marked).expect("a number");
    assert_eq!(found.value, "13-10-971046-82");
    // No region 27: kept, at a lower conf.
    let unknown = [segment("x", &["27-19-123456-01"], 0)];
    let (_, found) = find_licence_number(&unknown).expect("a number");
    assert_eq!(found.value, "27-19-123456-01");
    assert!(found.conf < 0.5);
    assert_eq!(region_code_of("경기북부"), Some((28, 0)));
    assert_eq!(region_code_of("부신"), Some((12, 1)));
    // One syllable off two regions, one jamo off one of them.
    assert_eq!(region_code_of("중북"), Some((15, 1)));
    assert_eq!(region_code_of("세종"), None);
}

#[test]
fn long_dashes_read_twice_still_part_the_groups() {
    let segments = [segment("x", &["17-67--070007 -67"], 0)];
    let (_, found) = find_licence_number(&segments).expect("a number");
    assert_eq!(found.value, "17-67-070007-67");
}

#[test]
fn the_korean_reading_is_a_candidate_when_it_prints_the_dashes() {
    // The English reading is not a licence number; the Korean one is.
    let segments = [segment("17-67-070007-67", &["17-67-O7OOO7-67"], 0)];
    let (_, found) = find_licence_number(&segments).expect("a number");
    assert_eq!(found.value, "17-67-070007-67");
    // A label read before the number leaves the twelve digits to the
    // full pattern, not a region's printed name.
    let segments = [segment("민변 22-04-475888-77", &["vee 22-04-475888-77"], 0)];
    let (_, found) = find_licence_number(&segments).expect("a number");
    assert_eq!(found.value, "22-04-475888-77");
    // Latin text the Korean model read as a run of digits is no number.
    let segments = [segment("10700 14001190", &["Driver's License"], 0)];
    assert!(find_resident_number(&segments).is_none());
    assert!(find_licence_number(&segments).is_none());
    // Between two readings, the one whose check digit passes.
    let segments = [segment("550528-1061551", &["zusawe 990528-1061551"], 0)];
    let (_, found) = find_resident_number(&segments).expect("a number");
    assert_eq!(found.value, "550528-1061551");
}

/// A light view with `text` drawn in NanumMyeongjo (a serif face the
/// general models misread when blurred), and its segment read in
/// English as `english`.
fn number_in_serif(text: &str, english: &str) -> (GrayImage, Segment) {
    let font = docrec_synth::fonts::load(docrec_synth::fonts::Face::NanumMyeongjo)
        .expect("fonts-nanum installed");
    let mut view = GrayImage::from_pixel(700, 120, Luma([225]));
    imageproc::drawing::draw_text_mut(&mut view, Luma([60]), 100, 40, 34.0, &font, text);
    let mut segment = segment(text, &[english], 40);
    segment.rect = Rect::new(96, 36, 300, 42);
    segment.words[0].rect = segment.rect;
    (view, segment)
}

#[test]
fn the_card_digit_model_reads_a_number_only_when_its_readings_pass_the_checks() {
    let mut engine = crate::test_engine();
    // The English reading lost the first group's `54`: the digit model
    // reads the whole number, which passes both checks.
    let (view, segment) = number_in_serif("540613-2344678", "O613-2344678");
    let (at, found) = resident_number_by_digit_model(&mut engine, &view, &[segment], None)
        .unwrap()
        .expect("a number");
    assert_eq!((at, found.value.as_str()), (0, "540613-2344678"));
    assert!(found.conf <= DIGIT_MODEL_CONF);
    // A number whose check digit fails is answered as printed by the
    // other readings, never taken from here.
    let (view, segment) = number_in_serif("540613-2344679", "O613-2344679");
    assert!(
        resident_number_by_digit_model(&mut engine, &view, &[segment], Some(0))
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_spent_budget_never_makes_an_id_card_another_document() {
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(21);
    let card = docrec_synth::id_card::render(&mut rng, docrec_synth::fonts::FaceGroup::Development)
        .expect("fonts installed");
    // Upside down: its first view shows no title.
    let upside_down = image::imageops::rotate180(&DynamicImage::ImageRgba8(card.image).to_luma8());
    let spent = ReadContext::new(Duration::ZERO, 2026);
    let read = recognize_id_card(&upside_down, &mut crate::test_engine(), &spent);
    let number = read
        .expect("an ID card")
        .key_values
        .into_iter()
        .find(|kv| kv.key == IdKey::ResidentNumber);
    assert_eq!(
        number.map(|kv| kv.value).as_deref(),
        card.content.get("residentNumber")
    );
    assert!(spent.looks() >= 2, "the second view was read");
}

#[test]
fn a_card_askew_without_an_outline_is_levelled_and_read() {
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(15);
    let card = docrec_synth::id_card::render(&mut rng, docrec_synth::fonts::FaceGroup::Development)
        .expect("fonts installed");
    let card_image = DynamicImage::ImageRgba8(card.image).to_luma8();
    // On a table of the card's own paper, turned 8°: no edge to find.
    let paper = card_image.get_pixel(card_image.width() / 2, 4)[0];
    let (w, h) = card_image.dimensions();
    let mut table = GrayImage::from_pixel(w + 300, h + 300, Luma([paper]));
    image::imageops::overlay(&mut table, &card_image, 150, 150);
    let askew = imageproc::geometric_transformations::rotate_about_center(
        &table,
        8f32.to_radians(),
        imageproc::geometric_transformations::Interpolation::Bilinear,
        imageproc::geometric_transformations::Border::Constant(Luma([paper])),
    );
    assert!(find_quad(&askew, CARD_ASPECT).is_none());
    let context = ReadContext::starting_now(READ_BUDGET);
    let read = recognize_id_card(&askew, &mut crate::test_engine(), &context).expect("an ID card");
    let number = read
        .key_values
        .iter()
        .find(|kv| kv.key == IdKey::ResidentNumber);
    assert_eq!(
        number.map(|kv| kv.value.as_str()),
        card.content.get("residentNumber")
    );
}

#[test]
fn a_licence_region_is_chosen_among_the_digits_weighed_for_it() {
    let read = |digits: &str| -> Vec<Vec<(char, f32)>> {
        digits.chars().map(|c| vec![(c, 0.9)]).collect()
    };
    // `44`, no region, where the model weighed `1` nearly as surely
    // for the first place: 14 is one.
    let mut positions = read("441912345601");
    positions[0].push(('1', 0.8));
    // A doubt outside the region is not tried: nothing checks it.
    positions[5].push(('7', 0.9));
    let chosen = region_among_choices(positions.clone(), "441912345601").expect("chosen");
    assert_eq!(chosen.value, "141912345601");
    assert!(chosen.conf <= 0.7);
    // Doubts in both places: 11 and 14 are regions, so the conf is lower.
    let mut both = positions.clone();
    both[1].push(('1', 0.85));
    let rivals = region_among_choices(both, "441912345601").expect("chosen");
    assert!(rivals.conf < chosen.conf);
    // A reading of other digits is not this number's alternatives.
    assert_eq!(region_among_choices(positions, "441912345699"), None);
    assert_eq!(
        region_among_choices(read("441912345601"), "441912345601"),
        None
    );
}

#[test]
fn a_card_is_not_issued_before_its_holder_is_sixteen() {
    // Born 1996-04-16.
    let number = "960416-1300826";
    assert!(!could_be_issued("2000.02.25", number));
    assert!(!could_be_issued("2012.04.15", number));
    assert!(could_be_issued("2012.04.16", number));
    assert!(could_be_issued("2020.02.26", number));
    // Without a birth date, nothing is known.
    assert!(could_be_issued("2000.02.25", "961316-1300826"));
    assert!(could_be_issued("2000.02", number));
}

#[test]
fn classes_are_read_spaced_glued_or_with_a_letter_misread() {
    assert_eq!(
        classes_in("1종보통  2종소형"),
        (vec!["1종보통", "2종소형"], 0)
    );
    assert_eq!(
        classes_in("2종보통2종원동기"),
        (vec!["2종보통", "2종원동기"], 0)
    );
    assert_eq!(classes_in("1종대헝 구난"), (vec!["1종대형", "구난"], 1));
    assert_eq!(classes_in("서울특별시 종로구"), (vec![], 0));
    // A class read twice is another misread.
    assert_eq!(
        classes_in("1종대형 1종보통 1종보통"),
        (vec!["1종대형", "1종보통", "2종보통"], 1)
    );
    // With no single class one letter away unread, dropped.
    assert_eq!(
        classes_in("1종보통 2종보통 1종보통"),
        (vec!["1종보통", "2종보통"], 1)
    );
}

#[test]
fn names_leave_the_hanja_out() {
    let name = |text: &str| name_in(&[word(text, 0, 0, 40, 0.9)]).map(|(v, _)| v);
    assert_eq!(name("홍길동(洪吉童)").as_deref(), Some("홍길동"));
    assert_eq!(name("남궁민수").as_deref(), Some("남궁민수"));
    assert_eq!(name("김"), None);
    assert_eq!(name("2종보통"), None);
    assert_eq!(name("1234"), None);
    // Marks read in front of the name are not its first word; a word
    // of text is.
    let words = |texts: &[&str]| {
        let words: Vec<Word> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| word(t, 60 * i as i32, 0, 40, 0.9))
            .collect();
        name_in(&words).map(|(v, _)| v)
    };
    assert_eq!(words(&["-", "정호지"]).as_deref(), Some("정호지"));
    assert_eq!(words(&["|", "：", "경호지'"]).as_deref(), Some("경호지"));
    assert_eq!(words(&["AB", "정호지"]), None);
    // A label before the name, read right or as one syllable, is not
    // the name; alone, a one-syllable word is no name either.
    assert_eq!(words(&["성명", "남궁혜호"]).as_deref(), Some("남궁혜호"));
    assert_eq!(words(&["쌩", "-선우태민"]).as_deref(), Some("선우태민"));
    assert_eq!(words(&["성명"]), None);
    assert_eq!(words(&["김"]), None);
    // A surname OCR split from the given name starts the name; so do
    // syllables read one word each.
    let close = |texts: &[&str]| {
        let mut x = 0;
        let words: Vec<Word> = texts
            .iter()
            .map(|t| {
                let w = word(t, x, 0, 40, 0.9);
                x = w.rect.right() + 8;
                w
            })
            .collect();
        name_in(&words).map(|(v, _)| v)
    };
    assert_eq!(close(&["이", "예영"]).as_deref(), Some("이예영"));
    assert_eq!(close(&["홍", "길", "동"]).as_deref(), Some("홍길동"));
    assert_eq!(close(&["쌩", "예영"]).as_deref(), Some("예영"));
    assert_eq!(close(&["김", "철수(金哲洙)"]).as_deref(), Some("김철수"));
    // A name that starts with no known surname is doubted.
    let conf = |text: &str| name_in(&[word(text, 0, 0, 40, 0.9)]).map(|(_, c)| c);
    assert_eq!(conf("강성은"), Some(0.9));
    assert!(conf("긍성은").is_some_and(|c| c < 0.9 * 0.75));
    // And spelt with the one common surname a jamo from it, if one is.
    assert_eq!(name("긍성은").as_deref(), Some("강성은"));
    assert_eq!(name("둥길동").as_deref(), Some("둥길동"));
    assert_eq!(with_common_surname("깅민"), "깅민");
    // A surname far from the word after it is a label's remnant.
    let far = [word("이", 0, 0, 40, 0.9), word("예영", 80, 0, 40, 0.9)];
    assert_eq!(name_in(&far).map(|(v, _)| v).as_deref(), Some("예영"));
}

#[test]
fn offices_are_cut_after_their_title() {
    let office = office_in;
    assert_eq!(
        office("서울특별시종로구청장 6)"),
        Some(("서울특별시 종로구청장".to_owned(), 0))
    );
    assert_eq!(
        office("서울특별시 경찰청장"),
        Some(("서울특별시경찰청장".to_owned(), 0))
    );
    assert_eq!(
        office("도로교통공단 @"),
        Some(("도로교통공단".to_owned(), 0))
    );
    assert_eq!(office("청장"), None);
}

#[test]
fn a_misread_province_or_district_of_an_office_is_spelt_as_it_is() {
    for (read, office, misread) in [
        ("서울룩별시강남구청장", "서울특별시 강남구청장", 1),
        ("인쳔광역시경찰청장", "인천광역시경찰청장", 1),
        // Too far from any province: as read.
        ("부선장적시베운새구청장", "부선장적시베운새구청장", 0),
        // A police agency's title one syllable off; a district's is not
        // taken for one.
        ("서울특별시 경창청장", "서울특별시경찰청장", 1),
        ("경기도 남부경찰청장", "경기도남부경찰청장", 0),
        ("부산광역시 남구청장", "부산광역시 남구청장", 0),
        // A district one jamo from the province's nearest; a province
        // known by its district; a district as near two: as read.
        ("서울특별시 퐁로구청장", "서울특별시 종로구청장", 1),
        ("경기도 수윈시장", "경기도 수원시장", 1),
        ("데구광역서 수성구청장", "대구광역시 수성구청장", 2),
        ("부산광역시 둥구청장", "부산광역시 둥구청장", 0),
        // A district head's title misread; a word after the district
        // that is none.
        ("대전광역시 유성구청상 ㅣ", "대전광역시 유성구청장", 1),
        ("경기도 수원시정", "경기도 수원시장", 1),
        ("충청북도 청주시청상", "충청북도 청주시청장", 1),
        // A division one jamo off, as near no other.
        ("겸기도남부경찰청장", "경기도남부경찰청장", 1),
        // The head of a division without districts.
        ("세종특별자치시장", "세종특별자치시장", 0),
    ] {
        assert_eq!(
            office_in(read),
            Some((office.to_owned(), misread)),
            "{read}"
        );
    }
    assert_eq!(office_in("대전광역시 유성구 희망로 293"), None);
}

#[test]
fn an_office_completes_another_when_it_holds_it_and_more() {
    assert!(completes("광주광역시 북구청장", "북구청장"));
    assert!(!completes("북구청장", "북구청장"));
    assert!(!completes("광주광역시 북구청장", "남구청장"));
}

#[test]
fn a_date_is_pieced_from_readings_that_each_got_a_part_wrong() {
    let reading = |groups: &[&str], conf: f32| {
        (
            groups.iter().map(|g| (*g).to_owned()).collect::<Vec<_>>(),
            conf,
        )
    };
    let readings = [
        reading(&["2014", "16"], 0.8),
        reading(&["7014", "9", "16"], 0.75),
    ];
    assert_eq!(
        date_of_pieces(&readings),
        Some(("2014.09.16".to_owned(), 0.75 * PIECED_DATE_CONF))
    );
    assert_eq!(digit_groups("7014. 9 16."), ["7014", "9", "16"]);
    // A year read far otherwise in the three-group reading: not one line.
    let far = [
        reading(&["2014", "16"], 0.8),
        reading(&["1983", "9", "16"], 0.75),
    ];
    assert_eq!(date_of_pieces(&far), None);
    // No month and day that make a date.
    let none = [
        reading(&["2014"], 0.8),
        reading(&["7014", "13", "16"], 0.75),
    ];
    assert_eq!(date_of_pieces(&none), None);
}

#[test]
fn serials_conditions_and_dates_have_their_shapes() {
    assert_eq!(serial_shape("'VCXRUU.").as_deref(), Some("VCXRUU"));
    assert_eq!(serial_shape("Ql48sy").as_deref(), Some("QI48SY"));
    assert_eq!(serial_shape("ABCDEFG"), None);
    assert_eq!(serial_shape("AB-CD"), None);
    assert!(near_serial_shape("JETOMYV") && near_serial_shape("'8KXH."));
    assert!(!near_serial_shape("102%6418") && !near_serial_shape("2010.05.05"));
    assert!(!near_serial_shape("12345"));
    assert!(has_a_key_shape("2020. 10. 21."));
    assert!(!has_a_key_shape("2020-10524"));
    // Read once more at other scales: digits, a serial a letter off,
    // or nothing; Hangul read as Latin letters is read once.
    assert!(may_take_a_key_shape("POTS AZ. 28."));
    assert!(may_take_a_key_shape("MODG6LA") && may_take_a_key_shape(" r"));
    assert!(!may_take_a_key_shape("Srusagus") && !may_take_a_key_shape("So hLQO aT"));
    assert_eq!(condition_codes("A, B"), (vec!["A".into(), "B".into()], 0));
    assert_eq!(condition_codes("Cc"), (vec!["C".into()], 1));
    assert_eq!(condition_codes("1A"), (vec!["A".into()], 1));
    assert_eq!(condition_codes(""), (vec![], 0));
    assert!(is_condition_label("초건C") && !is_condition_label("수원시"));
    assert!(is_condition_label("포견") && !is_condition_label("주소"));
}

#[test]
fn segments_part_at_wide_gaps_and_join_row_neighbours() {
    let line = Line {
        words: vec![
            word("조건", 60, 100, 20, 0.9),
            word("C", 110, 100, 20, 0.9),
            word("VCXRUU", 700, 98, 20, 0.9),
        ],
    };
    let segments = segments_of(vec![line]);
    let texts: Vec<String> = segments.iter().map(Segment::korean).collect();
    assert_eq!(texts, ["조건 C", "VCXRUU"]);
    // An issuer's name whose end a seal made a line of its own.
    let start = Line {
        words: vec![word("울산광역시", 250, 540, 27, 0.9)],
    };
    let end = Line {
        words: vec![word("남구청장", 400, 520, 64, 0.9)],
    };
    let segments = segments_of(vec![start, end]);
    assert_eq!(segments.len(), 1);
    assert_eq!(segments[0].korean(), "울산광역시 남구청장");
    // A photo placeholder read as a tall word, a number's height and
    // more to the left of the number.
    let mut blob = word("0)", 107, 189, 147, 0.9);
    blob.rect.width = 116;
    let photo = Line { words: vec![blob] };
    let number = Line {
        words: vec![word("670119-2589703", 334, 234, 61, 0.9)],
    };
    let segments = segments_of(vec![photo, number]);
    assert_eq!(segments.len(), 2);
    // A number at a slant that OCR cut in two lines: the start's line
    // is taller than its end, which is level with the rest.
    let placed = |text: &str, x: i32, y: i32, width: u32| Word {
        rect: Rect::new(x, y, width, 28),
        ..word(text, 0, 0, 28, 0.9)
    };
    let start = Line {
        words: vec![
            placed("면허번호", 136, 177, 100),
            placed("17-89-803", 250, 191, 109),
        ],
    };
    let end = Line {
        words: vec![placed("170-90", 364, 201, 85)],
    };
    let segments = segments_of(vec![start, end]);
    assert_eq!(segments.len(), 1);
    assert_eq!(segments[0].compact(), "면허번호17-89-803170-90");
}

#[test]
fn a_letter_spaced_title_read_in_halves_is_read_again_as_its_row() {
    let mut engine = crate::test_engine();
    let font = docrec_synth::fonts::load(docrec_synth::fonts::Face::NanumMyeongjo)
        .expect("fonts-nanum installed");
    let mut view = GrayImage::from_pixel(1000, 630, Luma([225]));
    let draw = |view: &mut GrayImage, y: i32, scale: f32, text: &str| {
        imageproc::drawing::draw_text_mut(view, Luma([40]), 320, y, scale, &font, text);
    };
    draw(&mut view, 50, 44.0, "주  민  등  록  증");
    draw(&mut view, 170, 30.0, "홍길동");
    // The block's reading boxed the title's top half alone, syllable by
    // syllable, and read the name below it.
    let mut top_halves: Vec<Segment> = (0..3)
        .map(|i| {
            let mut half = segment("즈", &[], 55);
            half.rect = Rect::new(320 + 140 * i, 55, 30, 22);
            half
        })
        .collect();
    let mut name = segment("홍길동", &[], 172);
    name.rect = Rect::new(318, 172, 100, 34);
    top_halves.push(name.clone());
    assert_eq!(
        title::title_read_again(&mut engine, &view, &top_halves).unwrap(),
        Some(IdType::Resident)
    );
    // A view whose top row is the name names no type.
    assert_eq!(
        title::title_read_again(&mut engine, &view, &[name]).unwrap(),
        None
    );
}
