//! Accuracy regression gate: the built-in rules, scored on the annotated corpus in
//! `tests/corpus/` exactly as `sourcing eval` scores them, must stay above the bars
//! the project agreed on. Deterministic: in-process, no timing.
//!
//! The held-out set in `tests/heldout/` is held to the same bars; the blind and
//! development sets written later (`tests/blind*/`, `tests/devset*/`) to a lower
//! floor that catches a regression.
//!
//! If a rule change trips this, run
//! `sourcing eval --articles tests/corpus/articles --gold tests/corpus/gold --details`
//! (or `tests/heldout/…`) to see every miss and false alarm.

use std::path::Path;

use sourcing::Auditor;
use sourcing::eval::{self, ALL_CATEGORIES, ALL_ROW, Counts, FLAGS_ROW};

/// F1 bar for the categories an editor cares most about.
const CORE_F1: f64 = 0.85;
const CORE: &[&str] = &[
    "anonymous-source",
    "declined-comment",
    "state-media",
    "named-source",
];
/// F1 bar for every other category with enough gold sentences to measure.
const OTHER_F1: f64 = 0.75;
const MIN_GOLD: usize = 5;
/// Micro precision and recall bar over the flag categories.
const FLAGS_BAR: f64 = 0.90;

#[test]
fn builtin_rules_meet_the_accuracy_bars() {
    check_bars("tests/corpus", 40);
}

/// The same bars on articles the rules were not first written for: composed US
/// political and wire copy (party-state tags, anonymity reasons, polls, "told CNN"),
/// a kind the Wikinews-heavy corpus lacks. See `tests/heldout/README.md`.
#[test]
fn builtin_rules_meet_the_accuracy_bars_on_the_held_out_set() {
    check_bars("tests/heldout", 5);
}

/// Floor for the sets written later, below the corpus bars: it catches a
/// regression, while the sets' READMEs say where the rules stand.
const LATER_SETS_FLOOR: f64 = 0.75;

/// Ten articles no rule was tuned on (`tests/blind/README.md`): a regression gate
/// on how the rules carry over to copy they have never seen.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_blind_set() {
    check_floor("tests/blind", 10);
}

/// Twelve more no rule was tuned on (`tests/blind2/README.md`), scored once at
/// the end of the work on five development sets.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_second_blind_set() {
    check_floor("tests/blind2", 12);
}

/// Twelve more no rule was tuned on (`tests/blind3/README.md`), scored once at
/// the end of the work on `tests/devset6` and `tests/devset7`. Its flags
/// recall (0.734 when it was first scored, 0.752 later) was below the later
/// sets' floor, so it has a floor of its own: no rule is tuned on it.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_third_blind_set() {
    check_floor_at("tests/blind3", 12, 0.70);
}

/// Twelve more no rule was tuned on (`tests/blind4/README.md`), scored once at
/// the end of the session that wrote it.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_fourth_blind_set() {
    check_floor("tests/blind4", 12);
}

/// Twelve more no rule was tuned on (`tests/blind5/README.md`), scored once at
/// the end of the session that wrote it.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_fifth_blind_set() {
    check_floor("tests/blind5", 12);
}

/// Twelve more no rule was tuned on (`tests/blind7/README.md`), a natural mix
/// of everyday news, scored once at the end of the rule work on
/// `tests/devset10` and `tests/devset11`.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_seventh_blind_set() {
    check_floor("tests/blind7", 12);
}

/// Twelve more no rule was tuned on (`tests/blind6/README.md`), scored once at
/// the end of the rule work that followed blind5's scoring.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_sixth_blind_set() {
    check_floor("tests/blind6", 12);
}

/// Ten articles the rules were improved on (`tests/devset/README.md`): the fixes
/// made for them must not quietly come undone.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_development_set() {
    check_floor("tests/devset", 10);
}

/// Twelve more articles the rules were improved on (`tests/devset2/README.md`),
/// written to stress documents, outlets outside the big Western names and vague
/// crowds.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_second_development_set() {
    check_floor("tests/devset2", 12);
}

/// Twelve more (`tests/devset3/README.md`): Ukraine war reporting, an NTSB
/// report, an English court, an AP race call, Japanese and Indian politics, a
/// preprint, access-to-information documents, OPEC delegates, city hall, a
/// transfer saga and a hedged explainer.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_third_development_set() {
    check_floor("tests/devset3", 12);
}

/// Twelve more (`tests/devset4/README.md`): a White House story on background,
/// a coup in the Sahel, a Wall Street Journal scoop, a statehouse, an EU summit,
/// a wildfire, a criminal trial, a charity long read, a Chinese school collapse,
/// a Nature paper, a crypto collapse in Markdown and Colombian wiretaps.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_fourth_development_set() {
    check_floor("tests/devset4", 12);
}

/// Twelve more (`tests/devset5/README.md`): body-camera footage, a Supreme
/// Court opinion, an earnings call, a leaked EU draft, an Ebola outbreak,
/// Pakistani and Brazilian politics, Senate estimates, a typhoon, a FOIA
/// investigation, a label's lawsuit and a retraction.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_fifth_development_set() {
    check_floor("tests/devset5", 12);
}

/// Twelve more (`tests/devset6/README.md`): an Indian state poll, a Kenyan
/// court, a leaked layoff memo, a glacier report, a hospital outbreak, a North
/// Korean launch, a doping case, Irish housing, a chef's profile, hostage
/// talks, a rate decision and a recall.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_sixth_development_set() {
    check_floor("tests/devset6", 12);
}

/// Twelve more (`tests/devset8/README.md`), leaning on unnamed sources and
/// vague attribution: a security scoop, a takeover leak, party intrigue, a
/// transfer saga, a celebrity split, Darfur, a central bank, a phone leak, a
/// prison, an analysis, a local election and a health scare.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_eighth_development_set() {
    check_floor("tests/devset8", 12);
}

/// Twelve more (`tests/devset9/README.md`), leaning on documents, other
/// outlets and vague attribution: Brazilian mining permits, a Kano election
/// rerun, falsified brake data, a border blockade, a wildfire, a leaked memo, a
/// city budget, a club takeover, a devaluation, a hospital hack, a drug trial and
/// a restitution. First scored after this session's first rule fixes.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_ninth_development_set() {
    check_floor("tests/devset9", 12);
}

/// Twelve more (`tests/devset10/README.md`), leaning on unnamed sources in many
/// forms and on other outlets: tea payments, a senator's inquiry, a gas trader,
/// a data exposure, a takeover, fishing nets, solar curtailment, a hospital
/// whistleblower, canola tariffs, athletes' allowances, gas-price protests and
/// a chip venture. First scored at the start of a session's rule work.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_tenth_development_set() {
    check_floor("tests/devset10", 12);
}

/// Twelve more no rule was tuned on (`tests/blind8/README.md`), a natural mix
/// of everyday news, scored once against the rules of 3530198.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_eighth_blind_set() {
    check_floor("tests/blind8", 12);
}

/// Twelve more (`tests/devset12/README.md`), leaning on unnamed people the
/// reporter met, other outlets and documents. Its flags recall was 0.685 when
/// first scored and had a floor of its own (0.65); at 0.827 since the rules
/// improved on it, it joins the later sets' floor.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_twelfth_development_set() {
    check_floor("tests/devset12", 12);
}

/// Twelve more (`tests/devset13/README.md`), leaning on other outlets,
/// documents and unnamed people; scored blind first (0.871 / 0.765 in flags),
/// then tuned on.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_thirteenth_development_set() {
    check_floor("tests/devset13", 12);
}

/// Twelve more (`tests/devset14/README.md`), local and regional news leaning
/// on relatives and neighbours, councillors, small outlets, court filings and
/// council minutes; scored blind first (0.917 / 0.750 in flags), then tuned on.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_fourteenth_development_set() {
    check_floor("tests/devset14", 12);
}

/// Twelve more (`tests/blind9/README.md`), a natural mix of everyday news,
/// kept blind for one session (0.868 / 0.849 in flags before and after it),
/// then tuned on.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_ninth_blind_set() {
    check_floor("tests/blind9", 12);
}

/// Twelve more (`tests/blind10/README.md`), a natural mix of a week's news,
/// kept blind for one session (0.869 / 0.830 in flags before it, 0.879 /
/// 0.839 after), then tuned on.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_tenth_blind_set() {
    check_floor("tests/blind10", 12);
}

/// Twelve more (`tests/blind11/README.md`), a natural mix weighted toward
/// courts, results, local government and the foreign desk, kept blind for one
/// session (0.931 / 0.770 in flags before it and after it), then tuned on.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_eleventh_blind_set() {
    check_floor("tests/blind11", 12);
}

/// Twelve more no rule was tuned on (`tests/blind12/README.md`), a natural
/// mix weighted toward politics, defence, technology, energy, education,
/// transport and the foreign desk, scored against the rules of b313a05
/// before any rule work (0.897 / 0.821 in flags).
#[test]
fn builtin_rules_stay_above_the_floor_on_the_twelfth_blind_set() {
    check_floor("tests/blind12", 12);
}

/// Twelve more no rule was tuned on (`tests/blind13/README.md`), a week's news
/// weighted toward business, health, courts, local government and labour,
/// scored against the rules of 0b99a62 before the eighth session's rule work
/// (0.954 / 0.785 in flags, 0.906 / 0.779 in all categories).
#[test]
fn builtin_rules_stay_above_the_floor_on_the_thirteenth_blind_set() {
    check_floor("tests/blind13", 12);
}

/// Twelve more no rule was tuned on (`tests/blind14/README.md`), science,
/// transport, an election count, energy, education, privacy, the foreign
/// desk, crime, retail, environment, a newspaper review and a profile,
/// scored against the rules of 6895a2e before the ninth session's rule work
/// (0.904 / 0.885 in flags, 0.944 / 0.839 in all categories).
#[test]
fn builtin_rules_stay_above_the_floor_on_the_fourteenth_blind_set() {
    check_floor("tests/blind14", 12);
}

/// Twelve more no rule was tuned on (`tests/blind15/README.md`), an ordinary
/// week of a general newsroom in eleven countries' house styles, scored
/// against the rules of dde9791 before the eleventh session's rule work
/// (0.914 / 0.831 in flags, 0.934 / 0.861 in all categories).
#[test]
fn builtin_rules_stay_above_the_floor_on_the_fifteenth_blind_set() {
    check_floor("tests/blind15", 12);
}

/// Twelve more (`tests/devset16/README.md`), a news week with varied
/// attribution (sport, a health study, a trial, layoffs, an audit, a
/// typhoon, state media, a press review, a live blog); scored blind first
/// (0.915 / 0.836 in flags), then tuned on.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_sixteenth_development_set() {
    check_floor("tests/devset16", 12);
}

/// Twelve more no rule was tuned on (`tests/blind16/README.md`), a wire
/// service's and a regional daily's week in thirteen countries' house
/// styles, written after the eleventh session's rule work (0.954 / 0.922
/// in flags at 2e84318; 0.953 / 0.900 with the rules of dde9791).
#[test]
fn builtin_rules_stay_above_the_floor_on_the_sixteenth_blind_set() {
    check_floor("tests/blind16", 12);
}

/// Twelve more no rule was tuned on (`tests/blind17/README.md`), in the house
/// styles the tool meets most: Wikinews, the wires, national papers' security
/// and politics desks, an investigation, local and science news.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_seventeenth_blind_set() {
    check_floor("tests/blind17", 12);
}

/// Twelve more no rule was tuned on (`tests/blind18/README.md`), mostly in
/// Wikinews's style, written after most of the twelfth session's rule work
/// (a blind reading of it: 0.893 / 0.944 in flags with the rules of 204c50b).
#[test]
fn builtin_rules_stay_above_the_floor_on_the_eighteenth_blind_set() {
    check_floor("tests/blind18", 12);
}

/// Twelve more no rule was tuned on (`tests/blind19/README.md`), one in each
/// of twelve house styles (the wires, national papers, public broadcasters,
/// Indian, Australian and Canadian papers, local TV, a trade paper), written
/// during the thirteenth session (0.905 / 0.894 in flags with the rules of
/// 8f7e89b).
#[test]
fn builtin_rules_stay_above_the_floor_on_the_nineteenth_blind_set() {
    check_floor("tests/blind19", 12);
}

/// Twelve more no rule was tuned on (`tests/blind20/README.md`), in forms
/// unlike wire copy (a fact-check, a Q&A, a markets wrap, a live blog, a
/// newsletter digest, an exile outlet...), written during the fourteenth
/// session (0.947 / 0.795 in flags with the rules of e5dc061).
#[test]
fn builtin_rules_stay_above_the_floor_on_the_twentieth_blind_set() {
    check_floor("tests/blind20", 12);
}

/// Twelve more no rule was tuned on (`tests/blind21/README.md`), in twelve
/// forms unlike plain wire copy (a court report, a preprint story, a council
/// story, an explainer...), written during the seventeenth session (0.904 /
/// 0.798 in flags with the rules of 476219d).
#[test]
fn builtin_rules_stay_above_the_floor_on_the_twenty_first_blind_set() {
    check_floor("tests/blind21", 12);
}

/// Twelve more (`tests/devset22/README.md`), weighted to documents and other
/// outlets cited in many sentence shapes, with look-alikes; scored blind first
/// (0.910 / 0.816 in flags at 476219d), then tuned on.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_twenty_second_development_set() {
    check_floor("tests/devset22", 12);
}

/// Twelve more (`tests/devset21/README.md`), weighted to unnamed sources and
/// unverified claims in forms unlike wire copy; scored blind first (0.929 /
/// 0.828 in flags at e5dc061), then tuned on.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_twenty_first_development_set() {
    check_floor("tests/devset21", 12);
}

/// Twelve more (`tests/devset20/README.md`), weighted to documents cited in
/// many shapes, other outlets, named sources with verbs other than "said"
/// and look-alikes; scored blind first (0.948 / 0.917 in flags at e5dc061),
/// then tuned on.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_twentieth_development_set() {
    check_floor("tests/devset20", 12);
}

/// Twelve more (`tests/devset19/README.md`), weighted to what tools find
/// hardest: press reviews, vague attribution in disguise, unnamed sources in
/// varied syntax, refusals, documents, named sources in hard syntax and
/// look-alikes; scored blind first (0.954 / 0.858 in flags at 8f7e89b), then
/// tuned on.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_nineteenth_development_set() {
    check_floor("tests/devset19", 12);
}

/// Twelve more (`tests/devset18/README.md`), weighted to what tools find
/// hardest: other outlets, a press review, dense unnamed sources, state media
/// only, documents, declined comment, a live blog, British and Nigerian
/// idioms; scored blind first (0.901 / 0.801 in flags at 204c50b), then tuned on.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_eighteenth_development_set() {
    check_floor("tests/devset18", 12);
}

/// Twelve more (`tests/devset17/README.md`), weighted to the hardest
/// attribution (press reviews, a live blog, South and Southeast Asian and
/// West African English, state media, social posts); scored blind first
/// (0.895 / 0.787 in flags), then tuned on.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_seventeenth_development_set() {
    check_floor("tests/devset17", 12);
}

/// Twelve more (`tests/devset15/README.md`), investigative, business and
/// foreign-desk copy leaning on documents, other outlets, state media and
/// vague attribution; scored blind first (0.862 / 0.870 in flags), then
/// tuned on.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_fifteenth_development_set() {
    check_floor("tests/devset15", 12);
}

/// Twelve more (`tests/devset11/README.md`), leaning on vague attribution,
/// documents and declined comment in unusual phrasings: a gearbox maker's
/// debt, a hospital drug audit, a bin contract, deforestation alerts, a
/// shipyard strike, a retraction, a bond default, contaminated syrup, water
/// rates, a tailings leak, a port strike and falsified data. First scored at
/// the start of a session's rule work.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_eleventh_development_set() {
    check_floor("tests/devset11", 12);
}

/// Twelve more (`tests/devset7/README.md`): South African and Venezuelan
/// politics, a Singapore court, a plane crash, admissions emails, the Vatican,
/// Iran's nuclear file, a heatwave, two trials, a school board and a studio.
#[test]
fn builtin_rules_stay_above_the_floor_on_the_seventh_development_set() {
    check_floor("tests/devset7", 12);
}

/// Fail unless flags and all micro precision and recall on `dir` reach the floor.
fn check_floor(dir: &str, min_articles: usize) {
    check_floor_at(dir, min_articles, LATER_SETS_FLOOR);
}

/// [`check_floor`] with a floor of the set's own.
fn check_floor_at(dir: &str, min_articles: usize, floor: f64) {
    let ev = scored(dir, min_articles);
    for row in [FLAGS_ROW, ALL_ROW] {
        let c = ev.row(row).unwrap();
        for (what, value) in [("precision", c.precision()), ("recall", c.recall())] {
            let v = value.unwrap_or(0.0);
            assert!(
                v >= floor,
                "{dir}: {row} micro {what} {v:.3} < {floor}\n\n{}",
                ev.render_text(false)
            );
        }
    }
}

/// The built-in rules scored on `dir/articles` against `dir/gold`, after checking
/// that no article went missing and the gold reads without warnings.
fn scored(dir: &str, min_articles: usize) -> eval::Evaluation {
    let set = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let auditor = Auditor::builtin().expect("built-in packs load");
    let ev = eval::evaluate(&auditor, &set.join("articles"), &set.join("gold"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        ev.articles >= min_articles,
        "{dir} lost articles: {}",
        ev.articles
    );
    assert!(
        ev.warnings.is_empty(),
        "{dir}: gold warnings: {:?}",
        ev.warnings
    );
    ev
}

/// Score the built-in rules on `dir/articles` against `dir/gold` and fail with the
/// whole table if any bar is missed.
fn check_bars(dir: &str, min_articles: usize) {
    let ev = scored(dir, min_articles);

    let mut failures = Vec::new();
    let flags = ev.row(FLAGS_ROW).unwrap();
    for (what, value) in [("precision", flags.precision()), ("recall", flags.recall())] {
        let v = value.unwrap_or(0.0);
        if v < FLAGS_BAR {
            failures.push(format!("flags micro {what} {v:.3} < {FLAGS_BAR}"));
        }
    }
    for category in ALL_CATEGORIES {
        let c: Counts = ev.row(category).unwrap();
        let gold = c.tp + c.fn_;
        let bar = if CORE.contains(category) {
            CORE_F1
        } else if gold >= MIN_GOLD {
            OTHER_F1
        } else {
            continue;
        };
        let f1 = c.f1().unwrap_or(0.0);
        if f1 < bar {
            failures.push(format!(
                "{category}: F1 {f1:.3} < {bar} (tp {}, fp {}, fn {})",
                c.tp, c.fp, c.fn_
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{dir}: accuracy below the bars:\n{}\n\n{}",
        failures.join("\n"),
        ev.render_text(false)
    );
}
