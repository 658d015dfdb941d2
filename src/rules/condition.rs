//! A rule's conditions: the regexes of `near`, `unless`, `not_followed_by`,
//! `verb_not_followed_by` and `source.reject`, run on the text around a match
//! after the rule's own regex has found it.
//!
//! They are searched as the matcher searches the rules (see
//! [`matcher`](crate::rules::matcher)): text without non-ASCII word characters,
//! nearly all English copy, runs the pattern's ASCII twin, whose automata are a
//! fraction of the size; each regex has one search cache shared by the
//! workers; and rules whose conditions are spelled the same share one compiled
//! condition. Most conditions only ask yes or no, which one forward lazy DFA
//! answers (see [`Verdict`]): no reverse automaton, no capture engines.
//! Compiled as `regex::Regex`, each with a cache per worker thread, the
//! built-in packs' conditions held about 20 MB of a two-job run's 100 MB
//! peak; now about 3–4 (BENCHMARKS.md, "Conditions searched like the rules").

use std::sync::OnceLock;

use regex_automata::{Anchored, Input};

use crate::rules::compile::built_or_panic;
use crate::rules::matcher::{self, Derived, Verdict};
use crate::text::Span;

/// One condition's regex, compiled on first use.
#[derive(Debug)]
pub struct Condition {
    pattern: String,
    /// For a yes or no on text without non-ASCII word characters: the ASCII
    /// twin (or the pattern, where the twin would be the same) as one forward
    /// lazy DFA; `None` inside if that did not compile.
    verdict: OnceLock<Option<Verdict>>,
    /// For where it matches in such text (`near`): the ASCII twin, or `None`
    /// inside as for `verdict`.
    ascii: OnceLock<Option<Derived>>,
    /// For any text.
    own: OnceLock<Derived>,
}

impl Condition {
    /// A condition for `pattern`, which must compile: a user's pattern is
    /// checked while its pack loads, and the tests compile every built-in one.
    pub(crate) fn new(pattern: String) -> Condition {
        Condition {
            pattern,
            verdict: OnceLock::new(),
            ascii: OnceLock::new(),
            own: OnceLock::new(),
        }
    }

    /// The pattern, as compiled.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether any of its regexes has been compiled yet.
    pub fn is_compiled(&self) -> bool {
        self.verdict.get().is_some() || self.ascii.get().is_some() || self.own.get().is_some()
    }

    /// The bytes its compiled regexes and their caches take now (nothing
    /// before its first use), for `examples/dfa_memory`.
    pub fn memory_usage(&self) -> usize {
        let verdict = self
            .verdict
            .get()
            .and_then(Option::as_ref)
            .map_or(0, Verdict::memory_usage);
        let derived = |d: &Derived| d.memory_usage();
        let ascii = self.ascii.get().and_then(Option::as_ref).map_or(0, derived);
        verdict + ascii + self.own.get().map_or(0, derived)
    }

    /// The regex that finds exactly the pattern's matches in `text`.
    ///
    /// # Panics
    ///
    /// If the pattern does not compile (see [`Condition::new`]).
    fn regex(&self, text: &str) -> &Derived {
        if !has_non_ascii_word(text)
            && let Some(twin) = self
                .ascii
                .get_or_init(|| matcher::condition_twin(&self.pattern))
        {
            return twin;
        }
        self.own()
    }

    /// Whether the pattern matches in `input`: on the forward lazy DFA of the
    /// twin where it can tell, else on a full regex.
    fn decide(&self, text: &str, anchored: bool) -> bool {
        let input = Input::new(text).anchored(if anchored {
            Anchored::Yes
        } else {
            Anchored::No
        });
        if !has_non_ascii_word(text)
            && let Some(verdict) = self
                .verdict
                .get_or_init(|| matcher::condition_verdict(&self.pattern))
            && let Some(answer) = verdict.is_match(&input)
        {
            return answer;
        }
        let regex = self.regex(text);
        if anchored {
            regex.is_match_at_start(text)
        } else {
            regex.is_match(text)
        }
    }

    /// The pattern's own regex, for any text (compiled now, if it was not).
    fn own(&self) -> &Derived {
        self.own.get_or_init(|| {
            built_or_panic(
                matcher::condition_regex(&self.pattern),
                &self.pattern,
                "a rule's condition",
            )
        })
    }

    /// Whether the pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.decide(text, false)
    }

    /// Whether the pattern matches starting at the first byte of `text`.
    ///
    /// An anchored search: the automaton explores only the matches that
    /// start there. An unanchored search that keeps only a match at 0 gives
    /// the same answer, but its lazy DFA follows every position of the rest
    /// of the sentence; for `not_followed_by` (run after each finding of four
    /// large rules) the anchored search took 13–17 MB off the peak over 2,000
    /// varied articles (BENCHMARKS.md, "Anchored look-ahead").
    pub fn matches_at_start(&self, text: &str) -> bool {
        self.decide(text, true)
    }

    /// Where the pattern matches in `text`, as `find_iter` finds it, shifted
    /// by `offset`.
    pub fn find_spans(&self, text: &str, offset: usize) -> Vec<Span> {
        let mut spans = Vec::new();
        self.regex(text).each_find(text, |start, end| {
            spans.push(Span::new(offset + start, offset + end));
        });
        spans
    }
}

/// Whether `text` holds a word character outside ASCII, where ASCII and
/// Unicode word boundaries can disagree (see `matcher::for_ascii_words`).
fn has_non_ascii_word(text: &str) -> bool {
    !text.is_ascii()
        && text
            .chars()
            .any(|c| !c.is_ascii() && regex_syntax::is_word_character(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An anchored search finds only a match that starts at the first byte,
    /// whatever flags and comments the pattern carries.
    #[test]
    fn matches_at_start_is_anchored() {
        let re = Condition::new(r"(?i)her\s+title".to_string());
        assert!(re.matches_at_start("Her title in Durban"));
        assert!(!re.matches_at_start("won her title in Durban"));
        let commented =
            Condition::new("(?x)\n  title  # the win\n  | medal # or a medal".to_string());
        assert!(commented.matches_at_start("medal in Paris"));
        assert!(!commented.matches_at_start("a medal in Paris"));
    }

    /// English text runs on the twin, text with a non-ASCII word character on
    /// the pattern itself, and both give the pattern's answers: a Unicode
    /// `\b` and `\w` around "José" and "Zoë" are not ASCII ones.
    #[test]
    fn the_twin_runs_only_where_it_agrees_with_the_pattern() {
        let c = Condition::new(r"(?i)\bjos\b|\bzo\w*\b".to_string());
        assert!(!c.is_compiled());
        assert!(c.is_match("Jos said so."));
        assert!(c.verdict.get().is_some_and(Option::is_some));
        assert!(
            c.ascii.get().is_none(),
            "a yes or no needs only the forward DFA"
        );
        assert!(c.own.get().is_none(), "English text needs no Unicode regex");
        // Curly quotes and dashes are not word characters: still the twin.
        assert!(c.is_match("“Jos” — said so."));
        assert!(c.matches_at_start("zoe said so."));
        assert!(!c.matches_at_start("so said Zoe."));
        assert!(c.own.get().is_none());
        assert_eq!(
            c.find_spans("Zoe and Jos.", 0),
            [Span::new(0, 3), Span::new(8, 11)]
        );
        assert!(c.ascii.get().is_some_and(Option::is_some));
        // "José": \b after "Jos" is no boundary, and \w takes "ë".
        assert!(!c.is_match("José said so."));
        assert_eq!(
            c.find_spans("Zoë and Jos.", 10),
            [Span::new(10, 14), Span::new(19, 22)]
        );
        assert!(c.own.get().is_some());
        let regex = regex::Regex::new(c.as_str()).unwrap();
        for text in [
            "José said so.",
            "Zoë, Zoe and Jos.",
            "jos",
            "Josephine",
            "Zoë—Jos",
        ] {
            let want: Vec<Span> = regex
                .find_iter(text)
                .map(|m| Span::new(m.start(), m.end()))
                .collect();
            assert_eq!(c.find_spans(text, 0), want, "{text}");
            assert_eq!(c.is_match(text), regex.is_match(text), "{text}");
        }
    }

    /// A pattern with nothing Unicode about it is its own twin: its yes or
    /// no still runs on the forward DFA, not on a full regex.
    #[test]
    fn a_pattern_that_is_its_own_twin_answers_on_the_forward_dfa() {
        let c = Condition::new(r"^(?:(?i)CCTV\s+.*)$".to_string());
        assert!(c.is_match("cctv footage"));
        assert!(!c.is_match("the CCTV footage"));
        assert!(c.verdict.get().is_some_and(Option::is_some));
        assert!(c.ascii.get().is_none() && c.own.get().is_none());
    }
}
