//! A map from byte offsets in a document's analysis text to byte offsets in the
//! file the user gave us.
//!
//! Plain text and Markdown keep the analysis text the same length as the original
//! (markup is blanked to spaces), so their map is the identity. HTML cannot: tags
//! vanish, `&amp;` becomes `&`, and block elements become blank lines. Its analysis
//! text is built piece by piece, and each piece remembers where it came from.

use crate::text::Span;

/// One run of the analysis text and the original bytes it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    /// Start in the analysis text.
    text: usize,
    /// Length in the analysis text.
    text_len: usize,
    /// Start in the original.
    orig: usize,
    /// Length in the original.
    orig_len: usize,
    /// The bytes are copied unchanged, so offsets inside map one to one. Otherwise
    /// the piece is atomic (a decoded entity, collapsed white space, an inserted
    /// paragraph break): any offset inside it maps to its start, and an end inside
    /// it maps to its end.
    verbatim: bool,
}

/// Maps analysis-text offsets to original offsets; see the module docs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// Pieces tiling the analysis text in order; empty means the identity map.
    pieces: Vec<Piece>,
}

impl OffsetMap {
    /// The identity map, for analysis text the same length as the original.
    pub fn identity() -> OffsetMap {
        OffsetMap::default()
    }

    /// Whether this is the identity map.
    pub fn is_identity(&self) -> bool {
        self.pieces.is_empty()
    }

    fn piece_at(&self, offset: usize) -> Option<&Piece> {
        let i = self
            .pieces
            .partition_point(|p| p.text + p.text_len <= offset);
        self.pieces.get(i)
    }

    /// Original offset of the analysis-text byte at `offset` (a start position).
    pub fn start(&self, offset: usize) -> usize {
        if self.pieces.is_empty() {
            return offset;
        }
        match self.piece_at(offset) {
            Some(p) if p.verbatim => p.orig + (offset - p.text),
            Some(p) => p.orig,
            None => self.pieces.last().map_or(0, |p| p.orig + p.orig_len),
        }
    }

    /// Original offset just past the analysis-text byte before `offset` (an end
    /// position): an end inside a decoded entity takes in the whole entity.
    pub fn end(&self, offset: usize) -> usize {
        if self.pieces.is_empty() {
            return offset;
        }
        if offset == 0 {
            return self.start(0);
        }
        match self.piece_at(offset - 1) {
            Some(p) if p.verbatim => p.orig + (offset - p.text),
            Some(p) => p.orig + p.orig_len,
            None => self.pieces.last().map_or(0, |p| p.orig + p.orig_len),
        }
    }

    /// The original bytes an analysis-text span stands for.
    pub fn span(&self, span: Span) -> Span {
        let start = self.start(span.start);
        let end = if span.end <= span.start {
            start
        } else {
            self.end(span.end).max(start)
        };
        Span::new(start, end)
    }
}

/// Builds analysis text and its [`OffsetMap`] together.
#[derive(Debug, Clone, Default)]
pub struct MapBuilder {
    text: String,
    pieces: Vec<Piece>,
}

impl MapBuilder {
    /// An empty builder.
    pub fn new() -> MapBuilder {
        MapBuilder::default()
    }

    /// The analysis text so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Append `s`, which is a verbatim copy of the original at `orig`.
    pub fn verbatim(&mut self, s: &str, orig: usize) {
        if s.is_empty() {
            return;
        }
        let text = self.text.len();
        self.text.push_str(s);
        if let Some(last) = self.pieces.last_mut()
            && last.verbatim
            && last.orig + last.orig_len == orig
        {
            last.text_len += s.len();
            last.orig_len += s.len();
            return;
        }
        self.pieces.push(Piece {
            text,
            text_len: s.len(),
            orig,
            orig_len: s.len(),
            verbatim: true,
        });
    }

    /// Append `s`, which stands for the original bytes `orig` as a whole (an
    /// entity, collapsed white space, or an empty range for inserted breaks).
    pub fn atomic(&mut self, s: &str, orig: Span) {
        if s.is_empty() {
            return;
        }
        let text = self.text.len();
        self.text.push_str(s);
        self.pieces.push(Piece {
            text,
            text_len: s.len(),
            orig: orig.start,
            orig_len: orig.len(),
            verbatim: false,
        });
    }

    /// The finished text and map.
    pub fn finish(self) -> (String, OffsetMap) {
        (
            self.text,
            OffsetMap {
                pieces: self.pieces,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_maps_to_itself() {
        let m = OffsetMap::identity();
        assert_eq!(m.span(Span::new(3, 9)), Span::new(3, 9));
    }

    #[test]
    fn verbatim_and_atomic_pieces() {
        // Original: `<p>A &amp; B</p><p>C</p>`
        let mut b = MapBuilder::new();
        b.verbatim("A ", 3);
        b.atomic("&", Span::new(5, 10));
        b.verbatim(" B", 10);
        b.atomic("\n\n", Span::new(19, 19));
        b.verbatim("C", 19);
        let (text, m) = b.finish();
        assert_eq!(text, "A & B\n\nC");
        // "A & B" covers the entity whole.
        assert_eq!(m.span(Span::new(0, 5)), Span::new(3, 12));
        // The ampersand alone is the whole entity.
        assert_eq!(m.span(Span::new(2, 3)), Span::new(5, 10));
        assert_eq!(m.span(Span::new(7, 8)), Span::new(19, 20));
        // Adjacent verbatim pieces merge.
        let mut b = MapBuilder::new();
        b.verbatim("ab", 0);
        b.verbatim("cd", 2);
        assert_eq!(b.finish().1.pieces.len(), 1);
    }
}
