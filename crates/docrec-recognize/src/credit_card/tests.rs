use docrec_ocr::Word;

use super::crops::Reader;
use super::expiry::{
    find_expiry, month_of, year_conf, Expiry, EXPIRY_AFTER_DIGITS_CONF, SAMPLE_MONTH_CONF,
};
use super::expiry_places::{date_places_below, label_free_span, tallest_ink_rows, vote_expiry};
use super::number::{
    candidate_from_words, mend_digits, mend_one_group, number_shaped_lines, strip_starts,
    MENDED_CONF,
};
use super::*;

/// The year the tests' expiries are read in.
const TEST_YEAR: i32 = 2026;

fn word(text: &str, x: i32, conf: f32) -> Word {
    Word {
        text: text.to_owned(),
        conf,
        rect: Rect::new(x, 300, 12 * text.len() as u32, 40),
        line: (1, 1, 1),
    }
}

/// A line of `texts`, one word each, 100 pixels apart, all read with `conf`.
fn line_of(texts: &[&str], conf: f32) -> Line {
    Line {
        words: texts
            .iter()
            .enumerate()
            .map(|(i, t)| word(t, 100 + 100 * i as i32, conf))
            .collect(),
    }
}

fn best_reading(line: &Line) -> NumberCandidate {
    likeliest(number_candidates(line)).expect("a candidate")
}

#[test]
fn a_luhn_valid_line_becomes_groups() {
    let line = line_of(&["4111", "1111", "1111", "1111"], 0.95);
    let best = best_reading(&line);
    assert_eq!(best.digits, "4111111111111111");
    assert!(best.check.passes());
    assert_eq!(best.groups.len(), 4);
    assert!(best.grouped_as_printed);
    assert!(best.groups.iter().all(|g| g.conf > 0.9));
}

#[test]
fn a_sure_sample_number_in_its_groups_beats_an_unsure_run_passing_by_chance() {
    let sample = best_reading(&line_of(&["3564", "1234", "5678", "9010"], 0.97));
    assert!(!sample.check.luhn);
    // Texture read sideways: two runs, Luhn passing by chance.
    let runs = [word("36111010", 100, 0.35), word("682997621", 300, 0.35)];
    let chance = candidate_from_words(&[
        (&runs[0], runs[0].text.clone(), 0),
        (&runs[1], runs[1].text.clone(), 0),
    ]);
    assert!(chance.check.passes() && !chance.grouped_as_printed);
    let chosen = likeliest([chance, sample]).expect("a candidate");
    assert_eq!(chosen.digits, "3564123456789010");
}

#[test]
fn a_number_failing_luhn_keeps_its_value_with_low_conf() {
    let line = line_of(&["4111", "1111", "1111", "1112"], 0.95);
    let best = best_reading(&line);
    assert_eq!(best.digits, "4111111111111112");
    assert!(best.groups.iter().all(|g| g.conf < 0.5));
}

#[test]
fn amex_is_grouped_four_six_five_even_when_ocr_merges_groups() {
    let line = Line {
        words: vec![word("3782822463", 100, 0.9), word("10005", 300, 0.9)],
    };
    let best = best_reading(&line);
    let groups: Vec<&str> = best.groups.iter().map(|g| g.value.as_str()).collect();
    assert_eq!(groups, ["3782", "822463", "10005"]);
    assert!(!best.grouped_as_printed);
}

#[test]
fn the_whole_run_wins_over_a_passing_part_of_it() {
    // 19 digits, Luhn-valid; its first 16 are a UnionPay length too.
    let line = line_of(&["6281", "6029", "0667", "1771", "368"], 0.95);
    let best = best_reading(&line);
    assert_eq!(best.digits, "6281602906671771368");
}

#[test]
fn digits_glued_to_the_outer_groups_are_cut_when_that_leaves_the_brand_groups() {
    // The card's edge read as a 0 before a JCB number.
    let line = line_of(&["03565", "7016", "7394", "6053"], 0.9);
    let best = best_reading(&line);
    assert_eq!(best.digits, "3565701673946053");
    assert!(best.check.passes());
    assert!(best.ocr_conf < 0.9);
    // Cutting a digit that leaves groups the brand does not print is
    // not tried: no 15-digit reading comes out of four 4-digit groups.
    let plain = line_of(&["3565", "7016", "7394", "6058"], 0.9);
    let digits: Vec<String> = number_candidates(&plain)
        .into_iter()
        .map(|c| c.digits)
        .collect();
    assert_eq!(digits, ["3565701673946058"]);
    // The pattern beside a Diners number read as three more digits.
    let diners = line_of(&["3601", "979773", "7150694"], 0.9);
    assert_eq!(best_reading(&diners).digits, "36019797737150");
}

#[test]
fn a_group_most_readings_agree_on_mends_a_failing_number() {
    let reading = |groups: [&str; 4]| line_of(&groups, 0.9).words;
    // The best reading misreads the last group; two others read it right.
    let wrong = reading(["3565", "7016", "7394", "6033"]);
    let best = best_reading(&Line {
        words: wrong.clone(),
    });
    assert!(!best.check.passes());
    let readings = vec![
        wrong,
        reading(["3585", "7016", "7394", "6053"]),
        reading(["S565", "7O16", "7394", "6053"]),
    ];
    let mended = mend_one_group(&best, &readings).expect("mended");
    assert_eq!(mended.digits, "3565701673946053");
    assert!(mended.groups.iter().all(|g| g.conf <= MENDED_CONF));
    // One other reading is not enough to overrule.
    assert!(mend_one_group(&best, &readings[..2]).is_none());
}

#[test]
fn digits_two_readings_agree_on_mend_a_failing_number() {
    let reading = |groups: [&str; 3]| line_of(&groups, 0.9).words;
    // A Diners number (4-6-4) whose middle group's embossed `3` two
    // readings give as `8`: one reading gives that group right, so no
    // group can be mended whole, but its `3` has two votes.
    let wrong = reading(["3652", "434822", "7853"]);
    let best = best_reading(&Line {
        words: wrong.clone(),
    });
    assert!(!best.check.passes());
    let readings = vec![
        wrong.clone(),
        wrong,
        reading(["3652", "434322", "7853"]),
        reading(["3652", "454322", "7858"]),
    ];
    assert!(mend_one_group(&best, &readings).is_none());
    let mended = mend_digits(&best, &readings).expect("mended");
    assert_eq!(mended.digits, "36524343227853");
    assert!(mended.groups.iter().all(|g| g.conf <= MENDED_CONF));
    // A digit only one other reading gives is not tried.
    assert!(mend_digits(&best, &readings[..3]).is_none());
}

#[test]
fn a_unionpay_reading_that_passes_luhn_beats_one_that_does_not() {
    let line = |last: &str| line_of(&["6223", "0014", "2924", last], 0.9);
    let valid = best_reading(&line("0118"));
    let invalid = best_reading(&line("0111"));
    assert!(valid.check.luhn && !invalid.check.luhn);
    // Both pass (UnionPay may skip Luhn), but only one is convincing.
    assert!(valid.check.passes() && invalid.check.passes());
    assert!(valid.score() > invalid.score());
    assert!(valid.convincing() && !invalid.convincing());
}

#[test]
fn short_runs_such_as_a_cvv_are_never_numbers() {
    let line = Line {
        words: vec![word("123", 100, 0.9), word("4567", 200, 0.9)],
    };
    assert!(number_candidates(&line).is_empty());
}

#[test]
fn expiry_after_thru_wins_over_member_since() {
    let mut since = Line {
        words: vec![word("SINCE", 100, 0.9), word("05/29", 200, 0.9)],
    };
    since.words.iter_mut().for_each(|w| w.rect.y = 400);
    let mut thru = Line {
        words: vec![word("THRU", 100, 0.9), word("O9/27", 200, 0.9)],
    };
    thru.words.iter_mut().for_each(|w| w.rect.y = 450);
    let Expiry { value, conf, .. } = find_expiry(&[since, thru], None, TEST_YEAR).unwrap();
    assert_eq!(value, "09/27");
    assert!(conf < 0.9, "a mapped look-alike lowers conf");
}

#[test]
fn letter_spaced_expiries_are_read_across_words() {
    let line = Line {
        words: vec![
            word("VALID", 10, 0.9),
            word("0", 100, 0.9),
            word("9", 120, 0.9),
            word("/", 140, 0.9),
            word("28", 160, 0.8),
        ],
    };
    let Expiry {
        value, conf, rect, ..
    } = find_expiry(&[line], None, TEST_YEAR).unwrap();
    assert_eq!(value, "09/28");
    assert!((conf - 0.8).abs() < 1e-6);
    assert_eq!(rect.x, 100);
}

#[test]
fn bracketed_look_alikes_and_neighbouring_noise_do_not_hide_an_expiry() {
    let spaced = Line {
        words: vec![
            word("THRU", 10, 0.9),
            word("(Q)", 100, 0.3),
            word("7", 140, 0.9),
            word("/", 160, 0.9),
            word("31", 180, 0.9),
        ],
    };
    assert_eq!(
        find_expiry(&[spaced], None, TEST_YEAR).unwrap().value,
        "07/31"
    );
    let crowded = Line {
        words: vec![word("e212", 10, 0.0), word("03/30", 100, 0.9)],
    };
    assert_eq!(
        find_expiry(&[crowded], None, TEST_YEAR).unwrap().value,
        "03/30"
    );
}

#[test]
fn months_read_through_lost_or_misread_zeros_keep_a_low_conf() {
    assert_eq!(month_of("07"), Some(("07".into(), 1.0)));
    assert_eq!(month_of("12"), Some(("12".into(), 1.0)));
    assert_eq!(month_of("5"), Some(("05".into(), 0.7)));
    assert_eq!(month_of("81"), Some(("01".into(), 0.75)));
    assert_eq!(month_of("14"), Some(("04".into(), 0.6)));
    assert_eq!(month_of("20"), None);
    assert_eq!(month_of("00"), Some(("00".into(), SAMPLE_MONTH_CONF)));
    assert_eq!(month_of("0"), None);
}

#[test]
fn months_outside_1_to_12_are_not_expiries() {
    let line = Line {
        words: vec![word("20/28", 100, 0.9), word("00/28", 200, 0.9)],
    };
    assert!(find_expiry(&[line], None, TEST_YEAR).is_none());
}

#[test]
fn a_slash_read_as_a_digit_gives_a_date_only_below_the_number() {
    let below = Line {
        words: vec![word("08731", 300, 0.9)],
    };
    let Expiry { value, conf, .. } =
        find_expiry(std::slice::from_ref(&below), None, TEST_YEAR).expect("a date");
    assert_eq!(value, "08/31");
    assert!(conf < 0.6, "{conf}");
    // On the number's own line, five digits are an Amex group.
    let number_line = Rect::new(100, 300, 700, 40);
    assert!(find_expiry(&[below], Some(number_line), TEST_YEAR).is_none());
}

#[test]
fn a_date_read_through_a_lost_slash_needs_a_month_as_printed() {
    // `11/27` with a `1` and the slash read as `7`: no `07/27` guess.
    let line = Line {
        words: vec![word("17727", 300, 0.8)],
    };
    assert!(find_expiry(&[line], None, TEST_YEAR).is_none());
}

#[test]
fn even_words_across_the_card_are_shaped_like_a_number() {
    let line = |texts: &[&str], gap: i32| Line {
        words: texts
            .iter()
            .enumerate()
            .map(|(i, t)| word(t, 100 + i as i32 * gap, 0.1))
            .collect(),
    };
    let (w, h) = (1000, 631);
    // OCR saw four boxes of one height but read letters in them.
    let shaped = number_shaped_lines(&[line(&["Zao5", "d3c1", "Jal", "W9Is"], 200)], w, h);
    assert_eq!(shaped.len(), 1);
    assert_eq!(shaped[0].text_height, 40);
    assert_eq!(shaped[0].rect.x, 100);
    // Two words, or words bunched on one side, are not.
    assert!(number_shaped_lines(&[line(&["LEE", "JIWOO"], 200)], w, h).is_empty());
    assert!(number_shaped_lines(&[line(&["a", "b", "c"], 60)], w, h).is_empty());
    // Words read with confidence are text, not a number.
    let bank = line_of(&["HANBIT", "BANK", "VISA"], 0.9);
    let spread = Line {
        words: bank
            .words
            .into_iter()
            .enumerate()
            .map(|(i, word)| Word {
                rect: Rect::new(100 + 300 * i as i32, 300, 80, 40),
                ..word
            })
            .collect(),
    };
    assert!(number_shaped_lines(&[spread], w, h).is_empty());
}

#[test]
fn words_below_the_number_mark_where_a_date_may_be() {
    let number = Rect::new(100, 250, 700, 40);
    let slash_line = Line {
        words: vec![word("VALID", 100, 0.9), word("O1/Ze", 300, 0.2)],
    };
    let far_below = Line {
        words: vec![Word {
            rect: Rect::new(100, 600, 60, 40),
            ..word("12/34", 0, 0.9)
        }],
    };
    let first = |lines: &[Line]| date_places_below(lines, number).first().map(|p| p.0.x);
    assert_eq!(first(&[slash_line, far_below.clone()]), Some(300));
    let month_year = Line {
        words: vec![word("MONTH/YEAR", 100, 0.9), word("O1/Ze", 300, 0.2)],
    };
    assert_eq!(first(&[month_year]), Some(300));
    assert_eq!(first(&[far_below]), None);

    let spaced_after_label = line_of(&["THRU)", "5", "4", "3", "4"], 0.9);
    assert_eq!(first(&[spaced_after_label]), Some(200));
    let short_line = line_of(&["078s"], 0.2);
    assert_eq!(first(&[short_line]), Some(100));
    let name = line_of(&["CHOI", "DOYUN"], 0.9);
    assert_eq!(first(&[name]), None);
    // Letters read unsure may be a date; a small label is not one.
    let unsure_letters = line_of(&["WEEE"], 0.22);
    assert_eq!(first(std::slice::from_ref(&unsure_letters)), Some(100));
    let small_label = Line {
        words: vec![Word {
            rect: Rect::new(400, 300, 100, 10),
            ..word("MONTH/YEAR", 0, 0.3)
        }],
    };
    assert_eq!(first(&[small_label, unsure_letters]), Some(100));
    // A label on two lines read as one word far taller than the number
    // is no date; the short line beside it is.
    let tall_label = Line {
        words: vec![Word {
            rect: Rect::new(357, 300, 69, 70),
            ..word("malt", 0, 0.13)
        }],
    };
    let date = Line {
        words: vec![Word {
            rect: Rect::new(463, 320, 102, 30),
            ..word("ME", 0, 0.25)
        }],
    };
    assert_eq!(first(&[tall_label, date]), Some(463));
    // A glyph OCR split off the date's right end is read with it.
    let date = line_of(&["O8", "2"], 0.3);
    let split_off = Line {
        words: vec![Word {
            rect: Rect::new(250, 310, 20, 20),
            ..word("in", 0, 0.2)
        }],
    };
    let places = date_places_below(&[date, split_off], number);
    assert_eq!(
        places.first().map(|p| (p.0.x, p.0.right())),
        Some((100, 270))
    );
}

#[test]
fn a_date_place_takes_the_dates_pieces_from_every_line_on_its_row() {
    let number = Rect::new(100, 330, 740, 50);
    let at = |text: &str, x: i32, y: i32, (w, h): (u32, u32), conf: f32| Word {
        rect: Rect::new(x, y, w, h),
        ..word(text, 0, conf)
    };
    let place = |lines: &[Line]| date_places_below(lines, number).first().map(|p| p.0);
    // OCR put the slash of `02/28` on a line of its own, and the label
    // (printed smaller) on another: the place is the whole date.
    let label = Line {
        words: vec![
            at("VALID", 283, 426, (55, 13), 0.96),
            at("THRU", 340, 426, (50, 13), 0.96),
        ],
    };
    let date = Line {
        words: vec![
            at("0", 411, 417, (25, 38), 0.8),
            at("rs", 441, 420, (30, 35), 0.01),
            at("yA", 500, 418, (30, 36), 0.25),
            at("&", 540, 418, (29, 37), 0.84),
        ],
    };
    let slash = Line {
        words: vec![at("/", 481, 434, (13, 18), 0.71)],
    };
    let whole = place(&[label.clone(), date, slash]).expect("a place");
    assert_eq!((whole.x, whole.right()), (411, 569));
    // A date after a label on a line of its own, letter-spaced.
    let spaced = Line {
        words: vec![
            at("GE", 411, 421, (52, 31), 0.84),
            at("am", 505, 417, (29, 39), 0.0),
        ],
    };
    let after_label = place(&[label, spaced]).expect("a place");
    assert_eq!((after_label.x, after_label.right()), (411, 534));
    // A small label before a date (read as unsure letters) is left out.
    let small_label = Line {
        words: vec![at("em", 387, 451, (60, 16), 0.16)],
    };
    let date = Line {
        words: vec![at("94/25", 471, 445, (126, 32), 0.76)],
    };
    let without_label = place(&[small_label, date]).expect("a place");
    assert_eq!(without_label.x, 471);
    // So are letters two thirds as high as the date before it.
    let label = Line {
        words: vec![at("set", 281, 466, (73, 19), 0.53)],
    };
    let date = Line {
        words: vec![
            at("YI", 375, 459, (40, 35), 0.0),
            at("/S5", 420, 459, (109, 35), 0.0),
        ],
    };
    assert_eq!(place(&[label, date]).map(|p| p.x), Some(375));
    // A mark above the date may lift its line's top beside the number.
    let lifted = Line {
        words: vec![
            at("64/5!", 342, 395, (90, 36), 0.59),
            at("‘", 500, 350, (5, 8), 0.0),
        ],
    };
    assert_eq!(place(&[lifted]).map(|p| p.x), Some(342));
}

#[test]
fn expiry_years_far_from_now_are_doubted() {
    assert_eq!(year_conf("30", 2026), 1.0);
    assert_eq!(year_conf("16", 2026), 1.0);
    assert_eq!(year_conf("38", 2026), 1.0);
    assert_eq!(year_conf("50", 2026), 0.5);
    assert_eq!(year_conf("98", 2026), 0.5);
    assert_eq!(year_conf("02", 2095), 1.0);
}

#[test]
fn a_date_glued_to_label_digits_is_cut_out_below_the_number() {
    let line = Line {
        words: vec![word("3508/29", 300, 0.9)],
    };
    let Expiry { value, conf, .. } =
        find_expiry(std::slice::from_ref(&line), None, TEST_YEAR).expect("a date");
    assert_eq!(value, "08/29");
    assert!(conf < 0.9 * EXPIRY_AFTER_DIGITS_CONF + 1e-6, "{conf}");
    assert!(find_expiry(&[line], Some(Rect::new(100, 300, 700, 40)), TEST_YEAR).is_none());
}

/// A light crop 200 wide and `height` high with dark bars across
/// `rows` (each `(top, bottom)`).
fn crop_with_ink(height: u32, rows: &[(u32, u32)]) -> GrayImage {
    GrayImage::from_fn(200, height, |x, y| {
        let inked = rows.iter().any(|&(top, bottom)| (top..bottom).contains(&y));
        image::Luma([if inked && x % 3 != 0 { 20 } else { 230 }])
    })
}

#[test]
fn strips_start_a_step_apart_and_end_inside_the_band() {
    let starts: Vec<f32> = strip_starts(0.0, 2.4, 1.1, 0.3).collect();
    assert_eq!(starts.len(), 5);
    assert!(starts.iter().all(|top| top + 1.1 <= 2.4));
    assert!(strip_starts(0.5, 0.6, 0.13, 0.03).next().is_none());
}

#[test]
fn a_date_crop_keeps_the_date_rows_not_the_label_above() {
    // A label 6 rows high, a gap, the date 32 rows high.
    let crop = crop_with_ink(60, &[(4, 10), (14, 46)]);
    assert_eq!(tallest_ink_rows(&crop), Some((6, 54)));
}

#[test]
fn a_date_crop_with_one_line_or_only_thin_lines_is_kept_whole() {
    assert_eq!(tallest_ink_rows(&crop_with_ink(60, &[(14, 46)])), None);
    // Stripes of a pattern: no run is a third of the crop.
    let stripes: Vec<(u32, u32)> = (0..10).map(|i| (i * 6, i * 6 + 3)).collect();
    assert_eq!(tallest_ink_rows(&crop_with_ink(60, &stripes)), None);
}

#[test]
fn a_dates_crop_stops_at_the_labels_beside_it() {
    let at = |text: &str, x: i32, y: i32, (w, h): (u32, u32), conf: f32| Word {
        rect: Rect::new(x, y, w, h),
        ..word(text, 0, conf)
    };
    let date = Rect::new(307, 416, 152, 31);
    // `VALID THRU` printed small, read as unsure letters, and a brand
    // logo read as a word.
    let lines = [
        Line {
            words: vec![at("vauotHU", 196, 425, (95, 12), 0.32)],
        },
        Line {
            words: vec![at("I]", 307, 416, (30, 31), 0.52)],
        },
        Line {
            words: vec![at("VISA", 800, 410, (140, 46), 0.96)],
        },
    ];
    assert_eq!(label_free_span(&lines, date), (291, 800));
    // A speck of a digit beside the date is no label.
    let speck = [Line {
        words: vec![at("5", 290, 425, (6, 4), 0.65)],
    }];
    assert_eq!(label_free_span(&speck, date), (i32::MIN, i32::MAX));
}

#[test]
fn the_card_digit_models_dates_weigh_more_in_a_vote() {
    let reading = |text: &str, conf: f32| vec![word(text, 300, conf)];
    // `08/30` in OCR-A: the general model reads `04/30` as surely,
    // first and again; the card-digit model twice `08/30`.
    let expiry = |text: &str, conf: f32| {
        let words = reading(text, conf);
        find_expiry(&group_lines(&words), None, TEST_YEAR).unwrap()
    };
    let prior = vec![
        (Reader::General, expiry("04/30", 0.95)),
        (Reader::CardDigits, expiry("08/30", 0.92)),
    ];
    let readings = vec![
        (Reader::General, reading("04/30", 0.9)),
        (Reader::CardDigits, reading("08/30", 0.92)),
    ];
    let best = vote_expiry(readings, prior, TEST_YEAR).unwrap();
    assert_eq!(best.value, "08/30");
}

#[test]
fn a_month_read_as_one_digit_backs_the_months_ending_in_it() {
    let reading = |text: &str, conf: f32| vec![word(text, 300, conf)];
    // `12/34` read once, and three times with its `1` lost.
    let readings = vec![
        (Reader::General, reading("2/34", 0.9)),
        (Reader::CardDigits, reading("2/34", 0.9)),
        (Reader::General, reading("2/34", 0.9)),
    ];
    let first = find_expiry(
        &[Line {
            words: reading("12/34", 0.8),
        }],
        None,
        TEST_YEAR,
    )
    .unwrap();
    assert!(!first.month_guessed);
    let best = vote_expiry(readings.clone(), vec![(Reader::General, first)], TEST_YEAR).unwrap();
    assert_eq!(best.value, "12/34");
    // With nothing else to go by, the lost digit is taken for a zero.
    assert_eq!(
        vote_expiry(readings, Vec::new(), TEST_YEAR).unwrap().value,
        "02/34"
    );
}

#[test]
fn a_spent_budget_never_makes_a_card_another_document() {
    use rand::SeedableRng;
    // Without the card-digit model there is no first look (which reads
    // both ways up): the views are read whole, one after the other.
    let mut engine = docrec_ocr::Engine::new(&docrec_ocr::EngineConfig::default())
        .expect("eng language data installed");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
    let card =
        docrec_synth::credit_card::render(&mut rng, docrec_synth::fonts::FaceGroup::Development)
            .expect("fonts installed");
    // Upside down: its first view shows no number.
    let upside_down =
        image::imageops::rotate180(&image::DynamicImage::ImageRgba8(card.image).to_luma8());
    let spent = ReadContext::new(std::time::Duration::ZERO, TEST_YEAR);
    let read = recognize_credit_card(&upside_down, &mut engine, &spent).expect("a card");
    assert_eq!(read.number, card.number.digits);
    // The first look (nothing), the first view read whole, then the
    // second view.
    assert!(spent.looks() >= 3, "the second view was read");
}

#[test]
fn most_clean_cards_are_read_from_their_number_and_date_lines_alone_either_way_up() {
    use rand::SeedableRng;
    let mut engine = crate::test_engine();
    // Cards answered by the first look alone: upright, upside down.
    let mut first_look_only = [0, 0];
    for seed in 0..6 {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(100 + seed);
        let card = docrec_synth::credit_card::render(
            &mut rng,
            docrec_synth::fonts::FaceGroup::Development,
        )
        .expect("fonts installed");
        let gray = image::DynamicImage::ImageRgba8(card.image).to_luma8();
        // Every other card upside down.
        let gray = if seed % 2 == 1 {
            image::imageops::rotate180(&gray)
        } else {
            gray
        };
        let context = ReadContext::new(READ_BUDGET, TEST_YEAR);
        let read = recognize_credit_card(&gray, &mut engine, &context).expect("a card");
        assert_eq!(read.number, card.number.digits, "seed {seed}");
        if context.looks() == 1 {
            first_look_only[seed as usize % 2] += 1;
            let expiry = read.valid_thru.expect("the first look answers with a date");
            assert_eq!(expiry.value, card.valid_thru, "seed {seed}");
        }
    }
    assert!(
        first_look_only.iter().all(|&n| n >= 2),
        "{first_look_only:?} of 3 each by the first look"
    );
}

#[test]
fn a_numbers_groups_on_lines_of_their_own_make_one_row() {
    let group = |x: i32, y: i32, height: u32| Rect::new(x, y, 110, height);
    let lines = [
        group(540, 350, 40),
        group(80, 348, 42),
        group(310, 349, 41),
        Rect::new(250, 430, 190, 30),
        // Beside the row but twice as high: a logo, not a group.
        Rect::new(800, 330, 120, 90),
    ];
    let rows = first_look::rows_of(&lines);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.contains(&Rect::new(80, 348, 570, 42)), "{rows:?}");
    assert!(rows.contains(&Rect::new(250, 430, 190, 30)));
}

#[test]
fn a_row_as_high_as_two_lines_is_cut_to_the_number() {
    // A card view with the number's line (60 rows of ink) and the date's
    // just below it (30 rows), which layout analysis gave as one row.
    let mut view = GrayImage::from_pixel(1000, 631, image::Luma([230]));
    let mut ink = |x: u32, y: u32, width: u32, height: u32| {
        for yy in y..y + height {
            for xx in (x..x + width).step_by(3) {
                view.put_pixel(xx, yy, image::Luma([20]));
            }
        }
    };
    ink(100, 300, 700, 60);
    ink(300, 372, 200, 30);
    let row = Rect::new(100, 296, 700, 110);
    let cut = first_look::tallest_text_of(&view, row);
    assert!(
        cut.y <= 300 && cut.y >= 280 && cut.bottom() >= 360 && cut.bottom() < 380,
        "{cut:?}"
    );
    // A row one line high is kept.
    let line = Rect::new(100, 296, 700, 68);
    assert_eq!(first_look::tallest_text_of(&view, line), line);
}

#[test]
fn a_number_answered_from_one_reading_is_sure_and_printed_in_its_groups() {
    let line = line_of(&["3618", "000045", "0351"], 0.92);
    let diners = best_reading(&line);
    assert!(diners.settled_as_printed(), "a 14-digit Diners number");
    assert!(
        !diners.settled(),
        "a second look for a number read in a whole view"
    );
    let unsure = best_reading(&line_of(&["4242", "4242", "4242", "4242"], 0.7));
    assert!(!unsure.settled_as_printed());
    let merged = best_reading(&line_of(&["42424242", "4242", "4242"], 0.95));
    assert!(merged.check.passes() && !merged.settled_as_printed());
}
