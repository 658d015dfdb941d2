//! Names and descriptions of sources: whether "Hua Chunying" is a person and
//! "the Foreign Ministry" an office, whether "the officials" is plural, and where
//! a text names people again. Shared by pronoun resolution (`rules`) and the
//! `ledger`, which must agree on who "she" is.

use std::sync::LazyLock;

use regex::Regex;

use crate::text::Segments;

const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "sen",
    "rep",
    "gov",
    "gen",
    "lt",
    "col",
    "capt",
    "maj",
    "sgt",
    "adm",
    "rev",
    "president",
    "prime",
    "minister",
    "secretary",
    "senator",
    "judge",
    "justice",
    "chancellor",
    "king",
    "queen",
    "prince",
    "pope",
    "chief",
    "director",
    "ambassador",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "general",
    "colonel",
    "major",
    "captain",
    "sir",
    "dame",
    "lord",
    "mayor",
    "governor",
    "professor",
    "detective",
    "inspector",
    "officer",
    "sheriff",
    "commissioner",
    "vice",
    "deputy",
    "foreign",
    "defense",
    "defence",
    "interior",
    "state",
    "us",
    "u.s",
    "former",
    "acting",
    "premier",
    "chairman",
    "chairwoman",
    "leader",
    "attorney",
    "administrator",
    "whip",
    "speaker",
];

const ORG_WORDS: &[&str] = &[
    "ministry",
    "department",
    "embassy",
    "office",
    "council",
    "agency",
    "police",
    "army",
    "navy",
    "military",
    "company",
    "government",
    "committee",
    "university",
    "association",
    "commission",
    "court",
    "party",
    "bureau",
    "service",
    "house",
    "pentagon",
    "kremlin",
    "administration",
    "institute",
    "foundation",
    "organization",
    "organisation",
    "group",
    "corporation",
    "inc",
    "corp",
    "ltd",
    "bank",
    "fund",
    "union",
    "league",
    "board",
    "authority",
    "authorities",
    "federation",
    "center",
    "centre",
    "society",
    "coalition",
    "forces",
    "force",
    "command",
    "mission",
    "congress",
    "parliament",
    "senate",
    "cabinet",
    "club",
    "fifa",
    "nasa",
    "un",
    "u.n",
    "nato",
    "who",
    "church",
    "hospital",
    "school",
    "trust",
    "network",
    "secretariat",
    "unit",
    "directorate",
    "prosecutor's",
    "prosecutors",
    "station",
    "team",
    "campaign",
    "firm",
    "times",
    "post",
    "news",
    "press",
    "guard",
];

pub(crate) fn words(name: &str) -> Vec<String> {
    name.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '\'')
                .trim_end_matches('.');
            // trim_end_matches with a string builds a substring searcher on every
            // call; these run for every word of every source name.
            let w = strip_all(strip_all(w, "'s"), "’s");
            w.to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// `s` without any number of trailing `suffix`es (`trim_end_matches`).
fn strip_all<'a>(mut s: &'a str, suffix: &str) -> &'a str {
    while let Some(rest) = s.strip_suffix(suffix) {
        s = rest;
    }
    s
}

/// Whether a "named" source reads as an organization rather than a person.
pub(crate) fn looks_like_organization(name: &str) -> bool {
    let w = words(name);
    // A title followed by a name is a person, whatever office the title names:
    // "House Majority Leader Tom Brenner", "Senate Majority Leader Raymond Torres".
    // "the Foreign Ministry" (a title word, then an organization word) is not.
    if let Some(t) = w.iter().rposition(|x| TITLES.contains(&x.as_str()))
        && t + 1 < w.len()
        && w[t + 1..].iter().all(|x| !ORG_WORDS.contains(&x.as_str()))
        && w[t + 1..].iter().all(|x| x != "of" && x != "the")
        && w.first().is_none_or(|f| f != "the")
    {
        return false;
    }
    w.first().is_some_and(|f| f == "the")
        || w.iter().any(|x| ORG_WORDS.contains(&x.as_str()))
        || name
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
}

pub(crate) fn person_tokens(name: &str) -> Vec<String> {
    words(name)
        .into_iter()
        .filter(|w| !TITLES.contains(&w.as_str()))
        .collect()
}

/// A title before a capitalized word ("Mr. Blinken", "President Biden"): a person
/// named in the narrative, who is then the likelier "he" or "she". The titles are
/// ASCII, so an ASCII word boundary keeps the regex on its fast DFA over text with
/// curly quotes (a Unicode `\b` there falls back to a slower engine).
static PERSON_TITLE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Capt|Sgt|Adm|Cmdr|President|Senator|Representative|Governor|Mayor|Judge|Justice|Ambassador|Chancellor|Minister|Secretary|King|Queen|Prince|Princess|Pope|General|Colonel|Captain)\.?\s+\p{Lu}",
    )
    .ok()
});

/// A person introduced with a description ("Eleanor Pask, the MP for Wensley,",
/// "Tane Whaitiri, 58, who has fished there", "Montes, who rose to fame"):
/// someone new in the story, and so, like a titled name, the likelier "she"
/// after it than an unnamed source cited earlier. Two or three capitalized ASCII
/// words, or one before "who"; what the description opens with must not make
/// the name a place or a body ("Port Harcourt, a city").
/// Names in other scripts are not read (a false miss only keeps the older
/// reading).
static INTRODUCED_PERSON: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)[A-Z][a-z]+(?:(?:\s+[A-Z][a-z'\-]+){1,2},\s+(?:\d{1,3},\s+)?(?:the|a|an|who)|,\s+(?:\d{1,3},\s+)?who)(?-u:\b)",
    )
    .ok()
});

/// Plurals that open a sentence as "Residents, who ...": unnamed people.
const PEOPLE_PLURALS: &[&str] = &[
    "residents",
    "villagers",
    "locals",
    "officials",
    "witnesses",
    "protesters",
    "workers",
    "farmers",
    "doctors",
    "nurses",
    "parents",
    "students",
    "teachers",
    "critics",
    "analysts",
    "experts",
    "neighbours",
    "neighbors",
    "relatives",
    "families",
    "survivors",
    "soldiers",
    "officers",
    "investigators",
    "prosecutors",
    "lawyers",
    "authorities",
    "others",
    "many",
    "some",
    "both",
    "those",
    "these",
    "several",
    "supporters",
    "opponents",
    "employees",
    "staff",
    "traders",
    "vendors",
    "passengers",
    "patients",
    "fishermen",
    "miners",
    "activists",
    "sources",
    "people",
    "women",
    "men",
    "children",
    "members",
    "voters",
    "customers",
];

/// What a description's head says the named thing is, when it is not a person.
const NOT_A_PERSON: &[&str] = &[
    "capital",
    "city",
    "town",
    "village",
    "country",
    "region",
    "province",
    "state",
    "district",
    "port",
    "county",
    "island",
    "islands",
    "suburb",
    "neighbourhood",
    "neighborhood",
    "area",
    "company",
    "firm",
    "group",
    "bank",
    "agency",
    "newspaper",
    "publication",
    "site",
    "website",
    "magazine",
    "broadcaster",
    "station",
    "charity",
    "organisation",
    "organization",
    "club",
    "team",
    "party",
    "union",
    "body",
    "regulator",
    "court",
    "council",
    "ministry",
    "department",
    "hospital",
    "school",
    "university",
    "college",
    "fund",
    "lender",
    "insurer",
    "retailer",
    "airline",
    "carrier",
    "manufacturer",
    "maker",
    "developer",
    "builder",
    "operator",
    "provider",
    "startup",
    "start-up",
    "venture",
    "brand",
    "chain",
    "network",
    "coalition",
    "alliance",
    "association",
    "federation",
    "movement",
    "campaign",
    "platform",
    "app",
    "service",
    "river",
    "lake",
    "valley",
    "mountain",
    "range",
    "sea",
    "coast",
    "border",
    "community",
    "settlement",
    "municipality",
    "borough",
    "commune",
    "territory",
    "nation",
    "republic",
    "kingdom",
    "state-owned",
    "state-run",
    "subsidiary",
    "unit",
    "division",
    "business",
    "venue",
    "theatre",
    "theater",
    "festival",
    "event",
    "programme",
    "program",
    "project",
    "scheme",
    "report",
    "study",
    "law",
    "bill",
    "act",
    "treaty",
    "deal",
    "plan",
];

/// Whether a source description is plural ("the officials", "people familiar with
/// the matter", "two diplomats"): "he" or "she" cannot mean it.
pub(crate) fn plural_source(name: &str) -> bool {
    // The head noun ends the noun phrase, before what qualifies it.
    const QUALIFIERS: &[&str] = &[
        "with",
        "of",
        "familiar",
        "who",
        "in",
        "at",
        "close",
        "briefed",
        "speaking",
        "from",
        "on",
        "involved",
        "knowledgeable",
        "that",
        "for",
        "to",
    ];
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let end = words
        .iter()
        .position(|w| QUALIFIERS.contains(&w.to_lowercase().as_str()))
        .unwrap_or(words.len());
    let Some(head) = words[..end].last() else {
        return false;
    };
    let head = head.to_lowercase();
    let head = head.trim_end_matches(|c: char| !c.is_alphanumeric());
    matches!(head, "people" | "police" | "staff" | "personnel" | "folks")
        || (head.len() > 3 && head.ends_with('s') && !head.ends_with("ss") && !head.ends_with("us"))
}

/// People named in the narrative: (offset, the name's last word lowercased), in
/// order. See [`person_mentions`].
pub(crate) type Mentions = Vec<(usize, String)>;

/// Where people are named in the narrative (outside quotations), in order, each
/// with the name's last word lowercased: a title before a capitalized word ("Mr.
/// Blinken": "blinken"), or the surname of one of `people`
/// (the article's named sources).
pub(crate) fn person_mentions(text: &str, seg: &Segments, people: &[&str]) -> Mentions {
    let mut at: Vec<(usize, String)> = Vec::new();
    if let Some(re) = PERSON_TITLE.as_ref() {
        for m in re.find_iter(text) {
            // The match ends with the name's first letter, which may take
            // several bytes ("Mr. Петров").
            let first = m
                .as_str()
                .char_indices()
                .last()
                .map_or(m.end(), |(i, _)| m.start() + i);
            let name: String = text[first..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '\'')
                .collect();
            at.push((m.start(), name.to_lowercase()));
        }
    }
    if let Some(re) = INTRODUCED_PERSON.as_ref() {
        for m in re.find_iter(text) {
            let name = m.as_str().split(',').next().unwrap_or_default();
            // The description's first words: "a Lagos-based logistics firm".
            let described = text[m.end()..]
                .split_whitespace()
                .take(4)
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'))
                .take_while(|w| !w.is_empty())
                .any(|w| {
                    let w = w.to_lowercase();
                    NOT_A_PERSON.contains(&w.as_str())
                        || w.rsplit('-')
                            .next()
                            .is_some_and(|h| NOT_A_PERSON.contains(&h))
                });
            // One word before "who" may be a plural at a sentence's head
            // ("Residents, who fled, said"): people unnamed, no mention.
            let plural_head = !name.contains(char::is_whitespace)
                && PEOPLE_PLURALS.contains(&name.to_lowercase().as_str());
            if looks_like_organization(name) || described || plural_head {
                continue;
            }
            if let Some(surname) = name.split_whitespace().last() {
                at.push((m.start(), surname.to_lowercase()));
            }
        }
    }
    let mut surnames: Vec<&str> = people
        .iter()
        // "The World Health Organisation" names no person.
        .filter(|name| !looks_like_organization(name))
        .filter_map(|name| name.split_whitespace().last())
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() > 1 && w.chars().next().is_some_and(char::is_uppercase))
        .collect();
    surnames.sort_unstable();
    surnames.dedup();
    // A handful of names over a few kilobytes: a substring search per name
    // costs less than building an automaton for them, article after article.
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    for surname in surnames {
        at.extend(
            text.match_indices(surname)
                .filter(|&(i, m)| {
                    !word(text[..i].chars().next_back())
                        && !word(text[i + m.len()..].chars().next())
                })
                .map(|(i, m)| (i, m.to_lowercase())),
        );
    }
    at.retain(|&(m, _)| !seg.in_quote(m));
    at.sort_unstable();
    at
}

#[cfg(test)]
mod tests {
    /// The names `person_mentions` finds in `text`, with no named sources.
    fn mentioned(text: &str) -> Vec<String> {
        let seg = crate::text::segment(text);
        super::person_mentions(text, &seg, &[])
            .into_iter()
            .map(|(_, n)| n)
            .collect()
    }

    #[test]
    fn titled_names_may_start_with_any_capital_letter() {
        let text = "Mr. Петров spoke. Then Dr. Éva Nagy and President Biden spoke.";
        assert_eq!(mentioned(text), ["петров", "éva", "biden"]);
    }

    #[test]
    fn a_person_introduced_with_a_description_is_a_mention_a_place_is_not() {
        let text = "It is run by Eleanor Pask, the MP for Wensley. It lies near Port \
                    Harcourt, a city in the south. Tane Whaitiri, 58, who fishes there, \
                    agreed. Acme Holdings, a Lagos-based logistics firm, did not. Montes, \
                    who rose to fame young, agreed. Residents, who fled, did not.";
        assert_eq!(mentioned(text), ["pask", "whaitiri", "montes"]);
    }

    #[test]
    fn strip_all_is_trim_end_matches() {
        for t in [
            "",
            "'s",
            "Kremlin's",
            "Putin’s",
            "x's's",
            "it’s’s",
            "s",
            "'",
            "Jones",
        ] {
            assert_eq!(strip_all(t, "'s"), t.trim_end_matches("'s"), "{t}");
            assert_eq!(strip_all(t, "’s"), t.trim_end_matches("’s"), "{t}");
        }
        assert_eq!(
            words("the Kremlin's, Mr. Putin’s."),
            ["the", "kremlin", "mr", "putin"]
        );
    }

    use super::*;

    #[test]
    fn organization_or_person() {
        assert!(looks_like_organization("the Foreign Ministry"));
        assert!(looks_like_organization("Chinese Embassy"));
        assert!(!looks_like_organization("Hua Chunying"));
        assert!(!looks_like_organization("Ms. Hua"));
        assert!(!looks_like_organization(
            "House Majority Leader Tom Brenner"
        ));
        assert!(!looks_like_organization(
            "Senate Majority Leader Raymond Torres"
        ));
        assert!(looks_like_organization("the State Department"));
        assert!(looks_like_organization("Prime Minister's Office"));
        assert!(looks_like_organization("Office of the President"));
    }

    /// Each surname is found on its own: with "Lee" and "Leeds" both named, a
    /// later "Leeds" is a mention of Leeds. (The automaton used before reported
    /// the shorter "Lee" there, dropped it at the word check, and missed "Leeds".)
    #[test]
    fn overlapping_surnames_are_each_found() {
        let text = "Amy Lee said so. Tom Leeds agreed. Later, Leeds left.";
        let seg = crate::text::segment(text);
        let found = person_mentions(text, &seg, &["Amy Lee", "Tom Leeds"]);
        let names: Vec<&str> = found.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["lee", "leeds", "leeds"]);
        assert_eq!(found[2].0, text.rfind("Leeds").unwrap());
    }

    #[test]
    fn person_tokens_drop_titles() {
        assert_eq!(person_tokens("Ms. Hua"), vec!["hua"]);
        assert_eq!(
            person_tokens("President Vladimir V. Putin"),
            vec!["vladimir", "v", "putin"]
        );
    }

    #[test]
    fn number_of_a_source_description() {
        for plural in [
            "the officials",
            "U.S. officials",
            "people familiar with the matter",
            "two diplomats briefed on the talks",
            "Some American officials",
        ] {
            assert!(plural_source(plural), "{plural}");
        }
        for singular in [
            "a senior official",
            "a person familiar with the talks",
            "an official with knowledge of the negotiations",
            "a witness",
            "a senior U.S. official",
        ] {
            assert!(!plural_source(singular), "{singular}");
        }
    }
}
