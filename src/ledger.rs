//! Ledger: the distinct sources an article relies on, built from the findings'
//! captured sources.
//!
//! Names are merged the way a reader merges them: "Hua Chunying" and later
//! "Ms. Hua" are one person; "the Foreign Ministry" and "Foreign Ministry" are one
//! office. Pronoun attributions ("she said") go to the nearest preceding named
//! person when no other person has been named in the narrative since.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::names::{self, looks_like_organization, person_tokens, words};
use crate::rules::{Finding, SourceKind};
use crate::text::Segments;

/// One source the article relies on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerEntry {
    /// The fullest name or description seen ("Hua Chunying", "U.S. officials").
    pub name: String,
    /// What kind of source it is; never `named` or `pronoun` once resolved.
    pub kind: SourceKind,
    /// A descriptor such as "a Foreign Ministry spokeswoman", when one was captured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub descriptor: Option<String>,
    /// How many findings cite this source.
    pub mentions: usize,
    /// How many distinct sentences cite this source.
    pub sentences: usize,
    /// How many direct quotations are attributed to this source.
    pub quotes: usize,
    /// Byte offset of the first citation.
    pub first: usize,
}

/// The sources of one article, in order of first citation.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Ledger {
    /// Entries in order of first appearance.
    pub entries: Vec<LedgerEntry>,
    /// For each finding (same order as the findings given to [`build`]), the index
    /// of the entry it credits.
    #[serde(skip)]
    pub credited: Vec<Option<usize>>,
}

impl Ledger {
    /// Distinct named people and organizations.
    pub fn named_count(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    SourceKind::NamedPerson | SourceKind::NamedOrganization
                )
            })
            .count()
    }

    /// Distinct anonymous sources.
    pub fn anonymous_count(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.kind == SourceKind::Anonymous)
            .count()
    }
}

fn org_key(name: &str) -> String {
    words(name)
        .into_iter()
        .filter(|w| w != "the")
        .collect::<Vec<_>>()
        .join(" ")
}

/// Build the ledger from findings (in document order), the text and its segments.
pub fn build(findings: &[Finding], text: &str, seg: &Segments) -> Ledger {
    build_with(findings, text, seg, None)
}

/// [`build`], reusing the person mentions that resolving pronouns found, if any
/// (the same list: the named sources are the same before and after).
pub(crate) fn build_with(
    findings: &[Finding],
    text: &str,
    seg: &Segments,
    mentions: Option<names::Mentions>,
) -> Ledger {
    let mut ledger = Ledger {
        entries: Vec::new(),
        credited: vec![None; findings.len()],
    };
    // The last named person credited: (entry, where the finding ends).
    let mut last_person: Option<(usize, usize)> = None;
    // Another person named since then is the likelier "she". No count of
    // paragraphs: one more sentence in between must not change who "she" is.
    let pronouns = findings.iter().any(|f| {
        f.source
            .as_ref()
            .is_some_and(|s| s.kind == SourceKind::Pronoun)
    });
    let mentions = match mentions {
        _ if !pronouns => Vec::new(),
        Some(known) => known,
        None => names::person_mentions(text, seg, &crate::rules::named_people(findings)),
    };
    // How far the mentions after `last_person` have been read, and whether
    // someone else was named among them.
    let (mut scanned, mut someone_else) = (0usize, false);
    // A set per entry: one source cited in every sentence of a long article must
    // not cost a scan of its earlier sentences each time.
    let mut cited_sentences: Vec<BTreeSet<usize>> = Vec::new();

    for (i, f) in findings.iter().enumerate() {
        let Some(src) = &f.source else { continue };
        let at = f.span.map_or(0, |s| s.start);
        let entry = match src.kind {
            SourceKind::Pronoun => last_person.and_then(|(e, from)| {
                // Only the mentions since the last pronoun are new: a long run
                // of "Ms. Lee came. She said so." stays linear.
                let lo = mentions.partition_point(|m| m.0 < from).max(scanned);
                let hi = mentions.partition_point(|m| m.0 < at).max(lo);
                if !someone_else {
                    let tokens = person_tokens(&ledger.entries[e].name);
                    someone_else = mentions[lo..hi]
                        .iter()
                        .any(|(_, name)| !tokens.contains(name));
                }
                scanned = hi;
                (!someone_else).then_some(e)
            }),
            kind => {
                let kind = match kind {
                    SourceKind::Named if looks_like_organization(&src.name) => {
                        SourceKind::NamedOrganization
                    }
                    SourceKind::Named => SourceKind::NamedPerson,
                    k => k,
                };
                Some(ledger.find_or_add(&src.name, kind, src.descriptor.as_deref(), at))
            }
        };
        let Some(e) = entry else { continue };
        ledger.credited[i] = Some(e);
        let entry = &mut ledger.entries[e];
        entry.mentions += 1;
        if entry.descriptor.is_none() {
            entry.descriptor = src.descriptor.clone();
        }
        if entry.kind == SourceKind::NamedPerson {
            // Names in the person's own sentence are what they spoke about.
            last_person = Some((e, f.sentence.or(f.span).map_or(at, |s| s.end)));
            (scanned, someone_else) = (0, false);
        }
        if cited_sentences.len() <= e {
            cited_sentences.resize(e + 1, BTreeSet::new());
        }
        if let Some(s) = f.sentence_index {
            cited_sentences[e].insert(s);
        }
    }
    for (e, sentences) in cited_sentences.iter().enumerate() {
        ledger.entries[e].sentences = sentences.len();
    }
    count_quotes(&mut ledger, findings, seg, &cited_sentences);
    ledger
}

impl Ledger {
    fn find_or_add(
        &mut self,
        name: &str,
        kind: SourceKind,
        descriptor: Option<&str>,
        at: usize,
    ) -> usize {
        let found = match kind {
            SourceKind::NamedPerson => {
                let tokens = person_tokens(name);
                self.entries.iter().rposition(|e| {
                    if e.kind != SourceKind::NamedPerson {
                        return false;
                    }
                    let other = person_tokens(&e.name);
                    tokens == other
                        || (tokens.len() == 1 && other.contains(&tokens[0]))
                        || (other.len() == 1 && tokens.contains(&other[0]))
                })
            }
            SourceKind::Anonymous if words(name).first().is_some_and(|w| w == "the") => {
                // "the officials" points back to the last unnamed officials.
                let head = words(name).pop();
                self.entries
                    .iter()
                    .rposition(|e| e.kind == kind && words(&e.name).pop() == head)
                    .or_else(|| {
                        self.entries
                            .iter()
                            .position(|e| e.kind == kind && org_key(&e.name) == org_key(name))
                    })
            }
            _ => {
                let key = org_key(name);
                self.entries
                    .iter()
                    .position(|e| e.kind == kind && org_key(&e.name) == key)
            }
        };
        if let Some(i) = found {
            // Keep the fullest form of a person's name.
            if kind == SourceKind::NamedPerson
                && person_tokens(name).len() > person_tokens(&self.entries[i].name).len()
            {
                self.entries[i].name = name.to_string();
            }
            return i;
        }
        self.entries.push(LedgerEntry {
            name: name.to_string(),
            kind,
            descriptor: descriptor.map(str::to_string),
            mentions: 0,
            sentences: 0,
            quotes: 0,
            first: at,
        });
        self.entries.len() - 1
    }
}

/// Direct quotations go to the source credited in their sentence; a quoted
/// sentence with no attribution of its own continues the last speaker of its
/// paragraph, or of the previous paragraph when the quotation runs on.
fn count_quotes(
    ledger: &mut Ledger,
    findings: &[Finding],
    seg: &Segments,
    cited: &[BTreeSet<usize>],
) {
    let mut speaker_of_sentence: Vec<Option<usize>> = vec![None; seg.sentences.len()];
    for (e, sentences) in cited.iter().enumerate() {
        for &s in sentences {
            // A sentence citing several sources gives its quotes to the first credited.
            if speaker_of_sentence[s].is_none() {
                speaker_of_sentence[s] = Some(e);
            }
        }
    }
    let attributed: Vec<bool> = {
        let mut v = vec![false; seg.sentences.len()];
        for f in findings {
            if let Some(s) = f.sentence_index {
                v[s] = true;
            }
        }
        v
    };
    let mut last: Option<(usize, usize)> = None; // (entry, paragraph)
    for (i, s) in seg.sentences.iter().enumerate() {
        let quotes = seg.quotes_in(s.span).count();
        let speaker = match speaker_of_sentence[i] {
            Some(e) => Some(e),
            None if !attributed[i] && seg.in_quote(s.span.start) => match last {
                Some((e, p)) if p == s.paragraph || p + 1 == s.paragraph => Some(e),
                _ => None,
            },
            None => None,
        };
        if let Some(e) = speaker {
            ledger.entries[e].quotes += quotes;
            last = Some((e, s.paragraph));
        } else if attributed[i] {
            last = None;
        }
    }
}
