//! A KQL problem an analyst can act on: what is wrong and where (byte offset, line and column).

use std::fmt;

/// A byte range of the query text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The range from the start of `self` to the end of `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// Why a query cannot be parsed or run, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KqlError {
    /// What is wrong, in the words of the real service where it has them.
    pub message: String,
    /// Byte offset of the problem in the query text.
    pub offset: usize,
    /// Byte length of the offending text (at least 1 unless the query ended early).
    pub len: usize,
    /// 1-based line of `offset`.
    pub line: usize,
    /// 1-based column of `offset`, in characters.
    pub column: usize,
}

impl KqlError {
    /// An error at `span`; line and column are filled by [`KqlError::locate`].
    pub(crate) fn at(span: Span, message: impl Into<String>) -> KqlError {
        KqlError {
            message: message.into(),
            offset: span.start,
            len: span.end.saturating_sub(span.start),
            line: 0,
            column: 0,
        }
    }

    /// An error about something the real service has and this engine does not.
    pub(crate) fn unsupported(span: Span, what: &str) -> KqlError {
        KqlError::at(
            span,
            format!("not supported by the demo tenant's hunting engine: {what}"),
        )
    }

    /// Fills `line` and `column` from the query text (the offset is clamped to it).
    pub(crate) fn locate(mut self, text: &str) -> KqlError {
        let mut offset = self.offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        self.offset = offset;
        let before = &text[..offset];
        self.line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        self.column = before[line_start..].chars().count() + 1;
        self
    }

    /// The line of `text` with the problem and a caret line under it, for a monospace display.
    pub fn caret(&self, text: &str) -> String {
        let line = text.lines().nth(self.line.saturating_sub(1)).unwrap_or("");
        let pad: String = line
            .chars()
            .take(self.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let width = text
            .get(self.offset..(self.offset + self.len).min(text.len()))
            .map_or(1, |s| s.lines().next().unwrap_or("").chars().count().max(1));
        format!("{line}\n{pad}{}", "^".repeat(width))
    }
}

impl fmt::Display for KqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for KqlError {}
