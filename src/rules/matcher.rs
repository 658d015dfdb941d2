//! Single-pass matching: decide, with one scan of the document, which pattern
//! rules can match which sentences, so that only those run their full regex.
//!
//! Two things make a rule's regex expensive on news text, and this module removes
//! both without changing a single match:
//!
//! 1. **Searching where it cannot match.** Every rule used to run over every
//!    sentence. Most rules need some literal text to match (a speech verb, "according
//!    to", "declined"). [`required_literal_sets`] derives, from the compiled pattern
//!    itself (never from a hand-written list, so rule authors can change patterns
//!    freely), sets of strings such that every match contains one string of each
//!    set. One Aho-Corasick automaton over the literals of all rules scans the
//!    document once; a rule then runs only on units that hold a literal of each of
//!    its sets (or the long s or Kelvin sign, which its literals do not account
//!    for). Accented letters do not switch the filter off: a sentence naming
//!    "José" is filtered like any other.
//! 2. **Unicode word boundaries.** The regex engine's fast lazy DFA cannot evaluate a
//!    Unicode `\b` on text with non-ASCII bytes (curly quotes, dashes, accented
//!    names) and falls back to much slower engines. A `\b` compares the "wordness"
//!    of two neighbouring characters; when a piece of text has no non-ASCII *word*
//!    characters (curly quotes and dashes are not word characters), the ASCII `\b`
//!    gives the same answer everywhere. Each rule is therefore also compiled with
//!    ASCII boundaries, and that twin runs on every unit where the two provably
//!    agree. The twin's classes also leave out the non-ASCII word characters
//!    such a unit cannot hold, which makes its automata several times smaller
//!    (see `for_ascii_words`). A unit with non-ASCII word characters runs a
//!    twin made for the groups of scripts it holds (see `Scripts`), after a
//!    loose regex the lazy DFA can run has rejected most such units (see
//!    `loose_filter`; one per alternative, as in 3.); a unit whose scripts
//!    have no twin (see `Scripts::twin`) runs the original.
//! 3. **Alternatives tracked together.** An unanchored lazy DFA over `a|b|c`
//!    follows every alternative from every position at once, and its states
//!    are combinations of theirs: on text that does not repeat, the largest
//!    rules' caches grew without end. A rule whose pattern is an alternation
//!    is searched alternative by alternative on ASCII units (see `Piece`),
//!    each with its own literals, and the matches are put back together as
//!    the whole regex would find them (see `each_match`).

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::Regex;
use regex_automata::nfa::thompson::WhichCaptures;
use regex_automata::{Input, PatternID, meta};
use regex_syntax::hir::{
    Capture, Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look, Repetition,
};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::rules::CompiledRule;
use crate::text::Span;

/// Most strings a literal set may hold before it is given up as too broad.
const MAX_SET: usize = 256;
/// Most characters of a class enumerated as separate literals (`[Ss]`, `[’']`).
const MAX_CLASS: u32 = 8;
/// Shortest literal worth prefiltering on: shorter ones hit nearly every sentence.
const MIN_LITERAL: usize = 3;
/// Most literal sets one rule requires together (see [`required_literal_sets`]).
const MAX_SETS: usize = 4;

/// Most words of literal bits one scan keeps (see [`Matcher::scan`]).
const MAX_BIT_WORDS: usize = 1 << 20;

/// A set of literal strings (ASCII lowercased).
type Set = BTreeSet<Vec<u8>>;

/// The fast-path twin of one pattern rule.
#[derive(Debug, Clone)]
struct FastRule {
    /// Whether the rule only runs where its literals occur.
    prefiltered: bool,
    /// The slots of [`Scan::hits`] this rule's literal sets fill, one per set: a
    /// unit is a candidate only when every slot has a hit inside it.
    slots: std::ops::Range<usize>,
    /// The rule's ASCII twin (see [`for_ascii_words`]), when it differs from
    /// the rule's own: compiled with the matcher, except for a rule searched
    /// in pieces, which needs it only where a piece matched the empty string.
    ascii: OnceLock<Option<Derived>>,
    /// Whether to use the twin at all.
    twin: bool,
    /// The European twin (see [`for_scripts`]), made on first use; `None`
    /// inside when it would be the rule's own regex.
    european: OnceLock<Option<Derived>>,
    /// The twin for the European group and the one group beyond it that this
    /// rule's first unit with such a group claimed (see [`Scripts::twin`]),
    /// with that group: made on first use.
    claimed: OnceLock<(Scripts, Option<Derived>)>,
    /// A looser regex for every unit with non-ASCII word characters (see
    /// [`loose_filter`]), made on first use: most documents never need it.
    /// One per top-level alternative, as the rule's [`Piece`]s are, where the
    /// pattern is an alternation: the filter only says yes or no, and `a|b`
    /// matches where `a` or `b` does, so searched apart their states add up
    /// instead of multiplying.
    loose: OnceLock<Option<Vec<Verdict>>>,
    /// The rule's top-level alternatives, each searched on its own in units
    /// without non-ASCII word characters (see [`Piece`]); empty when the rule
    /// is searched whole.
    pieces: Vec<Piece>,
    /// Whether a worker has claimed the rule (see [`Matcher::claim`]).
    busy: Busy,
}

/// A claim flag; a copy of a matcher starts unclaimed.
#[derive(Debug, Default)]
struct Busy(AtomicBool);

impl Clone for Busy {
    fn clone(&self) -> Busy {
        Busy::default()
    }
}

/// A worker's claim on one rule, given up when dropped.
pub(crate) struct Claim<'a>(&'a AtomicBool);

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// One top-level alternative of a rule's ASCII twin, searched on its own.
///
/// A lazy DFA searching `a|b|c` unanchored tracks every alternative at once,
/// so its states are combinations of theirs: on text that does not repeat,
/// each new name builds new combinations, and the caches of the large rules
/// grew to tens of MB each (BENCHMARKS.md, "Text that does not repeat").
/// Searched apart, the alternatives' states add up instead of multiplying
/// (21 MB → 6 MB for `document-says` over 300 varied articles). Each piece
/// also has its own literal sets, so it runs only where its own words occur.
/// The matches are put back together as the whole regex would find them
/// (see [`each_match`]).
#[derive(Debug, Clone)]
struct Piece {
    /// Whether the piece only runs where its literals occur.
    prefiltered: bool,
    /// The slots of [`Scan::hits`] this piece's literal sets fill.
    slots: std::ops::Range<usize>,
    /// The alternative, with the capture groups of the others kept (empty,
    /// in a branch that cannot match) so that every group has its number in
    /// the rule.
    regex: Derived,
}

impl FastRule {
    /// The twin of `rule`'s regex for units holding non-ASCII word characters
    /// of `held` (see [`Scripts::twin`]), made on first use; `None` when the
    /// rule's own regex must run.
    fn script_twin(&self, rule: &CompiledRule, held: Scripts) -> Option<&Derived> {
        let make = |scripts: Scripts| {
            let twin = for_scripts(&parse(rule.regex.as_str())?, scripts)?;
            compile_twin(&rule.groups, &twin)
        };
        match held.twin()? {
            Twin::European => self.european.get_or_init(|| make(Scripts::EUROPEAN)),
            Twin::With(scripts) => {
                // The first unit to get here claims the slot for its group; the
                // group is stored with the twin, so a unit of another group
                // (even in a clone of this matcher) can tell it is not its own.
                let (claimed, twin) = self.claimed.get_or_init(|| (scripts, make(scripts)));
                if *claimed != scripts {
                    return None;
                }
                twin
            }
        }
        .as_ref()
    }

    /// The ASCII twin of `rule`'s regex (compiled now, if it was not yet).
    fn ascii_twin(&self, rule: &CompiledRule) -> Option<&Derived> {
        self.ascii
            .get_or_init(|| {
                compile_twin(
                    &rule.groups,
                    &for_ascii_words(&parse(rule.regex.as_str())?)?,
                )
            })
            .as_ref()
    }
}

/// Which rules can match where, for one compiled rule set.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// Ids of the rules this matcher was built for, in order.
    ids: Vec<String>,
    rules: Vec<FastRule>,
    /// One automaton over every prefiltered rule's literals.
    literals: Option<AhoCorasick>,
    /// For each literal of `literals`, the slots (rule and set) it stands for.
    literal_slots: Vec<Vec<u32>>,
    /// How many slots all rules' sets fill together.
    slot_count: usize,
    /// The characters the literals do not account for (see [`literal_blind_spots`]):
    /// a unit holding one is searched by every rule.
    blind: ClassUnicode,
}

/// The result of scanning one document: where each rule may match.
#[derive(Debug)]
pub struct Scan<'m> {
    matcher: &'m Matcher,
    /// The spans the hits are grouped by (see [`Matcher::scan`]).
    groups: Vec<Span>,
    /// Per group, one bit per slot (one literal set of one rule): whether a
    /// literal of the slot lies inside the group. `words` words a group.
    bits: Vec<u64>,
    /// How many words of `bits` each group takes.
    words: usize,
    /// Per slot, the spans of its literals that lie inside no group, sorted
    /// by start.
    outside: Hits,
    /// Byte offsets of non-ASCII word characters in the document, in order.
    unicode_words: Vec<usize>,
    /// The script of each of `unicode_words` (see [`Scripts::of`]).
    scripts: Vec<Scripts>,
    /// Byte offsets of the characters the literals do not account for.
    blind: Vec<usize>,
    /// Whether the text was too long for [`Hit`]s, so that no unit is
    /// filtered by its literals.
    unfiltered: bool,
}

impl Matcher {
    /// Analyze a rule set's patterns and build the literal automaton.
    pub fn new(rules: &[CompiledRule]) -> Matcher {
        let mut fast = Vec::with_capacity(rules.len());
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut literal_slots: Vec<Vec<u32>> = Vec::new();
        let mut index: std::collections::HashMap<Vec<u8>, usize> = Default::default();
        let mut slot_count = 0;
        let mut blind = ClassUnicode::empty();
        // Rules are analyzed independently, so in parallel (on the caller's
        // pool); the automaton over all their literals is built after.
        type Analyzed = (Option<Derived>, Vec<Set>, Vec<(Derived, Vec<Set>)>);
        let analyzed: Vec<Analyzed> = {
            use rayon::prelude::*;
            rules
                .par_iter()
                .map(|rule| {
                    // Parsed once: the literals, the twin and the pieces all
                    // come from it, and the twin and pieces are compiled from
                    // the tree itself, never printed and parsed again.
                    let Some(hir) = parse(&rule.pattern_compiled) else {
                        return (None, Vec::new(), ClassUnicode::empty(), Vec::new());
                    };
                    let (view, mut cut) = literal_view(&hir);
                    let sets = literal_sets(view.as_ref().unwrap_or(&hir));
                    // One piece that does not compile leaves the rule whole.
                    let compiled: Option<Vec<(Derived, Hir)>> = split(&hir)
                        .into_par_iter()
                        .map(|(piece, alt)| Some((compile_twin(&rule.groups, &piece)?, alt)))
                        .collect();
                    let mut pieces = Vec::new();
                    for (regex, alt) in compiled.unwrap_or_default() {
                        let (view, piece_cut) = literal_view(&alt);
                        let piece_sets = literal_sets(view.as_ref().unwrap_or(&alt));
                        if !piece_sets.is_empty() {
                            cut.union(&piece_cut);
                        }
                        pieces.push((regex, piece_sets));
                    }
                    let twin = if pieces.is_empty() {
                        for_ascii_words(&hir).and_then(|h| compile_twin(&rule.groups, &h))
                    } else {
                        None
                    };
                    (twin, sets, cut, pieces)
                })
                .collect::<Vec<_>>()
                .into_iter()
                .map(|(twin, sets, cut, pieces)| {
                    if !sets.is_empty() || pieces.iter().any(|(_, s)| !s.is_empty()) {
                        blind.union(&cut);
                    }
                    (twin, sets, pieces)
                })
                .collect()
        };
        let mut add_sets = |sets: Vec<Set>, slot_count: &mut usize| {
            let first = *slot_count;
            for set in sets {
                for lit in set {
                    let at = *index.entry(lit.clone()).or_insert_with(|| {
                        patterns.push(lit);
                        literal_slots.push(Vec::new());
                        patterns.len() - 1
                    });
                    literal_slots[at].push(*slot_count as u32);
                }
                *slot_count += 1;
            }
            first..*slot_count
        };
        for (twin, sets, pieces) in analyzed {
            let first = slot_count;
            add_sets(sets, &mut slot_count);
            let rule_slots = first..slot_count;
            let pieces = pieces
                .into_iter()
                .map(|(regex, sets)| {
                    let slots = add_sets(sets, &mut slot_count);
                    Piece {
                        prefiltered: !slots.is_empty(),
                        slots,
                        regex,
                    }
                })
                .collect::<Vec<_>>();
            // A rule searched whole has its twin now; one in pieces makes it
            // only if it must (see `ascii`).
            let ascii = if pieces.is_empty() {
                OnceLock::from(twin)
            } else {
                OnceLock::new()
            };
            fast.push(FastRule {
                prefiltered: !rule_slots.is_empty(),
                slots: rule_slots,
                ascii,
                twin: true,
                european: OnceLock::new(),
                claimed: OnceLock::new(),
                loose: OnceLock::new(),
                pieces,
                busy: Busy::default(),
            });
        }
        let literals = if patterns.is_empty() {
            None
        } else {
            // A contiguous NFA, not a DFA: over these few thousand literals the
            // DFA took about 2 MB more per run for no measurable speed on varied
            // text (2-3 % on text that repeats; see BENCHMARKS.md), and memory
            // is the tighter target. If building fails, no rule is prefiltered
            // and every rule simply runs everywhere.
            let built = AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(&patterns)
                .or_else(|_| {
                    AhoCorasick::builder()
                        .ascii_case_insensitive(true)
                        .build(&patterns)
                });
            match built {
                Ok(ac) => Some(ac),
                Err(_) => {
                    for f in &mut fast {
                        f.prefiltered = false;
                        for p in &mut f.pieces {
                            p.prefiltered = false;
                        }
                    }
                    None
                }
            }
        };
        Matcher {
            ids: rules.iter().map(|r| r.id.clone()).collect(),
            rules: fast,
            literals,
            literal_slots,
            slot_count,
            blind,
        }
    }

    /// A matcher that runs every rule everywhere with its own regex: the
    /// reference the fast path is tested against.
    #[cfg(test)]
    pub(crate) fn plain(rules: &[CompiledRule]) -> Matcher {
        Matcher {
            ids: rules.iter().map(|r| r.id.clone()).collect(),
            rules: rules
                .iter()
                .map(|_| FastRule {
                    prefiltered: false,
                    slots: 0..0,
                    ascii: OnceLock::from(None),
                    twin: false,
                    european: OnceLock::new(),
                    claimed: OnceLock::new(),
                    loose: OnceLock::new(),
                    pieces: Vec::new(),
                    busy: Busy::default(),
                })
                .collect(),
            literals: None,
            literal_slots: Vec::new(),
            slot_count: 0,
            blind: ClassUnicode::empty(),
        }
    }

    /// Claim rule number `index` while running it over a batch, or `None`
    /// while another worker has. Its derived regexes share one cache (see
    /// [`Derived`]), so two workers on the same rule would take turns at each
    /// search; a worker that finds a rule claimed runs another first.
    pub(crate) fn claim(&self, index: usize) -> Option<Claim<'_>> {
        let busy = &self.rules.get(index)?.busy.0;
        busy.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()
            .map(|_| Claim(busy))
    }

    /// Whether this matcher was built for exactly these rules (a caller may have
    /// removed or reordered rules since).
    pub fn fits(&self, rules: &[CompiledRule]) -> bool {
        self.ids.len() == rules.len() && self.ids.iter().zip(rules).all(|(a, r)| *a == r.id)
    }

    /// Whether rule number `index` has a twin or pieces that search units
    /// without non-ASCII word characters instead of its own regex.
    pub fn has_twin(&self, index: usize) -> bool {
        self.rules
            .get(index)
            .is_some_and(|f| !f.pieces.is_empty() || f.ascii.get().is_some_and(Option::is_some))
    }

    /// How many rules run only where their literals occur.
    pub fn prefiltered(&self) -> usize {
        self.rules.iter().filter(|r| r.prefiltered).count()
    }

    /// How many distinct literals the automaton searches for.
    pub fn literal_count(&self) -> usize {
        self.literal_slots.len()
    }

    /// Scan a document once for every rule's literals.
    ///
    /// `groups` (sorted by start, not overlapping: a document's sentences) are
    /// the spans the scan remembers literals by: for each, which rules'
    /// literal sets occur inside it, a bit each. Literals outside every
    /// group are kept as they are. A unit made of whole groups (a sentence,
    /// a paragraph of them, the document) is then told apart exactly; a unit
    /// that cuts through a group is always a candidate.
    ///
    /// A news sentence holds literals of about 66 of the built-in rules'
    /// 466 sets, so the bits take 64 bytes a sentence where the literals'
    /// spans took 27 KB an article: it is what a batch of documents held
    /// longest (BENCHMARKS.md, "Literals remembered by sentence").
    pub fn scan(&self, text: &str, groups: &[Span]) -> Scan<'_> {
        self.scan_within(text, groups, MAX_BIT_WORDS)
    }

    /// [`scan`](Matcher::scan), keeping at most `max_words` words of bits.
    fn scan_within(&self, text: &str, groups: &[Span], max_words: usize) -> Scan<'_> {
        let words = self.slot_count.div_ceil(64);
        // The bits grow with sentences times sets, the spans with the
        // literals found: past 8 MB of bits (a pack of 10,000 phrase rules
        // has about 160 words a sentence, and its phrases seldom occur), the
        // spans are kept instead.
        let groups = if groups.len().saturating_mul(words) > max_words {
            &[][..]
        } else {
            groups
        };
        let mut bits = vec![0u64; groups.len() * words];
        let mut outside: Vec<(u32, Hit)> = Vec::new();
        // Hits keep 32-bit offsets; a longer text (only a library caller can
        // pass one: the command line refuses files over --max-bytes) goes
        // unfiltered, every rule searching every unit.
        let unfiltered = u32::try_from(text.len()).is_err();
        if let (Some(ac), false) = (&self.literals, unfiltered) {
            // Matches come by end, so nearly always in the group of the one
            // before.
            let mut at = 0;
            for m in ac.find_overlapping_iter(text) {
                let inside = |g: &Span| g.start <= m.start() && m.end() <= g.end;
                if !groups.get(at).is_some_and(inside) {
                    at = groups.partition_point(|g| g.end < m.end());
                }
                let slots = &self.literal_slots[m.pattern().as_usize()];
                match groups.get(at).filter(|g| inside(g)) {
                    Some(_) => {
                        let row = &mut bits[at * words..(at + 1) * words];
                        for &slot in slots {
                            row[slot as usize / 64] |= 1 << (slot % 64);
                        }
                    }
                    None => {
                        let hit = Hit {
                            start: m.start() as u32,
                            end: m.end() as u32,
                        };
                        outside.extend(slots.iter().map(|&slot| (slot, hit)));
                    }
                }
            }
        }
        let outside = Hits::new(outside, self.slot_count);
        let (mut unicode_words, mut scripts, mut blind) = (Vec::new(), Vec::new(), Vec::new());
        if !text.is_ascii() {
            let ranges = self.blind.ranges();
            for (i, c) in text.char_indices().filter(|(_, c)| !c.is_ascii()) {
                if regex_syntax::is_word_character(c) {
                    unicode_words.push(i);
                    scripts.push(Scripts::of(c));
                }
                let r = ranges.partition_point(|r| r.end() < c);
                if ranges.get(r).is_some_and(|r| r.start() <= c) {
                    blind.push(i);
                }
            }
        }
        Scan {
            matcher: self,
            groups: groups.to_vec(),
            bits,
            words,
            outside,
            unicode_words,
            scripts,
            blind,
            unfiltered,
        }
    }
}

impl Scan<'_> {
    /// Units of one rule worth searching, in order. `units` must be sorted by
    /// start and must not overlap (sentences and paragraphs are).
    pub fn candidates<'a>(
        &'a self,
        rule: usize,
        units: &'a [Span],
    ) -> impl Iterator<Item = Span> + 'a {
        let fast = &self.matcher.rules[rule];
        // The first group that may still lie in a unit (units come in order).
        let mut next = 0;
        units.iter().copied().filter(move |unit| {
            if !fast.prefiltered || !self.literals_hold(*unit) {
                return true;
            }
            next += self.groups[next.min(self.groups.len())..]
                .iter()
                .take_while(|g| g.end <= unit.start)
                .count();
            self.holds_all_from(next, fast.slots.clone(), *unit)
        })
    }

    /// Whether every slot among `slots` has a literal inside `unit`, the
    /// groups before number `from` lying before it. `true` also when `unit`
    /// cuts through a group, whose bits cannot tell where in it a literal
    /// lies.
    fn holds_all_from(&self, from: usize, slots: std::ops::Range<usize>, unit: Span) -> bool {
        self.rows(from, unit)
            .is_none_or(|rows| self.holds_all_in(rows, slots, unit))
    }

    /// The rows of bits of the groups inside `unit`, the groups before
    /// number `from` lying before it; `None` when `unit` cuts through a
    /// group.
    fn rows(&self, from: usize, unit: Span) -> Option<&[u64]> {
        let w = self.words;
        let groups = &self.groups[from.min(self.groups.len())..];
        // Nearly always the unit is a sentence, one group.
        if groups.first() == Some(&unit) {
            return Some(&self.bits[from * w..(from + 1) * w]);
        }
        let mut to = from;
        for g in groups {
            if g.start >= unit.end {
                break;
            }
            if g.start < unit.start || g.end > unit.end {
                return None;
            }
            to += 1;
        }
        Some(&self.bits[from * w..to * w])
    }

    /// Whether every slot among `slots` has a bit in one of `rows` (see
    /// [`rows`](Scan::rows)) or a literal outside the groups inside `unit`.
    fn holds_all_in(&self, rows: &[u64], slots: std::ops::Range<usize>, unit: Span) -> bool {
        let w = self.words;
        slots.into_iter().all(|slot| {
            let (word, bit) = (slot / 64, 1u64 << (slot % 64));
            let in_rows = if rows.len() == w {
                rows[word] & bit != 0
            } else {
                rows.chunks_exact(w).any(|row| row[word] & bit != 0)
            };
            in_rows || (!self.outside.hits.is_empty() && self.outside_inside(slot, unit))
        })
    }

    /// Whether a literal of `slot` that lies inside no group lies inside
    /// `unit`.
    fn outside_inside(&self, slot: usize, unit: Span) -> bool {
        let hits = self.outside.slot(slot);
        !hits.is_empty()
            && first_inside(
                &hits[hits.partition_point(|h| (h.start as usize) < unit.start)..],
                unit,
            )
    }

    /// For a unit without non-ASCII word characters, the pieces of rule
    /// number `index` (`rule`) worth searching there: those whose literals
    /// occur in `unit`. `None` when the rule is searched whole here (it has
    /// no pieces, or the unit holds non-ASCII word characters); `out` is
    /// cleared first.
    pub(crate) fn pieces<'a>(
        &'a self,
        index: usize,
        unit: Span,
        out: &mut Vec<&'a Derived>,
    ) -> Option<()> {
        out.clear();
        let fast = &self.matcher.rules[index];
        if fast.pieces.is_empty() || self.scripts(unit) != Scripts::NONE {
            return None;
        }
        let blind = !self.literals_hold(unit);
        let rows = self.rows(self.groups.partition_point(|g| g.end <= unit.start), unit);
        for piece in &fast.pieces {
            let held =
                || rows.is_none_or(|rows| self.holds_all_in(rows, piece.slots.clone(), unit));
            if blind || !piece.prefiltered || held() {
                out.push(&piece.regex);
            }
        }
        Some(())
    }

    /// Whether `piece`'s literals allow it to match in `unit`: they all occur
    /// there, or it has none, or the unit is `blind` (it holds a character
    /// the literals leave out, see [`literals_hold`](Scan::literals_hold)).
    fn piece_may_occur(&self, piece: &Piece, unit: Span, blind: bool) -> bool {
        blind || !piece.prefiltered || self.holds_all(piece.slots.clone(), unit)
    }

    /// Whether every slot among `slots` has a literal inside `unit` (see
    /// [`holds_all_from`](Scan::holds_all_from)).
    fn holds_all(&self, slots: std::ops::Range<usize>, unit: Span) -> bool {
        let from = self.groups.partition_point(|g| g.end <= unit.start);
        self.holds_all_from(from, slots, unit)
    }

    /// The regex to run for rule number `index` (`rule`) over `unit`: the
    /// ASCII-boundary twin, or the twin for the scripts the unit holds, where
    /// it provably finds the same matches; else the rule's own (compiled now,
    /// if it was not yet).
    pub fn regex<'a>(&'a self, index: usize, rule: &'a CompiledRule, unit: Span) -> Engine<'a> {
        let fast = &self.matcher.rules[index];
        if fast.twin {
            let scripts = self.scripts(unit);
            let twin = if scripts == Scripts::NONE {
                fast.ascii_twin(rule)
            } else {
                fast.script_twin(rule, scripts)
            };
            if let Some(twin) = twin {
                return Engine::Derived(twin);
            }
        }
        Engine::Own(rule.regex.get())
    }

    /// Whether rule number `index` (`rule`) may match in `unit` (whose text is
    /// `unit_text`): `false` only where [`regex`](Scan::regex) finds no
    /// match. It runs on the fast lazy DFA, to reject a candidate unit
    /// cheaply before searching it for the match itself: a unit with
    /// non-ASCII word characters is searched with the rule's loose filter
    /// (see `loose_filter`), alternative by alternative, each only where
    /// its piece's literals occur.
    pub fn may_match(
        &self,
        index: usize,
        rule: &CompiledRule,
        unit: Span,
        unit_text: &str,
    ) -> bool {
        let fast = &self.matcher.rules[index];
        let scripts = self.scripts(unit);
        if scripts == Scripts::NONE || !fast.twin {
            return self.regex(index, rule, unit).is_match(unit_text);
        }
        let loose = fast
            .loose
            .get_or_init(|| loose_filters(&parse(&rule.pattern_compiled)?));
        let Some(loose) = loose else {
            return self.regex(index, rule, unit).is_match(unit_text);
        };
        // The pieces and the loose filters come from the same alternatives of
        // the same parse, in the same order. The counts differ when the rule
        // is not an alternation (no pieces, one filter) or a piece did not
        // compile (no pieces): then every filter runs.
        if loose.len() != fast.pieces.len() {
            return loose.iter().any(|re| re.may_match(unit_text));
        }
        let blind = !self.literals_hold(unit);
        loose
            .iter()
            .zip(&fast.pieces)
            .any(|(re, piece)| self.piece_may_occur(piece, unit, blind) && re.may_match(unit_text))
    }

    /// The scripts of the non-ASCII word characters inside `unit`:
    /// [`Scripts::NONE`] when it has none, so that ASCII and Unicode word
    /// boundaries agree at every position inside it.
    fn scripts(&self, unit: Span) -> Scripts {
        let from = self.unicode_words.partition_point(|&p| p < unit.start);
        let to = from + self.unicode_words[from..].partition_point(|&p| p < unit.end);
        self.scripts[from..to]
            .iter()
            .fold(Scripts::NONE, |all, &s| all.union(s))
    }

    /// Whether every match inside `unit` holds one of its rule's literals: the
    /// unit has none of the characters the literals leave out.
    fn literals_hold(&self, unit: Span) -> bool {
        !self.unfiltered && none_inside(&self.blind, unit)
    }
}

/// Where a literal was found: a [`Span`] in half the bytes, since a scan holds
/// thousands of them per document for as long as its batch is audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Hit {
    start: u32,
    end: u32,
}

/// The literals a scan found, by slot: one buffer for every slot instead of a
/// vector each, which cost a few hundred allocations per document.
#[derive(Debug)]
struct Hits {
    /// Where each slot's part of `hits` starts; the last entry is the end.
    starts: Vec<u32>,
    /// The hits, by slot and then by start.
    hits: Vec<Hit>,
}

impl Hits {
    /// Group `found` (slot, hit) pairs into `slots` slots.
    ///
    /// A counting sort by slot, which keeps the scan's order within a slot:
    /// the scan reports matches by end, which is nearly always also by start,
    /// so a slot is sorted only when it is not. Sorting all hits by slot and
    /// start was 5-6 % of the time of an audit of repeated articles.
    fn new(found: Vec<(u32, Hit)>, slots: usize) -> Hits {
        if found.is_empty() {
            // Nearly every scan: no slot to look up.
            return Hits {
                starts: Vec::new(),
                hits: Vec::new(),
            };
        }
        // Every slot is below `slots`: `Matcher::new` numbers them so.
        let mut starts = vec![0u32; slots + 1];
        for &(slot, _) in &found {
            starts[slot as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut hits = vec![Hit { start: 0, end: 0 }; found.len()];
        for (slot, hit) in found {
            let at = &mut next[slot as usize];
            hits[*at as usize] = hit;
            *at += 1;
        }
        for w in starts.windows(2) {
            let slot = &mut hits[w[0] as usize..w[1] as usize];
            if !slot.is_sorted() {
                slot.sort_unstable();
            }
        }
        Hits { starts, hits }
    }

    /// The hits of one slot, sorted by start.
    fn slot(&self, slot: usize) -> &[Hit] {
        match (self.starts.get(slot), self.starts.get(slot + 1)) {
            (Some(&a), Some(&b)) => &self.hits[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// Whether one of `hits` (sorted by start, none starting before `unit`) lies
/// wholly inside `unit`.
fn first_inside(hits: &[Hit], unit: Span) -> bool {
    hits.iter()
        .take_while(|h| (h.start as usize) < unit.end)
        .any(|h| h.end as usize <= unit.end)
}

/// Whether none of the sorted offsets lies inside `unit`.
fn none_inside(offsets: &[usize], unit: Span) -> bool {
    let i = offsets.partition_point(|&p| p < unit.start);
    offsets.get(i).is_none_or(|&p| p >= unit.end)
}

/// The matches of the alternation of `pieces` (in their order) in `text`,
/// each with its captures, as `captures_iter` of the whole regex would give
/// them: from where the last match ended, the leftmost match of any piece,
/// the earliest piece on a tie. A piece whose next match starts before that
/// point searches again from there. `None` if a piece matched the empty
/// string, whose handling this does not reproduce: the caller then searches
/// the whole regex.
pub(crate) fn each_match(pieces: &[&Derived], text: &str) -> Option<Vec<Captures>> {
    let search = |re: &Derived, at: usize| re.captures_from(text, at);
    let start = |c: &Captures| c.get_match().map_or(0, |m| m.start());
    let mut next: Vec<Option<Captures>> = pieces.iter().map(|re| search(re, 0)).collect();
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        for (re, slot) in pieces.iter().zip(next.iter_mut()) {
            if slot.as_ref().is_some_and(|c| start(c) < at) {
                *slot = search(re, at);
            }
        }
        let Some(best) = (0..next.len())
            .filter(|&i| next[i].is_some())
            .min_by_key(|&i| (next[i].as_ref().map_or(usize::MAX, start), i))
        else {
            return Some(out);
        };
        let caps = next[best].take()?;
        let whole = caps.get_match()?;
        if whole.is_empty() {
            return None;
        }
        at = whole.end();
        next[best] = search(pieces[best], at);
        out.push(caps);
    }
}

/// The top-level alternatives of a rule's pattern `h`, when it has several:
/// for each, its piece (see [`Piece`]) and the alternative itself (for its
/// literals). Every capture group of the other alternatives
/// is kept, empty, in a branch that cannot match, before or after it, so that
/// the groups keep their numbers.
fn split(h: &Hir) -> Vec<(Hir, Hir)> {
    let HirKind::Alternation(alternatives) = h.kind() else {
        return Vec::new();
    };
    fn captures(h: &Hir, out: &mut Vec<Hir>) {
        match h.kind() {
            HirKind::Capture(c) => {
                out.push(Hir::capture(Capture {
                    index: c.index,
                    name: c.name.clone(),
                    sub: Box::new(Hir::empty()),
                }));
                captures(&c.sub, out);
            }
            HirKind::Concat(subs) | HirKind::Alternation(subs) => {
                subs.iter().for_each(|s| captures(s, out))
            }
            HirKind::Repetition(r) => captures(&r.sub, out),
            _ => {}
        }
    }
    let dead = |groups: &[Hir]| {
        let mut parts = vec![Hir::fail()];
        parts.extend(groups.iter().cloned());
        Hir::concat(parts)
    };
    let groups: Vec<Vec<Hir>> = alternatives
        .iter()
        .map(|a| {
            let mut g = Vec::new();
            captures(a, &mut g);
            g
        })
        .collect();
    alternatives
        .iter()
        .enumerate()
        .map(|(i, alt)| {
            let before: Vec<Hir> = groups[..i].concat();
            let after: Vec<Hir> = groups[i + 1..].concat();
            let twin = for_ascii_words(alt).unwrap_or_else(|| alt.clone());
            let mut branches = Vec::new();
            if !before.is_empty() {
                branches.push(dead(&before));
            }
            branches.push(twin);
            if !after.is_empty() {
                branches.push(dead(&after));
            }
            (Hir::alternation(branches), alt.clone())
        })
        .collect()
}

/// Parse a pattern the way the `regex` crate does.
fn parse(pattern: &str) -> Option<Hir> {
    regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()
}

/// The twin of `regex` (see [`for_ascii_words`]), or `None` when it would be the
/// same; tests build twins this way, the matcher from its parsed rules.
#[cfg(test)]
fn ascii_twin(regex: &Regex) -> Option<Derived> {
    let twin = for_ascii_words(&parse(regex.as_str())?)?;
    let groups: Vec<Option<String>> = regex.capture_names().map(|n| n.map(String::from)).collect();
    compile_twin(&groups, &twin)
}

/// A regex derived from a rule's (a twin, a piece, a loose filter), compiled
/// from its tree. `regex` has no way to do that, so these use the engine it
/// wraps, configured as `regex` configures it (see `build`); printing the
/// tree and parsing it again cost a third of start-up, and the printer does
/// not always write a tree's meaning.
///
/// Each has one search cache, shared by every thread and locked for one
/// search at a time. `meta::Regex`'s own pool keeps a cache per thread, and
/// the lazy DFA in each builds the same states from the same kind of text: with
/// two workers, the rules' caches took twice the memory and were determinized
/// twice (BENCHMARKS.md, "One cache per regex"). Workers claim the rules of a
/// batch (see `rules::find_with`), so two seldom search one regex at once.
///
/// Searches go through its own methods, which use the shared cache; the
/// regex itself ([`Derived::regex`]) is there for what it tells about its
/// pattern, since its search methods would use its per-thread pool instead.
pub struct Derived {
    regex: meta::Regex,
    /// Boxed: a cache is 1.4 KB before its first search, and a pack of
    /// 1,000 phrase rules has thousands of derived regexes, most never used.
    cache: Mutex<Option<Box<meta::Cache>>>,
}

impl Derived {
    fn new(regex: meta::Regex) -> Derived {
        Derived {
            regex,
            cache: Mutex::new(None),
        }
    }

    /// The compiled regex, for its groups and sizes: searching it directly
    /// would bypass the shared cache.
    pub fn regex(&self) -> &meta::Regex {
        &self.regex
    }

    /// The bytes the regex and its shared cache take.
    pub fn memory_usage(&self) -> usize {
        let slot = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        self.regex.memory_usage() + slot.as_ref().map_or(0, |c| c.memory_usage())
    }

    /// Run `f` with the shared cache, made on first use.
    fn with_cache<R>(&self, f: impl FnOnce(&meta::Regex, &mut meta::Cache) -> R) -> R {
        // A panic inside a search leaves a cache that is still valid to reuse.
        let mut slot = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        let cache = slot.get_or_insert_with(|| Box::new(self.regex.create_cache()));
        f(&self.regex, cache)
    }

    /// Whether the regex matches somewhere in `text`.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.with_cache(|re, cache| re.is_match_with(cache, &Input::new(text)))
    }

    /// Whether the regex matches starting at the first byte of `text`.
    pub(crate) fn is_match_at_start(&self, text: &str) -> bool {
        let input = Input::new(text).anchored(regex_automata::Anchored::Yes);
        self.with_cache(|re, cache| re.is_match_with(cache, &input))
    }

    /// Where each match in `text` starts and ends, as `find_iter` finds them.
    /// The lock is held for one search at a time, never while `f` runs.
    pub(crate) fn each_find(&self, text: &str, mut f: impl FnMut(usize, usize)) {
        let mut it = regex_automata::util::iter::Searcher::new(Input::new(text));
        while let Some(m) =
            self.with_cache(|re, cache| it.advance(|input| Ok(re.search_with(cache, input))))
        {
            f(m.start(), m.end());
        }
    }

    /// The leftmost match in `text` that starts at `at` or later, with its
    /// groups.
    fn captures_from(&self, text: &str, at: usize) -> Option<Captures> {
        let mut caps = self.regex.create_captures();
        self.with_cache(|re, cache| {
            re.search_captures_with(cache, &Input::new(text).span(at..text.len()), &mut caps)
        });
        caps.is_match().then_some(caps)
    }

    /// Each match in `text` with its groups, as `captures_iter` finds them.
    /// The lock is held for one search at a time, never while `f` runs.
    fn each_captures(&self, text: &str, mut f: impl FnMut(&Captures)) {
        let mut caps = self.regex.create_captures();
        let mut it = regex_automata::util::iter::Searcher::new(Input::new(text));
        loop {
            self.with_cache(|re, cache| {
                it.advance(|input| {
                    re.search_captures_with(cache, input, &mut caps);
                    Ok(caps.get_match())
                })
            });
            if !caps.is_match() {
                return;
            }
            f(&caps);
        }
    }
}

/// A copy starts with no cache, as a clone of `meta::Regex` does.
impl Clone for Derived {
    fn clone(&self) -> Derived {
        Derived::new(self.regex.clone())
    }
}

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.regex.fmt(f)
    }
}

/// The groups of one match of a [`Derived`] regex.
pub(crate) type Captures = regex_automata::util::captures::Captures;

/// Compile a twin with the limits of the rules, if it has the same capture
/// groups (`groups`, by number) as the rule's own regex.
fn compile_twin(groups: &[Option<String>], hir: &Hir) -> Option<Derived> {
    let built = build(hir)?;
    // The finding reads capture groups by name and number: they must line up.
    let info = built.regex().group_info();
    let same_groups = info.group_len(PatternID::ZERO) == groups.len()
        && info
            .pattern_names(PatternID::ZERO)
            .eq(groups.iter().map(Option::as_deref));
    same_groups.then_some(built)
}

/// Compile a derived regex as `regex::RegexBuilder` would its pattern, with
/// the limits of the rules (see `compile::build_regex`).
fn build(hir: &Hir) -> Option<Derived> {
    meta::Builder::new()
        .configure(derived_config())
        .build_from_hir(hir)
        .ok()
        .map(Derived::new)
}

/// The configuration of every derived regex (see [`build`]).
fn derived_config() -> meta::Config {
    meta::Config::new()
        .match_kind(regex_automata::MatchKind::LeftmostFirst)
        .utf8_empty(true)
        .nfa_size_limit(Some(crate::rules::compile::REGEX_SIZE_LIMIT))
        .hybrid_cache_capacity(crate::rules::compile::DFA_SIZE_LIMIT)
        // A derived regex searches a unit its rule's literals were already
        // found in, so a prefilter for them would only search again: it was
        // 15 of the 21 KB of a phrase rule's twin. The one-pass DFA (28 of
        // the 63 KB of that rule's own regex) serves captures only of the few
        // one-pass patterns.
        .onepass(false)
        .auto_prefilter(false)
}

/// The regex one unit is searched with: the rule's own, or one derived from
/// it that finds exactly its matches there.
#[derive(Debug, Clone, Copy)]
pub enum Engine<'a> {
    /// The rule's own regex.
    Own(&'a Regex),
    /// A twin, a piece or a loose filter.
    Derived(&'a Derived),
}

impl Engine<'_> {
    /// Whether the regex matches somewhere in `text` (a search that stops at
    /// the first match state, as `shortest_match`).
    pub fn is_match(self, text: &str) -> bool {
        match self {
            Engine::Own(re) => re.is_match(text),
            Engine::Derived(re) => re.is_match(text),
        }
    }

    /// Each match in `text`, as `captures_iter` finds them: `f` gets where
    /// each capture group lies, by number, shifted by `offset` (where `text`
    /// starts in the document). `groups` is scratch space.
    pub fn each_match(
        self,
        text: &str,
        offset: usize,
        groups: &mut Vec<Option<Span>>,
        mut f: impl FnMut(&[Option<Span>]),
    ) {
        let at = |start: usize, end: usize| Span::new(offset + start, offset + end);
        match self {
            Engine::Own(re) => {
                for caps in re.captures_iter(text) {
                    groups.clear();
                    groups.extend(caps.iter().map(|m| m.map(|m| at(m.start(), m.end()))));
                    f(groups);
                }
            }
            Engine::Derived(re) => re.each_captures(text, |caps| {
                spans_of(caps, offset, groups);
                f(groups);
            }),
        }
    }

    /// Whether both are the same compiled regex (for tests of which regex
    /// a unit runs).
    #[cfg(test)]
    fn is(self, other: Engine<'_>) -> bool {
        match (self, other) {
            (Engine::Own(a), Engine::Own(b)) => std::ptr::eq(a, b),
            (Engine::Derived(a), Engine::Derived(b)) => std::ptr::eq(a, b),
            _ => false,
        }
    }
}

/// Where each group of `caps` lies, by number, shifted by `offset`, into
/// `groups` (cleared first).
pub(crate) fn spans_of(caps: &Captures, offset: usize, groups: &mut Vec<Option<Span>>) {
    groups.clear();
    groups.extend(
        caps.iter()
            .map(|s| s.map(|s| Span::new(offset + s.start, offset + s.end))),
    );
}

/// Non-ASCII word characters (Unicode `\w` without ASCII).
fn non_ascii_word() -> Option<&'static ClassUnicode> {
    static CLASS: OnceLock<Option<ClassUnicode>> = OnceLock::new();
    CLASS
        .get_or_init(|| {
            let HirKind::Class(Class::Unicode(word)) = parse(r"\w")?.into_kind() else {
                return None;
            };
            let mut word = word;
            word.difference(&ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7F')]));
            Some(word)
        })
        .as_ref()
}

/// The scripts of a unit's non-ASCII word characters, one bit each for five
/// groups of scripts (see [`Scripts::of`]). A unit is searched by a twin made
/// for the groups it holds (see [`Scripts::twin`]), whose classes keep only
/// ASCII and those groups' word characters: a sentence naming "习近平" needs
/// neither Arabic nor Hindi letters in its automata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scripts(u8);

/// How many sets of [`Scripts`] there are.
const SCRIPT_SETS: usize = 1 << (SCRIPT_RANGES.len() + 1);

/// Which twin [`Scripts::twin`] picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Twin {
    /// The European group alone.
    European,
    /// The European group and one other.
    With(Scripts),
}

/// The code points of the first four groups of scripts, which do not overlap;
/// the fifth is every other word character. Blocks, not the Unicode script
/// property: a group is only what one twin keeps, and a block boundary is
/// cheap to test.
const SCRIPT_RANGES: [&[(char, char)]; 4] = [
    // European: Latin beyond ASCII (Latin-1 letters and ª, µ, º, Extended-A to
    // -E, IPA, phonetic extensions, Extended Additional, the ligatures ﬁ and
    // ﬂ), Greek and Cyrillic with their extensions. "José", "Erdoğan",
    // "Nguyễn", "Τσίπρας", "Зеленський". Also the word characters every
    // script uses, so that they never add a group: combining marks, the
    // zero-width joiner and non-joiner (in every Persian sentence),
    // variation selectors (in emoji).
    &[
        ('\u{80}', '\u{52F}'),
        ('\u{1AB0}', '\u{1AFF}'),
        ('\u{1D00}', '\u{1FFF}'),
        ('\u{200C}', '\u{200D}'),
        ('\u{20D0}', '\u{20FF}'),
        ('\u{2C60}', '\u{2C7F}'),
        ('\u{2DE0}', '\u{2DFF}'),
        ('\u{A640}', '\u{A69F}'),
        ('\u{A720}', '\u{A7FF}'),
        ('\u{AB30}', '\u{AB6F}'),
        ('\u{FB00}', '\u{FB06}'),
        ('\u{FE00}', '\u{FE0F}'),
        ('\u{FE20}', '\u{FE2F}'),
        ('\u{E0100}', '\u{E01EF}'),
    ],
    // West Asian: Armenian, Hebrew, Arabic, Syriac, Thaana, N'Ko and their
    // presentation forms. "عباس", "נתניהו".
    &[
        ('\u{530}', '\u{8FF}'),
        ('\u{FB13}', '\u{FDFF}'),
        ('\u{FE70}', '\u{FEFF}'),
    ],
    // South and South-East Asian, Georgian, Ethiopic and the other blocks up
    // to Mongolian and Balinese. "मोदी", "ทักษิณ".
    &[
        ('\u{900}', '\u{10FF}'),
        ('\u{1200}', '\u{1AAF}'),
        ('\u{1B00}', '\u{1CFF}'),
    ],
    // East Asian: CJK ideographs and radicals, kana, Hangul (syllables and
    // jamo), full-width forms. "习近平", "岸田", "윤석열".
    &[
        ('\u{1100}', '\u{11FF}'),
        ('\u{2E80}', '\u{A4CF}'),
        ('\u{A960}', '\u{A97F}'),
        ('\u{AC00}', '\u{D7FF}'),
        ('\u{F900}', '\u{FAFF}'),
        ('\u{FF00}', '\u{FFEF}'),
        ('\u{20000}', '\u{3FFFF}'),
    ],
];

impl Scripts {
    /// No non-ASCII word character: the ASCII twin applies.
    const NONE: Scripts = Scripts(0);
    /// The first group, the European alphabets.
    const EUROPEAN: Scripts = Scripts(1);
    /// The fifth group: every word character beyond the other four, the long
    /// s and the Kelvin sign.
    const FIFTH: Scripts = Scripts(1 << SCRIPT_RANGES.len());

    /// The group of non-ASCII character `c`. The long s and the Kelvin sign
    /// (see [`ascii_folds`]) count with the fifth group, not their own: as case
    /// folds of `s` and `k` they would otherwise stand beside every `s` and `k`
    /// of every case-insensitive word in a European twin, each a UTF-8 branch
    /// of its own, for letters news text never holds.
    fn of(c: char) -> Scripts {
        let fold = ascii_folds()
            .ranges()
            .iter()
            .any(|r| r.start() <= c && c <= r.end());
        let group = SCRIPT_RANGES
            .iter()
            .position(|ranges| !fold && ranges.iter().any(|&(a, b)| (a..=b).contains(&c)))
            .unwrap_or(SCRIPT_RANGES.len());
        Scripts(1 << group)
    }

    /// Which twin searches a unit holding word characters of these groups;
    /// `None` when the rule's own regex does. The European twin when these
    /// are all European; the twin for the European group and one other when
    /// that is the only group beyond the European here and the fifth group is
    /// not it (its twin is nearly the size of the own regex), if the rule's
    /// twin for such a group is still unmade or made for this one (see
    /// [`FastRule::script_twin`]); else the own regex.
    ///
    /// Each set of twins cost about 25 MB with two threads (its automata,
    /// and then every thread's scratch space for them). Measured on 300 articles
    /// with words of many scripts in nearly every sentence: one set for every
    /// group took 432 MB, one for every combination of groups 1.4 GB, against
    /// 310 MB with the European twins and the own regexes alone; one group
    /// besides the European takes 267–275 MB there, and keeps archives with
    /// names in one such script (Chinese, Arabic) at 80–96 MB.
    fn twin(self) -> Option<Twin> {
        let beyond = Scripts(self.0 & !Scripts::EUROPEAN.0);
        if beyond == Scripts::NONE {
            Some(Twin::European)
        } else if beyond.0.count_ones() == 1 && beyond != Scripts::FIFTH {
            Some(Twin::With(beyond.union(Scripts::EUROPEAN)))
        } else {
            None
        }
    }

    /// Both sets of groups together.
    fn union(self, other: Scripts) -> Scripts {
        Scripts(self.0 | other.0)
    }

    /// Whether non-ASCII character `c` belongs to one of these groups.
    fn holds(self, c: char) -> bool {
        self.0 & Scripts::of(c).0 != 0
    }

    /// The non-ASCII word characters outside these groups, which a twin for
    /// them leaves out of its classes.
    fn cut(self) -> Option<&'static ClassUnicode> {
        static CUTS: [OnceLock<Option<ClassUnicode>>; SCRIPT_SETS] =
            [const { OnceLock::new() }; SCRIPT_SETS];
        CUTS[usize::from(self.0)]
            .get_or_init(|| {
                let ranges = |inside: bool| {
                    let picked = (0..SCRIPT_RANGES.len())
                        .filter(|&g| (self.0 >> g) & 1 == u8::from(inside))
                        .flat_map(|g| SCRIPT_RANGES[g])
                        .map(|&(a, b)| ClassUnicodeRange::new(a, b));
                    ClassUnicode::new(picked)
                };
                // The fifth group is defined by what the others leave.
                let mut kept = if self.0 & Scripts::FIFTH.0 != 0 {
                    let mut rest = ranges(false);
                    rest.negate();
                    rest.union(ascii_folds());
                    rest
                } else {
                    let mut chosen = ranges(true);
                    chosen.difference(ascii_folds());
                    chosen
                };
                kept.union(&ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7F')]));
                let mut cut = non_ascii_word()?.clone();
                cut.difference(&kept);
                Some(cut)
            })
            .as_ref()
    }
}

/// `class` without the non-ASCII word characters, when that is a simpler class
/// (fewer ranges); a negated class such as `[^,;]` only grows by the cut.
fn narrow_class(class: &ClassUnicode) -> Option<ClassUnicode> {
    narrow_class_by(class, non_ascii_word()?, &|_| false)
}

/// `class` without the word characters of `cut`, which are the non-ASCII word
/// characters for which `keep` is false; `None` unless that is a simpler class.
fn narrow_class_by(
    class: &ClassUnicode,
    cut: &ClassUnicode,
    keep: &dyn Fn(char) -> bool,
) -> Option<ClassUnicode> {
    let non_ascii = || class.ranges().iter().filter(|r| !r.end().is_ascii());
    let size: u32 = non_ascii()
        .map(|r| u32::from(r.end()) - u32::from(r.start()) + 1)
        .sum();
    // A negated class ([^,;]) runs to the last code point; cutting the word
    // characters out of it only adds ranges, so do not spend start-up time on it.
    if size == 0 || class.ranges().last().is_some_and(|r| r.end() == char::MAX) {
        return None;
    }
    // Most classes are case folds ([Ssſ]): checking their few non-ASCII
    // characters one by one is much cheaper than a difference with the ~700
    // ranges of the word class, and start-up runs this for every class.
    if size <= 64 {
        let word = |c: char| regex_syntax::is_word_character(c) && !keep(c);
        // A range may start in ASCII ([z-\x{80}]): only its non-ASCII part is cut.
        let drop: Vec<ClassUnicodeRange> = non_ascii()
            .flat_map(|r| r.start().max('\u{80}')..=r.end())
            .filter(|&c| word(c))
            .map(|c| ClassUnicodeRange::new(c, c))
            .collect();
        if drop.is_empty() {
            return None;
        }
        let mut narrowed = class.clone();
        narrowed.difference(&ClassUnicode::new(drop));
        return Some(narrowed);
    }
    let mut narrowed = class.clone();
    narrowed.difference(cut);
    (narrowed != *class && narrowed.ranges().len() <= class.ranges().len()).then_some(narrowed)
}

/// `h` for units without non-ASCII word characters (the ASCII twin's pattern),
/// or `None` when that is `h` itself; unchanged parts are not copied, which
/// matters for start-up with large lexicons.
///
/// Two changes, both exact on such units. Every Unicode word boundary becomes
/// ASCII (see the module docs). And every Unicode class drops the non-ASCII word
/// characters, which such a unit cannot hold: `\p{L}` becomes `[A-Za-z]`, the
/// case folds of `(?i)s` become `[Ss]`. A class like `\p{L}` is hundreds of
/// UTF-8 byte ranges, compiled anew wherever it appears; without them the
/// twin's automata are a fraction of the size, build faster, and need fewer
/// lazy-DFA states and less scratch memory in their cache.
fn for_ascii_words(h: &Hir) -> Option<Hir> {
    rewrite(h, &mut narrow_class, &|look| {
        let ascii = match look {
            Look::WordUnicode => Look::WordAscii,
            Look::WordUnicodeNegate => Look::WordAsciiNegate,
            Look::WordStartUnicode => Look::WordStartAscii,
            Look::WordEndUnicode => Look::WordEndAscii,
            Look::WordStartHalfUnicode => Look::WordStartHalfAscii,
            Look::WordEndHalfUnicode => Look::WordEndHalfAscii,
            _ => return None,
        };
        Some(Hir::look(ascii))
    })
}

/// `h` for units whose non-ASCII word characters all belong to `scripts` (the
/// script twin's pattern), or `None` when that is `h` itself. Exact on such
/// units, as the ASCII twin is on its own: every Unicode class drops the word
/// characters such a unit cannot hold, and the word boundaries stay Unicode.
/// The lazy DFA still cannot run it beside a non-ASCII letter, but its
/// automata, and the slower engines' scratch memory, are smaller
/// than the own regex's (`\p{L}` alone is hundreds of byte ranges): over the
/// built-in rules 78k NFA states for the European twins and 84–94k with
/// West, South or East Asian letters too, against 148k (122k with the fifth
/// group, which is why it gets no twin).
fn for_scripts(h: &Hir, scripts: Scripts) -> Option<Hir> {
    let cut = scripts.cut()?;
    rewrite(
        h,
        &mut |c| narrow_class_by(c, cut, &|c| scripts.holds(c)),
        &|_| None,
    )
}

/// A looser `h` for rejecting candidate units with non-ASCII word characters
/// on the fast lazy DFA, or `None` when `h` itself runs there. It matches
/// wherever `h` (or any of its script twins) does: its Unicode word
/// boundaries are dropped (a boundary only ever rules a match out), and every
/// class with non-ASCII characters other than the case folds of `s` and `k`
/// matches every non-ASCII character instead. A unit's script twin would hold
/// a boundary the lazy DFA cannot evaluate beside a non-ASCII letter, and its
/// own letters; one loose regex serves every script, and its automata stay
/// small: "any non-ASCII character" is a handful of UTF-8 byte ranges, where
/// `\p{L}` is hundreds. A class such as `(?i)s` (`[Ssſ]`) stays as it is:
/// widened, it would put those byte ranges beside every `s` of every
/// case-insensitive word.
fn loose_filter(h: &Hir) -> Option<Hir> {
    let any = ClassUnicode::new([ClassUnicodeRange::new('\u{80}', char::MAX)]);
    let loosen = |c: &ClassUnicode| {
        let base = cut_folds(c);
        let base = base.as_ref().unwrap_or(c);
        let wide = base.ranges().last().is_some_and(|r| !r.end().is_ascii())
            && !base
                .ranges()
                .iter()
                .any(|r| r.start() <= '\u{80}' && r.end() == char::MAX);
        if !wide {
            return None;
        }
        let mut wide = c.clone();
        wide.union(&any);
        Some(wide)
    };
    rewrite(h, &mut |c| loosen(c), &|look| match look {
        Look::WordUnicode
        | Look::WordUnicodeNegate
        | Look::WordStartUnicode
        | Look::WordEndUnicode
        | Look::WordStartHalfUnicode
        | Look::WordEndHalfUnicode => Some(Hir::empty()),
        _ => None,
    })
    .map(|h| unbounded(&h))
}

/// The loose filter of a rule's pattern `h` (see [`loose_filter`]), one
/// regex per top-level alternative of `h` when it is an alternation, in the
/// order of its [`Piece`]s (see [`split`]); `None` when `h` runs on the lazy
/// DFA as it is, or a part does not compile. Each alternative is loosened
/// on its own: loosening the whole would rebuild the alternation, which
/// may merge or flatten alternatives and lose that order.
fn loose_filters(h: &Hir) -> Option<Vec<Verdict>> {
    let HirKind::Alternation(alternatives) = h.kind() else {
        return Some(vec![Verdict::build(&loose_filter(h)?)?]);
    };
    let loosened: Vec<Option<Hir>> = alternatives.iter().map(loose_filter).collect();
    // Nothing to loosen: as `loose_filter` of the whole says.
    if loosened.iter().all(Option::is_none) {
        return None;
    }
    loosened
        .into_iter()
        .zip(alternatives)
        .map(|(loose, alt)| Verdict::build(loose.as_ref().unwrap_or(alt)))
        .collect()
}

/// The ASCII twin of a rule's condition (see [`for_ascii_words`]), for text
/// without non-ASCII word characters, to find where it matches; `None` where
/// it would be the pattern itself or does not compile.
pub(crate) fn condition_twin(pattern: &str) -> Option<Derived> {
    build_filter(&for_ascii_words(&parse(pattern)?)?)
}

/// The same twin as [`condition_twin`], for a yes or no (see [`Verdict`]):
/// the pattern itself where the twin would be the same (a pattern without
/// Unicode classes or boundaries), which is exact on such text as well.
pub(crate) fn condition_verdict(pattern: &str) -> Option<Verdict> {
    let hir = parse(pattern)?;
    Verdict::build(&for_ascii_words(&hir).unwrap_or(hir))
}

/// A regex that only says whether it matches: one forward lazy DFA, with one
/// cache shared by the workers.
///
/// A `meta::Regex` also builds a reverse NFA and its lazy DFA (to find where
/// a match starts) and keeps PikeVM scratch sized by the NFA in every cache:
/// for a condition, which only needs a yes or no, that was about half of
/// its memory.
pub struct Verdict {
    dfa: regex_automata::hybrid::dfa::DFA,
    cache: Mutex<Option<Box<regex_automata::hybrid::dfa::Cache>>>,
}

impl Verdict {
    /// Compile `hir` with the limits of the rules; `None` if it does not
    /// compile.
    fn build(hir: &Hir) -> Option<Verdict> {
        use regex_automata::{hybrid::dfa, nfa::thompson};
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .which_captures(WhichCaptures::None)
                    .nfa_size_limit(Some(crate::rules::compile::REGEX_SIZE_LIMIT)),
            )
            .build_from_hir(hir)
            .ok()?;
        // As `meta` configures its lazy DFA: a DFA that keeps clearing its
        // cache gives up (the caller then asks a `meta::Regex`), and a
        // Unicode word boundary beside a non-ASCII byte stops it.
        let config = dfa::Config::new()
            .match_kind(regex_automata::MatchKind::LeftmostFirst)
            .unicode_word_boundary(true)
            .cache_capacity(crate::rules::compile::DFA_SIZE_LIMIT)
            .minimum_cache_clear_count(Some(3))
            .minimum_bytes_per_state(Some(10));
        let dfa = dfa::Builder::new()
            .configure(config)
            .build_from_nfa(nfa)
            .ok()?;
        Some(Verdict {
            dfa,
            cache: Mutex::new(None),
        })
    }

    /// Whether the regex matches in `input` (stopping at the first match
    /// state); `None` where the lazy DFA cannot tell (it gave up, or met a
    /// byte it cannot search past).
    pub(crate) fn is_match(&self, input: &Input) -> Option<bool> {
        let mut slot = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        let cache = slot.get_or_insert_with(|| Box::new(self.dfa.create_cache()));
        let input = input.clone().earliest(true);
        self.dfa
            .try_search_fwd(cache, &input)
            .ok()
            .map(|m| m.is_some())
    }

    /// Whether the regex may match in `text`: `false` only where it does
    /// not (a filter whose lazy DFA cannot tell lets the unit through).
    pub(crate) fn may_match(&self, text: &str) -> bool {
        self.is_match(&Input::new(text)).unwrap_or(true)
    }

    /// Whether the automaton has capture states (a verdict needs none).
    #[cfg(test)]
    fn has_captures(&self) -> bool {
        self.dfa.get_nfa().has_capture()
    }

    /// The bytes the automaton and its cache take.
    pub fn memory_usage(&self) -> usize {
        let slot = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        self.dfa.get_nfa().memory_usage() + slot.as_ref().map_or(0, |c| c.memory_usage())
    }
}

/// A copy starts with no cache, as a copy of a [`Derived`] does.
impl Clone for Verdict {
    fn clone(&self) -> Verdict {
        Verdict {
            dfa: self.dfa.clone(),
            cache: Mutex::new(None),
        }
    }
}

impl std::fmt::Debug for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verdict").finish_non_exhaustive()
    }
}

/// A rule's condition, for any text: compiled as the rules' derived regexes
/// are, without capture groups (a condition reads only where it matches).
/// An alternation of thousands of plain literals is over the size limit as
/// an automaton, where `regex` would search it with Aho-Corasick: such a
/// pattern is compiled as `regex` compiles it, with its literal prefilter.
pub(crate) fn condition_regex(pattern: &str) -> Result<Derived, String> {
    if let Some(built) = parse(pattern).and_then(|h| build_filter(&h)) {
        return Ok(built);
    }
    let config = derived_config()
        .auto_prefilter(true)
        .which_captures(WhichCaptures::Implicit);
    meta::Builder::new()
        .configure(config)
        .build(pattern)
        .map(Derived::new)
        .map_err(|e| e.to_string())
}

/// Compile a filter: as [`build`], but without capture groups, which a
/// search that only says yes or no never reads (they cost automaton states
/// and a slot per state in each cache).
fn build_filter(hir: &Hir) -> Option<Derived> {
    meta::Builder::new()
        .configure(derived_config().which_captures(WhichCaptures::Implicit))
        .build_from_hir(hir)
        .ok()
        .map(Derived::new)
}

/// `h` with every counted repetition left open above: `(?:{aux}\s+){0,2}`
/// compiles its lexicon twice, `(?:{aux}\s+)*` once. A filter may accept
/// more than the rule; the rule's own regex then decides.
fn unbounded(h: &Hir) -> Hir {
    match h.kind() {
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            min: r.min,
            max: r.max.filter(|&m| m <= 1),
            greedy: r.greedy,
            sub: Box::new(unbounded(&r.sub)),
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            index: c.index,
            name: c.name.clone(),
            sub: Box::new(unbounded(&c.sub)),
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(unbounded).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(unbounded).collect()),
        _ => h.clone(),
    }
}

/// `h` with every Unicode class replaced by `class(it)` and every look-around
/// assertion by `look(it)` where those are `Some`; `None` when nothing changed.
fn rewrite(
    h: &Hir,
    class: &mut dyn FnMut(&ClassUnicode) -> Option<ClassUnicode>,
    look: &dyn Fn(Look) -> Option<Hir>,
) -> Option<Hir> {
    match h.kind() {
        HirKind::Class(Class::Unicode(c)) => class(c).map(|c| Hir::class(Class::Unicode(c))),
        HirKind::Look(l) => look(*l),
        HirKind::Repetition(r) => {
            let sub = rewrite(&r.sub, class, look)?;
            Some(Hir::repetition(Repetition {
                min: r.min,
                max: r.max,
                greedy: r.greedy,
                sub: Box::new(sub),
            }))
        }
        HirKind::Capture(c) => {
            let sub = rewrite(&c.sub, class, look)?;
            Some(Hir::capture(Capture {
                index: c.index,
                name: c.name.clone(),
                sub: Box::new(sub),
            }))
        }
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            let changed: Vec<Option<Hir>> = subs.iter().map(|s| rewrite(s, class, look)).collect();
            if changed.iter().all(Option::is_none) {
                return None;
            }
            let subs: Vec<Hir> = changed
                .into_iter()
                .zip(subs)
                .map(|(c, s)| c.unwrap_or_else(|| s.clone()))
                .collect();
            Some(if matches!(h.kind(), HirKind::Concat(_)) {
                Hir::concat(subs)
            } else {
                Hir::alternation(subs)
            })
        }
        _ => None,
    }
}

/// The non-ASCII characters that case-insensitive ASCII letters also match:
/// the long s (`(?i)s`) and the Kelvin sign (`(?i)k`).
fn ascii_folds() -> &'static ClassUnicode {
    static CLASS: OnceLock<ClassUnicode> = OnceLock::new();
    CLASS.get_or_init(|| {
        let Some(HirKind::Class(Class::Unicode(mut folds))) =
            parse("(?i)[a-zA-Z]").map(Hir::into_kind)
        else {
            return ClassUnicode::empty();
        };
        folds.difference(&ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7F')]));
        folds
    })
}

/// `class` without [`ascii_folds`], if it has any.
fn cut_folds(class: &ClassUnicode) -> Option<ClassUnicode> {
    let mut cut = class.clone();
    cut.difference(ascii_folds());
    (cut != *class).then_some(cut)
}

/// The pattern as the literal analysis reads it (see [`required_literal_sets`]),
/// and the characters that reading leaves out of a class small enough to yield
/// literals: a unit holding one of those may hold a match without a literal.
fn literal_view(h: &Hir) -> (Option<Hir>, ClassUnicode) {
    let mut blind = ClassUnicode::empty();
    let view = rewrite(
        h,
        &mut |class| {
            let cut = cut_folds(class)?;
            if class_strings(&Class::Unicode(cut.clone())).is_some() {
                let mut gone = class.clone();
                gone.difference(&cut);
                blind.union(&gone);
            }
            Some(cut)
        },
        &|_| None,
    );
    (view, blind)
}

/// What the analysis knows about the strings a piece of pattern can match.
#[derive(Debug, Clone, Default)]
struct Lits {
    /// Every string it can match (ASCII lowercased), when there are few.
    exact: Option<Set>,
    /// Sets of strings, each of which has one string in every match: a match
    /// of `"(?:senior|former) officials said"` contains "officials said" and
    /// one of "senior", "former".
    required: Vec<Set>,
}

/// Sets of strings such that every match of `pattern` contains one string of
/// each set (compared ASCII case-insensitively), unless the match holds the long
/// s or the Kelvin sign; the most selective first, and empty when no useful set
/// exists.
///
/// The literals come from the pattern without those two case folds (`(?i)s`
/// also matches the long s "ſ", `(?i)k` the Kelvin sign), whose spellings would
/// multiply the set ("assessment" alone has 16) and push broad rules past the
/// set's size limit; the rare unit holding one is searched by every rule.
/// Letters a pattern spells out (`communiqu[eé]`) stay in the literals.
///
/// Several sets make a much finer filter than the best one alone: most news
/// sentences hold a speech verb, far fewer hold one *and* "officials".
pub fn required_literal_sets(pattern: &str) -> Vec<Set> {
    let Some(hir) = parse(pattern) else {
        return Vec::new();
    };
    literal_sets(&literal_view(&hir).0.unwrap_or(hir))
}

/// [`required_literal_sets`] of a parsed (and narrowed) pattern.
fn literal_sets(hir: &Hir) -> Vec<Set> {
    let lits = analyze(hir);
    let mut sets: Vec<Set> = lits.required;
    sets.extend(nonempty(lits.exact));
    sets.retain(|s| shortest(s) >= MIN_LITERAL);
    sets.sort_by_key(|s| std::cmp::Reverse(selectivity(s)));
    sets.dedup();
    // A set whose every string contains a string of a kept set says nothing more
    // ("declined to comment" after "declined"); the reverse does, so the more
    // selective sets go first and the weaker are dropped.
    let mut kept: Vec<Set> = Vec::new();
    for set in sets {
        let implied = kept.iter().any(|k| {
            k.iter()
                .all(|long| set.iter().any(|short| contains(long, short)))
        });
        if !implied && kept.len() < MAX_SETS {
            kept.push(set);
        }
    }
    kept
}

/// Whether `hay` contains `needle`.
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

fn shortest(set: &Set) -> usize {
    set.iter().map(Vec::len).min().unwrap_or(0)
}

/// How well a set filters: long enough to filter at all, then no word
/// nearly every sentence has, then longer shortest literal, then fewer
/// strings.
fn selectivity(set: &Set) -> (bool, bool, usize, usize) {
    (
        shortest(set) >= MIN_LITERAL,
        !set.iter().any(|l| is_common(l)),
        shortest(set),
        usize::MAX - set.len(),
    )
}

/// Whether `literal` is one of the words that nearly every news sentence
/// holds ("the", "and", "with"…), spaces around it aside. As long as
/// another literal of a rule, however short, serves, it filters better:
/// `named-according-to`'s "as per the" chose "the" over "per", and its
/// piece then searched 77 % of all sentences.
fn is_common(literal: &[u8]) -> bool {
    const COMMON: &[&[u8]] = &[
        b"the", b"and", b"that", b"for", b"with", b"was", b"were", b"from", b"his", b"her", b"has",
        b"have", b"had", b"not", b"are", b"this", b"its", b"but", b"who", b"they", b"their",
        b"which", b"been", b"will", b"would", b"also", b"into", b"about", b"after", b"than",
        b"more", b"one", b"two", b"she", b"him", b"all", b"out", b"new", b"when", b"there",
        b"other", b"some", b"what", b"over",
    ];
    COMMON.contains(&literal.trim_ascii())
}

/// A set usable as required literals: it holds no empty string.
fn nonempty(set: Option<Set>) -> Option<Set> {
    set.filter(|s| !s.is_empty() && s.iter().all(|l| !l.is_empty()))
}

/// The more selective of two literal sets.
fn best_of(a: Option<Set>, b: Option<Set>) -> Option<Set> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if selectivity(&b) > selectivity(&a) {
            b
        } else {
            a
        }),
        (a, b) => a.or(b),
    }
}

/// The most selective set of a piece, for an alternation, which can keep only
/// one set per branch.
fn best(lits: Lits) -> Option<Set> {
    lits.required
        .into_iter()
        .map(Some)
        .fold(nonempty(lits.exact), best_of)
}

fn single(bytes: &[u8]) -> Set {
    std::iter::once(bytes.to_ascii_lowercase()).collect()
}

fn analyze(h: &Hir) -> Lits {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Lits {
            exact: Some(single(b"")),
            required: Vec::new(),
        },
        HirKind::Literal(lit) => {
            let exact = Some(single(&lit.0));
            Lits {
                required: nonempty(exact.clone()).into_iter().collect(),
                exact,
            }
        }
        HirKind::Class(class) => {
            let exact = class_strings(class);
            Lits {
                required: nonempty(exact.clone()).into_iter().collect(),
                exact,
            }
        }
        HirKind::Capture(c) => analyze(&c.sub),
        HirKind::Repetition(r) => {
            let sub = analyze(&r.sub);
            match (r.min, r.max) {
                (1, Some(1)) => sub,
                (0, Some(1)) => Lits {
                    exact: sub.exact.map(|mut e| {
                        e.insert(Vec::new());
                        e
                    }),
                    required: Vec::new(),
                },
                (0, _) => Lits::default(),
                _ => Lits {
                    exact: None,
                    required: sub
                        .required
                        .into_iter()
                        .chain(nonempty(sub.exact))
                        .collect(),
                },
            }
        }
        HirKind::Concat(subs) => {
            // Runs of pieces with few exact strings multiply out ("declined" +
            // " to comment"); every other piece adds its own required sets.
            let mut run: Option<Set> = Some(single(b""));
            let mut whole = true;
            let mut required: Vec<Set> = Vec::new();
            for sub in subs {
                let l = analyze(sub);
                match (&run, &l.exact) {
                    (Some(r), Some(e)) if r.len() * e.len() <= MAX_SET => {
                        let mut next = BTreeSet::new();
                        for a in r {
                            for b in e {
                                let mut s = a.clone();
                                s.extend_from_slice(b);
                                next.insert(s);
                            }
                        }
                        run = Some(next);
                    }
                    _ => {
                        whole = false;
                        required.extend(nonempty(run.take()));
                        required.extend(l.required);
                        // A too-large product starts a new run at this piece.
                        run = l.exact.or_else(|| Some(single(b"")));
                    }
                }
            }
            required.extend(nonempty(run.clone()));
            Lits {
                exact: if whole { run } else { None },
                required,
            }
        }
        HirKind::Alternation(subs) => {
            let all: Vec<Lits> = subs.iter().map(analyze).collect();
            let exact = union(all.iter().map(|l| l.exact.clone()));
            let required = union(all.into_iter().map(best));
            Lits {
                exact,
                required: required.into_iter().collect(),
            }
        }
    }
}

/// The union of sets, if every one is known and the result stays small.
fn union(sets: impl Iterator<Item = Option<Set>>) -> Option<Set> {
    let mut out = BTreeSet::new();
    for s in sets {
        out.extend(s?);
        if out.len() > MAX_SET {
            return None;
        }
    }
    Some(out)
}

/// The strings a small class matches (`[Ss]` → "s"; case-insensitive `k` also
/// yields the Kelvin sign), or `None` for a broad class.
fn class_strings(class: &Class) -> Option<Set> {
    let mut out = BTreeSet::new();
    match class {
        Class::Unicode(c) => {
            let size: u32 = c
                .ranges()
                .iter()
                .map(|r| u32::from(r.end()) - u32::from(r.start()) + 1)
                .sum();
            if size > MAX_CLASS {
                return None;
            }
            for r in c.ranges() {
                for ch in r.start()..=r.end() {
                    let mut buf = [0u8; 4];
                    out.insert(ch.encode_utf8(&mut buf).as_bytes().to_ascii_lowercase());
                }
            }
        }
        Class::Bytes(c) => {
            let size: u32 = c
                .ranges()
                .iter()
                .map(|r| u32::from(r.end()) - u32::from(r.start()) + 1)
                .sum();
            if size > MAX_CLASS {
                return None;
            }
            for r in c.ranges() {
                for b in r.start()..=r.end() {
                    out.insert(vec![b.to_ascii_lowercase()]);
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The literal sets of `p`, each as sorted strings.
    fn sets(p: &str) -> Vec<Vec<String>> {
        required_literal_sets(p)
            .into_iter()
            .map(|set| {
                set.into_iter()
                    .map(|l| String::from_utf8(l).unwrap())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn literals_come_from_the_pattern() {
        assert_eq!(sets(r"\b(?:said|told)\b"), [["said", "told"]]);
        // Case-insensitive patterns drop the non-ASCII folds of s and k: a unit
        // that holds "ſaid" has a non-ASCII letter and is searched regardless.
        assert_eq!(sets(r"(?i)\bsaid\b"), [["said"]]);
        assert_eq!(sets(r"(?i)\bsenſitive\b"), [["sensitive"]]);
        // A run of exact pieces multiplies out; a piece it implies adds nothing.
        assert_eq!(
            sets(r"[A-Z]\w+ (?:declined|refused) to comment"),
            [[" declined to comment", " refused to comment"]]
        );
        // Optional and unbounded pieces require nothing.
        assert!(sets(r"(?:said)?\w+").is_empty());
        assert!(sets(r"(?:ab|said)").is_empty(), "too short to help");
    }

    #[test]
    fn words_every_sentence_has_are_chosen_last() {
        // An alternation keeps one set per branch. For "according to the …"
        // or "as per the …", "the" (one string of three letters) would rank
        // above "according" or "per" (two strings); it is in nearly every
        // sentence, so the two go first.
        assert_eq!(
            sets(r"(?i)(?:according\s+to|as\s+per)\s+the\s+\w+|officials\s+said"),
            [["ccording", "officials", "per"]]
        );
        // Where a branch has nothing else, a common word still filters.
        assert_eq!(
            sets(r"(?i)\bthe\s+\w+|officials\s+said"),
            [["officials", "the"]]
        );
    }

    #[test]
    fn every_required_piece_adds_a_set() {
        // Both the source and the verb must occur; the broad piece between them
        // breaks the run, so each is its own set, the more selective first.
        assert_eq!(
            sets(r"(?i)\b(?:senior|former)\s+officials\b[^.]{0,40}\s(?:said|told)\b"),
            vec![
                vec!["officials"],
                vec!["former", "senior"],
                vec!["said", "told"],
            ]
        );
        // An alternation keeps one set per branch: the union of their best.
        assert_eq!(
            sets(r"(?:officials\s+said|diplomats\s+\w+\s+told)"),
            [["diplomats", "officials"]]
        );
        // Nested repetitions keep what their piece requires.
        assert_eq!(sets(r"(?:officials\s+said\s*)+"), [["officials"], ["said"]]);
    }

    fn blind_spots(p: &str) -> ClassUnicode {
        literal_view(&parse(p).unwrap()).1
    }

    fn holds(class: &ClassUnicode, c: char) -> bool {
        class
            .ranges()
            .iter()
            .any(|r| r.start() <= c && c <= r.end())
    }

    #[test]
    fn literals_are_blind_only_to_the_long_s_and_the_kelvin_sign() {
        // (?i)s is [Ssſ]: the literal "said" misses "ſaid".
        let folds = blind_spots(r"(?i)\bsaid\b");
        assert!(holds(&folds, 'ſ') && !holds(&folds, 'é'), "{folds:?}");
        assert_eq!(sets(r"(?i)\bsaid\b"), [["said"]]);
        // Letters the pattern spells out stay in its literals.
        assert!(blind_spots(r"caf[eé]").ranges().is_empty());
        assert_eq!(sets(r"caf[eé]"), [["cafe", "café"]]);
        // Broad classes yield no literals: what is cut from them (the Kelvin
        // sign from `(?i)\w`) is no blind spot.
        let said = blind_spots(r"(?i)\w+\s+said");
        assert!(holds(&said, 'ſ') && !holds(&said, '\u{212A}'), "{said:?}");
        assert!(blind_spots(r"\w+\s+told").ranges().is_empty());
        // The built-in packs: accented names ("José", "Zoë") do not switch the
        // prefilter off, the long s and the Kelvin sign do.
        let auditor = crate::Auditor::builtin().unwrap();
        let m = Matcher::new(&auditor.rules.rules);
        for c in ['ſ', '\u{212A}'] {
            assert!(holds(&m.blind, c), "{c}");
        }
        for c in ['é', 'ë', 'á', 'ñ', 'ü', 'ç', 'ğ', 'ł'] {
            assert!(!holds(&m.blind, c), "{c}");
        }
    }

    #[test]
    fn hits_are_grouped_by_slot_and_sorted_by_start() {
        let sp = |a: u32| Hit {
            start: a,
            end: a + 3,
        };
        let hits = Hits::new(
            vec![(2, sp(9)), (0, sp(5)), (2, sp(1)), (0, sp(6)), (3, sp(2))],
            4,
        );
        assert_eq!(hits.slot(0), [sp(5), sp(6)]);
        assert!(hits.slot(1).is_empty());
        assert_eq!(hits.slot(2), [sp(1), sp(9)]);
        assert_eq!(hits.slot(3), [sp(2)]);
        assert!(hits.slot(4).is_empty());
        assert!(Hits::new(Vec::new(), 0).slot(0).is_empty());
    }

    /// A scan grouped by sentences chooses, for sentences, paragraphs and the
    /// whole text, exactly the candidates and pieces a scan that keeps every
    /// literal's span does; a unit that cuts through a sentence stays a
    /// candidate.
    #[test]
    fn literals_remembered_by_sentence_choose_the_same_units() {
        let auditor = crate::Auditor::builtin().unwrap();
        let rules = &auditor.rules.rules;
        let m = Matcher::new(rules);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let mut texts: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        texts.sort();
        assert!(texts.len() >= 10);
        let (mut filtered, mut halves_kept) = (0, 0);
        for text in &texts {
            let seg = crate::text::segment(text);
            let sentences: Vec<Span> = seg.sentences.iter().map(|s| s.span).collect();
            let grouped = m.scan(text, &sentences);
            let spans = m.scan(text, &[]);
            let whole = [Span::new(0, text.len())];
            for (i, rule) in rules.iter().enumerate() {
                for units in [&sentences[..], &seg.paragraphs, &whole] {
                    let a: Vec<Span> = grouped.candidates(i, units).collect();
                    let b: Vec<Span> = spans.candidates(i, units).collect();
                    assert_eq!(a, b, "rule {}", rule.id);
                    filtered += units.len() - a.len();
                }
                for &unit in &sentences {
                    let (mut a, mut b) = (Vec::new(), Vec::new());
                    let kept = grouped.pieces(i, unit, &mut a).map(|_| a.len());
                    assert_eq!(kept, spans.pieces(i, unit, &mut b).map(|_| b.len()));
                    for (x, y) in a.iter().zip(&b) {
                        assert!(std::ptr::eq(*x, *y), "rule {}", rule.id);
                    }
                }
                // The first half of each sentence: bits cannot say which half
                // a literal was in.
                let halves: Vec<Span> = sentences
                    .iter()
                    .map(|s| Span::new(s.start, s.start + (s.end - s.start) / 2))
                    .collect();
                let exact: Vec<Span> = spans.candidates(i, &halves).collect();
                let kept: Vec<Span> = grouped.candidates(i, &halves).collect();
                assert!(exact.iter().all(|u| kept.contains(u)));
                halves_kept += kept.len() - exact.len();
            }
        }
        // The literals do filter, and cut units are searched.
        assert!(filtered > 1000, "{filtered}");
        assert!(halves_kept > 0);
    }

    /// Past its limit of bits a scan keeps the literals' spans, and chooses
    /// the same units.
    #[test]
    fn too_many_bits_keep_the_spans() {
        let auditor = crate::Auditor::builtin().unwrap();
        let rules = &auditor.rules.rules;
        let m = Matcher::new(rules);
        let text = "The weather was fine. Officials said so. He declined to comment.";
        let seg = crate::text::segment(text);
        let sentences: Vec<Span> = seg.sentences.iter().map(|s| s.span).collect();
        let small = m.scan_within(text, &sentences, 8);
        assert!(small.bits.is_empty() && !small.outside.hits.is_empty());
        let full = m.scan(text, &sentences);
        assert!(!full.bits.is_empty() && full.outside.hits.is_empty());
        for i in 0..rules.len() {
            let a: Vec<Span> = small.candidates(i, &sentences).collect();
            let b: Vec<Span> = full.candidates(i, &sentences).collect();
            assert_eq!(a, b);
        }
    }

    /// A text too long for 32-bit hits records none, and every unit is then
    /// a candidate for every rule rather than for none.
    #[test]
    fn an_unfiltered_scan_searches_every_unit() {
        let auditor = crate::Auditor::builtin().unwrap();
        let rules = &auditor.rules.rules;
        let m = Matcher::new(rules);
        let text = "The weather was fine. Officials said so.";
        let units = [Span::new(0, 21), Span::new(22, text.len())];
        let count = |scan: &Scan, i: usize| scan.candidates(i, &units).count();
        let filtered = m.scan(text, &units);
        assert!((0..rules.len()).any(|i| count(&filtered, i) < units.len()));
        let mut unfiltered = m.scan(text, &units);
        unfiltered.unfiltered = true;
        assert!((0..rules.len()).all(|i| count(&unfiltered, i) == units.len()));
    }

    #[test]
    fn the_matcher_compiles_every_twin_and_piece() {
        let auditor = crate::Auditor::builtin().unwrap();
        let rules = &auditor.rules.rules;
        let m = Matcher::new(rules);
        let with_twin = m
            .rules
            .iter()
            .filter(|f| f.ascii.get().is_some_and(Option::is_some) || !f.pieces.is_empty())
            .count();
        assert!(with_twin * 2 > rules.len(), "most rules have a twin");
        for (f, r) in m.rules.iter().zip(rules) {
            let hir = parse(&r.pattern_compiled).unwrap();
            if f.pieces.is_empty() {
                // Compiled with the matcher, when the rule has a twin at all.
                assert_eq!(
                    f.ascii.get().map(Option::is_some),
                    Some(for_ascii_words(&hir).is_some()),
                    "{}",
                    r.id
                );
            } else {
                // A rule searched in pieces needs only its pieces.
                assert!(f.ascii.get().is_none(), "{}", r.id);
            }
        }
    }

    #[test]
    fn the_large_alternations_are_searched_in_pieces() {
        let auditor = crate::Auditor::builtin().unwrap();
        let rules = &auditor.rules.rules;
        let m = Matcher::new(rules);
        let pieces = |id: &str| {
            let i = rules.iter().position(|r| r.id == id).unwrap();
            m.rules[i].pieces.len()
        };
        assert!(pieces("document-says") > 10);
        assert!(pieces("other-outlet") > 3);
        // Every piece has literals of its own to run on.
        for (f, r) in m.rules.iter().zip(rules) {
            for p in &f.pieces {
                assert!(p.prefiltered, "{}", r.id);
            }
        }
    }

    #[test]
    fn derived_patterns_are_used_only_when_they_mean_what_they_derive_from() {
        // regex-syntax prints `(?:c+)?` as `c+?`: lazy, and a `c` required.
        // Derived regexes are compiled from the tree, never from print.
        let nested = parse(r"ab(?:c+)?d").unwrap();
        assert_eq!(nested.to_string(), "(?:(?:ab)c+?d)");
        let twin = build(&nested).unwrap();
        assert!(twin.is_match("abd") && twin.is_match("abccd"));
        assert_eq!(split(&parse(r"ab(?:c+)?d|xyz").unwrap()).len(), 2);
        // So a rule with it keeps matching "abd", twin or no twin.
        let pack = |pattern: &str| crate::rules::PackSource {
            path: "p.toml".into(),
            text: format!(
                "[pack]\nid = \"p\"\n[[rule]]\nid = \"r\"\ncategory = \"x\"\npattern = '{pattern}'\nmessage = \"m\"\n"
            ),
        };
        for pattern in [
            r"\bab(?:c+)?d\b|xyz",
            r"\bsaid(?:\s+)?to\b|\bxyz\b",
            r"\ba(?:b{2})?c\b",
        ] {
            let rules =
                crate::rules::RuleSet::load(&[pack(pattern)], &crate::scoring_base()).unwrap();
            for text in ["abd and abccd.", "He saidto me.", "ac and abbc."] {
                let doc = crate::Document::from_text(
                    "t.txt",
                    text.to_string(),
                    crate::input::Format::Text,
                );
                let seg = crate::text::segment(&doc.text);
                let fast = crate::rules::find(&rules, &doc, &seg).len();
                let own = rules.rules[0]
                    .regex
                    .get()
                    .find_iter(text)
                    .filter(|m| !m.is_empty())
                    .count();
                assert_eq!(fast, own, "{pattern} on {text}");
            }
        }
        // Every built-in rule with several alternatives is searched in pieces.
        let auditor = crate::Auditor::builtin().unwrap();
        let rules = &auditor.rules.rules;
        let m = Matcher::new(rules);
        for (f, r) in m.rules.iter().zip(rules) {
            let hir = parse(&r.pattern_compiled).unwrap();
            let alternatives = match hir.kind() {
                HirKind::Alternation(a) => a.len(),
                _ => 0,
            };
            assert_eq!(f.pieces.len(), alternatives, "{}", r.id);
        }
    }

    #[test]
    fn pieces_keep_the_group_numbers_of_the_whole() {
        let hir = parse(r"(?P<x>a)(b)|c(?P<y>d)|(?P<z>e)").unwrap();
        let pieces = split(&hir);
        assert_eq!(pieces.len(), 3);
        let whole = Regex::new(r"(?P<x>a)(b)|c(?P<y>d)|(?P<z>e)").unwrap();
        let groups: Vec<Option<String>> =
            whole.capture_names().map(|n| n.map(String::from)).collect();
        let second = compile_twin(&groups, &pieces[1].0).expect("same groups");
        let mut caps = second.regex().create_captures();
        second.regex().captures("xcd", &mut caps);
        let name = |caps: &Captures, n: &str| caps.get_group_by_name(n).map(|s| s.range());
        assert_eq!(name(&caps, "y"), Some(2..3));
        assert!(name(&caps, "x").is_none() && name(&caps, "z").is_none());
        second.regex().captures("ab e", &mut caps);
        assert!(!caps.is_match(), "only its own alternative");
        // A pattern that is not an alternation is not split.
        assert!(split(&parse(r"a(b|c)").unwrap()).is_empty());
    }

    /// The matches of the whole regex, by span and group spans.
    fn spans<'t>(all: impl Iterator<Item = regex::Captures<'t>>) -> Vec<Vec<Option<Span>>> {
        all.map(|c| {
            c.iter()
                .map(|m| m.map(|m| Span::new(m.start(), m.end())))
                .collect()
        })
        .collect()
    }

    /// The same, of the pieces' matches.
    fn piece_spans(all: &[Captures]) -> Vec<Vec<Option<Span>>> {
        all.iter()
            .map(|c| {
                let mut groups = Vec::new();
                spans_of(c, 0, &mut groups);
                groups
            })
            .collect()
    }

    /// A derived regex searched through its shared cache finds what the
    /// `regex` crate finds, empty matches and multibyte text included, and
    /// keeps the one cache it searched with; a copy starts without one.
    #[test]
    fn a_derived_regex_searches_as_regex_does_with_one_cache() {
        let patterns = [
            r"(a)b|b(c)?",
            r"x*",
            r"\b",
            r"(é|ab)*",
            r"(?P<n>\w+)\s+said",
        ];
        let texts = [
            "",
            "abcxbc",
            "éé aé ab",
            "xx a xxx",
            "Zoë said it, José  said",
            "ab\u{301}b",
        ];
        for pattern in patterns {
            let own = Regex::new(pattern).unwrap();
            let groups: Vec<Option<String>> =
                own.capture_names().map(|n| n.map(String::from)).collect();
            let derived = compile_twin(&groups, &parse(pattern).unwrap()).unwrap();
            for text in texts {
                let mut found = Vec::new();
                derived.each_captures(text, |c| found.push(c.clone()));
                assert_eq!(
                    piece_spans(&found),
                    spans(own.captures_iter(text)),
                    "{pattern} on {text:?}"
                );
                assert_eq!(
                    derived.is_match(text),
                    own.is_match(text),
                    "{pattern} on {text:?}"
                );
                for at in (0..=text.len()).filter(|&at| text.is_char_boundary(at)) {
                    let own_at = own.captures_at(text, at).map(|c| spans(std::iter::once(c)));
                    let from = derived.captures_from(text, at).map(|c| piece_spans(&[c]));
                    assert_eq!(from, own_at, "{pattern} on {text:?} from {at}");
                }
            }
        }
        let derived = build(&parse(r"\w+ said").unwrap()).unwrap();
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| assert!(derived.is_match("Zoë Martínez said so")));
            }
        });
        let used = |d: &Derived| d.cache.lock().unwrap().as_ref().map(|c| c.memory_usage());
        assert!(
            used(&derived).is_some_and(|m| m > 0),
            "the searches used the shared cache"
        );
        assert_eq!(used(&derived.clone()), None);
    }

    #[test]
    fn pieces_together_find_what_the_whole_finds() {
        // A piece's match that another piece's overlaps is searched again from
        // where the chosen match ended ("bxb" at 1 is hidden by "ab", the one
        // at 3 is not); on a tie the earlier alternative wins ("a" over "ab").
        let patterns = [
            r"ab|bxb",
            r"a|ab",
            r"(a)b|b(c)|(x)",
            r"ab|b|(?P<n>x+)y",
            r"a[a-z]*z|bc|(c)(d)?",
            r"^a|a$|(b)a",
        ];
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for pattern in patterns {
            let whole = Regex::new(pattern).unwrap();
            let groups: Vec<Option<String>> =
                whole.capture_names().map(|n| n.map(String::from)).collect();
            let pieces: Vec<Derived> = split(&parse(pattern).unwrap())
                .iter()
                .map(|(p, _)| compile_twin(&groups, p).expect("same groups"))
                .collect();
            let refs: Vec<&Derived> = pieces.iter().collect();
            for _ in 0..2000 {
                let len = next() % 12;
                let text: String = (0..len).map(|_| b"abcxyz d"[next() % 8] as char).collect();
                let split = each_match(&refs, &text).expect("no empty matches");
                assert_eq!(
                    piece_spans(&split),
                    spans(whole.captures_iter(&text)),
                    "{pattern} on {text:?}"
                );
            }
        }
        // An empty match is left to the whole regex.
        let empty: Vec<Derived> = split(&parse("a|b*").unwrap())
            .iter()
            .map(|(p, _)| build(p).unwrap())
            .collect();
        assert!(each_match(&empty.iter().collect::<Vec<_>>(), "xx").is_none());
    }

    #[test]
    fn every_builtin_match_contains_a_literal_of_each_set() {
        let auditor = crate::Auditor::builtin().unwrap();
        let mut prefiltered = 0;
        for r in &auditor.rules.rules {
            let sets = required_literal_sets(&r.pattern_compiled);
            if sets.is_empty() {
                continue;
            }
            prefiltered += 1;
            for ex in &r.examples {
                let unicode_word = |c: char| !c.is_ascii() && regex_syntax::is_word_character(c);
                for m in r.regex.get().find_iter(&ex.text) {
                    if m.as_str().contains(unicode_word) {
                        continue;
                    }
                    let found = m.as_str().to_ascii_lowercase();
                    for set in &sets {
                        assert!(
                            set.iter().any(|l| contains(found.as_bytes(), l)),
                            "rule {}: match {:?} holds none of {:?}",
                            r.id,
                            m.as_str(),
                            set
                        );
                    }
                }
            }
        }
        assert!(
            prefiltered * 2 > auditor.rules.rules.len(),
            "most rules prefilter"
        );
    }

    #[test]
    fn ascii_twin_keeps_groups_and_changes_only_boundaries() {
        let re = Regex::new(r"(?i)\b(?P<who>officials?)\s+said\b").unwrap();
        let pattern = for_ascii_words(&parse(re.as_str()).unwrap()).unwrap();
        assert!(pattern.to_string().contains("(?-u:\\b)"), "{pattern}");
        let twin = ascii_twin(&re).unwrap();
        let mut caps = twin.regex().create_captures();
        twin.regex().captures("Officials said", &mut caps);
        assert_eq!(caps.get_group_by_name("who").map(|s| s.range()), Some(0..9));
        assert!(ascii_twin(&Regex::new("said").unwrap()).is_none());
    }

    #[test]
    fn script_twins_keep_their_letters_and_unicode_boundaries() {
        let own = parse(r"(?i)\b\w+\s+said\b").unwrap();
        let twin = for_scripts(&own, Scripts::of('é')).unwrap();
        let re = Regex::new(&twin.to_string()).unwrap();
        let letters = |h: &Hir| {
            let mut found = Vec::new();
            fn walk(h: &Hir, out: &mut Vec<ClassUnicode>) {
                match h.kind() {
                    HirKind::Class(Class::Unicode(c)) => out.push(c.clone()),
                    HirKind::Concat(s) | HirKind::Alternation(s) => {
                        s.iter().for_each(|s| walk(s, out))
                    }
                    HirKind::Repetition(r) => walk(&r.sub, out),
                    HirKind::Capture(c) => walk(&c.sub, out),
                    _ => {}
                }
            }
            walk(h, &mut found);
            found.remove(0)
        };
        let class = letters(&twin);
        for c in ['a', 'Z', 'é', 'ğ', 'Ł', 'ễ', '\u{301}', 'Σ', 'ά', 'ж', 'ї'] {
            assert!(holds(&class, c), "{c} kept");
        }
        for c in ['中', 'ع', 'क', 'ש'] {
            assert!(!holds(&class, c), "{c} cut");
        }
        assert!(class.ranges().len() * 10 < letters(&own).ranges().len());
        // Boundaries stay Unicode: "é" is a word character next to "said".
        assert!(re.is_match("José said"));
        assert!(!re.is_match("José saidé"));
        // The scan picks it for units with European letters only.
        let auditor = crate::Auditor::builtin().unwrap();
        let rules = &auditor.rules.rules;
        let m = Matcher::new(rules);
        let i = rules.iter().position(|r| r.id == "named-speaker").unwrap();
        let text =
            "José Martí and Σωκράτης said so. 习近平 said so. عباس said so. José and 岸田 said so.";
        let scan = m.scan(text, &[]);
        let mut units = Vec::new();
        let mut start = 0;
        for (at, _) in text.match_indices(". ").chain([(text.len() - 1, "")]) {
            units.push(Span::new(start, at + 1));
            start = at + 2;
        }
        assert_eq!(units.len(), 4);
        let fast = &m.rules[i];
        let european = || fast.european.get().unwrap().as_ref().unwrap();
        let claimed = || fast.claimed.get().unwrap().1.as_ref().unwrap();
        let own = Engine::Own(rules[i].regex.get());
        let run = |unit: usize| scan.regex(i, &rules[i], units[unit]);
        assert!(run(0).is(Engine::Derived(european())));
        // The first unit with letters beyond the European claims its group...
        assert!(run(1).is(Engine::Derived(claimed())));
        // ...so another group runs the own regex, and the claimed one (with
        // European letters beside it) the twin made for it.
        assert!(run(2).is(own));
        assert!(run(3).is(Engine::Derived(claimed())));
        let east = Scripts::of('习').union(Scripts::EUROPEAN);
        assert_eq!(fast.claimed.get().unwrap().0, east);
        // The twin stored is the one made for that group: a regex compiled
        // from the same tree is alike to the byte, the West Asian one is not.
        let own_hir = parse(rules[i].regex.as_str()).unwrap();
        let made_for = |s: Scripts| build(&for_scripts(&own_hir, s).unwrap()).unwrap();
        assert_eq!(
            claimed().regex().memory_usage(),
            made_for(east).regex().memory_usage()
        );
        let west = Scripts::of('ع').union(Scripts::EUROPEAN);
        assert_ne!(
            claimed().regex().memory_usage(),
            made_for(west).regex().memory_usage()
        );
        // A copy of the matcher keeps the claim with the twin: the other
        // group still runs the own regex there.
        let copy = m.clone();
        let scan = copy.scan(text, &[]);
        assert!(scan.regex(i, &rules[i], units[2]).is(own));
        let Engine::Derived(copied) = scan.regex(i, &rules[i], units[1]) else {
            panic!("the claimed twin")
        };
        assert_eq!(
            copied.regex().memory_usage(),
            made_for(east).regex().memory_usage()
        );
        assert_eq!(copy.rules[i].claimed.get().unwrap().0, east);
        // Letters of the fifth group never claim: its twin is nearly the own
        // regex.
        let fresh = Matcher::new(rules);
        let text = "S𝐦𝐢𝐭𝐡 said so.";
        let unit = Span::new(0, text.len());
        assert!(fresh.scan(text, &[unit]).regex(i, &rules[i], unit).is(own));
        assert!(fresh.rules[i].claimed.get().is_none());
        // That twin keeps the letters of both groups, and no others.
        let wide = for_scripts(&parse(r"(?i)\b\w+\s+said\b").unwrap(), east).unwrap();
        assert!(
            ['习', '岸', 'é', 'Σ']
                .iter()
                .all(|&c| holds(&letters(&wide), c))
        );
        assert!(['ع', 'क'].iter().all(|&c| !holds(&letters(&wide), c)));
    }

    #[test]
    fn script_groups_do_not_overlap_and_cuts_agree_with_membership() {
        let mut all: Vec<(char, char)> = SCRIPT_RANGES
            .iter()
            .flat_map(|g| g.iter().copied())
            .collect();
        all.sort();
        assert!(all.windows(2).all(|w| w[0].1 < w[1].0), "{all:?}");
        // A twin cuts exactly the word characters of the groups it leaves
        // out: the large classes (cut) and the small ones (holds) agree.
        let word = non_ascii_word().unwrap();
        // Each group alone, and the sets a twin is made for (with the fifth,
        // whose classes are the complement of the others').
        let sets = (0..=SCRIPT_RANGES.len())
            .map(|g| 1 << g)
            .chain([0b11, 0b1001, 0b10001, 0b11111]);
        for set in sets {
            let scripts = Scripts(set);
            let cut = scripts.cut().unwrap();
            for c in word.iter().flat_map(|r| r.start()..=r.end()) {
                assert_eq!(holds(cut, c), !scripts.holds(c), "{set:#b} {c:?}");
            }
        }
        // Characters every script uses count as European, so that they add
        // no group: joiners (Persian), variation selectors (emoji), marks.
        for c in [
            '\u{200C}', '\u{200D}', '\u{FE0F}', '\u{301}', '\u{1DC4}', 'ª', 'µ',
        ] {
            assert!(regex_syntax::is_word_character(c), "{c:?}");
            assert_eq!(Scripts::of(c), Scripts::EUROPEAN, "{c:?}");
        }
        assert_eq!(Scripts::of('ſ'), Scripts::FIFTH);
        assert_eq!(Scripts::of('𝐒'), Scripts::FIFTH);
        assert_eq!(Scripts::of('윤'), Scripts::of('ᄋ'));
    }

    #[test]
    fn loose_filter_accepts_every_script_with_small_automata() {
        let own_pattern = r"(?i)\b(?P<who>\p{Lu}[\p{L}’]+)\s+(?:said|asked)\b";
        let own = Regex::new(own_pattern).unwrap();
        let loose = Regex::new(
            &loose_filter(&parse(own_pattern).unwrap())
                .unwrap()
                .to_string(),
        )
        .unwrap();
        for text in [
            "Zoë said so.",
            "Łukasz said so.",
            "Зоя asked.",
            "Ångström said so.",
            "O’Brien said.",
            "X习近平 said so.",
            "Aعباس said so.",
            "𝐒mith said so.",
        ] {
            assert!(own.is_match(text), "{text}");
            assert!(loose.is_match(text), "{text}");
        }
        // Looser: no word boundary, any non-ASCII character in a class.
        assert!(loose.is_match("Zoë saidé"));
        assert!(loose.is_match("A— said"));
        assert!(!loose.is_match("Zoë told"));
        // The case folds are kept as they are.
        assert!(loose.is_match("Jameſ ſaid so.") && !loose.is_match("Jameé éaid so."));
        let auditor = crate::Auditor::builtin().unwrap();
        let rules = &auditor.rules.rules;
        let m = Matcher::new(rules);
        let i = rules.iter().position(|r| r.id == "named-speaker").unwrap();
        for (text, loose) in [("Zoe said so.", false), ("Zoë ſaid so.", true)] {
            let unit = Span::new(0, text.len());
            let scan = m.scan(text, &[unit]);
            // The loose filter runs (compiled on first use) only where the
            // unit holds a non-ASCII word character.
            scan.may_match(i, &rules[i], unit, text);
            let fast = &m.rules[i];
            assert_eq!(
                fast.loose.get().is_some_and(Option::is_some),
                loose,
                "{text}"
            );
        }
        // One loose regex serves every script, far smaller than the own: a
        // loose filter that loosened nothing would be as large. (Under half
        // until rules wrote negated classes such as [^\s,;] instead of \p{L}:
        // those are small in the own regex already, and the filter cannot
        // shrink them.)
        let states = |p: &str| {
            regex_automata::nfa::thompson::NFA::new(p)
                .unwrap()
                .states()
                .len()
        };
        let (mut own_states, mut loose_states) = (0, 0);
        for r in rules {
            let hir = parse(&r.pattern_compiled).unwrap();
            own_states += states(&hir.to_string());
            loose_states += states(&loose_filter(&hir).unwrap_or(hir).to_string());
        }
        assert!(
            loose_states * 5 < own_states * 3,
            "{loose_states} of {own_states}"
        );
    }

    #[test]
    fn loose_filter_opens_counted_repetitions_and_accepts_more() {
        let own = r"(?:[a-z]+\s+){0,3}\bsaid";
        let loose = loose_filter(&parse(own).unwrap()).unwrap().to_string();
        let whole = |p: &str| Regex::new(&format!("^(?:{p})$")).unwrap();
        // Everything the rule matches, and more: four words before "said".
        assert!(whole(&loose).is_match("one two three said"));
        assert!(whole(&loose).is_match("one two three four said"));
        assert!(!whole(own).is_match("one two three four said"));
        // Smaller than the same filter with the count kept: the repeated
        // piece is compiled once, not three times.
        let states = |p: &str| {
            regex_automata::nfa::thompson::NFA::new(p)
                .unwrap()
                .states()
                .len()
        };
        assert!(states(&loose) < states(r"(?:[a-z]+\s+){0,3}said"));
    }

    /// Where its lazy DFA cannot tell (a Unicode word boundary beside a
    /// non-ASCII byte), a verdict says so, and as a filter lets the text
    /// through rather than rejecting it.
    #[test]
    fn a_verdict_that_cannot_tell_lets_the_text_through() {
        let v = Verdict::build(&parse(r"\bsaid\b").unwrap()).unwrap();
        assert_eq!(v.is_match(&Input::new("Zoe said so")), Some(true));
        assert_eq!(v.is_match(&Input::new("Zoe told us")), Some(false));
        assert_eq!(v.is_match(&Input::new("Zoë told us")), None);
        assert!(v.may_match("Zoë told us"));
    }

    #[test]
    fn loose_filters_split_an_alternation_and_accept_what_the_rule_does() {
        // Searched apart, the alternatives say yes where the whole loose
        // filter does on these texts (in general never more: an alternative
        // it leaves unchanged keeps its counted repetitions), and wherever
        // the rule matches.
        let pattern = r"(?P<who>\p{Lu}\p{L}+)\s+(?i:said|asked)\b|\b(?i:according\s+to)\s+(?P<who2>\p{Lu}\p{L}+)";
        let hir = parse(pattern).unwrap();
        let pieces = loose_filters(&hir).unwrap();
        assert_eq!(pieces.len(), 2);
        let whole = Regex::new(&loose_filter(&hir).unwrap().to_string()).unwrap();
        for text in [
            "Zoë said so.",
            "according to Zoë, it rained",
            "Zoë told us",
            "é",
        ] {
            let any = pieces.iter().any(|p| p.may_match(text));
            assert_eq!(any, whole.is_match(text), "{text}");
        }
        // Without capture groups: a filter only says yes or no.
        assert!(pieces.iter().all(|p| !p.has_captures()));
        // In the matcher: no unit with accented names that a built-in rule
        // matches is rejected by its filter.
        let auditor = crate::Auditor::builtin().unwrap();
        let rules = &auditor.rules.rules;
        let m = Matcher::new(rules);
        let text = "“It is over,” said José Ibáñez, a spokesman for the Ministério. \
                    According to the Folha de São Paulo, the deal collapsed, officials in Brasília said. \
                    Lucía Pérez, a lawyer, declined to comment.";
        let seg = crate::text::segment(text);
        let sentences: Vec<Span> = seg.sentences.iter().map(|s| s.span).collect();
        let scan = m.scan(text, &sentences);
        let mut matched = 0;
        for (i, rule) in rules.iter().enumerate() {
            for s in &seg.sentences {
                let unit = s.span;
                let unit_text = &text[unit.start..unit.end];
                let mut n = 0;
                scan.regex(i, rule, unit).each_match(
                    unit_text,
                    unit.start,
                    &mut Vec::new(),
                    |_| n += 1,
                );
                if n > 0 {
                    matched += 1;
                    assert!(
                        scan.may_match(i, rule, unit, unit_text),
                        "{} rejected {unit_text}",
                        rule.id
                    );
                }
            }
        }
        assert!(matched >= 5, "{matched}");
        // A rule searched in pieces has a loose filter for each, in their
        // order, so each runs only where its piece's literals occur.
        let i = rules.iter().position(|r| r.id == "other-outlet").unwrap();
        let loose = m.rules[i].loose.get().and_then(Option::as_ref).unwrap();
        assert!(loose.len() > 1 && loose.len() == m.rules[i].pieces.len());
    }

    #[test]
    fn ascii_twin_narrows_letter_classes_and_keeps_negated_ones() {
        let re = Regex::new(r"(?P<name>\p{Lu}\p{L}+)(?i:\s+said)[^,;“]*").unwrap();
        let hir = for_ascii_words(&parse(re.as_str()).unwrap()).unwrap();
        let twin = ascii_twin(&re).unwrap();
        let mut classes = Vec::new();
        fn collect(h: &Hir, out: &mut Vec<ClassUnicode>) {
            match h.kind() {
                HirKind::Class(Class::Unicode(c)) => out.push(c.clone()),
                HirKind::Repetition(r) => collect(&r.sub, out),
                HirKind::Capture(c) => collect(&c.sub, out),
                HirKind::Concat(s) | HirKind::Alternation(s) => {
                    s.iter().for_each(|h| collect(h, out))
                }
                _ => {}
            }
        }
        collect(&hir, &mut classes);
        let ascii = |c: &ClassUnicode| c.ranges().iter().all(|r| r.end().is_ascii());
        // \p{Lu}, \p{L} and the case folds of "said" (long s) are ASCII now...
        assert!(classes.iter().filter(|c| ascii(c)).count() >= 3, "{hir}");
        // ...while the negated class still admits curly quotes and dashes.
        assert!(classes.iter().any(|c| !ascii(c)), "{hir}");
        assert!(twin.is_match("Hua said — it’s over"));
        // A range across the ASCII border keeps its ASCII part (found in review:
        // the twin of `said[z-\x{80}]` used to drop the z).
        let across = Regex::new(r"\bsaid[z-\x{80}]").unwrap();
        let across_twin = ascii_twin(&across).unwrap();
        assert_eq!(
            across_twin.regex().find("saidz").map(|m| m.range()),
            Some(0..5)
        );
        assert_eq!(
            sets(r"said[z-\x{80}]")[0],
            // U+0080 is a control character, not a word character: it stays.
            [
                "saidz",
                "said{",
                "said|",
                "said}",
                "said~",
                "said\x7f",
                "said\u{80}"
            ]
            .map(String::from)
        );
        assert_eq!(
            twin.regex().find("Hua said so").map(|m| m.range()),
            Some(0..11)
        );
    }
}
