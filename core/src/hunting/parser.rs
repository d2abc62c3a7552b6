//! A recursive-descent parser for the analyst's KQL, with a span on every node.
//!
//! Hand-written rather than combinator-built: KQL reads some arguments raw (`datetime(2024-01-01 10:00)`,
//! `dynamic({"a": 1})`), names its operators with hyphens (`project-away`, `mv-expand`) and negates string
//! operators with an adjacent `!` (`!has`), all of which want a lexer the parser drives.

use std::collections::{HashSet, VecDeque};

use super::ast::*;
use super::error::{KqlError, Span};
use super::lexer::{Lexer, Tok, Token, TICKS_PER_SECOND};
use super::value::parse_datetime_text;

/// How deep expressions and pipelines may nest before the parser refuses (no stack overflow).
const MAX_DEPTH: usize = 40;

/// Query operators of KQL this engine refuses by name.
const UNSUPPORTED_OPS: &[&str] = &[
    "parse",
    "parse-where",
    "parse-kv",
    "make-series",
    "evaluate",
    "invoke",
    "lookup",
    "mv-apply",
    "as",
    "serialize",
    "sample",
    "sample-distinct",
    "search",
    "find",
    "fork",
    "facet",
    "partition",
    "scan",
    "getschema",
    "top-nested",
    "top-hitters",
    "range",
    "externaldata",
    "consume",
    "reduce",
    "make-graph",
    "graph-match",
    "project-smart",
];

/// Function names whose argument is read as raw text: typed literals.
const TYPED_LITERALS: &[&str] = &[
    "datetime",
    "dynamic",
    "timespan",
    "time",
    "long",
    "int",
    "real",
    "double",
    "bool",
    "boolean",
    "guid",
    "decimal",
    "todynamic_literal",
];

pub(crate) struct Parser<'a> {
    lexer: Lexer<'a>,
    buf: VecDeque<Token>,
    /// Names that are tables: the schema's and the tabular `let`s so far.
    tabular: HashSet<String>,
    depth: usize,
    last_end: usize,
}

type R<T> = Result<T, KqlError>;

impl<'a> Parser<'a> {
    pub fn new(text: &'a str, tables: impl IntoIterator<Item = String>) -> Parser<'a> {
        Parser {
            lexer: Lexer::new(text),
            buf: VecDeque::new(),
            tabular: tables.into_iter().collect(),
            depth: 0,
            last_end: 0,
        }
    }

    // ---- tokens ----

    fn fill(&mut self, n: usize) -> R<()> {
        while self.buf.len() <= n {
            let t = self.lexer.next_token()?;
            self.buf.push_back(t);
        }
        Ok(())
    }

    fn peek(&mut self) -> R<&Token> {
        self.peek_at(0)
    }

    fn peek_at(&mut self, n: usize) -> R<&Token> {
        self.fill(n)?;
        Ok(&self.buf[n])
    }

    fn bump(&mut self) -> R<Token> {
        self.fill(0)?;
        let t = self.buf.pop_front().unwrap_or(Token {
            tok: Tok::Eof,
            span: Span::new(self.lexer.text.len(), self.lexer.text.len()),
        });
        self.last_end = t.span.end;
        Ok(t)
    }

    fn at_punct(&mut self, p: &str) -> R<bool> {
        Ok(matches!(&self.peek()?.tok, Tok::Punct(q) if *q == p))
    }

    fn at_punct_n(&mut self, n: usize, p: &str) -> R<bool> {
        Ok(matches!(&self.peek_at(n)?.tok, Tok::Punct(q) if *q == p))
    }

    fn eat_punct(&mut self, p: &str) -> R<bool> {
        if self.at_punct(p)? {
            self.bump()?;
            return Ok(true);
        }
        Ok(false)
    }

    fn expect_punct(&mut self, p: &str, context: &str) -> R<Span> {
        if self.at_punct(p)? {
            return Ok(self.bump()?.span);
        }
        let t = self.peek()?.clone();
        Err(KqlError::at(
            t.span,
            format!("Expected '{p}' {context}, found {}", describe(&t.tok)),
        ))
    }

    fn at_ident(&mut self, word: &str) -> R<bool> {
        Ok(matches!(&self.peek()?.tok, Tok::Ident(w) if w == word))
    }

    fn eat_ident(&mut self, word: &str) -> R<bool> {
        if self.at_ident(word)? {
            self.bump()?;
            return Ok(true);
        }
        Ok(false)
    }

    fn ident(&mut self, what: &str) -> R<(String, Span)> {
        let t = self.peek()?.clone();
        match t.tok {
            Tok::Ident(name) => {
                self.bump()?;
                Ok((name, t.span))
            }
            other => Err(KqlError::at(
                t.span,
                format!("Expected {what}, found {}", describe(&other)),
            )),
        }
    }

    /// A name with hyphenated parts joined when they touch (`project-away`, `mv-expand`).
    fn hyphenated(&mut self) -> R<(String, Span)> {
        let (mut name, mut span) = self.ident("a query operator")?;
        loop {
            let dash = self.peek()?.clone();
            let next = self.peek_at(1)?.clone();
            match (&dash.tok, &next.tok) {
                (Tok::Punct("-"), Tok::Ident(part))
                    if dash.span.start == span.end && next.span.start == dash.span.end =>
                {
                    name.push('-');
                    name.push_str(part);
                    span = span.to(next.span);
                    self.bump()?;
                    self.bump()?;
                }
                _ => return Ok((name, span)),
            }
        }
    }

    fn enter(&mut self, span: Span) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(KqlError::at(span, "This query nests too deeply"));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// The raw text of a typed literal's parentheses; the `(` has just been consumed.
    fn raw_argument(&mut self, open: Span) -> R<(String, Span)> {
        if let Some(first) = self.buf.front() {
            self.lexer.pos = first.span.start;
            self.buf.clear();
        }
        let raw = self.lexer.raw_until_close(open)?;
        self.last_end = self.lexer.pos;
        Ok(raw)
    }

    // ---- statements ----

    pub fn query(&mut self) -> R<Query> {
        let mut lets = Vec::new();
        loop {
            while self.eat_punct(";")? {}
            let t = self.peek()?.clone();
            match &t.tok {
                Tok::Eof => {
                    return Err(KqlError::at(
                        t.span,
                        "The query has no tabular expression to run (a table name, then operators after '|')",
                    ))
                }
                Tok::Ident(w) if w == "let" => {
                    self.bump()?;
                    lets.push(self.let_statement()?);
                    if !self.at_punct(";")? {
                        let t = self.peek()?.clone();
                        return Err(KqlError::at(
                            t.span,
                            format!("Expected ';' after the let statement, found {}", describe(&t.tok)),
                        ));
                    }
                }
                Tok::Ident(w) if matches!(w.as_str(), "set" | "declare" | "alias" | "pattern") => {
                    return Err(KqlError::unsupported(t.span, &format!("'{w}' statements")));
                }
                _ => {
                    let body = self.pipeline()?;
                    while self.eat_punct(";")? {}
                    let t = self.peek()?.clone();
                    if t.tok != Tok::Eof {
                        let message = if matches!(t.tok, Tok::Ident(_)) {
                            "Only one tabular expression is run: end the query here, or join the statements with '|'".to_string()
                        } else {
                            format!("Unexpected {} after the end of the query", describe(&t.tok))
                        };
                        return Err(KqlError::at(t.span, message));
                    }
                    return Ok(Query {
                        text: self.lexer.text.to_string(),
                        lets,
                        body,
                    });
                }
            }
        }
    }

    fn let_statement(&mut self) -> R<Let> {
        let (name, span) = self.ident("a name after 'let'")?;
        self.expect_punct("=", "after the let name")?;
        let t = self.peek()?.clone();
        if self.at_punct("(")? {
            let next = self.peek_at(1)?.clone();
            let after = self.peek_at(2)?.clone();
            let function = matches!(next.tok, Tok::Punct(")"))
                || (matches!(next.tok, Tok::Ident(_)) && matches!(after.tok, Tok::Punct(":")));
            if function {
                return Err(KqlError::unsupported(
                    t.span,
                    "user-defined functions (let f = (…) { … })",
                ));
            }
        }
        if matches!(&t.tok, Tok::Ident(w) if w == "view") {
            return Err(KqlError::unsupported(t.span, "let … = view"));
        }
        let value = if self.tabular_start()? {
            self.tabular.insert(name.clone());
            LetValue::Tabular(self.pipeline()?)
        } else {
            self.tabular.remove(&name);
            LetValue::Scalar(self.expr()?)
        };
        Ok(Let { name, span, value })
    }

    /// Whether a tabular expression starts here (a table, `union`, `datatable`, a name followed by `|`).
    fn tabular_start(&mut self) -> R<bool> {
        let t = self.peek()?.clone();
        Ok(match &t.tok {
            Tok::Ident(w) => {
                matches!(w.as_str(), "union" | "datatable" | "materialize" | "print")
                    || (self.tabular.contains(w) && !self.at_punct_n(1, "(")?)
                    || self.at_punct_n(1, "|")?
            }
            Tok::Punct("(") => {
                let next = self.peek_at(1)?.clone();
                match &next.tok {
                    Tok::Ident(w) => {
                        matches!(w.as_str(), "union" | "datatable")
                            || self.tabular.contains(w)
                            || self.at_punct_n(2, "|")?
                    }
                    _ => false,
                }
            }
            _ => false,
        })
    }

    // ---- tabular expressions ----

    fn pipeline(&mut self) -> R<Pipeline> {
        let start = self.peek()?.span;
        self.enter(start)?;
        let source = self.source()?;
        let mut ops = Vec::new();
        while self.eat_punct("|")? {
            ops.push(self.op()?);
        }
        self.leave();
        Ok(Pipeline {
            source,
            ops,
            span: Span::new(start.start, self.last_end),
        })
    }

    fn source(&mut self) -> R<Source> {
        let t = self.peek()?.clone();
        match &t.tok {
            Tok::Punct("(") => {
                self.bump()?;
                let inner = self.pipeline()?;
                self.expect_punct(")", "to close the tabular expression")?;
                Ok(Source::Union(vec![inner], t.span))
            }
            Tok::Ident(w) => match w.as_str() {
                "union" => {
                    self.bump()?;
                    let pipes = self.union_sources()?;
                    Ok(Source::Union(pipes, t.span))
                }
                "materialize" => {
                    self.bump()?;
                    self.expect_punct("(", "after materialize")?;
                    let inner = self.pipeline()?;
                    self.expect_punct(")", "to close materialize(")?;
                    Ok(Source::Union(vec![inner], t.span))
                }
                "datatable" => {
                    self.bump()?;
                    self.datatable(t.span)
                }
                "print" => {
                    self.bump()?;
                    let items = self.named_list()?;
                    Ok(Source::Print(items, t.span))
                }
                "search" | "find" | "range" | "externaldata" | "evaluate" => Err(
                    KqlError::unsupported(t.span, &format!("the '{w}' operator")),
                ),
                "let" => Err(KqlError::at(
                    t.span,
                    "A let statement must end with ';' before the query that uses it",
                )),
                _ => {
                    let (name, span) = self.name_pattern_text()?;
                    Ok(Source::Name(name, span))
                }
            },
            other => Err(KqlError::at(
                t.span,
                format!("Expected a table name, found {}", describe(other)),
            )),
        }
    }

    /// A name that may carry `*` wildcards touching it (`Device*Events`).
    fn name_pattern_text(&mut self) -> R<(String, Span)> {
        let mut text = String::new();
        let first = self.peek()?.span;
        let mut span = Span::new(first.start, first.start);
        loop {
            let t = self.peek()?.clone();
            let touches = text.is_empty() || t.span.start == span.end;
            match &t.tok {
                Tok::Ident(w)
                    if touches && !text.ends_with(|c: char| c.is_alphanumeric() || c == '_') =>
                {
                    text.push_str(w);
                }
                Tok::Punct("*") if touches => text.push('*'),
                _ => break,
            }
            span = span.to(t.span);
            self.bump()?;
        }
        if text.is_empty() {
            let t = self.peek()?.clone();
            return Err(KqlError::at(
                t.span,
                format!(
                    "Expected a column or table name, found {}",
                    describe(&t.tok)
                ),
            ));
        }
        Ok((text, span))
    }

    fn union_sources(&mut self) -> R<Vec<Pipeline>> {
        loop {
            let t = self.peek()?.clone();
            let next_is_eq = self.at_punct_n(1, "=")?;
            match &t.tok {
                Tok::Ident(w) if next_is_eq && w == "kind" => {
                    self.bump()?;
                    self.bump()?;
                    let (k, span) = self.ident("outer or inner")?;
                    if k != "outer" {
                        return Err(KqlError::unsupported(span, &format!("union kind={k}")));
                    }
                }
                Tok::Ident(w) if next_is_eq && w == "isfuzzy" => {
                    self.bump()?;
                    self.bump()?;
                    self.bump()?;
                }
                Tok::Ident(w) if next_is_eq && w == "withsource" => {
                    return Err(KqlError::unsupported(t.span, "union withsource="));
                }
                _ => break,
            }
        }
        let mut pipes = Vec::new();
        loop {
            let t = self.peek()?.clone();
            if matches!(t.tok, Tok::Punct("(")) {
                self.bump()?;
                pipes.push(self.pipeline()?);
                self.expect_punct(")", "to close the union's tabular expression")?;
            } else {
                let (name, span) = self.name_pattern_text()?;
                pipes.push(Pipeline {
                    source: Source::Name(name, span),
                    ops: Vec::new(),
                    span,
                });
            }
            if !self.eat_punct(",")? {
                return Ok(pipes);
            }
        }
    }

    fn datatable(&mut self, start: Span) -> R<Source> {
        self.expect_punct("(", "after datatable")?;
        let mut columns = Vec::new();
        loop {
            let (name, _) = self.ident("a column name")?;
            self.expect_punct(":", "between the column name and its type")?;
            let (ty, _) = self.ident("a column type")?;
            columns.push((name, ty));
            if !self.eat_punct(",")? {
                break;
            }
        }
        self.expect_punct(")", "to close the datatable's columns")?;
        self.expect_punct("[", "before the datatable's values")?;
        let mut values = Vec::new();
        if !self.at_punct("]")? {
            loop {
                values.push(self.expr()?);
                if !self.eat_punct(",")? {
                    break;
                }
                if self.at_punct("]")? {
                    break;
                }
            }
        }
        self.expect_punct("]", "to close the datatable's values")?;
        Ok(Source::Datatable {
            columns,
            values,
            span: Span::new(start.start, self.last_end),
        })
    }

    fn op(&mut self) -> R<Op> {
        let (name, name_span) = self.hyphenated()?;
        let kind = match name.as_str() {
            "where" | "filter" => OpKind::Where(self.expr()?),
            "project" => OpKind::Project(self.named_list()?),
            "extend" => OpKind::Extend(self.named_list()?),
            "project-away" => OpKind::ProjectAway(self.patterns()?),
            "project-keep" => OpKind::ProjectKeep(self.patterns()?),
            "project-reorder" => OpKind::ProjectReorder(self.patterns()?),
            "project-rename" => {
                let mut renames = Vec::new();
                loop {
                    let (new, span) = self.ident("the new column name")?;
                    self.expect_punct("=", "in project-rename (New = Old)")?;
                    let (old, old_span) = self.ident("the column to rename")?;
                    renames.push((new, old, span.to(old_span)));
                    if !self.eat_punct(",")? {
                        break;
                    }
                }
                OpKind::ProjectRename(renames)
            }
            "summarize" => {
                self.hints()?;
                let aggregates = if self.at_ident("by")? {
                    Vec::new()
                } else {
                    self.named_list()?
                };
                let by = if self.eat_ident("by")? {
                    self.named_list()?
                } else {
                    Vec::new()
                };
                if aggregates.is_empty() && by.is_empty() {
                    return Err(KqlError::at(
                        name_span,
                        "summarize needs an aggregation (count(), dcount(X), …) or 'by' columns",
                    ));
                }
                OpKind::Summarize { aggregates, by }
            }
            "top" => {
                let count = self.expr()?;
                if !self.eat_ident("by")? {
                    let t = self.peek()?.clone();
                    return Err(KqlError::at(
                        t.span,
                        format!(
                            "Expected 'by' after top's count, found {}",
                            describe(&t.tok)
                        ),
                    ));
                }
                let by = self.sort_key()?;
                OpKind::Top { count, by }
            }
            "take" | "limit" => OpKind::Take(self.expr()?),
            "sort" | "order" => {
                if !self.eat_ident("by")? {
                    let t = self.peek()?.clone();
                    return Err(KqlError::at(
                        t.span,
                        format!("Expected 'by' after {name}, found {}", describe(&t.tok)),
                    ));
                }
                let mut keys = vec![self.sort_key()?];
                while self.eat_punct(",")? {
                    keys.push(self.sort_key()?);
                }
                OpKind::Sort(keys)
            }
            "distinct" => {
                if self.eat_punct("*")? {
                    OpKind::Distinct(Vec::new())
                } else {
                    let mut cols = vec![self.expr()?];
                    while self.eat_punct(",")? {
                        cols.push(self.expr()?);
                    }
                    OpKind::Distinct(cols)
                }
            }
            "count" => OpKind::Count,
            "join" => self.join()?,
            "union" => OpKind::Union(self.union_sources()?),
            "mv-expand" => {
                loop {
                    let t = self.peek()?.clone();
                    if !self.at_punct_n(1, "=")? {
                        break;
                    }
                    match &t.tok {
                        Tok::Ident(w) if w == "kind" || w == "bagexpansion" => {
                            self.bump()?;
                            self.bump()?;
                            self.ident("bag or array")?;
                        }
                        Tok::Ident(w) if w == "with_itemindex" => {
                            return Err(KqlError::unsupported(t.span, "mv-expand with_itemindex="));
                        }
                        _ => break,
                    }
                }
                let mut columns = Vec::new();
                loop {
                    columns.push(self.named()?);
                    if self.eat_ident("to")? {
                        let (t, span) = self.ident("typeof")?;
                        if t != "typeof" {
                            return Err(KqlError::at(span, "Expected typeof(type) after 'to'"));
                        }
                        self.expect_punct("(", "after typeof")?;
                        self.ident("a type name")?;
                        self.expect_punct(")", "to close typeof(")?;
                    }
                    if !self.eat_punct(",")? {
                        break;
                    }
                }
                let limit = if self.eat_ident("limit")? {
                    Some(self.expr()?)
                } else {
                    None
                };
                OpKind::MvExpand { columns, limit }
            }
            "render" => {
                let (kind, kind_span) =
                    self.ident("a chart kind (timechart, columnchart, barchart, piechart)")?;
                if !matches!(
                    kind.as_str(),
                    "timechart"
                        | "columnchart"
                        | "barchart"
                        | "piechart"
                        | "linechart"
                        | "areachart"
                        | "table"
                        | "scatterchart"
                ) {
                    return Err(KqlError::unsupported(kind_span, &format!("render {kind}")));
                }
                let mut with = Vec::new();
                if self.eat_ident("with")? {
                    self.expect_punct("(", "after render … with")?;
                    if !self.at_punct(")")? {
                        loop {
                            let (key, _) =
                                self.ident("a render property (title, xtitle, ytitle, …)")?;
                            self.expect_punct("=", "after the render property")?;
                            let value = self.expr()?;
                            with.push((key, value));
                            if !self.eat_punct(",")? {
                                break;
                            }
                        }
                    }
                    self.expect_punct(")", "to close render … with (")?;
                }
                OpKind::Render { kind, with }
            }
            other if UNSUPPORTED_OPS.contains(&other) => {
                return Err(KqlError::unsupported(
                    name_span,
                    &format!("the '{other}' operator"),
                ));
            }
            other => {
                return Err(KqlError::at(
                    name_span,
                    format!("'{other}' is not a query operator (where, project, extend, summarize, join, …)"),
                ));
            }
        };
        Ok(Op {
            kind,
            span: Span::new(name_span.start, self.last_end),
        })
    }

    /// `hint.x = y` parameters (ignored: the demo runs on one node).
    fn hints(&mut self) -> R<()> {
        while self.at_ident("hint")? && self.at_punct_n(1, ".")? {
            self.bump()?;
            self.bump()?;
            self.ident("a hint name")?;
            self.expect_punct("=", "after the hint")?;
            self.bump()?;
        }
        Ok(())
    }

    fn join(&mut self) -> R<OpKind> {
        let mut kind = JoinKind::InnerUnique;
        loop {
            self.hints()?;
            if self.at_ident("kind")? && self.at_punct_n(1, "=")? {
                self.bump()?;
                self.bump()?;
                let (k, span) = self.ident("a join kind")?;
                kind = match k.as_str() {
                    "innerunique" => JoinKind::InnerUnique,
                    "inner" => JoinKind::Inner,
                    "leftouter" => JoinKind::LeftOuter,
                    "rightouter" => JoinKind::RightOuter,
                    "fullouter" => JoinKind::FullOuter,
                    "leftanti" | "anti" | "leftantisemi" => JoinKind::LeftAnti,
                    "rightanti" | "rightantisemi" => JoinKind::RightAnti,
                    "leftsemi" => JoinKind::LeftSemi,
                    "rightsemi" => JoinKind::RightSemi,
                    other => {
                        return Err(KqlError::at(span, format!("'{other}' is not a join kind")))
                    }
                };
            } else {
                break;
            }
        }
        let t = self.peek()?.clone();
        let right = if matches!(t.tok, Tok::Punct("(")) {
            self.bump()?;
            let p = self.pipeline()?;
            self.expect_punct(")", "to close the join's right side")?;
            p
        } else {
            let (name, span) = self.ident("the join's right side: a table or (a query)")?;
            Pipeline {
                source: Source::Name(name, span),
                ops: Vec::new(),
                span,
            }
        };
        if !self.eat_ident("on")? {
            let t = self.peek()?.clone();
            return Err(KqlError::at(
                t.span,
                format!(
                    "Expected 'on' and the join's key columns, found {}",
                    describe(&t.tok)
                ),
            ));
        }
        let mut on = Vec::new();
        loop {
            let e = self.expr()?;
            on.push(join_key(&e)?);
            if !self.eat_punct(",")? {
                break;
            }
        }
        Ok(OpKind::Join { kind, right, on })
    }

    fn patterns(&mut self) -> R<Vec<NamePattern>> {
        let mut out = Vec::new();
        loop {
            let (pattern, span) = self.name_pattern_text()?;
            // project-reorder takes an order after each pattern; the demo keeps the given order.
            if self.at_ident("asc")? || self.at_ident("desc")? || self.at_ident("granny-asc")? {
                self.bump()?;
            }
            out.push(NamePattern { pattern, span });
            if !self.eat_punct(",")? {
                return Ok(out);
            }
        }
    }

    fn sort_key(&mut self) -> R<SortKey> {
        let expr = self.expr()?;
        let mut ascending = false;
        if self.eat_ident("asc")? {
            ascending = true;
        } else {
            self.eat_ident("desc")?;
        }
        let mut nulls_first = None;
        if self.eat_ident("nulls")? {
            let (w, span) = self.ident("first or last")?;
            nulls_first = Some(match w.as_str() {
                "first" => true,
                "last" => false,
                _ => {
                    return Err(KqlError::at(
                        span,
                        "Expected 'first' or 'last' after 'nulls'",
                    ))
                }
            });
        }
        Ok(SortKey {
            expr,
            ascending,
            nulls_first,
        })
    }

    fn named_list(&mut self) -> R<Vec<NamedExpr>> {
        let mut out = vec![self.named()?];
        while self.eat_punct(",")? {
            out.push(self.named()?);
        }
        Ok(out)
    }

    fn named(&mut self) -> R<NamedExpr> {
        let t = self.peek()?.clone();
        if let Tok::Ident(name) = &t.tok {
            if self.at_punct_n(1, "=")? {
                self.bump()?;
                self.bump()?;
                return Ok(NamedExpr {
                    name: Some(name.clone()),
                    expr: self.expr()?,
                });
            }
        }
        if matches!(t.tok, Tok::Punct("(")) {
            // `(A, B) = arg_max(…)`: several names for one expression.
            if matches!(self.peek_at(1)?.tok, Tok::Ident(_)) && self.at_punct_n(2, ",")? {
                return Err(KqlError::unsupported(
                    t.span,
                    "several names for one expression ((A, B) = …)",
                ));
            }
        }
        Ok(NamedExpr {
            name: None,
            expr: self.expr()?,
        })
    }

    // ---- scalar expressions ----

    pub fn expr(&mut self) -> R<Expr> {
        let start = self.peek()?.span;
        self.enter(start)?;
        let e = self.or();
        self.leave();
        e
    }

    fn or(&mut self) -> R<Expr> {
        let mut left = self.and()?;
        while self.eat_ident("or")? {
            let right = self.and()?;
            left = binary(BinOp::Or, left, right);
        }
        Ok(left)
    }

    fn and(&mut self) -> R<Expr> {
        let mut left = self.comparison()?;
        while self.eat_ident("and")? {
            let right = self.comparison()?;
            left = binary(BinOp::And, left, right);
        }
        Ok(left)
    }

    fn comparison(&mut self) -> R<Expr> {
        let left = self.additive()?;
        let t = self.peek()?.clone();
        let op = match &t.tok {
            Tok::Punct("==") => Some(BinOp::Eq),
            Tok::Punct("!=") => Some(BinOp::Ne),
            Tok::Punct("=~") => Some(BinOp::EqCi),
            Tok::Punct("!~") => Some(BinOp::NeCi),
            Tok::Punct("<") => Some(BinOp::Lt),
            Tok::Punct("<=") => Some(BinOp::Le),
            Tok::Punct(">") => Some(BinOp::Gt),
            Tok::Punct(">=") => Some(BinOp::Ge),
            Tok::Punct("=") => {
                return Err(KqlError::at(
                    t.span,
                    "Use '==' to compare ('=' names a column: Name = expression)",
                ))
            }
            _ => None,
        };
        if let Some(op) = op {
            self.bump()?;
            let right = self.additive()?;
            return Ok(binary(op, left, right));
        }
        // A word operator, `!`-negated when a `!` touches it.
        let (negated, word, word_span) = match &t.tok {
            Tok::Punct("!") => match self.peek_at(1)?.clone() {
                Token {
                    tok: Tok::Ident(w),
                    span,
                } if span.start == t.span.end => (true, w, t.span.to(span)),
                _ => return Ok(left),
            },
            Tok::Ident(w) => (false, w.clone(), t.span),
            _ => return Ok(left),
        };
        let str_op = match word.as_str() {
            "has" => Some(StrOp::Has),
            "has_cs" => Some(StrOp::HasCs),
            "contains" => Some(StrOp::Contains),
            "contains_cs" => Some(StrOp::ContainsCs),
            "startswith" => Some(StrOp::StartsWith),
            "startswith_cs" => Some(StrOp::StartsWithCs),
            "endswith" => Some(StrOp::EndsWith),
            "endswith_cs" => Some(StrOp::EndsWithCs),
            "hasprefix" => Some(StrOp::HasPrefix),
            "hassuffix" => Some(StrOp::HasSuffix),
            _ => None,
        };
        if let Some(op) = str_op {
            self.bump()?;
            if negated {
                self.bump()?;
            }
            let right = self.additive()?;
            return Ok(binary(BinOp::Str { op, negated }, left, right));
        }
        match word.as_str() {
            "matches" => {
                if negated {
                    return Err(KqlError::at(
                        word_span,
                        "'!matches regex' is not KQL: use not(x matches regex y)",
                    ));
                }
                self.bump()?;
                if !self.eat_ident("regex")? {
                    let t = self.peek()?.clone();
                    return Err(KqlError::at(t.span, "Expected 'regex' after 'matches'"));
                }
                let right = self.additive()?;
                Ok(binary(
                    BinOp::Str {
                        op: StrOp::MatchesRegex,
                        negated: false,
                    },
                    left,
                    right,
                ))
            }
            "in" | "has_any" | "has_all" => {
                self.bump()?;
                if negated {
                    self.bump()?;
                }
                let mut op = match word.as_str() {
                    "in" => ListOp::In,
                    "has_any" => ListOp::HasAny,
                    _ => ListOp::HasAll,
                };
                if op == ListOp::In {
                    let tilde = self.peek()?.clone();
                    if matches!(tilde.tok, Tok::Punct("~")) && tilde.span.start == self.last_end {
                        self.bump()?;
                        op = ListOp::InCi;
                    }
                }
                if negated && matches!(op, ListOp::HasAny | ListOp::HasAll) {
                    return Err(KqlError::at(
                        word_span,
                        format!("'!{word}' is not KQL: use not(x {word} (…))"),
                    ));
                }
                let items = self.list_items(&word)?;
                Ok(Expr {
                    span: left.span.to(Span::new(self.last_end, self.last_end)),
                    kind: ExprKind::List {
                        op,
                        negated,
                        value: Box::new(left),
                        items,
                    },
                })
            }
            "between" => {
                self.bump()?;
                if negated {
                    self.bump()?;
                }
                self.expect_punct("(", "after between")?;
                let low = self.additive()?;
                self.expect_punct("..", "between the bounds of between (low .. high)")?;
                let high = self.additive()?;
                self.expect_punct(")", "to close between (")?;
                Ok(Expr {
                    span: left.span.to(Span::new(self.last_end, self.last_end)),
                    kind: ExprKind::Between {
                        negated,
                        value: Box::new(left),
                        low: Box::new(low),
                        high: Box::new(high),
                    },
                })
            }
            "like" | "notlike" | "matches_regex" => Err(KqlError::at(
                word_span,
                format!("'{word}' is not a KQL operator (try contains, has, or matches regex)"),
            )),
            _ => Ok(left),
        }
    }

    /// The parenthesized right side of `in`/`has_any`: values, or a tabular expression.
    fn list_items(&mut self, word: &str) -> R<Vec<Expr>> {
        let open = self.expect_punct("(", &format!("after {word}"))?;
        if self.tabular_start()? {
            let p = self.pipeline()?;
            self.expect_punct(")", &format!("to close {word} ("))?;
            return Ok(vec![Expr {
                span: p.span,
                kind: ExprKind::Subquery(Box::new(p)),
            }]);
        }
        let mut items = Vec::new();
        if !self.at_punct(")")? {
            loop {
                items.push(self.additive()?);
                if !self.eat_punct(",")? {
                    break;
                }
            }
        }
        if !self.at_punct(")")? {
            let t = self.peek()?.clone();
            return Err(KqlError::at(
                t.span,
                format!(
                    "Expected ',' or ')' in the list of {word}, found {}",
                    describe(&t.tok)
                ),
            ));
        }
        self.bump()?;
        if items.is_empty() {
            return Err(KqlError::at(open, format!("The list of {word} is empty")));
        }
        Ok(items)
    }

    fn additive(&mut self) -> R<Expr> {
        let mut left = self.multiplicative()?;
        loop {
            let op = if self.at_punct("+")? {
                BinOp::Add
            } else if self.at_punct("-")? {
                BinOp::Sub
            } else {
                return Ok(left);
            };
            self.bump()?;
            let right = self.multiplicative()?;
            left = binary(op, left, right);
        }
    }

    fn multiplicative(&mut self) -> R<Expr> {
        let mut left = self.unary()?;
        loop {
            let op = if self.at_punct("*")? {
                BinOp::Mul
            } else if self.at_punct("/")? {
                BinOp::Div
            } else if self.at_punct("%")? {
                BinOp::Mod
            } else {
                return Ok(left);
            };
            self.bump()?;
            let right = self.unary()?;
            left = binary(op, left, right);
        }
    }

    fn unary(&mut self) -> R<Expr> {
        let t = self.peek()?.clone();
        if matches!(t.tok, Tok::Punct("-")) {
            self.bump()?;
            self.enter(t.span)?;
            let inner = self.unary();
            self.leave();
            let inner = inner?;
            return Ok(Expr {
                span: t.span.to(inner.span),
                kind: match inner.kind {
                    ExprKind::Literal(Literal::Long(n)) => {
                        ExprKind::Literal(Literal::Long(n.wrapping_neg()))
                    }
                    ExprKind::Literal(Literal::Real(n)) => ExprKind::Literal(Literal::Real(-n)),
                    ExprKind::Literal(Literal::Timespan(n)) => {
                        ExprKind::Literal(Literal::Timespan(n.wrapping_neg()))
                    }
                    other => ExprKind::Neg(Box::new(Expr {
                        kind: other,
                        span: inner.span,
                    })),
                },
            });
        }
        if matches!(t.tok, Tok::Punct("+")) {
            self.bump()?;
            return self.unary();
        }
        self.postfix()
    }

    fn postfix(&mut self) -> R<Expr> {
        let mut e = self.primary()?;
        loop {
            if self.at_punct(".")? {
                self.bump()?;
                let t = self.peek()?.clone();
                let name = match &t.tok {
                    Tok::Ident(n) => n.clone(),
                    Tok::Str(s) => s.clone(),
                    other => {
                        return Err(KqlError::at(
                            t.span,
                            format!(
                                "Expected a property name after '.', found {}",
                                describe(other)
                            ),
                        ))
                    }
                };
                self.bump()?;
                e = Expr {
                    span: e.span.to(t.span),
                    kind: ExprKind::Member(Box::new(e), name),
                };
            } else if self.at_punct("[")? {
                self.bump()?;
                let key = self.expr()?;
                let close = self.expect_punct("]", "to close the index")?;
                let span = e.span.to(close);
                e = match key.kind {
                    ExprKind::Literal(Literal::Str(s)) => Expr {
                        span,
                        kind: ExprKind::Member(Box::new(e), s),
                    },
                    other => Expr {
                        span,
                        kind: ExprKind::Index(
                            Box::new(e),
                            Box::new(Expr {
                                kind: other,
                                span: key.span,
                            }),
                        ),
                    },
                };
            } else {
                return Ok(e);
            }
        }
    }

    fn primary(&mut self) -> R<Expr> {
        let t = self.bump()?;
        let literal = |l| {
            Ok(Expr {
                kind: ExprKind::Literal(l),
                span: t.span,
            })
        };
        match &t.tok {
            Tok::Long(n) => literal(Literal::Long(*n)),
            Tok::Real(n) => literal(Literal::Real(*n)),
            Tok::Timespan(n) => literal(Literal::Timespan(*n)),
            Tok::Str(s) => {
                // Adjacent string literals concatenate, as in KQL.
                let mut s = s.clone();
                let mut span = t.span;
                while let Tok::Str(more) = &self.peek()?.tok {
                    s.push_str(more);
                    span = span.to(self.peek()?.span);
                    self.bump()?;
                }
                Ok(Expr {
                    kind: ExprKind::Literal(Literal::Str(s)),
                    span,
                })
            }
            Tok::Punct("(") => {
                let inner = self.expr()?;
                self.expect_punct(")", "to close the parenthesis")?;
                Ok(inner)
            }
            Tok::Punct("*") => literal_star(t.span),
            Tok::Ident(name) => {
                match name.as_str() {
                    "true" => return literal(Literal::Bool(true)),
                    "false" => return literal(Literal::Bool(false)),
                    _ => {}
                }
                if !self.at_punct("(")? {
                    return Ok(Expr {
                        kind: ExprKind::Name(name.clone()),
                        span: t.span,
                    });
                }
                let open = self.bump()?.span;
                if TYPED_LITERALS.contains(&name.as_str()) {
                    let (raw, raw_span) = self.raw_argument(open)?;
                    let value = typed_literal(name, &raw, raw_span)?;
                    return Ok(Expr {
                        kind: ExprKind::Literal(value),
                        span: t.span.to(Span::new(self.last_end, self.last_end)),
                    });
                }
                let mut args = Vec::new();
                if !self.at_punct(")")? {
                    loop {
                        if self.at_punct("*")? {
                            let s = self.bump()?.span;
                            args.push(Expr {
                                kind: ExprKind::Star,
                                span: s,
                            });
                        } else {
                            args.push(self.expr()?);
                        }
                        if !self.eat_punct(",")? {
                            break;
                        }
                    }
                }
                self.expect_punct(")", &format!("to close {name}("))?;
                Ok(Expr {
                    kind: ExprKind::Call {
                        name: name.clone(),
                        args,
                    },
                    span: t.span.to(Span::new(self.last_end, self.last_end)),
                })
            }
            other => Err(KqlError::at(
                t.span,
                format!("Expected an expression, found {}", describe(other)),
            )),
        }
    }
}

fn literal_star(span: Span) -> R<Expr> {
    Err(KqlError::at(
        span,
        "'*' is only allowed as an argument (arg_max(Timestamp, *))",
    ))
}

fn binary(op: BinOp, left: Expr, right: Expr) -> Expr {
    Expr {
        span: left.span.to(right.span),
        kind: ExprKind::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
    }
}

/// A join key from `Col` or `$left.A == $right.B` (either order).
fn join_key(e: &Expr) -> R<JoinKey> {
    let side = |e: &Expr| match &e.kind {
        ExprKind::Member(base, col) => match &base.kind {
            ExprKind::Name(s) if s == "$left" => Some((true, col.clone())),
            ExprKind::Name(s) if s == "$right" => Some((false, col.clone())),
            _ => None,
        },
        _ => None,
    };
    match &e.kind {
        ExprKind::Name(n) if !n.starts_with('$') => Ok(JoinKey {
            left: n.clone(),
            right: n.clone(),
            span: e.span,
        }),
        ExprKind::Binary {
            op: BinOp::Eq,
            left,
            right,
        } => match (side(left), side(right)) {
            (Some((true, l)), Some((false, r))) | (Some((false, r)), Some((true, l))) => {
                Ok(JoinKey {
                    left: l,
                    right: r,
                    span: e.span,
                })
            }
            _ => Err(KqlError::at(
                e.span,
                "A join condition compares $left.Column == $right.Column",
            )),
        },
        _ => Err(KqlError::at(
            e.span,
            "A join key is a column name or $left.Column == $right.Column",
        )),
    }
}

/// The value of a typed literal: `datetime(…)`, `dynamic(…)`, `timespan(…)`, `long(…)`, …
fn typed_literal(kind: &str, raw: &str, span: Span) -> R<Literal> {
    let text = raw.trim();
    if text == "null" {
        return Ok(match kind {
            "dynamic" => Literal::Dynamic(serde_json::Value::Null),
            _ => Literal::Null,
        });
    }
    let bad = |what: &str| KqlError::at(span, format!("'{text}' is not a valid {what}"));
    match kind {
        "datetime" => parse_datetime_text(text)
            .map(Literal::DateTime)
            .ok_or_else(|| {
                bad("datetime (write datetime(2024-01-31) or datetime(2024-01-31 13:45:00))")
            }),
        "dynamic" => parse_dynamic_text(text)
            .map(Literal::Dynamic)
            .ok_or_else(|| bad("dynamic value (JSON)")),
        "timespan" | "time" => parse_timespan_text(text)
            .map(Literal::Timespan)
            .ok_or_else(|| bad("timespan")),
        "long" | "int" | "decimal" => {
            if let Ok(n) = text.parse::<i64>() {
                Ok(Literal::Long(n))
            } else {
                text.parse::<f64>()
                    .map(Literal::Real)
                    .map_err(|_| bad("number"))
            }
        }
        "real" | "double" => match text {
            "nan" => Ok(Literal::Real(f64::NAN)),
            "+inf" | "inf" => Ok(Literal::Real(f64::INFINITY)),
            "-inf" => Ok(Literal::Real(f64::NEG_INFINITY)),
            _ => text
                .parse::<f64>()
                .map(Literal::Real)
                .map_err(|_| bad("real number")),
        },
        "bool" | "boolean" => match text {
            "true" | "1" => Ok(Literal::Bool(true)),
            "false" | "0" => Ok(Literal::Bool(false)),
            _ => Err(bad("bool")),
        },
        "guid" => Ok(Literal::Str(text.to_string())),
        _ => Err(bad("literal")),
    }
}

/// `dynamic(…)`'s text as JSON; single-quoted strings are accepted as KQL accepts them.
pub(crate) fn parse_dynamic_text(text: &str) -> Option<serde_json::Value> {
    if let Ok(v) = serde_json::from_str(text) {
        return Some(v);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                out.push('"');
                while let Some(d) = chars.next() {
                    match d {
                        '\'' => break,
                        '"' => out.push_str("\\\""),
                        '\\' => {
                            out.push('\\');
                            if let Some(e) = chars.next() {
                                out.push(e);
                            }
                        }
                        d => out.push(d),
                    }
                }
                out.push('"');
            }
            '"' => {
                out.push('"');
                while let Some(d) = chars.next() {
                    out.push(d);
                    match d {
                        '"' => break,
                        '\\' => {
                            if let Some(e) = chars.next() {
                                out.push(e);
                            }
                        }
                        _ => {}
                    }
                }
            }
            c => out.push(c),
        }
    }
    serde_json::from_str(&out).ok()
}

/// A timespan's text: `1d`, `2h`, `1.5h`, `00:30:00`, `1.02:03:04`.
pub(crate) fn parse_timespan_text(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(Token {
        tok: Tok::Timespan(t),
        span,
    }) = Lexer::new(text).next_token()
    {
        if span.end == text.len() {
            return Some(t);
        }
    }
    let (neg, body) = match text.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, text),
    };
    let (days, clock) = match body.split_once('.') {
        Some((d, rest)) if rest.contains(':') && !d.contains(':') => (d.parse::<i64>().ok()?, rest),
        _ => (0, body),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return None;
    }
    let h: i64 = parts[0].parse().ok()?;
    let m: i64 = parts[1].parse().ok()?;
    let s: f64 = parts.get(2).map_or(Some(0.0), |s| s.parse().ok())?;
    if !(0.0..60.0).contains(&s) || !(0..60).contains(&m) {
        return None;
    }
    let total = ((days * 24 + h) * 3600 + m * 60) as f64 * TICKS_PER_SECOND as f64
        + s * TICKS_PER_SECOND as f64;
    if !total.is_finite() || total.abs() > i64::MAX as f64 {
        return None;
    }
    let t = total.round() as i64;
    Some(if neg { -t } else { t })
}

/// A token as an error message names it.
fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Ident(w) => format!("'{w}'"),
        Tok::Str(_) => "a string".into(),
        Tok::Long(n) => format!("'{n}'"),
        Tok::Real(n) => format!("'{n}'"),
        Tok::Timespan(_) => "a timespan".into(),
        Tok::Punct(p) => format!("'{p}'"),
        Tok::Eof => "the end of the query".into(),
    }
}
