//! Text: paragraphs, sentences, direct quotations and story furniture, as byte
//! spans into a document's text.
//!
//! News copy is hard on sentence splitters: titles (`Mr. Xi`), initials
//! (`Vladimir V. Putin`), dotted abbreviations (`U.S. officials`), dates
//! (`Jan. 6`), quotations that close after the period, and hard-wrapped files
//! where a single newline falls mid-sentence. The rules here are deliberately
//! small and tested one case at a time.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;

/// A half-open byte range `start..end` into a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// Make a span.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// Whether `offset` lies inside the span.
    pub fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span is empty.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// One sentence and the paragraph it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// Where the sentence is.
    pub span: Span,
    /// Index into [`Segments::paragraphs`].
    pub paragraph: usize,
}

/// The structure of a document's text.
#[derive(Debug, Clone, Default)]
pub struct Segments {
    /// Paragraphs, in order, trimmed of surrounding white space.
    pub paragraphs: Vec<Span>,
    /// Sentences, in order; they tile each paragraph (apart from white space).
    pub sentences: Vec<Sentence>,
    /// Direct quotations, from the opening mark to the closing one (or to the end
    /// of the paragraph when a quotation runs on into the next paragraph).
    pub quotes: Vec<Span>,
    /// Headlines, bylines, datelines, photo captions and credits, time stamps:
    /// story furniture, never attribution. Sorted by start.
    pub furniture: Vec<Span>,
    /// Which furniture is which, for the report's document summary.
    pub story: Story,
}

/// The story furniture that identifies an article, as spans into its text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Story {
    /// The headline: a short first line standing alone.
    pub headline: Option<Span>,
    /// The first byline ("By Edward Wong | New York Times"), "By" included.
    pub byline: Option<Span>,
    /// The dateline that opens the story ("WASHINGTON (AP) —").
    pub dateline: Option<Span>,
    /// The first stand-alone time stamp ("Updated 5:32 PM ET, March 1, 2022").
    pub timestamp: Option<Span>,
}

impl Segments {
    /// Whether `offset` is inside a direct quotation.
    pub fn in_quote(&self, offset: usize) -> bool {
        let i = self.quotes.partition_point(|q| q.end <= offset);
        self.quotes.get(i).is_some_and(|q| q.contains(offset))
    }

    /// Whether `offset` is inside story furniture.
    pub fn in_furniture(&self, offset: usize) -> bool {
        // Furniture spans are sorted and never overlap (find_furniture adds each
        // after the last; the property tests check it), so a binary search keeps
        // this cheap when every line is a photo credit.
        let i = self.furniture.partition_point(|f| f.end <= offset);
        self.furniture.get(i).is_some_and(|f| f.contains(offset))
    }

    /// Index of the sentence containing `offset`, or the nearest one before it.
    pub fn sentence_at(&self, offset: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.span.start <= offset);
        i.checked_sub(1)
    }

    /// Quotations that overlap a span.
    pub fn quotes_in(&self, span: Span) -> impl Iterator<Item = &Span> {
        // Quotations are sorted and never overlap: skip to the first that ends
        // after the span starts instead of scanning them all for every sentence.
        let first = self.quotes.partition_point(|q| q.end <= span.start);
        self.quotes[first..]
            .iter()
            .take_while(move |q| q.start < span.end)
            .filter(move |q| span.start < q.end)
    }
}

/// Abbreviations after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Messrs", "Dr", "Prof", "Sen", "Sens", "Rep", "Reps", "Gov", "Govs", "Gen",
    "Lt", "Col", "Capt", "Cmdr", "Adm", "Maj", "Sgt", "Cpl", "Pvt", "Brig", "Rev", "Hon", "Pres",
    "Supt", "Det", "Insp", "St", "Ste", "Mt", "Ft", "Jr", "Sr", "Inc", "Corp", "Co", "Ltd", "Bros",
    "Dept", "Univ", "Assn", "Ave", "Blvd", "Rd", "vs", "etc", "al", "Gens", "Ald", "Atty", "Amb",
    // Clergy (`Fr. Emmanuel Dizon`, `Msgr.`) and Philippine usage: engineers
    // by title, villages, saints' names in places (`Sto. Domingo`, `Sta. Rosa`).
    "Fr", "Msgr", "Engr", "Brgy", "Sto", "Sta",
];

/// Abbreviations that only count before a number (`No. 2`, `Jan. 6`).
const NUMERIC_ABBREVIATIONS: &[&str] = &[
    "No", "Nos", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
    "Dec", "Art", "Vol", "Fig", "pp", "p",
];

fn is_open_quote(c: char) -> bool {
    matches!(c, '“' | '"' | '‘' | '«')
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '”' | '’' | '\'' | ')' | ']' | '»')
}

/// Segment a document's text.
pub fn segment(text: &str) -> Segments {
    let (furniture, story) = find_furniture(text);
    let mut seg = Segments {
        furniture,
        story,
        ..Segments::default()
    };
    for para in paragraphs(text, &seg.furniture) {
        let index = seg.paragraphs.len();
        seg.paragraphs.push(para);
        for s in sentences(text, para) {
            seg.sentences.push(Sentence {
                span: s,
                paragraph: index,
            });
        }
        seg.quotes.extend(quotations(text, para));
    }
    seg
}

/// Paragraphs: runs of lines separated by blank lines. Each piece of furniture is
/// a paragraph of its own, and cuts the running text around it ("November.Credit…
/// Getty Images" ends the caption's paragraph where the credit begins).
fn paragraphs(text: &str, furniture: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut pos = 0;
    for f in furniture {
        if f.start < pos {
            continue;
        }
        split_blank_lines(text, Span::new(pos, f.start), &mut out);
        split_blank_lines(text, *f, &mut out);
        pos = f.end;
    }
    split_blank_lines(text, Span::new(pos, text.len()), &mut out);
    out.retain(|p| !p.is_empty());
    out
}

/// Split a stretch of text into paragraphs at blank lines.
fn split_blank_lines(text: &str, span: Span, out: &mut Vec<Span>) {
    let mut start: Option<usize> = None;
    let mut last_end = span.start;
    let mut pos = span.start;
    for line in text[span.start..span.end].split_inclusive('\n') {
        let line_start = pos;
        pos += line.len();
        if line.trim().is_empty() {
            if let Some(s) = start.take() {
                out.push(trim(text, Span::new(s, last_end)));
            }
            continue;
        }
        start.get_or_insert(line_start);
        last_end = line_start + line.trim_end().len();
    }
    if let Some(s) = start {
        out.push(trim(text, Span::new(s, last_end)));
    }
}

fn trim(text: &str, span: Span) -> Span {
    let s = &text[span.start..span.end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    Span::new(span.start + lead, (span.end - trail).max(span.start + lead))
}

/// Split one paragraph into sentences.
fn sentences(text: &str, para: Span) -> Vec<Span> {
    let p = &text[para.start..para.end];
    let char_at = |b: usize| p[b..].chars().next();
    let mut out = Vec::new();
    let mut start = 0usize;
    // Terminators are ASCII, so a byte search finds them; characters are decoded
    // only around them. Terminators before `resume` were part of an earlier run.
    let mut resume = 0usize;
    for (i, _) in p.match_indices(['.', '!', '?']) {
        if i < resume {
            continue;
        }
        let c = p.as_bytes()[i];
        // Take the whole run of terminators and closing marks: `?!`, `."`, `.”)`.
        let mut j = i + 1;
        while let Some(d) = char_at(j).filter(|&d| matches!(d, '.' | '!' | '?') || is_closer(d)) {
            j += d.len_utf8();
        }
        let end_byte = j;
        // The next sentence must start after white space, with a capital, a digit or an
        // opening mark; anything else (`," she said`, `3.5`, `Nov.Credit`) continues.
        let mut k = j;
        while let Some(w) = char_at(k).filter(|w| w.is_whitespace()) {
            k += w.len_utf8();
        }
        let Some(next) = char_at(k).filter(|_| k > j) else {
            resume = j;
            continue;
        };
        let starts_sentence = next.is_uppercase()
            || next.is_ascii_digit()
            || is_open_quote(next)
            || matches!(next, '(' | '[' | '—' | '–' | '¿' | '¡');
        if !starts_sentence || (c == b'.' && j == i + 1 && is_abbreviation(p, i, next)) {
            resume = j;
            continue;
        }
        out.push(Span::new(para.start + start, para.start + end_byte));
        start = k;
        resume = k;
    }
    if start < p.len() {
        out.push(Span::new(para.start + start, para.end));
    }
    out.into_iter()
        .map(|s| trim(text, s))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Whether the period at byte `i` of `p` ends an abbreviation rather than a
/// sentence, given the character that follows the white space after it.
fn is_abbreviation(p: &str, i: usize, next: char) -> bool {
    // The word before the period, back to white space or an opening mark.
    let from = p[..i]
        .char_indices()
        .rev()
        .find(|&(_, c)| {
            c.is_whitespace() || is_open_quote(c) || matches!(c, '(' | '[' | '—' | '–' | '/')
        })
        .map_or(0, |(b, c)| b + c.len_utf8());
    let word = &p[from..i];
    if word.is_empty() {
        return false;
    }
    // Initials and single letters: `V.` in `Vladimir V. Putin`.
    let mut letters = word.chars();
    if let (Some(first), None) = (letters.next(), letters.next())
        && first.is_alphabetic()
    {
        return first.is_uppercase() || next.is_lowercase();
    }
    // Dotted abbreviations: `U.S`, `U.N`, `a.m`, `D.C`, `Ph.D`.
    if word.contains('.')
        && word.split('.').all(|part| {
            !part.is_empty() && part.len() <= 2 && part.chars().all(char::is_alphabetic)
        })
    {
        return true;
    }
    if ABBREVIATIONS.contains(&word) {
        return true;
    }
    NUMERIC_ABBREVIATIONS.contains(&word) && next.is_ascii_digit()
}

/// Direct quotations inside one paragraph.
fn quotations(text: &str, para: Span) -> Vec<Span> {
    let p = &text[para.start..para.end];
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    // Only quotation marks matter: find them by their first byte (`"`, and the
    // lead bytes of “ ” and « »), decoding characters only there.
    let bytes = p.as_bytes();
    let mut from = 0;
    while let Some(off) = bytes[from..]
        .iter()
        .position(|&x| matches!(x, b'"' | 0xE2 | 0xC2))
    {
        let b = from + off;
        let Some(c) = p[b..].chars().next() else {
            break;
        };
        from = b + c.len_utf8();
        let prev = p[..b].chars().next_back();
        match c {
            '“' | '«' if open.is_none() => open = Some(b),
            '”' | '»' => {
                if let Some(s) = open.take() {
                    out.push(Span::new(para.start + s, para.start + b + c.len_utf8()));
                }
            }
            '"' => {
                // A straight quote opens after white space, an opening bracket or at
                // the start; otherwise it closes.
                let opens = prev
                    .is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '—' | '–' | '-'));
                match open {
                    Some(s) if !opens || p[s..b].trim().is_empty() => {
                        out.push(Span::new(para.start + s, para.start + b + 1));
                        open = None;
                    }
                    Some(s) => {
                        // Two openers in a row: the first was never closed in this
                        // paragraph, so treat it as a quote up to here.
                        out.push(Span::new(para.start + s, para.start + b));
                        open = Some(b);
                    }
                    None if opens => open = Some(b),
                    None => {}
                }
            }
            _ => {}
        }
    }
    // A quotation still open at the end of its paragraph runs on into the next one,
    // which opens with a fresh mark; the paragraph's part ends here.
    if let Some(s) = open {
        out.push(Span::new(para.start + s, para.end));
    }
    out
}

/// Markers that open a photo credit, wherever they stand in a line.
const CREDIT_MARKERS: &[&str] = &[
    "Credit…",
    "Credit...",
    "Credit:",
    "Credits:",
    "Photo:",
    "Photos:",
    "Photograph:",
    "Photo credit:",
    "Image:",
    "Image source,",
    "Image caption,",
    "Image caption:",
    "Photo caption:",
    "Caption:",
    "Illustration:",
];

/// Where the first credit marker of a line starts. One automaton pass instead of
/// a substring search per marker: this runs on every paragraph of every article.
fn first_credit_marker(line: &str) -> Option<usize> {
    static MARKERS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(CREDIT_MARKERS)
            .ok()
    });
    match &*MARKERS {
        // The leftmost match starts where the earliest of the markers does.
        Some(ac) => ac.find(line).map(|m| m.start()),
        None => CREDIT_MARKERS.iter().filter_map(|m| line.find(m)).min(),
    }
}

/// Lines that credit the people who made the story, not its sources.
const CREDIT_LINE_STARTS: &[&str] = &[
    "Reporting by ",
    "Additional reporting by ",
    "Editing by ",
    "Writing by ",
    "Compiled by ",
    "Photo by ",
    "Photos by ",
    "Photograph by ",
    "Photographs by ",
    "Video by ",
];

/// Story furniture: headline, bylines, datelines, photo captions and credits, time
/// stamps. The audit must never read any of it as attribution.
fn find_furniture(text: &str) -> (Vec<Span>, Story) {
    let mut out = Vec::new();
    let mut story = Story::default();
    let mut pos = 0;
    // Lines seen so far that hold text, and whether the story proper has begun.
    let mut lines_seen = 0;
    let mut body_started = false;
    // Furniture found before the previous line with text; more now means that line was furniture.
    let mut before_prev = 0;
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .map(|l| {
            let start = pos;
            pos += l.len();
            (start, l)
        })
        .collect();
    // The end of a correction note or a block of titles being skipped.
    let mut note_until = 0;
    for (n, &(start, line)) in lines.iter().enumerate() {
        let content = line.trim_end();
        let lead = content.len() - content.trim_start().len();
        let trimmed = content.trim_start();
        if trimmed.is_empty() || start < note_until {
            continue;
        }
        lines_seen += 1;
        let line_span = Span::new(start + lead, start + content.len());
        let prev_blank = n == 0 || lines[n - 1].1.trim().is_empty();
        let prev_furniture = out.len() > before_prev;
        before_prev = out.len();
        let para_start = prev_blank || prev_furniture;
        let next_blank = lines.get(n + 1).is_none_or(|l| l.1.trim().is_empty());
        if is_byline(trimmed) || CREDIT_LINE_STARTS.iter().any(|p| trimmed.starts_with(p)) {
            if is_byline(trimmed) && story.byline.is_none() {
                story.byline = Some(line_span);
            }
            out.push(line_span);
            continue;
        }
        if (n == 0 || lines[n - 1].1.trim().is_empty()) && is_correction(trimmed) {
            // A correction note, to the end of its paragraph (it may be
            // wrapped over several lines).
            let end = lines[n..]
                .iter()
                .take_while(|l| !l.1.trim().is_empty())
                .last()
                .map_or(start + content.len(), |l| l.0 + l.1.trim_end().len());
            note_until = end;
            out.push(Span::new(start + lead, end));
            continue;
        }
        if is_timestamp(trimmed) {
            story.timestamp.get_or_insert(line_span);
            out.push(line_span);
            continue;
        }
        // The headline: the first line, standing alone, short, not a sentence.
        if lines_seen == 1
            && prev_blank
            && (next_blank || lines.get(n + 1).is_some_and(|l| is_byline(l.1.trim())))
            && lines.iter().skip(n + 1).any(|l| !l.1.trim().is_empty())
            && is_headline(trimmed)
        {
            story.headline = Some(line_span);
            out.push(line_span);
            continue;
        }
        if let Some(at) = first_credit_marker(content) {
            // A caption glued to its credit ("in November.Credit…") is furniture
            // back to where its paragraph began.
            let glued = at > 0 && !content[..at].ends_with(char::is_whitespace);
            if glued {
                let from = caption_start(text, &out, start + at);
                if from < start + at {
                    out.push(Span::new(from, start + at));
                }
            }
            out.push(Span::new(start + at, start + content.len()));
            continue;
        }
        if photo_credit_suffix(trimmed) && prev_blank && next_blank {
            // A stand-alone caption that ends in a wire credit: "… (Reuters)".
            out.push(line_span);
            continue;
        }
        if prev_blank && next_blank && is_title_line(trimmed, 2) {
            // A deck, subhead, byline or caption: a paragraph of one line
            // that does not end like a sentence.
            out.push(line_span);
            continue;
        }
        if prev_blank && !next_blank {
            // A block of such lines: a live blog's "Key events" list, an
            // entry's time stamp and heading ("17:55 BST" over "Unconfirmed
            // reports driver taken to hospital"), a byline over a masthead.
            let block: Vec<&(usize, &str)> = lines[n..]
                .iter()
                .take_while(|l| !l.1.trim().is_empty())
                .collect();
            if block.len() <= 8 && block.iter().all(|l| is_title_line(l.1.trim(), 1)) {
                let end = block.last().map_or(start, |l| l.0 + l.1.trim_end().len());
                note_until = end;
                out.push(Span::new(start + lead, end));
                continue;
            }
        }
        if !body_started && para_start {
            body_started = true;
            if let Some(len) = dateline_len(trimmed) {
                let span = Span::new(start + lead, start + lead + len);
                story.dateline = Some(span);
                out.push(span);
            }
        }
    }
    out.sort();
    (out, story)
}

/// Where a caption glued to its credit at `credit` begins: the last blank line,
/// the end of the last furniture, or the start of the text, whichever is nearest,
/// as long as that is close enough to be one caption.
fn caption_start(text: &str, found: &[Span], credit: usize) -> usize {
    // A caption is at most 400 bytes, so look back no further than a few times
    // that: searching to the top of the file for every glued credit made a file
    // of them quadratic. (Only a caption behind kilobytes of spaces is missed.)
    let floor = text.floor_char_boundary(credit.saturating_sub(4096));
    let blank = text[floor..credit]
        .rfind("\n\n")
        .map_or(floor, |i| floor + i + 2);
    // Furniture is found in order, each piece after the last: the latest one
    // ending before the credit is the last such in the list.
    let furniture = found
        .iter()
        .rev()
        .map(|f| f.end)
        .find(|&e| e <= credit)
        .unwrap_or(0);
    let from = blank.max(furniture);
    let from = from + (text[from..credit].len() - text[from..credit].trim_start().len());
    if credit - from <= 400 { from } else { credit }
}

fn is_byline(line: &str) -> bool {
    let Some(rest) = line
        .strip_prefix("By ")
        .or_else(|| line.strip_prefix("BY "))
    else {
        return is_role_byline(line);
    };
    line.len() <= 120
        && rest.chars().next().is_some_and(char::is_uppercase)
        && !rest.trim_end().ends_with(['.', '?', '!', ',', ':'])
        && rest.split_whitespace().count() <= 12
}

/// A byline that gives the writer's post instead of "By": "Tom Ashcroft,
/// Chief Sports Reporter", "Owen Castellano, Sports News Correspondent". A
/// line of its own: a name of two to four capitalized words, a comma, then
/// capitalized words that end in a newsroom post. Without this the post's
/// words read as a masthead ("Sports Reporter") or a speaker.
fn is_role_byline(line: &str) -> bool {
    const POSTS: &[&str] = &[
        "Reporter",
        "Correspondent",
        "Editor",
        "Writer",
        "Columnist",
        "Journalist",
        "Contributor",
    ];
    // Checked first: most lines are paragraphs, far longer.
    if line.len() > 90 {
        return false;
    }
    let Some((name, post)) = line.trim_end().split_once(", ") else {
        return false;
    };
    let capitalized = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let name_words: Vec<&str> = name.split_whitespace().collect();
    let post_words: Vec<&str> = post.split_whitespace().collect();
    (2..=4).contains(&name_words.len())
        && name_words.iter().all(|w| capitalized(w))
        && (1..=5).contains(&post_words.len())
        && post_words.iter().all(|w| capitalized(w))
        && post_words.last().is_some_and(|w| POSTS.contains(w))
}

/// A correction or amendment note, which says what the story got wrong, not
/// who said what: "Correction: An earlier version of this article…",
/// "Correction, 23 August: …", "This article was amended on 12 March",
/// "Editor's note: An earlier version…". (Not "Update 5.22pm: The MFS says…",
/// which in a live blog is copy.)
fn is_correction(line: &str) -> bool {
    const MARKS: &[&str] = &[
        "Correction",
        "CORRECTION",
        "Clarification",
        "CLARIFICATION",
        "Amended",
        "Editor's note",
        "Editor’s note",
    ];
    const AMENDED: &[&str] = &[
        "This article was amended",
        "This article was corrected",
        "This story was amended",
        "This story was corrected",
        "This article has been corrected",
        "This story has been corrected",
    ];
    if AMENDED.iter().any(|a| line.starts_with(a)) {
        return true;
    }
    MARKS.iter().any(|m| {
        line.strip_prefix(m).is_some_and(|rest| {
            // The mark, then a date or time at most, then a colon or a dash.
            rest.find([':', '—', '–']).is_some_and(|at| {
                at <= 24
                    && !rest[..at].contains(['.', '!', '?'])
                    && rest[..at].split_whitespace().count() <= 4
            })
        })
    })
}

/// A paragraph of one line that is a title, not copy: a deck ("Families say
/// kidnappers have demanded a ransom; police insist rescue under way"), a
/// subhead ("What the records show"), a byline or a caption. Up to 30 words,
/// opening with a capital or a digit, with no sentence end inside or at its
/// close (so a pull quote of two sentences, "… suppressive. Valeska Paris",
/// is left alone). Over the annotated sets, 384 such lines and three
/// annotated (decks two annotators listed as copy); 80 paragraphs of two to
/// eight such lines (of one word or more), none annotated.
fn is_title_line(line: &str, min_words: usize) -> bool {
    // A deck may close on a quoted phrase ('Chief executive says audit is
    // "thorough and independent"'); a sentence closes its quotation after
    // its own full stop ('… called it "a farce."'), which stays copy.
    let end = match line.strip_suffix(['"', '”']) {
        Some(inner) if !inner.ends_with(['.', '!', '?', ',', ';', ':', '…']) => inner,
        _ => line,
    };
    // Every paragraph is asked: the cheap tests first, and words counted
    // only as far as the limit.
    line.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        && !end.ends_with(['.', '!', '?', ':', ';', ',', '"', '”', '’', '\'', ')', '…'])
        && !line.contains(". ")
        && !line.contains("? ")
        && !line.contains("! ")
        && (min_words..=30).contains(&line.split_whitespace().take(31).count())
}

/// A headline: up to 25 words, not ending like a sentence, not a quotation alone.
fn is_headline(line: &str) -> bool {
    let words = line.split_whitespace().count();
    (2..=25).contains(&words)
        && line.len() <= 200
        && !line.ends_with(['.', ',', ';', ':'])
        && line
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || is_open_quote(c))
}

/// The wire credit at the end of a caption: "(Reuters)", "(AP Photo/Jane Roe)",
/// "REUTERS/Jane Roe", "… via Getty Images".
fn photo_credit_suffix(line: &str) -> bool {
    const AGENCIES: &[&str] = &[
        "AP",
        "AP Photo",
        "Reuters",
        "REUTERS",
        "AFP",
        "EPA",
        "Getty Images",
    ];
    if let Some(inner) = line.strip_suffix(')')
        && let Some(open) = inner.rfind('(')
    {
        let credit = &inner[open + 1..];
        let who = credit.split('/').next().unwrap_or("");
        if AGENCIES.contains(&who.trim()) {
            return true;
        }
    }
    let last = line.rsplit(". ").next().unwrap_or(line);
    ["REUTERS/", "AP Photo/", "AFP/"]
        .iter()
        .any(|w| last.starts_with(w))
        || (line.ends_with("Getty Images") && line.split_whitespace().count() <= 40)
}

/// A dateline at the start of a story's first paragraph: a capitalized place
/// ("WASHINGTON", "KYIV, Ukraine", "LONDON, March 3"), an optional wire in
/// parentheses, then a dash; or a wire credit alone ("(Reuters) -"). Returns its
/// length, dash and following space included.
fn dateline_len(line: &str) -> Option<usize> {
    let dash = ["—", "–", "--", "-"]
        .iter()
        .filter_map(|d| line.find(&format!(" {d} ")).map(|i| (i, d.len())))
        .min()?;
    let (at, dash_len) = dash;
    let head = &line[..at];
    if head.is_empty() || head.len() > 80 {
        return None;
    }
    let (place, wire) = match head
        .rfind(" (")
        .or_else(|| head.starts_with('(').then_some(0))
    {
        Some(i) if head.ends_with(')') => (head[..i].trim(), Some(&head[i..])),
        _ => (head, None),
    };
    let wire = wire.map(|w| w.trim().trim_start_matches('(').trim_end_matches(')'));
    let wire_ok = wire.is_none_or(|w| {
        !w.is_empty() && w.len() <= 20 && w.chars().next().is_some_and(char::is_uppercase)
    });
    // The place: the first word in capitals (two letters or more), then words
    // that are capitalized, numbers, or a comma's continuation.
    // AFP and dpa write the place in title case ("Ouagadougou (AFP) - "); with a
    // wire service's name in the parentheses that is as sure as capitals.
    let wire_named = wire.is_some_and(crate::newsrooms::is_wire);
    let mut words = place.split_whitespace();
    let place_ok = match words.next() {
        None => wire.is_some(),
        Some(first) => {
            let letters: String = first.chars().filter(|c| c.is_alphabetic()).collect();
            letters.chars().count() >= 2
                && (letters.chars().all(char::is_uppercase)
                    || wire_named && letters.chars().next().is_some_and(char::is_uppercase))
                && words.all(|w| {
                    w.chars()
                        .next()
                        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                })
        }
    };
    (wire_ok && place_ok).then_some(at + 1 + dash_len + 1)
}

/// A stand-alone time stamp: "Updated 5:32 PM ET, Tue March 1, 2022",
/// "Sunday, March 30, 2008", "Published Feb. 25, 2022".
fn is_timestamp(line: &str) -> bool {
    const LEADS: &[&str] = &[
        "updated",
        "published",
        "posted",
        "last",
        "first",
        "modified",
        "on",
        "at",
        "|",
        "-",
        "—",
    ];
    const ZONES: &[&str] = &[
        "et", "est", "edt", "pt", "pst", "pdt", "ct", "cst", "gmt", "utc", "bst", "cet",
    ];
    const MONTHS: &[&str] = &[
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "may",
        "jun",
        "june",
        "jul",
        "july",
        "aug",
        "august",
        "sep",
        "sept",
        "september",
        "oct",
        "october",
        "nov",
        "november",
        "dec",
        "december",
    ];
    const DAYS: &[&str] = &[
        "mon",
        "monday",
        "tue",
        "tues",
        "tuesday",
        "wed",
        "wednesday",
        "thu",
        "thurs",
        "thursday",
        "fri",
        "friday",
        "sat",
        "saturday",
        "sun",
        "sunday",
    ];
    // A paragraph of running text is no timestamp: stop counting at 13 words.
    let words: Vec<&str> = line.split_whitespace().take(13).collect();
    if words.is_empty() || words.len() > 12 {
        return false;
    }
    let mut dated = false;
    for w in &words {
        let w = w.trim_matches(|c: char| matches!(c, ',' | '.' | '(' | ')'));
        let lower = w.to_lowercase();
        if MONTHS.contains(&lower.as_str()) || DAYS.contains(&lower.as_str()) {
            dated = true;
        } else if w
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '-' | '/' | 'T' | 'Z' | '+'))
            && !w.is_empty()
        {
            // Numbers, clock times, ISO dates.
            if w.contains('-') && w.len() >= 8 {
                dated = true;
            }
        } else if !(LEADS.contains(&lower.as_str())
            || ZONES.contains(&lower.as_str())
            || matches!(
                lower.as_str(),
                "a.m"
                    | "p.m"
                    | "am"
                    | "pm"
                    | "a"
                    | "m"
                    | "p"
                    | ""
                    | "updated:"
                    | "published:"
                    | "posted:"
            ))
        {
            return false;
        }
    }
    dated && line.chars().any(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        let seg = segment(text);
        seg.sentences
            .iter()
            .map(|s| &text[s.span.start..s.span.end])
            .collect()
    }

    #[test]
    fn titles_do_not_end_sentences() {
        for t in [
            "Mr.", "Mrs.", "Ms.", "Dr.", "Sen.", "Rep.", "Gov.", "Gen.", "Lt.", "St.", "Fr.",
            "Sto.", "Sta.", "Engr.",
        ] {
            let text = format!("He met {t} Smith today. It rained.");
            assert_eq!(split(&text).len(), 2, "{text}");
        }
    }

    #[test]
    fn dotted_abbreviations_do_not_end_sentences() {
        for t in ["U.S.", "U.N.", "U.K."] {
            let text = format!("The {t} Security Council met. It voted.");
            assert_eq!(
                split(&text),
                vec![
                    format!("The {t} Security Council met.").as_str(),
                    "It voted."
                ]
            );
        }
        assert_eq!(split("U.S. officials said so. Then left.").len(), 2);
    }

    #[test]
    fn middle_initials() {
        assert_eq!(
            split("Vladimir V. Putin met Richard M. Nixon. They talked."),
            vec!["Vladimir V. Putin met Richard M. Nixon.", "They talked."]
        );
    }

    #[test]
    fn months_and_numbers() {
        for m in ["Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."] {
            let text = format!("It began {m} 6 in the capital. It ended.");
            assert_eq!(split(&text).len(), 2, "{text}");
        }
        assert_eq!(split("He was ranked No. 2 in the world. He won.").len(), 2);
    }

    #[test]
    fn time_of_day_and_companies() {
        assert_eq!(
            split("It starts at 9 a.m. Eastern time. Be there.").len(),
            2
        );
        assert_eq!(split("It ends at 5 p.m. Friday. Go home.").len(), 2);
        assert_eq!(split("Acme Inc. Chief Bob Roe said so. Fine.").len(), 2);
        assert_eq!(split("Acme Corp. Chairman spoke. Fine.").len(), 2);
        assert_eq!(
            split("Martin Luther King Jr. Day is Monday. Fine.").len(),
            2
        );
    }

    #[test]
    fn quotation_with_said_after() {
        let text = "“We are investigating,” she said. “We know nothing.” He left.";
        assert_eq!(
            split(text),
            vec![
                "“We are investigating,” she said.",
                "“We know nothing.”",
                "He left."
            ]
        );
        let text = "\"We will win,\" he said. \"Soon.\" Done.";
        assert_eq!(
            split(text),
            vec!["\"We will win,\" he said.", "\"Soon.\"", "Done."]
        );
    }

    #[test]
    fn question_inside_quote_before_lowercase_continues() {
        assert_eq!(split("“Why now?” she asked. Fine.").len(), 2);
    }

    #[test]
    fn hard_wrapped_lines_are_running_text() {
        let text = "Officials said the\ntalks had stalled. A\nnew round begins.\n\nNext paragraph.";
        let seg = segment(text);
        assert_eq!(seg.paragraphs.len(), 2);
        assert_eq!(
            split(text),
            vec![
                "Officials said the\ntalks had stalled.",
                "A\nnew round begins.",
                "Next paragraph."
            ]
        );
    }

    #[test]
    fn curly_and_straight_quotes() {
        let text = "He said “yes” and \"no\" today.";
        let seg = segment(text);
        assert_eq!(seg.quotes.len(), 2);
        assert_eq!(&text[seg.quotes[0].start..seg.quotes[0].end], "“yes”");
        assert_eq!(&text[seg.quotes[1].start..seg.quotes[1].end], "\"no\"");
        assert!(seg.in_quote(text.find("yes").unwrap()));
        assert!(!seg.in_quote(text.find("today").unwrap()));
    }

    #[test]
    fn multi_paragraph_quotation() {
        let text = "“First part of the quote.\n\n“Second part,” she said.\n\nAfter.";
        let seg = segment(text);
        assert_eq!(seg.paragraphs.len(), 3);
        assert!(seg.in_quote(text.find("First").unwrap()));
        assert!(seg.in_quote(text.find("Second").unwrap()));
        assert!(!seg.in_quote(text.find("she").unwrap()));
        assert!(!seg.in_quote(text.find("After").unwrap()));
    }

    #[test]
    fn furniture_is_found_and_isolated() {
        let text = "By Edward Wong | New York Times\nPresident\nBiden spoke in\nNovember.Credit…Mandel Ngan/Agence France-Presse — Getty Images\nOfficials said so.";
        let seg = segment(text);
        assert!(seg.in_furniture(text.find("Edward").unwrap()));
        assert!(seg.in_furniture(text.find("Getty").unwrap()));
        assert!(!seg.in_furniture(text.find("Officials").unwrap()));
        assert!(split(text).contains(&"Officials said so."));
    }

    fn furniture_text(text: &str, span: Option<Span>) -> Option<&str> {
        span.map(|s| &text[s.start..s.end])
    }

    #[test]
    fn seed_byline_caption_and_credit() {
        let text = "By Edward Wong | New York Times\nPresident\nBiden participated in a video summit with President Xi Jinping of China in\nNovember.Credit…Mandel Ngan/Agence France-Presse — Getty Images\nAmericans presented Chinese officials with intelligence.\nOfficials said so.";
        let seg = segment(text);
        assert_eq!(
            furniture_text(text, seg.story.byline),
            Some("By Edward Wong | New York Times")
        );
        // The caption glued to its credit is furniture, as one paragraph.
        assert!(seg.in_furniture(text.find("Biden participated").unwrap()));
        assert!(seg.in_furniture(text.find("Getty").unwrap()));
        assert!(!seg.in_furniture(text.find("Americans").unwrap()));
        assert!(split(text).contains(&"Officials said so."));
        assert!(
            split(text).contains(&"President\nBiden participated in a video summit with President Xi Jinping of China in\nNovember.")
        );
        assert_eq!(seg.story.headline, None);
    }

    #[test]
    fn correction_notes_are_furniture_and_live_updates_are_not() {
        let text = "Officials met on Monday.\n\nUpdate 5.22pm: The fire service says crews attended a small fire.\n\nCorrection, 23 August: An earlier version of this review said the\nMirror's figures covered the UK. They covered England.\n\nThis article was amended on 12 March. An earlier version said the council said no.\n\nCorrections were made to the tally, officials said.";
        let seg = segment(text);
        for note in ["Correction, 23", "Mirror's figures", "This article was"] {
            assert!(seg.in_furniture(text.find(note).unwrap()), "{note}");
        }
        for copy in ["Update 5.22pm", "The fire service", "Corrections were"] {
            assert!(!seg.in_furniture(text.find(copy).unwrap()), "{copy}");
        }
    }

    #[test]
    fn a_paragraph_of_one_untitled_line_is_furniture() {
        let text = "Tanker held off Hormuz\n\nFamilies say kidnappers have demanded a ransom; police insist rescue under way\n\nKey events\n17:55 Unconfirmed reports driver taken to hospital\n\nPolice said the tanker was held.\n\nWhat the records show\n\nRecords show the payments.\n\n\"I was told to leave. Valeska Paris\n\nOfficials say the talks failed\nlate on Monday, after a week.";
        let seg = segment(text);
        for title in [
            "Families say",
            "What the records",
            "Key events",
            "Unconfirmed reports",
        ] {
            assert!(seg.in_furniture(text.find(title).unwrap()), "{title}");
        }
        for copy in ["Police said", "Records show", "I was told", "Officials say"] {
            assert!(!seg.in_furniture(text.find(copy).unwrap()), "{copy}");
        }
    }

    #[test]
    fn a_deck_may_close_on_a_quoted_phrase() {
        let text = "Foods group swings to loss\n\nShares fall 14% | Chief executive says audit is \"thorough and independent\"\n\nThe minister called the audit \"a farce.\"\n\nThe company said the review was \u{201c}independent\u{201d}\n\nIt said the review was complete.";
        let seg = segment(text);
        assert!(seg.in_furniture(text.find("Shares fall").unwrap()));
        // A closing quote after a full stop ends a sentence: copy.
        assert!(!seg.in_furniture(text.find("The minister").unwrap()));
        assert!(seg.in_furniture(text.find("The company said").unwrap()));
        assert!(!seg.in_furniture(text.find("It said").unwrap()));
    }

    #[test]
    fn a_writer_named_by_post_is_a_byline() {
        let text = "Club sale stalls\n\nTom Ashcroft, Chief Sports Reporter\n\nThe club said talks had stalled.\n\nJane Roe, a reporter, said nothing.";
        let seg = segment(text);
        assert_eq!(
            furniture_text(text, seg.story.byline),
            Some("Tom Ashcroft, Chief Sports Reporter")
        );
        assert!(!seg.in_furniture(text.find("The club said").unwrap()));
        // A sentence about a reporter is no byline.
        assert!(!seg.in_furniture(text.find("Jane Roe").unwrap()));
        assert!(!is_role_byline(
            "Jane Roe, Reporter, said the club had stalled."
        ));
        assert!(!is_role_byline(
            "Asked about it, Chief Executive Tom Roe said nothing"
        ));
    }

    #[test]
    fn caption_lines_are_furniture() {
        for marker in ["Image caption:", "Photo caption:", "Caption:"] {
            let text = format!(
                "Officials met on Monday.\n\n{marker} The Mirror leads on a row between two cooks\n\nThe Mirror reported the row."
            );
            let seg = segment(&text);
            assert!(
                seg.in_furniture(text.find("The Mirror leads").unwrap()),
                "{marker}"
            );
            assert!(
                !seg.in_furniture(text.find("The Mirror reported").unwrap()),
                "{marker}"
            );
        }
    }

    #[test]
    fn headline_is_a_short_first_line_standing_alone() {
        let text = "Castro recovering following surgery: Cuban officials\n\nFidel Castro is recovering, officials said.\n";
        let seg = segment(text);
        assert_eq!(
            furniture_text(text, seg.story.headline),
            Some("Castro recovering following surgery: Cuban officials")
        );
        assert!(!seg.in_furniture(text.find("Fidel").unwrap()));
        // A lede that is a sentence is not a headline, nor is a first line that
        // runs on into the next one.
        for text in [
            "Officials said the talks stalled.\n\nMore.",
            "Officials said the talks\nhad stalled\n\nMore.",
            "Only one line",
        ] {
            assert_eq!(segment(text).story.headline, None, "{text}");
        }
    }

    #[test]
    fn datelines() {
        for (text, dateline) in [
            ("WASHINGTON (AP) — Officials said so.", "WASHINGTON (AP) — "),
            (
                "KYIV, Ukraine (Reuters) - Officials said so.",
                "KYIV, Ukraine (Reuters) - ",
            ),
            ("BEIJING — Officials said so.", "BEIJING — "),
            ("(Reuters) - Officials said so.", "(Reuters) - "),
            (
                "LONDON, March 3 (Reuters) -- Officials said so.",
                "LONDON, March 3 (Reuters) -- ",
            ),
            (
                "Ouagadougou (AFP) - Officials said so.",
                "Ouagadougou (AFP) - ",
            ),
        ] {
            let seg = segment(text);
            assert_eq!(
                furniture_text(text, seg.story.dateline),
                Some(dateline),
                "{text}"
            );
            assert!(!seg.in_furniture(text.find("Officials").unwrap()));
            assert!(split(text).contains(&"Officials said so."), "{text}");
        }
        for text in [
            "U.S. officials — two of them — said so.",
            "The minister — a hawk — said so.",
            "Headline here\n\nFirst paragraph.\n\nNATO — the alliance — met.",
            "Rep. Smith (D-Texas) - the chair - said so.",
        ] {
            assert_eq!(segment(text).story.dateline, None, "{text}");
        }
    }

    #[test]
    fn timestamps_and_credit_lines() {
        let text = "Talks stall in capital\n\nUpdated 5:32 PM ET, Tue March 1, 2022\n\nSunday, March 30, 2008\n\nOfficials said so on March 1.\n\nA man walks past a shop in Kyiv. (Reuters)\n\nReporting by Jane Roe; Editing by John Doe\n\nPhoto: Jane Roe/Reuters";
        let seg = segment(text);
        assert_eq!(
            furniture_text(text, seg.story.timestamp),
            Some("Updated 5:32 PM ET, Tue March 1, 2022")
        );
        for f in ["Sunday", "A man walks", "Reporting by", "Jane Roe/Reuters"] {
            assert!(seg.in_furniture(text.find(f).unwrap()), "{f}");
        }
        assert!(!seg.in_furniture(text.find("Officials").unwrap()));
        // A sentence about a date is not a time stamp.
        assert!(!is_timestamp("Officials met on March 1, 2022."));
        assert!(!is_timestamp("March"));
    }

    #[test]
    fn headline_is_furniture() {
        let text = "Army say they will not use force\n\nThe army said so on Monday.\n";
        let seg = segment(text);
        assert!(seg.in_furniture(text.find("say").unwrap()));
        assert!(!seg.in_furniture(text.find("said").unwrap()));
        // A first paragraph that is a sentence, or one with no blank line after it,
        // is text.
        for text in [
            "The army said so on Monday.\n\nMore.",
            "Officials said the\ntalks had stalled",
        ] {
            assert!(segment(text).furniture.is_empty(), "{text}");
        }
    }

    #[test]
    fn sentences_tile_paragraphs() {
        let text = "One. Two?  Three!\n\n“Four,” he said. Five.";
        let seg = segment(text);
        for s in &seg.sentences {
            let p = seg.paragraphs[s.paragraph];
            assert!(p.start <= s.span.start && s.span.end <= p.end);
        }
        let joined: String = seg
            .sentences
            .iter()
            .map(|s| text[s.span.start..s.span.end].to_string())
            .collect();
        let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(joined.replace(' ', ""), squeezed);
    }
}
