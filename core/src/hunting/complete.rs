//! Completion of table, operator and column names at a cursor, for the editor.
//!
//! The text before the cursor is read with the query's own lexer (tolerating a half-written query):
//! after `|` come operators, at a pipeline's start (or after `union`, `join`, `(`) tables, anywhere else
//! the columns of the tables in scope, with the names the query itself gave (`Name = …`).

use super::lexer::{Lexer, Tok};
use super::schema::{table, tables};

/// What a completion names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Table,
    Column,
    Operator,
}

/// One proposal: the name to insert over `replace` (the word under the cursor), and a detail line
/// (a column's type and table, a table's description).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub text: String,
    pub kind: CompletionKind,
    pub detail: String,
    /// Byte range of `text` (the query) the completion replaces.
    pub replace: std::ops::Range<usize>,
}

const OPERATORS: &[(&str, &str)] = &[
    ("where", "keep the rows where a condition holds"),
    ("project", "keep, rename or compute columns"),
    ("project-away", "drop columns"),
    ("project-rename", "rename columns"),
    ("project-reorder", "put columns first"),
    ("extend", "add computed columns"),
    ("summarize", "aggregate, by columns"),
    ("top", "the first N rows by an expression"),
    ("take", "any N rows"),
    ("limit", "any N rows"),
    ("sort", "order the rows (descending by default)"),
    ("order", "order the rows (descending by default)"),
    ("distinct", "the distinct combinations of columns"),
    ("count", "the number of rows"),
    ("join", "match rows of another table"),
    ("union", "the rows of several tables"),
    ("mv-expand", "one row per element of a dynamic array"),
    ("render", "draw a chart"),
];

/// Proposals for the word at byte `cursor` of `text`, best first: names starting with what is typed
/// (same case first), then names containing it.
pub fn complete(text: &str, cursor: usize) -> Vec<Completion> {
    let mut cursor = cursor.min(text.len());
    while !text.is_char_boundary(cursor) {
        cursor -= 1;
    }
    let before = &text[..cursor];
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '-')
        .last()
        .map_or(cursor, |(i, _)| i);
    let typed = &text[start..cursor];
    let ctx = context(&text[..start]);
    let mut out: Vec<(u8, Completion)> = Vec::new();
    let mut offer = |name: &str, kind: CompletionKind, detail: String| {
        if let Some(rank) = rank(name, typed) {
            if !out.iter().any(|(_, c)| c.text == name && c.kind == kind) {
                out.push((
                    rank,
                    Completion {
                        text: name.to_string(),
                        kind,
                        detail,
                        replace: start..cursor,
                    },
                ));
            }
        }
    };
    match ctx.place {
        Place::Operator => {
            for (op, what) in OPERATORS {
                offer(op, CompletionKind::Operator, what.to_string());
            }
        }
        Place::Table => {
            for (name, source) in &ctx.lets {
                offer(
                    name,
                    CompletionKind::Table,
                    format!("let: {}", source.as_deref().unwrap_or("a query")),
                );
            }
            for t in tables() {
                offer(t.name, CompletionKind::Table, t.description.to_string());
            }
        }
        Place::Column => {
            for (name, origin) in &ctx.named {
                offer(
                    name,
                    CompletionKind::Column,
                    format!("computed in {origin}"),
                );
            }
            for source in &ctx.scope {
                let resolved = ctx
                    .lets
                    .iter()
                    .find(|(n, _)| n == source)
                    .and_then(|(_, s)| s.clone())
                    .unwrap_or_else(|| source.clone());
                if let Some(t) = table(&resolved) {
                    for c in &t.columns {
                        offer(
                            c.name,
                            CompletionKind::Column,
                            format!("{} · {}", c.ty.kql(), t.name),
                        );
                    }
                }
            }
        }
    }
    out.sort_by(|(ra, a), (rb, b)| {
        ra.cmp(rb)
            .then_with(|| a.text.len().cmp(&b.text.len()))
            .then_with(|| a.text.cmp(&b.text))
    });
    out.into_iter().map(|(_, c)| c).collect()
}

/// 0: starts with the typed text, same case; 1: ignoring case; 2: contains it; `None`: no match.
fn rank(name: &str, typed: &str) -> Option<u8> {
    if typed.is_empty() || name.starts_with(typed) {
        return Some(0);
    }
    let (n, t) = (name.to_lowercase(), typed.to_lowercase());
    if n.starts_with(&t) {
        Some(1)
    } else if n.contains(&t) {
        Some(2)
    } else {
        None
    }
}

enum Place {
    Table,
    Operator,
    Column,
}

struct Context {
    place: Place,
    /// The tables (or tabular lets) whose columns are in scope.
    scope: Vec<String>,
    /// Tabular lets and the table each starts from.
    lets: Vec<(String, Option<String>)>,
    /// Names the query gave (`Name = …`) in the current pipeline, with the operator that gave them.
    named: Vec<(String, String)>,
}

/// Where the cursor is, from the tokens before the word under it.
fn context(before: &str) -> Context {
    let mut lexer = Lexer::new(before);
    let mut toks = Vec::new();
    while let Ok(t) = lexer.next_token() {
        if t.tok == Tok::Eof {
            break;
        }
        toks.push(t.tok);
    }
    // One frame per open parenthesis: the pipeline it holds and what it is.
    struct Frame {
        sources: Vec<String>,
        at_start: bool,
        expect_table: bool,
        named: Vec<(String, String)>,
        op: String,
    }
    let new_frame = |expect: bool| Frame {
        sources: Vec::new(),
        at_start: true,
        expect_table: expect,
        named: Vec::new(),
        op: String::new(),
    };
    let mut frames = vec![new_frame(true)];
    let mut lets: Vec<(String, Option<String>)> = Vec::new();
    let mut pending_let: Option<String> = None;
    let mut prev: Option<Tok> = None;
    let mut after_pipe = false;
    let mut skip_value = false;
    for tok in toks {
        let depth = frames.len();
        let Some(f) = frames.last_mut() else { break };
        after_pipe = false;
        match &tok {
            Tok::Punct(";") => {
                frames = vec![new_frame(true)];
                pending_let = None;
            }
            Tok::Punct("|") => {
                after_pipe = true;
                f.at_start = false;
                f.expect_table = false;
            }
            Tok::Punct("(") => {
                let tabular = f.expect_table
                    || matches!(&prev, Some(Tok::Ident(w)) if w == "join" || w == "union" || w == "materialize");
                let keep_expect =
                    tabular || matches!(&prev, Some(Tok::Ident(w)) if w == "in" || w == "has_any");
                frames.push(new_frame(keep_expect && tabular));
                if !tabular {
                    // An expression's parenthesis: columns of the enclosing pipeline stay in scope.
                    if let Some(inner) = frames.last_mut() {
                        inner.expect_table = false;
                        inner.at_start = false;
                    }
                    let outer_sources = frames
                        .get(frames.len().saturating_sub(2))
                        .map(|o| o.sources.clone())
                        .unwrap_or_default();
                    if let Some(inner) = frames.last_mut() {
                        inner.sources = outer_sources;
                    }
                }
            }
            Tok::Punct(")") if depth > 1 => {
                frames.pop();
            }
            Tok::Punct(",") if f.op == "union" => f.expect_table = true,
            Tok::Ident(w) => {
                if skip_value {
                    // The value of `kind=`, `isfuzzy=`: not a table.
                    skip_value = matches!(prev, Some(Tok::Ident(_)));
                } else if (f.op == "join" || f.op == "union")
                    && matches!(w.as_str(), "kind" | "isfuzzy" | "withsource" | "hint")
                {
                    skip_value = true;
                } else if w == "let" && f.at_start {
                    pending_let = Some(String::new());
                } else if let Some(name) = pending_let.as_mut().filter(|n| n.is_empty()) {
                    *name = w.clone();
                } else if w == "union" && (f.at_start || matches!(prev, Some(Tok::Punct("|")))) {
                    f.op = "union".into();
                    f.expect_table = true;
                    f.at_start = false;
                } else if matches!(prev, Some(Tok::Punct("|"))) {
                    f.op = w.clone();
                    if w == "join" {
                        f.expect_table = true;
                    }
                } else if f.expect_table {
                    f.sources.push(w.clone());
                    if let Some(name) = pending_let.take().filter(|n| !n.is_empty()) {
                        let base = lets
                            .iter()
                            .find(|(n, _)| n == w)
                            .and_then(|(_, b)| b.clone())
                            .unwrap_or_else(|| w.clone());
                        lets.push((name, Some(base)));
                    }
                    f.expect_table = false;
                    f.at_start = false;
                }
            }
            Tok::Punct("=") => {
                if let (Some(Tok::Ident(name)), Some(_)) = (&prev, pending_let.as_ref()) {
                    let _ = name;
                    f.expect_table = true;
                    f.at_start = true;
                } else if let Some(Tok::Ident(name)) = &prev {
                    if f.op != "render" && name != "kind" {
                        f.named.push((name.clone(), f.op.clone()));
                    }
                }
            }
            _ => {}
        }
        prev = Some(tok);
    }
    let f = frames.pop().unwrap_or_else(|| new_frame(true));
    let place = if after_pipe {
        Place::Operator
    } else if f.expect_table {
        Place::Table
    } else {
        Place::Column
    };
    // Inside a join's right side the left's columns are not in scope; elsewhere every table named
    // at this level is (the source and what union or join added).
    let mut scope = f.sources.clone();
    if scope.is_empty() {
        for outer in frames.iter().rev() {
            if !outer.sources.is_empty() {
                scope = outer.sources.clone();
                break;
            }
        }
    }
    let mut named = f.named;
    for outer in &frames {
        named.extend(outer.named.iter().cloned());
    }
    Context {
        place,
        scope,
        lets,
        named,
    }
}
