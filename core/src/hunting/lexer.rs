//! KQL's tokens: names, string and number literals, timespans (`7d`, `100ms`), punctuation; `//` comments
//! skipped. The parser pulls tokens on demand, so it can read `datetime(...)` and `dynamic(...)` raw.

use super::error::{KqlError, Span};

/// 100-nanosecond ticks per unit, as .NET and KQL count time.
pub(crate) const TICKS_PER_SECOND: i64 = 10_000_000;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    Str(String),
    Long(i64),
    Real(f64),
    /// A timespan literal in 100 ns ticks.
    Timespan(i64),
    /// Punctuation and operators: `( ) [ ] { } , ; | . : * + - / % = ~ == != =~ !~ < <= > >= ! ..`.
    Punct(&'static str),
    Eof,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
}

pub(crate) struct Lexer<'a> {
    pub text: &'a str,
    pub pos: usize,
}

const PUNCT2: [&str; 7] = ["==", "!=", "=~", "!~", "<=", ">=", ".."];
const PUNCT1: [&str; 20] = [
    "(", ")", "[", "]", "{", "}", ",", ";", "|", ".", ":", "*", "+", "-", "/", "%", "=", "<", ">",
    "~",
];

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str) -> Lexer<'a> {
        Lexer { text, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    /// Skips whitespace and `//` comments.
    pub fn skip_trivia(&mut self) {
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start();
            self.pos += rest.len() - trimmed.len();
            if trimmed.starts_with("//") {
                self.pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else {
                return;
            }
        }
    }

    pub fn next_token(&mut self) -> Result<Token, KqlError> {
        self.skip_trivia();
        let start = self.pos;
        let rest = self.rest();
        let Some(c) = rest.chars().next() else {
            return Ok(Token {
                tok: Tok::Eof,
                span: Span::new(start, start),
            });
        };
        let tok = if c == '\'' || c == '"' {
            self.pos += 1;
            Tok::Str(self.string(c, start)?)
        } else if (c == '@' || c == 'h' || c == 'H')
            && matches!(rest[1..].chars().next(), Some('\'' | '"'))
        {
            let q = rest[1..].chars().next().unwrap_or('\'');
            self.pos += 2;
            if c == '@' {
                Tok::Str(self.verbatim(q, start)?)
            } else {
                Tok::Str(self.string(q, start)?)
            }
        } else if c == '@'
            && rest[1..].starts_with(['h', 'H'])
            && rest[2..].starts_with(['\'', '"'])
        {
            let q = rest[2..].chars().next().unwrap_or('\'');
            self.pos += 3;
            Tok::Str(self.verbatim(q, start)?)
        } else if c.is_ascii_digit() {
            self.number(start)?
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let len = rest
                .char_indices()
                .skip(1)
                .find(|(_, ch)| !(ch.is_alphanumeric() || *ch == '_'))
                .map_or(rest.len(), |(i, _)| i);
            self.pos += len;
            Tok::Ident(rest[..len].to_string())
        } else if let Some(p) = PUNCT2.iter().find(|p| rest.starts_with(**p)) {
            self.pos += 2;
            Tok::Punct(p)
        } else if let Some(p) = PUNCT1.iter().find(|p| rest.starts_with(**p)) {
            self.pos += 1;
            Tok::Punct(p)
        } else if c == '!' {
            self.pos += 1;
            Tok::Punct("!")
        } else {
            return Err(KqlError::at(
                Span::new(start, start + c.len_utf8()),
                format!("Unexpected character '{c}'"),
            ));
        };
        Ok(Token {
            tok,
            span: Span::new(start, self.pos),
        })
    }

    /// A quoted string after its opening quote: backslash escapes as KQL reads them.
    fn string(&mut self, quote: char, start: usize) -> Result<String, KqlError> {
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                c if c == quote => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                '\n' => break,
                '\\' => {
                    let Some((_, e)) = chars.next() else { break };
                    out.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '0' => '\0',
                        other => other,
                    });
                }
                c => out.push(c),
            }
        }
        Err(KqlError::at(
            Span::new(start, self.text.len().min(start + 1)),
            "This string literal is never closed",
        ))
    }

    /// A verbatim string (`@'C:\dir'`): no escapes, a doubled quote is one quote.
    fn verbatim(&mut self, quote: char, start: usize) -> Result<String, KqlError> {
        let mut out = String::new();
        let rest = self.rest();
        let mut chars = rest.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == quote {
                if chars.peek().map(|(_, n)| *n) == Some(quote) {
                    chars.next();
                    out.push(quote);
                    continue;
                }
                self.pos += i + 1;
                return Ok(out);
            }
            if c == '\n' {
                break;
            }
            out.push(c);
        }
        Err(KqlError::at(
            Span::new(start, start + 1),
            "This string literal is never closed",
        ))
    }

    /// A number: `42`, `0x2A`, `1.5`, `1e3`, or a timespan (`7d`, `1.5h`, `100ms`).
    fn number(&mut self, start: usize) -> Result<Tok, KqlError> {
        let rest = self.rest();
        if let Some(hex) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
            let len = hex
                .find(|c: char| !c.is_ascii_hexdigit())
                .unwrap_or(hex.len());
            self.pos += 2 + len;
            return i64::from_str_radix(&hex[..len], 16)
                .map(Tok::Long)
                .map_err(|_| {
                    KqlError::at(Span::new(start, self.pos), "Invalid hexadecimal number")
                });
        }
        let bytes = rest.as_bytes();
        let mut i = 0;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let mut real = false;
        // `1..5` is a range, not `1.` then `.5`.
        if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
            real = true;
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        }
        if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
            let mut j = i + 1;
            if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
                j += 1;
            }
            if j < bytes.len() && bytes[j].is_ascii_digit() {
                real = true;
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    j += 1;
                }
                i = j;
            }
        }
        let digits = &rest[..i];
        let unit_len = rest[i..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len() - i);
        let unit = &rest[i..i + unit_len];
        self.pos += i + unit_len;
        let span = Span::new(start, self.pos);
        if !unit.is_empty() {
            let Some(ticks) = unit_ticks(unit) else {
                return Err(KqlError::at(
                    span,
                    format!(
                        "'{unit}' is not a timespan unit (use d, h, m, s, ms, microsecond or tick)"
                    ),
                ));
            };
            let n: f64 = digits
                .parse()
                .map_err(|_| KqlError::at(span, "Invalid number"))?;
            let total = n * ticks as f64;
            if !total.is_finite() || total.abs() > i64::MAX as f64 {
                return Err(KqlError::at(span, "This timespan is too large"));
            }
            return Ok(Tok::Timespan(total.round() as i64));
        }
        if real {
            digits
                .parse()
                .map(Tok::Real)
                .map_err(|_| KqlError::at(span, "Invalid number"))
        } else {
            match digits.parse::<i64>() {
                Ok(n) => Ok(Tok::Long(n)),
                Err(_) => digits
                    .parse::<f64>()
                    .map(Tok::Real)
                    .map_err(|_| KqlError::at(span, "Invalid number")),
            }
        }
    }

    /// The raw text up to the `)` that closes an already-open parenthesis (quotes respected); the
    /// lexer moves past that `)`. Returns the text and its span.
    pub fn raw_until_close(&mut self, open: Span) -> Result<(String, Span), KqlError> {
        let rest = self.rest();
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            if let Some(q) = quote {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
                continue;
            }
            match c {
                '\'' | '"' => quote = Some(c),
                '(' | '[' | '{' => depth += 1,
                ')' if depth == 0 => {
                    let span = Span::new(self.pos, self.pos + i);
                    let text = rest[..i].to_string();
                    self.pos += i + 1;
                    return Ok((text, span));
                }
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        Err(KqlError::at(open, "This parenthesis is never closed"))
    }
}

/// Ticks in one `unit` of a timespan literal.
fn unit_ticks(unit: &str) -> Option<i64> {
    let s = TICKS_PER_SECOND;
    Some(match unit.to_ascii_lowercase().as_str() {
        "d" | "day" | "days" => 86_400 * s,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600 * s,
        "m" | "min" | "minute" | "minutes" => 60 * s,
        "s" | "sec" | "second" | "seconds" => s,
        "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => s / 1_000,
        "microsecond" | "microseconds" => 10,
        "tick" | "ticks" => 1,
        _ => return None,
    })
}
