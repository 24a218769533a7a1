//! What a recognizer is given besides its image and engine: when its
//! reading started and how long it may take, and the date today, so that
//! a recognizer reads no calendar of its own and gives the same answer for
//! the same image on any day the caller names. It gives back how many
//! looks the document took ([`ReadContext::looks`]): a document answered
//! at its first look took the fast path.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// A reading's clock and calendar, and the looks it has taken so far.
#[derive(Debug, Clone)]
pub struct ReadContext {
    /// When the reading started.
    pub started: Instant,
    /// How long it may take: a document not settled by then answers the
    /// best reading so far.
    pub budget: Duration,
    /// The calendar year today (a card's expiry is believed within a span
    /// of it).
    pub year: i32,
    /// Today's month (1-12) and day (1-31): a passport's two-digit birth
    /// year is of the latest century that puts the birth date not after
    /// today.
    pub month_day: (u32, u32),
    /// The looks taken: a card's first look at its number and date lines,
    /// and readings of a whole view of the document (an orientation, a
    /// levelled or other crop of it, a strip-by-strip search), each
    /// Tesseract's reading of the view and the second readings of its
    /// fields.
    looks: Cell<u32>,
}

impl ReadContext {
    /// A reading starting now with `budget`, on the first of January of
    /// `year`.
    pub fn new(budget: Duration, year: i32) -> ReadContext {
        ReadContext::on(budget, (year, 1, 1))
    }

    /// A reading starting now with `budget`, on `today` (year, month,
    /// day).
    pub fn on(budget: Duration, today: (i32, u32, u32)) -> ReadContext {
        let (year, month, day) = today;
        ReadContext {
            started: Instant::now(),
            budget,
            year,
            month_day: (month, day),
            looks: Cell::new(0),
        }
    }

    /// A reading starting now with `budget`, on the date the system clock
    /// gives (UTC): what the server and the command line use.
    pub fn starting_now(budget: Duration) -> ReadContext {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        ReadContext::on(budget, civil_date((seconds / 86_400) as i64))
    }

    /// Today as (year, month, day).
    pub fn today(&self) -> (i32, u32, u32) {
        (self.year, self.month_day.0, self.month_day.1)
    }

    /// When the reading must end.
    pub fn deadline(&self) -> Instant {
        self.started + self.budget
    }

    /// Whether the budget is spent.
    pub fn is_spent(&self) -> bool {
        self.started.elapsed() > self.budget
    }

    /// Counts one more look at the document.
    pub fn count_look(&self) {
        self.looks.set(self.looks.get() + 1);
    }

    /// The looks taken so far: 0 for a document read without OCR (a PDF's
    /// text layer), 1 for one settled by its first view.
    pub fn looks(&self) -> u32 {
        self.looks.get()
    }
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_date(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year as i32, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_year_is_today_and_the_deadline_follows_the_budget() {
        let context = ReadContext::starting_now(Duration::from_secs(2));
        assert!((2026..2200).contains(&context.year));
        assert_eq!(context.deadline() - context.started, Duration::from_secs(2));
        assert!(!context.is_spent());
        assert!(ReadContext::new(Duration::ZERO, 2030).deadline() <= Instant::now());
    }

    #[test]
    fn days_since_1970_are_dates() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(59), (1970, 3, 1));
        assert_eq!(civil_date(11_016), (2000, 2, 29));
        assert_eq!(civil_date(20_794), (2026, 12, 7));
        assert_eq!(civil_date(-1), (1969, 12, 31));
    }

    #[test]
    fn looks_are_counted_from_none() {
        let context = ReadContext::new(Duration::from_secs(1), 2026);
        assert_eq!(context.looks(), 0);
        context.count_look();
        context.count_look();
        assert_eq!(context.looks(), 2);
    }
}
