//! What a recognizer is given besides its image and engine: when its
//! reading started and how long it may take, and the year today, so that
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
    /// The looks taken: a card's first look at its number and date lines,
    /// and readings of a whole view of the document (an orientation, a
    /// levelled or other crop of it, a strip-by-strip search), each
    /// Tesseract's reading of the view and the second readings of its
    /// fields.
    looks: Cell<u32>,
}

impl ReadContext {
    /// A reading starting now with `budget`, in `year`.
    pub fn new(budget: Duration, year: i32) -> ReadContext {
        ReadContext {
            started: Instant::now(),
            budget,
            year,
            looks: Cell::new(0),
        }
    }

    /// A reading starting now with `budget`, in the year the system clock
    /// gives (UTC; a day off at New Year does not matter here): what the
    /// server and the command line use.
    pub fn starting_now(budget: Duration) -> ReadContext {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        ReadContext::new(
            budget,
            1970 + (seconds as f64 / (365.2425 * 86400.0)) as i32,
        )
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
    fn looks_are_counted_from_none() {
        let context = ReadContext::new(Duration::from_secs(1), 2026);
        assert_eq!(context.looks(), 0);
        context.count_look();
        context.count_look();
        assert_eq!(context.looks(), 2);
    }
}
