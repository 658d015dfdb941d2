//! The article's own newsroom is not "another outlet".
//!
//! Wire copy credits its own reporting by name: "residents told AFP", "Reuters
//! could not independently verify", "an AP photographer saw". The other-outlet
//! rules read those as information from another news organization, which they
//! are not (every annotator of the project's sets marked them so). When the
//! article says who published it, in a wire dateline ("PARIS (AFP) —"), a
//! "By …, Reuters" byline, a Reuters "Reporting by …" footer, a copyright line
//! or the byline of the page's markup, other-outlet findings crediting that
//! newsroom are dropped. Nothing is dropped when the article does not say.

use std::sync::LazyLock;

use regex::Regex;

use super::Finding;
use crate::input::Document;

/// Newsrooms whose name a dateline or credit line gives, each with the names
/// copy uses for it. The first name is the one a credit line matches.
const NEWSROOMS: &[&[&str]] = &[
    &["AP", "Associated Press", "The Associated Press"],
    &["Reuters", "Thomson Reuters", "Reuters News"],
    &[
        "AFP",
        "Agence France-Presse",
        "Agence France Presse",
        "France-Presse",
    ],
    &["Bloomberg", "Bloomberg News"],
    &["UPI", "United Press International"],
    &["dpa", "Deutsche Presse-Agentur"],
    &["CNN"],
    &["BBC", "BBC News"],
    &["The Guardian", "Guardian"],
    &["The New York Times", "New York Times"],
    &["The Washington Post", "Washington Post"],
    &["The Wall Street Journal", "Wall Street Journal"],
];

/// How far into the article a dateline or byline may stand, and how far from its
/// end a footer or copyright line.
const HEAD: usize = 600;
const TAIL: usize = 600;

/// "PARIS (AFP) —", "(Reuters) -": a wire service in parentheses, early on.
static DATELINE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\((AP|Reuters|AFP|Bloomberg|UPI|dpa|CNN)\)\s*[-—–:]").ok());

/// "By Jane Roe, Reuters" or "By Jane Roe | AFP" on a line of its own.
static BYLINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^\s*(?i:by)\s+[^\n]{1,80}?(?:,|\||—|-)\s*(?:(?:the\s+)?(Associated Press|AP|Reuters|AFP|Agence France-Presse|Bloomberg(?: News)?|BBC(?: News)?|CNN|The Guardian|The New York Times|The Washington Post|The Wall Street Journal))\s*$",
    )
    .ok()
});

/// "Copyright 2026 The Associated Press", "© 2026 AFP", and Reuters's
/// "(Reporting by …; Editing by …)" footer.
static FOOTER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i:copyright|©|\(c\))\s*(?:\d{4}\s+)?(?:the\s+)?(Associated Press|AP|Reuters|AFP|Agence France-Presse|Bloomberg|BBC|CNN|Guardian|New York Times|Washington Post)\b|(Reporting)\s+by\s+[^\n;)]{1,120}(?:;|\n|\))\s*(?:(?:Additional\s+reporting|Writing|Editing)\s+by)",
    )
    .ok()
});

/// The newsroom the article says published it, as an index into [`NEWSROOMS`].
/// (The patterns are constants that a test compiles; were one broken, that
/// credit would simply not be read.)
fn own_newsroom(doc: &Document) -> Option<usize> {
    let text = doc.text.as_str();
    let head = &text[..floor(text, HEAD.min(text.len()))];
    let tail = &text[floor(text, text.len().saturating_sub(TAIL))..];
    let group = |re: &Option<Regex>, hay: &str| {
        re.as_ref()
            .and_then(|re| re.captures(hay))
            .and_then(|c| c.get(1).map(|m| m.as_str().to_string()))
    };
    let footer = || {
        let c = FOOTER.as_ref()?.captures(tail)?;
        // Only Reuters signs its copy "Reporting by …; Editing by …".
        Some(c.get(1).map_or("Reuters", |m| m.as_str()).to_string())
    };
    let named = group(&DATELINE, head)
        .or_else(|| group(&BYLINE, head))
        .or_else(footer)
        .or_else(|| doc.byline.clone())?;
    newsroom_of(&named)
}

/// The newsroom a name belongs to, if it is one of [`NEWSROOMS`]: exactly one of
/// its names, or a byline ending in one ("Jane Roe, Reuters").
fn newsroom_of(name: &str) -> Option<usize> {
    let name = normalize(name);
    NEWSROOMS.iter().position(|names| {
        names.iter().any(|n| {
            let n = normalize(n);
            name == n || name.ends_with(&format!(", {n}")) || name.ends_with(&format!("| {n}"))
        })
    })
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

/// The largest char boundary at or below `i`.
fn floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Drop the other-outlet findings that credit the article's own newsroom.
pub(crate) fn drop_own_outlet(doc: &Document, findings: Vec<Finding>) -> Vec<Finding> {
    let Some(own) = own_newsroom(doc) else {
        return findings;
    };
    findings
        .into_iter()
        .filter(|f| {
            let ours = f
                .source
                .as_ref()
                .is_some_and(|s| newsroom_of(&s.name) == Some(own));
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
        let footer = "A source told Reuters the talks had stalled.\n\n\
                      (Reporting by Jane Roe; Editing by Bo Chan)";
        assert!(outlets(footer).is_empty());
    }

    #[test]
    fn the_credit_patterns_compile() {
        assert!(DATELINE.is_some() && BYLINE.is_some() && FOOTER.is_some());
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
