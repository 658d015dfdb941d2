//! Conditions of document rules: a tiny expression language over counts.
//!
//! ```text
//! anonymous-source > 0 and anonymity-reason == 0
//! anonymous-source / attributions > 0.5
//! ```
//!
//! Names may contain `-` and `.` (`rule.boilerplate-anonymity-reason`), so
//! subtraction needs spaces around the minus sign. Booleans are 1 and 0;
//! division by zero gives 0, so a share of nothing is nothing.

use std::fmt;

/// A parsed condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal.
    Num(f64),
    /// A variable.
    Var(String),
    /// `not x`.
    Not(Box<Expr>),
    /// A binary operation.
    Bin(Op, Box<Expr>, Box<Expr>),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Or,
    And,
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
    Add,
    Sub,
    Mul,
    Div,
}

/// A syntax error or unknown name, at a byte offset in the condition.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprError {
    /// Byte offset into the condition text.
    pub offset: usize,
    /// Length of the offending token.
    pub len: usize,
    /// What is wrong.
    pub message: String,
    /// The unknown name, for suggestions.
    pub unknown: Option<String>,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
}

fn lex(src: &str) -> Result<Vec<(usize, usize, Tok)>, ExprError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let tok =
            if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                    i += 1;
                }
                let text = &src[start..i];
                Tok::Num(text.parse().map_err(|_| ExprError {
                    offset: start,
                    len: i - start,
                    message: format!("`{text}` is not a number"),
                    unknown: None,
                })?)
            } else if c.is_ascii_alphabetic() || c == b'_' {
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'-' | b'.'))
                {
                    i += 1;
                }
                match &src[start..i] {
                    "and" => Tok::Op("and"),
                    "or" => Tok::Op("or"),
                    "not" => Tok::Op("not"),
                    w => Tok::Ident(w.to_string()),
                }
            } else {
                let two = src.get(i..i + 2).unwrap_or("");
                let op = match two {
                    ">=" | "<=" | "==" | "!=" | "&&" | "||" => {
                        i += 2;
                        match two {
                            ">=" => ">=",
                            "<=" => "<=",
                            "==" => "==",
                            "!=" => "!=",
                            "&&" => "and",
                            _ => "or",
                        }
                    }
                    _ => {
                        i += 1;
                        match c {
                            b'>' => ">",
                            b'<' => "<",
                            b'+' => "+",
                            b'-' => "-",
                            b'*' => "*",
                            b'/' => "/",
                            b'!' => "not",
                            b'(' => {
                                out.push((start, 1, Tok::LParen));
                                continue;
                            }
                            b')' => {
                                out.push((start, 1, Tok::RParen));
                                continue;
                            }
                            _ => {
                                let ch = src[start..].chars().next().unwrap_or('?');
                                return Err(ExprError {
                                    offset: start,
                                    len: ch.len_utf8(),
                                    message: format!("unexpected character `{ch}`"),
                                    unknown: None,
                                });
                            }
                        }
                    }
                };
                Tok::Op(op)
            };
        out.push((start, i - start, tok));
    }
    Ok(out)
}

struct Parser<'a, F: Fn(&str) -> bool> {
    toks: Vec<(usize, usize, Tok)>,
    pos: usize,
    end: usize,
    known: &'a F,
}

impl<F: Fn(&str) -> bool> Parser<'_, F> {
    fn peek_op(&self) -> Option<&'static str> {
        match self.toks.get(self.pos) {
            Some((_, _, Tok::Op(op))) => Some(op),
            _ => None,
        }
    }

    fn err_here(&self, message: &str) -> ExprError {
        let (offset, len) = self
            .toks
            .get(self.pos)
            .map_or((self.end, 1), |&(o, l, _)| (o, l));
        ExprError {
            offset,
            len,
            message: message.to_string(),
            unknown: None,
        }
    }

    fn binary(
        &mut self,
        ops: &[(&'static str, Op)],
        next: fn(&mut Self) -> Result<Expr, ExprError>,
    ) -> Result<Expr, ExprError> {
        let mut left = next(self)?;
        while let Some(op) = self.peek_op() {
            let Some(&(_, op)) = ops.iter().find(|(s, _)| *s == op) else {
                break;
            };
            self.pos += 1;
            let right = next(self)?;
            left = Expr::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        self.binary(&[("or", Op::Or)], Self::and)
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        self.binary(&[("and", Op::And)], Self::not)
    }

    fn not(&mut self) -> Result<Expr, ExprError> {
        if self.peek_op() == Some("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Expr, ExprError> {
        self.binary(
            &[
                (">", Op::Gt),
                (">=", Op::Ge),
                ("<", Op::Lt),
                ("<=", Op::Le),
                ("==", Op::Eq),
                ("!=", Op::Ne),
            ],
            Self::sum,
        )
    }

    fn sum(&mut self) -> Result<Expr, ExprError> {
        self.binary(&[("+", Op::Add), ("-", Op::Sub)], Self::prod)
    }

    fn prod(&mut self) -> Result<Expr, ExprError> {
        self.binary(&[("*", Op::Mul), ("/", Op::Div)], Self::atom)
    }

    fn atom(&mut self) -> Result<Expr, ExprError> {
        let Some((offset, len, tok)) = self.toks.get(self.pos).cloned() else {
            return Err(self.err_here("the condition ends too early; expected a number or a name"));
        };
        self.pos += 1;
        match tok {
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Ident(name) => {
                if (self.known)(&name) {
                    Ok(Expr::Var(name))
                } else {
                    Err(ExprError {
                        offset,
                        len,
                        message: format!("unknown variable `{name}`"),
                        unknown: Some(name),
                    })
                }
            }
            Tok::LParen => {
                let e = self.or()?;
                match self.toks.get(self.pos) {
                    Some((_, _, Tok::RParen)) => {
                        self.pos += 1;
                        Ok(e)
                    }
                    _ => Err(self.err_here("expected `)`")),
                }
            }
            _ => {
                self.pos -= 1;
                Err(self.err_here("expected a number, a name or `(`"))
            }
        }
    }
}

/// Parse a condition; `known` says which variable names exist.
pub fn parse(src: &str, known: &impl Fn(&str) -> bool) -> Result<Expr, ExprError> {
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        end: src.len(),
        known,
    };
    let e = p.or()?;
    if p.pos < p.toks.len() {
        return Err(p.err_here("unexpected text after the condition"));
    }
    Ok(e)
}

impl Expr {
    /// Evaluate with a variable lookup; true is 1.0, false 0.0.
    pub fn eval(&self, var: &impl Fn(&str) -> f64) -> f64 {
        let b = |x: bool| if x { 1.0 } else { 0.0 };
        match self {
            Expr::Num(n) => *n,
            Expr::Var(v) => var(v),
            Expr::Not(e) => b(e.eval(var) == 0.0),
            Expr::Bin(op, l, r) => {
                let (l, r) = (l.eval(var), r.eval(var));
                match op {
                    Op::Or => b(l != 0.0 || r != 0.0),
                    Op::And => b(l != 0.0 && r != 0.0),
                    Op::Gt => b(l > r),
                    Op::Ge => b(l >= r),
                    Op::Lt => b(l < r),
                    Op::Le => b(l <= r),
                    Op::Eq => b((l - r).abs() < 1e-9),
                    Op::Ne => b((l - r).abs() >= 1e-9),
                    Op::Add => l + r,
                    Op::Sub => l - r,
                    Op::Mul => l * r,
                    Op::Div => {
                        if r == 0.0 {
                            0.0
                        } else {
                            l / r
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(n: &str) -> bool {
        matches!(
            n,
            "anonymous-source" | "attributions" | "anonymity-reason" | "rule.x-y"
        )
    }

    #[test]
    fn parses_and_evaluates() {
        let e = parse(
            "anonymous-source / attributions > 0.5 and not anonymity-reason",
            &known,
        )
        .unwrap();
        let vars = |n: &str| match n {
            "anonymous-source" => 3.0,
            "attributions" => 4.0,
            _ => 0.0,
        };
        assert_eq!(e.eval(&vars), 1.0);
        let e = parse("rule.x-y - 1 >= 0 || (attributions == 0)", &known).unwrap();
        assert_eq!(e.eval(&|_| 0.0), 1.0);
    }

    #[test]
    fn division_by_zero_is_zero() {
        let e = parse("anonymous-source / attributions", &known).unwrap();
        assert_eq!(e.eval(&|_| 0.0), 0.0);
    }

    #[test]
    fn reports_unknown_names_with_position() {
        let err = parse("anonymous-source > 0 and anonymus-reason == 0", &known).unwrap_err();
        assert_eq!(err.offset, 25);
        assert_eq!(err.unknown.as_deref(), Some("anonymus-reason"));
        assert!(parse("anonymous-source >", &known).is_err());
        assert!(parse("(attributions", &known).is_err());
        assert!(parse("attributions $ 2", &known).is_err());
    }
}
