//! The news organizations the pipeline knows by name, shared by the text stage
//! (a wire service's name in a dateline) and the rules stage (which newsroom
//! published the article), so that neither keeps its own copy and neither
//! depends on the other.

/// A newsroom and the names copy uses for it. The first name is the short
/// form a dateline or credit line gives ("AP", "AFP").
pub(crate) struct Newsroom {
    pub names: &'static [&'static str],
    /// A wire service, whose short name stands in a dateline's parentheses:
    /// "WASHINGTON (AP) —", "Ouagadougou (AFP) -".
    pub wire: bool,
}

pub(crate) const NEWSROOMS: &[Newsroom] = &[
    Newsroom {
        names: &["AP", "Associated Press", "The Associated Press"],
        wire: true,
    },
    Newsroom {
        names: &["Reuters", "Thomson Reuters", "Reuters News"],
        wire: true,
    },
    Newsroom {
        names: &[
            "AFP",
            "Agence France-Presse",
            "Agence France Presse",
            "France-Presse",
        ],
        wire: true,
    },
    Newsroom {
        names: &["Bloomberg", "Bloomberg News"],
        wire: true,
    },
    Newsroom {
        names: &["UPI", "United Press International"],
        wire: true,
    },
    Newsroom {
        names: &["dpa", "Deutsche Presse-Agentur"],
        wire: true,
    },
    Newsroom {
        names: &["CNN"],
        wire: false,
    },
    Newsroom {
        names: &["BBC", "BBC News"],
        wire: false,
    },
    Newsroom {
        names: &["The Guardian", "Guardian"],
        wire: false,
    },
    Newsroom {
        names: &["The New York Times", "New York Times"],
        wire: false,
    },
    Newsroom {
        names: &["The Washington Post", "Washington Post"],
        wire: false,
    },
    Newsroom {
        names: &["The Wall Street Journal", "Wall Street Journal"],
        wire: false,
    },
];

/// Whether `name` is a wire service's short name, as a dateline gives it.
pub(crate) fn is_wire(name: &str) -> bool {
    NEWSROOMS.iter().any(|n| n.wire && n.names[0] == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wires_are_known_by_their_short_name_only() {
        for w in ["AP", "AFP", "Reuters", "UPI", "dpa", "Bloomberg"] {
            assert!(is_wire(w), "{w}");
        }
        for n in ["Associated Press", "BBC", "CNN", "ap", ""] {
            assert!(!is_wire(n), "{n}");
        }
    }
}
