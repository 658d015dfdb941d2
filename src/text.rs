//! Text: paragraphs, sentences, direct quotations and story furniture, as byte
//! spans into a document's text.
//!
//! News copy is hard on sentence splitters: titles (`Mr. Xi`), initials
//! (`Vladimir V. Putin`), dotted abbreviations (`U.S. officials`), dates
//! (`Jan. 6`), quotations that close after the period, and hard-wrapped files
//! where a single newline falls mid-sentence. The rules here are deliberately
//! small and tested one case at a time.

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
    /// Bylines, photo credits and similar furniture: never attribution.
    pub furniture: Vec<Span>,
}

impl Segments {
    /// Whether `offset` is inside a direct quotation.
    pub fn in_quote(&self, offset: usize) -> bool {
        let i = self.quotes.partition_point(|q| q.end <= offset);
        self.quotes.get(i).is_some_and(|q| q.contains(offset))
    }

    /// Whether `offset` is inside story furniture.
    pub fn in_furniture(&self, offset: usize) -> bool {
        self.furniture.iter().any(|f| f.contains(offset))
    }

    /// Index of the sentence containing `offset`, or the nearest one before it.
    pub fn sentence_at(&self, offset: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.span.start <= offset);
        i.checked_sub(1)
    }

    /// Quotations that overlap a span.
    pub fn quotes_in(&self, span: Span) -> impl Iterator<Item = &Span> {
        self.quotes
            .iter()
            .filter(move |q| q.start < span.end && span.start < q.end)
    }
}

/// Abbreviations after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Messrs", "Dr", "Prof", "Sen", "Sens", "Rep", "Reps", "Gov", "Govs", "Gen",
    "Lt", "Col", "Capt", "Cmdr", "Adm", "Maj", "Sgt", "Cpl", "Pvt", "Brig", "Rev", "Hon", "Pres",
    "Supt", "Det", "Insp", "St", "Ste", "Mt", "Ft", "Jr", "Sr", "Inc", "Corp", "Co", "Ltd", "Bros",
    "Dept", "Univ", "Assn", "Ave", "Blvd", "Rd", "vs", "etc", "al", "Gens", "Ald", "Atty", "Amb",
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
    let mut seg = Segments {
        furniture: find_furniture(text),
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

/// Paragraphs: runs of lines separated by blank lines. Furniture lines stand alone.
fn paragraphs(text: &str, furniture: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    let mut pos = 0;
    let flush = |out: &mut Vec<Span>, start: &mut Option<usize>, end: usize| {
        if let Some(s) = start.take() {
            out.push(trim(text, Span::new(s, end)));
        }
    };
    for line in text.split_inclusive('\n') {
        let line_start = pos;
        pos += line.len();
        let content_end = line_start + line.trim_end().len();
        if line.trim().is_empty() {
            flush(&mut out, &mut start, last_end);
            continue;
        }
        // A line that is all furniture (a byline, a credit) is a paragraph of its own.
        let whole_furniture = furniture.iter().any(|f| {
            f.start <= line_start + (line.len() - line.trim_start().len()) && f.end >= content_end
        });
        if whole_furniture {
            flush(&mut out, &mut start, last_end);
            out.push(trim(text, Span::new(line_start, content_end)));
            continue;
        }
        if start.is_none() {
            start = Some(line_start);
        }
        last_end = content_end;
        // Furniture that starts mid-line ("November.Credit…Getty Images") ends the
        // paragraph before it.
        if let Some(f) = furniture
            .iter()
            .find(|f| f.start > line_start && f.start < content_end)
        {
            flush(&mut out, &mut start, f.start);
            out.push(trim(text, Span::new(f.start, content_end)));
            continue;
        }
    }
    flush(&mut out, &mut start, last_end);
    out.retain(|p| !p.is_empty());
    out
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
    let chars: Vec<(usize, char)> = p.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let (_, c) = chars[i];
        if !matches!(c, '.' | '!' | '?') {
            i += 1;
            continue;
        }
        // Take the whole run of terminators and closing marks: `?!`, `."`, `.”)`.
        let mut j = i + 1;
        while j < chars.len() && (matches!(chars[j].1, '.' | '!' | '?') || is_closer(chars[j].1)) {
            j += 1;
        }
        let end_byte = chars.get(j).map_or(p.len(), |&(b, _)| b);
        // The next sentence must start after white space, with a capital, a digit or an
        // opening mark; anything else (`," she said`, `3.5`, `Nov.Credit`) continues.
        let mut k = j;
        while k < chars.len() && chars[k].1.is_whitespace() {
            k += 1;
        }
        if k == j || k >= chars.len() {
            i = j;
            continue;
        }
        let next = chars[k].1;
        let starts_sentence = next.is_uppercase()
            || next.is_ascii_digit()
            || is_open_quote(next)
            || matches!(next, '(' | '[' | '—' | '–' | '¿' | '¡');
        if !starts_sentence || (c == '.' && j == i + 1 && is_abbreviation(p, &chars, i, next)) {
            i = j;
            continue;
        }
        out.push(Span::new(para.start + start, para.start + end_byte));
        start = chars[k].0;
        i = k;
    }
    if start < p.len() {
        out.push(Span::new(para.start + start, para.end));
    }
    out.into_iter()
        .map(|s| trim(text, s))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Whether the period at `chars[i]` belongs to an abbreviation rather than ending
/// the sentence, given the first character of the next word.
fn is_abbreviation(p: &str, chars: &[(usize, char)], i: usize, next: char) -> bool {
    // The word before the period, back to white space or an opening mark.
    let mut k = i;
    while k > 0 {
        let c = chars[k - 1].1;
        if c.is_whitespace() || is_open_quote(c) || matches!(c, '(' | '[' | '—' | '–' | '/') {
            break;
        }
        k -= 1;
    }
    let word = &p[chars[k].0..chars[i].0];
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
    let mut prev: Option<char> = None;
    for (b, c) in p.char_indices() {
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
        prev = Some(c);
    }
    // A quotation still open at the end of its paragraph runs on into the next one,
    // which opens with a fresh mark; the paragraph's part ends here.
    if let Some(s) = open {
        out.push(Span::new(para.start + s, para.end));
    }
    out
}

/// Bylines, photo credits and the headline: furniture the audit must never read as
/// attribution.
fn find_furniture(text: &str) -> Vec<Span> {
    let mut out: Vec<Span> = headline(text).into_iter().collect();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let content = line.trim_end();
        let lead = content.len() - content.trim_start().len();
        let trimmed = content.trim_start();
        let line_span = Span::new(start + lead, start + content.len());
        if is_byline(trimmed) {
            out.push(line_span);
            continue;
        }
        for marker in [
            "Credit…",
            "Credit...",
            "Credit:",
            "Photo:",
            "Photograph:",
            "Image:",
            "Photo credit:",
        ] {
            if let Some(at) = content.find(marker) {
                out.push(Span::new(start + at, start + content.len()));
                break;
            }
        }
    }
    out
}

/// The headline: a first line standing alone (a blank line after it) that does not
/// end like a sentence. "Army say they will not use force" above a story is a
/// title, not an attribution; corpus guidelines give headlines no category.
fn headline(text: &str) -> Option<Span> {
    let lead = text.len() - text.trim_start().len();
    let rest = &text[lead..];
    let line_end = rest.find('\n')?;
    let line = rest[..line_end].trim_end();
    let after = &rest[line_end + 1..];
    let blank_follows = after
        .split('\n')
        .next()
        .is_some_and(|next| next.trim().is_empty());
    let words = line.split_whitespace().count();
    let sentence_like = line.ends_with(['.', '!', '?', '"', '”', '’', '\'', ':', ';', ',', ')']);
    (blank_follows && !sentence_like && (2..=30).contains(&words) && !is_byline(line))
        .then(|| Span::new(lead, lead + line.len()))
}

fn is_byline(line: &str) -> bool {
    let Some(rest) = line
        .strip_prefix("By ")
        .or_else(|| line.strip_prefix("BY "))
    else {
        return false;
    };
    line.len() <= 120
        && rest.chars().next().is_some_and(char::is_uppercase)
        && !rest.trim_end().ends_with(['.', '?', '!', ',', ':'])
        && rest.split_whitespace().count() <= 12
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
            "Mr.", "Mrs.", "Ms.", "Dr.", "Sen.", "Rep.", "Gov.", "Gen.", "Lt.", "St.",
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
