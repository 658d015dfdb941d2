//! The article's own newsroom is not "another outlet".
//!
//! Wire copy credits its own reporting by name: "residents told AFP", "Reuters
//! could not independently verify", "an AP photographer saw". The other-outlet
//! rules read those as information from another news organization, which they
//! are not (every annotator of the project's sets marked them so). When the
//! article says who published it, other-outlet findings crediting that
//! newsroom are dropped; nothing is dropped when it does not say. Where it says
//! so is the text stage's story furniture (the dateline "PARIS (AFP) —" and
//! the byline "By …, Reuters"), the page's or front matter's byline, or a
//! closing copyright line or Reuters "(Reporting by …; Editing by …)" footer.

use super::Finding;
use crate::input::Document;
use crate::newsrooms::NEWSROOMS;
use crate::text::{Segments, Span};

/// How far from the end of the article a footer or copyright line may stand.
const TAIL: usize = 600;

/// The newsroom the article says published it: one of [`NEWSROOMS`], or
/// another name as the credit spells it ("By Jane Roe, The Ledger", "© 2026
/// The Irish Times"), which then only covers findings that name it the same way.
#[derive(Debug, PartialEq)]
enum Own {
    Known(usize),
    Named(String),
}

impl Own {
    /// Whether an outlet a finding names is this newsroom.
    fn is(&self, outlet: &str) -> bool {
        match self {
            Own::Known(i) => newsroom_of(outlet) == Some(*i),
            Own::Named(name) => bare_outlet(&normalize(outlet)) == *name,
        }
    }
}

/// Every newsroom the article's credits name: the dateline, the byline, a
/// closing footer and the page's byline may each name one, and a byline often
/// names a person instead ("By Jane Roe"), so none of them shadows another.
fn own_newsrooms(doc: &Document, seg: &Segments) -> Vec<Own> {
    let text = doc.text.as_str();
    let piece = |s: Option<Span>| s.map(|s| &text[s.start..s.end]);
    // "WASHINGTON (AP) — ": the wire in parentheses.
    let dateline = piece(seg.story.dateline).and_then(|d| {
        let inner = &d[d.find('(')? + 1..];
        credit(&inner[..inner.find(')')?])
    });
    // "By Jane Roe, Reuters", "By Jane Roe | AFP".
    let byline = piece(seg.story.byline)
        .and_then(|b| credit(b.strip_prefix("By ").or_else(|| b.strip_prefix("BY "))?));
    let tail = footer(&text[text.floor_char_boundary(text.len().saturating_sub(TAIL))..]);
    let page = doc.byline.as_deref().and_then(credit);
    [dateline, byline, tail, page]
        .into_iter()
        .flatten()
        .collect()
}

/// The newsroom a credit names: a known one by any of its names, else the
/// name after the credit's last separator ("Jane Roe, The Ledger"), or the whole
/// credit when it has none. A credit that names a person, not a newsroom
/// ("By Jane Roe"), gives a name no outlet finding carries, so it drops nothing.
fn credit(name: &str) -> Option<Own> {
    if let Some(i) = newsroom_of(name) {
        return Some(Own::Known(i));
    }
    let last = normalize(name.rsplit([',', '|', '—']).next()?);
    let last = bare_outlet(&last);
    (!last.is_empty()).then_some(Own::Named(last))
}

/// An outlet's name without a trailing "news", "news agency" or "newspaper",
/// so that a byline's "Kyodo News" and a finding's "Kyodo" are one newsroom.
fn bare_outlet(name: &str) -> String {
    let mut bare = name;
    for suffix in [" news agency", " newspaper", " news"] {
        if let Some(b) = bare.strip_suffix(suffix) {
            bare = b;
            break;
        }
    }
    bare.trim().to_string()
}

/// A closing credit: "Copyright 2026 The Associated Press. All rights
/// reserved.", "© 2026 AFP", or Reuters's "(Reporting by …; Editing by …)",
/// which only Reuters signs its copy with.
fn footer(tail: &str) -> Option<Own> {
    if tail.contains("Reporting by ") && tail.contains("Editing by ") {
        return credit("Reuters");
    }
    tail.lines().rev().find_map(|line| {
        let line = line.trim();
        let lower = line.to_lowercase();
        let rest = ["copyright", "©", "(c)"]
            .iter()
            .find_map(|p| lower.starts_with(p).then(|| &line[p.len()..]))?;
        let rest =
            rest.trim_start_matches(|c: char| c.is_ascii_digit() || c.is_whitespace() || c == '©');
        credit(rest.split(['.', ',']).next()?)
    })
}

/// The newsroom a name belongs to, if it is one of [`NEWSROOMS`]: exactly one of
/// its names, or a byline that ends in one after a separator ("Jane Roe,
/// Reuters", "Jane Roe | AFP").
fn newsroom_of(name: &str) -> Option<usize> {
    let name = normalize(name);
    let last = name
        .rsplit([',', '|', '—'])
        .next()
        .map(normalize)
        .unwrap_or_default();
    NEWSROOMS.iter().position(|newsroom| {
        newsroom
            .names
            .iter()
            .any(|n| [&name, &last].contains(&&normalize(n)))
    })
}

/// Whether `name` is one of the wire services of [`NEWSROOMS`], by any of
/// its names ("Reuters", "The Associated Press").
pub(crate) fn is_wire_service(name: &str) -> bool {
    newsroom_of(name).is_some_and(|i| NEWSROOMS[i].wire)
}

/// Lower case, "the " and a possessive dropped, runs of white space made one.
fn normalize(name: &str) -> String {
    let joined = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = joined.to_lowercase();
    let bare = lower.strip_prefix("the ").unwrap_or(&lower);
    bare.trim_end_matches("'s")
        .trim_end_matches("’s")
        .trim()
        .to_string()
}

/// Drop the other-outlet findings that credit the article's own newsroom.
pub(crate) fn drop_own_outlet(
    doc: &Document,
    seg: &Segments,
    findings: Vec<Finding>,
) -> Vec<Finding> {
    if !findings.iter().any(|f| f.category == "other-outlet") {
        return findings;
    }
    let own = own_newsrooms(doc, seg);
    if own.is_empty() {
        return findings;
    }
    findings
        .into_iter()
        .filter(|f| {
            let ours = f
                .source
                .as_ref()
                .is_some_and(|s| own.iter().any(|o| o.is(&s.name)));
            f.category != "other-outlet" || !ours
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Auditor;
    use crate::input::{Document, Format};

    fn outlets(text: &str) -> Vec<String> {
        let auditor = Auditor::builtin().unwrap();
        let report = auditor.audit(&Document::from_text(
            "t.txt",
            text.to_string(),
            Format::Text,
        ));
        report
            .findings
            .iter()
            .filter(|f| f.category == "other-outlet")
            .filter_map(|f| f.source.clone())
            .collect()
    }

    #[test]
    fn a_wire_dateline_makes_its_own_name_no_other_outlet() {
        let story = "PARIS (AFP) — The strike spread on Monday.\n\n\
                     Residents told AFP they had heard gunfire. \
                     Two officials told The Wall Street Journal the talks had failed.";
        assert_eq!(outlets(story), ["The Wall Street Journal"]);
    }

    #[test]
    fn without_a_credit_every_outlet_is_another() {
        let story = "The strike spread on Monday.\n\n\
                     Residents told AFP they had heard gunfire. \
                     Two officials told The Wall Street Journal the talks had failed.";
        assert_eq!(outlets(story), ["AFP", "The Wall Street Journal"]);
    }

    #[test]
    fn a_byline_or_footer_names_the_newsroom() {
        let byline = "Talks stall\n\nBy Jane Roe, Reuters\n\n\
                      A source told Reuters the talks had stalled. \
                      Officials told the BBC the deal was off.";
        assert_eq!(outlets(byline), ["the BBC"]);
        assert_eq!(
            outlets("A source told Reuters the talks had stalled."),
            ["Reuters"]
        );
        let footer = "A source told Reuters the talks had stalled.\n\n\
                      (Reporting by Jane Roe; Editing by Bo Chan)";
        assert!(outlets(footer).is_empty());
    }

    #[test]
    fn a_copyright_line_names_the_newsroom() {
        let story = "A source told The Associated Press the talks had stalled.";
        assert_eq!(outlets(story), ["The Associated Press"]);
        let signed =
            format!("{story}\n\nCopyright 2026 The Associated Press. All rights reserved.");
        assert!(outlets(&signed).is_empty());
    }

    #[test]
    fn a_newsroom_the_list_does_not_know_is_taken_as_the_credit_spells_it() {
        let story = "A councillor told The Irish Times the vote would wait. \
                     Another told the Daily Herald it would not.";
        assert_eq!(outlets(story), ["The Irish Times", "the Daily Herald"]);
        let signed = format!("Council delays vote\n\nBy Jane Roe, The Irish Times\n\n{story}");
        assert_eq!(outlets(&signed), ["the Daily Herald"]);
        // A byline that names only a person does not hide a copyright line.
        let signed = "Talks stall\n\nBy Jane Roe\n\n\
                      A source told Kyodo the talks had stalled.\n\n\
                      \u{a9} 2026 Kyodo News";
        assert!(outlets(signed).is_empty());
        let unsigned = "Talks stall\n\nBy Jane Roe\n\n\
                        A source told Kyodo the talks had stalled.";
        assert_eq!(outlets(unsigned), ["Kyodo"]);
    }

    #[test]
    fn names_match_whatever_the_article_and_case() {
        assert_eq!(newsroom_of("The Associated Press"), newsroom_of("AP"));
        assert_eq!(newsroom_of("the Guardian's"), newsroom_of("The Guardian"));
        assert_eq!(newsroom_of("Jane Roe, Reuters"), newsroom_of("Reuters"));
        assert_eq!(newsroom_of("Jane Roe"), None);
        assert_ne!(newsroom_of("AFP"), newsroom_of("AP"));
    }
}
