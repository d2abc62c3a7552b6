//! OData expressions: `$filter` and `$orderby`, parsed with positions so an error points at the offending
//! part, then compiled against an entity's property table and evaluated on typed records.
//!
//! Grammar (the subset Defender documents, plus the usual logical operators):
//! `or` < `and` < `not` < comparisons (`eq ne gt ge lt le`), `prop in (v, …)`, `startswith(prop, 'x')`,
//! `endswith(prop, 'x')`, `contains(prop, 'x')`, parentheses. Literals: `'text'` (`''` is a quote), numbers,
//! `true`, `false`, `null`, and DateTimeOffset (`2024-05-01T00:00:00Z`, bare or quoted).
//! Positions are 1-based character positions in the expression.

use std::cmp::Ordering;
use std::fmt;

use crate::model::Timestamp;

/// Checks a `$filter` expression before it is sent; the error says where and what to fix.
pub fn check_filter(value: &str) -> Result<(), String> {
    parse_filter(value).map(|_| ()).map_err(|e| e.to_string())
}

/// [`check_filter`], and every property it names must be one of `fields` (the route's documented
/// filterable properties; OData names are case-sensitive, so a wrong case is named as such).
pub fn check_filter_fields(value: &str, fields: &[&str]) -> Result<(), String> {
    let expr = parse_filter(value).map_err(|e| e.to_string())?;
    for property in expr.properties() {
        if fields.contains(&property.name.as_str()) {
            continue;
        }
        let hint = fields
            .iter()
            .find(|f| f.eq_ignore_ascii_case(&property.name))
            .map_or_else(
                || format!("this route filters on {}", fields.join(", ")),
                |f| format!("property names are case-sensitive: {f}"),
            );
        return Err(format!(
            "at position {}: {:?} cannot be filtered on here; {hint}.",
            property.at, property.name
        ));
    }
    Ok(())
}

/// A problem in an expression, at a 1-based character position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    pub at: usize,
    pub message: String,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at position {}: {}", self.at, self.message)
    }
}

impl std::error::Error for ExprError {}

fn err<T>(at: usize, message: impl Into<String>) -> Result<T, ExprError> {
    Err(ExprError {
        at,
        message: message.into(),
    })
}

/// A literal as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    String(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    Time(Timestamp),
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::String(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Literal::Int(n) => write!(f, "{n}"),
            Literal::Float(n) => write!(f, "{n}"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Null => f.write_str("null"),
            Literal::Time(t) => write!(f, "{t}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CmpOp {
    fn from_word(word: &str) -> Option<CmpOp> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => CmpOp::Eq,
            "ne" => CmpOp::Ne,
            "gt" => CmpOp::Gt,
            "ge" => CmpOp::Ge,
            "lt" => CmpOp::Lt,
            "le" => CmpOp::Le,
            _ => return None,
        })
    }

    /// The operator with its operands swapped: `5 lt x` is `x gt 5`.
    fn flipped(self) -> CmpOp {
        match self {
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            other => other,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CmpOp::Eq => "eq",
            CmpOp::Ne => "ne",
            CmpOp::Gt => "gt",
            CmpOp::Ge => "ge",
            CmpOp::Lt => "lt",
            CmpOp::Le => "le",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringFn {
    StartsWith,
    EndsWith,
    Contains,
}

/// A property name where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyRef {
    pub name: String,
    pub at: usize,
}

/// A `$filter` expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare {
        property: PropertyRef,
        op: CmpOp,
        value: Literal,
        value_at: usize,
    },
    In {
        property: PropertyRef,
        values: Vec<(Literal, usize)>,
    },
    Call {
        function: StringFn,
        property: PropertyRef,
        value: Literal,
        value_at: usize,
    },
}

impl Expr {
    /// Every property the expression names, in the order written.
    pub fn properties(&self) -> Vec<&PropertyRef> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(expr) = stack.pop() {
            match expr {
                Expr::And(a, b) | Expr::Or(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                Expr::Not(e) => stack.push(e),
                Expr::Compare { property, .. }
                | Expr::In { property, .. }
                | Expr::Call { property, .. } => out.push(property),
            }
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Lit(Literal),
    Open,
    Close,
    Comma,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    at: usize,
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Word(w) => format!("'{w}'"),
        Tok::Lit(l) => format!("{l}"),
        Tok::Open => "'('".into(),
        Tok::Close => "')'".into(),
        Tok::Comma => "','".into(),
    }
}

fn lex(text: &str) -> Result<Vec<Token>, ExprError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => out.push(Token { tok: Tok::Open, at }),
            ')' => out.push(Token {
                tok: Tok::Close,
                at,
            }),
            ',' => out.push(Token {
                tok: Tok::Comma,
                at,
            }),
            '\'' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => {
                            return err(
                                at,
                                "a string is not closed: strings are written in single quotes, e.g. severity eq 'High'",
                            )
                        }
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            s.push('\'');
                            i += 2;
                        }
                        Some('\'') => break,
                        Some(&ch) => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push(Token {
                    tok: Tok::Lit(Literal::String(s)),
                    at,
                });
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                let start = i;
                i += 1;
                while chars.get(i).is_some_and(|d| {
                    d.is_ascii_alphanumeric() || matches!(d, '.' | ':' | '-' | '+')
                }) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let lit = if let Ok(n) = word.parse::<i64>() {
                    Literal::Int(n)
                } else if let Ok(n) = word.parse::<f64>().map_err(|_| ()).and_then(|n| {
                    if n.is_finite() && !word.contains(['T', 't', ':']) {
                        Ok(n)
                    } else {
                        Err(())
                    }
                }) {
                    Literal::Float(n)
                } else if let Some(t) = Timestamp::parse(&word) {
                    Literal::Time(t)
                } else if word.contains('T') || word.matches('-').count() >= 2 {
                    return err(
                        at,
                        format!("{word} is not a DateTimeOffset; write e.g. 2024-05-01T00:00:00Z"),
                    );
                } else {
                    return err(at, format!("{word} is not a number"));
                };
                out.push(Token {
                    tok: Tok::Lit(lit),
                    at,
                });
                continue;
            }
            c if c.is_alphabetic() || c == '_' || c == '$' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|d| d.is_alphanumeric() || matches!(d, '_' | '/' | '.' | '$'))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let tok = match word.as_str() {
                    "true" => Tok::Lit(Literal::Bool(true)),
                    "false" => Tok::Lit(Literal::Bool(false)),
                    "null" => Tok::Lit(Literal::Null),
                    _ => Tok::Word(word),
                };
                out.push(Token { tok, at });
                continue;
            }
            other => return err(at, format!("{other:?} is not allowed here")),
        }
        i += 1;
    }
    Ok(out)
}

const FUNCTIONS: &[(&str, StringFn)] = &[
    ("startswith", StringFn::StartsWith),
    ("endswith", StringFn::EndsWith),
    ("contains", StringFn::Contains),
];

fn is_keyword(word: &str) -> bool {
    CmpOp::from_word(word).is_some()
        || ["and", "or", "not", "in"]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(word))
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Position just after the last character, for "expected … at the end".
    end: usize,
    /// Nesting depth, bounded so a hostile input cannot overflow the stack.
    depth: usize,
}

const MAX_DEPTH: usize = 64;

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Word(w), .. }) if w.eq_ignore_ascii_case(word))
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn previous_text(&self) -> String {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or_else(|| "the start".into(), |t| describe(&t.tok))
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.end, |t| t.at)
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.next();
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.unary()?;
        while self.peek_word("and") {
            self.next();
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(self.here(), "the expression nests too deeply");
        }
        let result = if self.peek_word("not") {
            self.next();
            self.unary().map(|e| Expr::Not(Box::new(e)))
        } else {
            self.primary()
        };
        self.depth -= 1;
        result
    }

    fn expect_close(&mut self, opened_at: usize) -> Result<(), ExprError> {
        match self.next() {
            Some(Token {
                tok: Tok::Close, ..
            }) => Ok(()),
            Some(t) => err(t.at, format!("expected ')' but found {}", describe(&t.tok))),
            None => err(opened_at, "this '(' is not closed"),
        }
    }

    fn literal(&mut self, after: &str) -> Result<(Literal, usize), ExprError> {
        match self.next() {
            Some(Token {
                tok: Tok::Lit(l),
                at,
            }) => Ok((l, at)),
            Some(t) => err(
                t.at,
                format!(
                    "expected a value after {after} but found {}",
                    describe(&t.tok)
                ),
            ),
            None => err(self.end, format!("expected a value after {after}")),
        }
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let Some(first) = self.next() else {
            return err(
                self.end,
                format!("expected a condition after {}", self.previous_text()),
            );
        };
        match first.tok {
            Tok::Open => {
                let inner = self.or()?;
                self.expect_close(first.at)?;
                Ok(inner)
            }
            Tok::Word(ref w)
                if FUNCTIONS.iter().any(|(n, _)| n.eq_ignore_ascii_case(w))
                    && matches!(self.peek(), Some(Token { tok: Tok::Open, .. })) =>
            {
                let function = FUNCTIONS
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(w))
                    .map_or(StringFn::Contains, |(_, f)| *f);
                let open = self.next().map_or(first.at, |t| t.at);
                let property = match self.next() {
                    Some(Token {
                        tok: Tok::Word(p),
                        at,
                    }) if !is_keyword(&p) => PropertyRef { name: p, at },
                    Some(t) => {
                        return err(
                            t.at,
                            format!("{w}() takes a property first, not {}", describe(&t.tok)),
                        )
                    }
                    None => return err(self.end, format!("{w}() takes a property and a value")),
                };
                match self.next() {
                    Some(Token {
                        tok: Tok::Comma, ..
                    }) => {}
                    Some(t) => {
                        return err(
                            t.at,
                            format!(
                                "expected ',' after the property, found {}",
                                describe(&t.tok)
                            ),
                        )
                    }
                    None => return err(self.end, format!("{w}() takes a property and a value")),
                }
                let (value, value_at) = self.literal("','")?;
                if !matches!(value, Literal::String(_)) {
                    return err(
                        value_at,
                        format!("{w}() compares text: write the value in quotes, e.g. 'abc'"),
                    );
                }
                self.expect_close(open)?;
                let call = Expr::Call {
                    function,
                    property,
                    value,
                    value_at,
                };
                // `startswith(x,'a') eq true` is the long way of writing the call.
                if self.peek().is_some_and(|t| matches!(&t.tok, Tok::Word(w) if matches!(CmpOp::from_word(w), Some(CmpOp::Eq | CmpOp::Ne)))) {
                    let op = self.next().and_then(|t| match t.tok {
                        Tok::Word(w) => CmpOp::from_word(&w),
                        _ => None,
                    });
                    let (b, b_at) = self.literal(&format!("'{}'", op.map_or("eq", CmpOp::name)))?;
                    let Literal::Bool(b) = b else {
                        return err(b_at, "a function's result is compared with true or false");
                    };
                    return Ok(if b == (op == Some(CmpOp::Eq)) { call } else { Expr::Not(Box::new(call)) });
                }
                Ok(call)
            }
            Tok::Word(ref w) if is_keyword(w) => err(
                first.at,
                format!("expected a property or a condition but found '{w}'"),
            ),
            Tok::Word(name) => {
                let property = PropertyRef { name, at: first.at };
                self.after_property(property)
            }
            Tok::Lit(lit) => {
                // `'High' eq severity`: a value first, then the property.
                let op_tok = self.next();
                let op = match &op_tok {
                    Some(Token {
                        tok: Tok::Word(w), ..
                    }) => CmpOp::from_word(w),
                    _ => None,
                };
                let Some(op) = op else {
                    let at = op_tok.map_or(self.end, |t| t.at);
                    return err(at, format!("expected a comparison such as eq after {lit}"));
                };
                match self.next() {
                    Some(Token {
                        tok: Tok::Word(p),
                        at,
                    }) if !is_keyword(&p) => Ok(Expr::Compare {
                        property: PropertyRef { name: p, at },
                        op: op.flipped(),
                        value: lit,
                        value_at: first.at,
                    }),
                    Some(t) => err(
                        t.at,
                        format!("one side of '{}' must be a property", op.name()),
                    ),
                    None => err(
                        self.end,
                        format!("expected a property after '{}'", op.name()),
                    ),
                }
            }
            Tok::Close => err(first.at, "this ')' has no matching '('"),
            Tok::Comma => err(
                first.at,
                "a ',' belongs only inside a function or an in (…) list",
            ),
        }
    }

    fn after_property(&mut self, property: PropertyRef) -> Result<Expr, ExprError> {
        let Some(op_tok) = self.next() else {
            return err(
                self.end,
                format!("expected an operator such as eq after '{}'", property.name),
            );
        };
        let word = match &op_tok.tok {
            Tok::Word(w) => w.clone(),
            other => {
                return err(
                    op_tok.at,
                    format!(
                        "expected an operator such as eq after '{}' but found {}",
                        property.name,
                        describe(other)
                    ),
                )
            }
        };
        if word.eq_ignore_ascii_case("in") {
            let open_at = match self.next() {
                Some(Token { tok: Tok::Open, at }) => at,
                Some(t) => {
                    return err(
                        t.at,
                        "in takes a list in parentheses, e.g. status in ('New','InProgress')",
                    )
                }
                None => {
                    return err(
                        self.end,
                        "in takes a list in parentheses, e.g. status in ('New','InProgress')",
                    )
                }
            };
            let mut values = Vec::new();
            loop {
                values.push(self.literal(if values.is_empty() { "'in ('" } else { "','" })?);
                match self.next() {
                    Some(Token {
                        tok: Tok::Comma, ..
                    }) => continue,
                    Some(Token {
                        tok: Tok::Close, ..
                    }) => break,
                    Some(t) => {
                        return err(
                            t.at,
                            format!(
                                "expected ',' or ')' in the list, found {}",
                                describe(&t.tok)
                            ),
                        )
                    }
                    None => return err(open_at, "this '(' is not closed"),
                }
            }
            return Ok(Expr::In { property, values });
        }
        let Some(op) = CmpOp::from_word(&word) else {
            return err(
                op_tok.at,
                format!("'{word}' is not an operator; use eq, ne, gt, ge, lt, le or in"),
            );
        };
        let (value, value_at) = match self.next() {
            Some(Token { tok: Tok::Lit(l), at }) => (l, at),
            Some(Token { tok: Tok::Word(w), at }) if !is_keyword(&w) => {
                return err(at, format!("expected a value after '{word}' but found '{w}'; text is written in quotes, e.g. '{w}'"))
            }
            Some(t) => return err(t.at, format!("expected a value after '{word}' but found {}", describe(&t.tok))),
            None => return err(self.end, format!("expected a value after '{word}'")),
        };
        Ok(Expr::Compare {
            property,
            op,
            value,
            value_at,
        })
    }
}

/// Parses a `$filter` expression.
pub fn parse_filter(text: &str) -> Result<Expr, ExprError> {
    let tokens = lex(text)?;
    let end = text.chars().count() + 1;
    if tokens.is_empty() {
        return err(1, "the filter is empty");
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        end,
        depth: 0,
    };
    let expr = parser.or()?;
    if let Some(t) = parser.peek() {
        let message = match &t.tok {
            Tok::Close => "this ')' has no matching '('".to_string(),
            other => format!("expected and, or or the end, but found {}", describe(other)),
        };
        return err(t.at, message);
    }
    Ok(expr)
}

/// The type of a property, which decides how it compares and which literals it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    String,
    Int,
    Bool,
    Time,
    /// `Informational < Low < Medium < High`, compared by rank.
    Severity,
    /// A list of strings: shown, not compared.
    StringList,
}

/// The severities, in rank order.
pub const SEVERITIES: [&str; 4] = ["Informational", "Low", "Medium", "High"];

/// A property of an entity that `$filter`, `$orderby` and `$select` can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Property {
    pub name: &'static str,
    pub ty: FieldType,
}

/// A property's value in one record, borrowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldValue<'a> {
    Null,
    Str(&'a str),
    Int(i64),
    Bool(bool),
    Time(Timestamp),
    Rank(u8),
    List(&'a [String]),
    /// A number with a fraction (a CVSS score), compared with an `Int` property's literals.
    Num(f64),
}

impl FieldValue<'_> {
    /// Total order for sorting one property: null first, then by value.
    pub fn sort_cmp(&self, other: &FieldValue<'_>) -> Ordering {
        use FieldValue as V;
        match (self, other) {
            (V::Null, V::Null) => Ordering::Equal,
            (V::Null, _) => Ordering::Less,
            (_, V::Null) => Ordering::Greater,
            (V::Str(a), V::Str(b)) => a.cmp(b),
            (V::Int(a), V::Int(b)) => a.cmp(b),
            (V::Bool(a), V::Bool(b)) => a.cmp(b),
            (V::Time(a), V::Time(b)) => a.cmp(b),
            (V::Rank(a), V::Rank(b)) => a.cmp(b),
            (V::List(a), V::List(b)) => a.cmp(b),
            (V::Num(a), V::Num(b)) => a.total_cmp(b),
            _ => Ordering::Equal,
        }
    }
}

/// A record the engine can filter and sort: its properties by index into its property table.
pub trait Record {
    fn properties() -> &'static [Property];
    fn field(&self, index: usize) -> FieldValue<'_>;
}

impl<T: Record> Record for &T {
    fn properties() -> &'static [Property] {
        T::properties()
    }

    fn field(&self, index: usize) -> FieldValue<'_> {
        (**self).field(index)
    }
}

fn resolve<R: Record>(
    entity: &str,
    property: &PropertyRef,
) -> Result<(usize, Property), ExprError> {
    R::properties()
        .iter()
        .enumerate()
        .find(|(_, p)| p.name.eq_ignore_ascii_case(&property.name))
        .map(|(i, p)| (i, *p))
        .ok_or_else(|| ExprError {
            at: property.at,
            message: format!(
                "{entity} has no property '{}'; it has {}",
                property.name,
                R::properties()
                    .iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

/// A literal converted to the type of the property it is compared with.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Null,
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Time(Timestamp),
    Rank(u8),
}

fn convert(property: &Property, literal: &Literal, at: usize) -> Result<Value, ExprError> {
    let name = property.name;
    Ok(match (property.ty, literal) {
        (_, Literal::Null) => Value::Null,
        (FieldType::String, Literal::String(s)) => Value::Str(s.clone()),
        (FieldType::String, _) => {
            return err(
                at,
                format!("{name} is text; write the value in quotes, e.g. '{literal}'"),
            )
        }
        (FieldType::Int, Literal::Int(n)) => Value::Int(*n),
        (FieldType::Int, Literal::Float(n)) => Value::Float(*n),
        (FieldType::Int, _) => {
            return err(
                at,
                format!("{name} is a number; compare it with a number, e.g. 5"),
            )
        }
        (FieldType::Bool, Literal::Bool(b)) => Value::Bool(*b),
        (FieldType::Bool, _) => return err(at, format!("{name} is true or false")),
        (FieldType::Time, Literal::Time(t)) => Value::Time(*t),
        (FieldType::Time, Literal::String(s)) if Timestamp::parse(s).is_some() => {
            Value::Time(Timestamp::parse(s).unwrap_or(Timestamp(chrono::DateTime::UNIX_EPOCH)))
        }
        (FieldType::Time, _) => {
            return err(
                at,
                format!(
                    "{name} is a DateTimeOffset; compare it with a time, e.g. 2024-05-01T00:00:00Z"
                ),
            )
        }
        (FieldType::Severity, Literal::String(s)) => {
            match SEVERITIES.iter().position(|v| v.eq_ignore_ascii_case(s)) {
                Some(rank) => Value::Rank(rank as u8),
                None => {
                    return err(
                        at,
                        format!("{s:?} is not a severity; use {}", SEVERITIES.join(", ")),
                    )
                }
            }
        }
        (FieldType::Severity, _) => {
            return err(at, format!("{name} is a severity in quotes, e.g. 'High'"))
        }
        (FieldType::StringList, _) => {
            return err(at, format!("{name} is a list and cannot be compared"))
        }
    })
}

/// A filter compiled against one entity's properties: names resolved, literals typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    node: Node,
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Compare {
        field: usize,
        op: CmpOp,
        value: Value,
    },
    In {
        field: usize,
        values: Vec<Value>,
    },
    Call {
        field: usize,
        function: StringFn,
        value: String,
    },
}

impl Filter {
    /// Parses and compiles `text` for records of type `R`; `entity` names it in messages.
    pub fn compile<R: Record>(text: &str, entity: &str) -> Result<Filter, ExprError> {
        let expr = parse_filter(text)?;
        Ok(Filter {
            node: compile_node::<R>(&expr, entity)?,
        })
    }

    pub fn matches<R: Record>(&self, record: &R) -> bool {
        eval(&self.node, record)
    }
}

fn compile_node<R: Record>(expr: &Expr, entity: &str) -> Result<Node, ExprError> {
    Ok(match expr {
        Expr::And(a, b) => Node::And(
            Box::new(compile_node::<R>(a, entity)?),
            Box::new(compile_node::<R>(b, entity)?),
        ),
        Expr::Or(a, b) => Node::Or(
            Box::new(compile_node::<R>(a, entity)?),
            Box::new(compile_node::<R>(b, entity)?),
        ),
        Expr::Not(a) => Node::Not(Box::new(compile_node::<R>(a, entity)?)),
        Expr::Compare {
            property,
            op,
            value,
            value_at,
        } => {
            let (field, prop) = resolve::<R>(entity, property)?;
            if prop.ty == FieldType::StringList {
                return err(
                    property.at,
                    format!("{} is a list and cannot be compared", prop.name),
                );
            }
            Node::Compare {
                field,
                op: *op,
                value: convert(&prop, value, *value_at)?,
            }
        }
        Expr::In { property, values } => {
            let (field, prop) = resolve::<R>(entity, property)?;
            if prop.ty == FieldType::StringList {
                return err(
                    property.at,
                    format!("{} is a list and cannot be compared", prop.name),
                );
            }
            let values = values
                .iter()
                .map(|(v, at)| convert(&prop, v, *at))
                .collect::<Result<_, _>>()?;
            Node::In { field, values }
        }
        Expr::Call {
            function,
            property,
            value,
            value_at,
        } => {
            let (field, prop) = resolve::<R>(entity, property)?;
            if prop.ty != FieldType::String {
                return err(
                    property.at,
                    format!(
                        "{} is not text; text functions take text properties",
                        prop.name
                    ),
                );
            }
            let Literal::String(value) = value else {
                return err(*value_at, "write the value in quotes");
            };
            Node::Call {
                field,
                function: *function,
                value: value.clone(),
            }
        }
    })
}

fn compare(field: &FieldValue<'_>, value: &Value) -> Option<Ordering> {
    match (field, value) {
        (FieldValue::Str(a), Value::Str(b)) => Some((*a).cmp(b.as_str())),
        (FieldValue::Int(a), Value::Int(b)) => Some(a.cmp(b)),
        (FieldValue::Int(a), Value::Float(b)) => (*a as f64).partial_cmp(b),
        (FieldValue::Num(a), Value::Int(b)) => a.partial_cmp(&(*b as f64)),
        (FieldValue::Num(a), Value::Float(b)) => a.partial_cmp(b),
        (FieldValue::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (FieldValue::Time(a), Value::Time(b)) => Some(a.cmp(b)),
        (FieldValue::Rank(a), Value::Rank(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

fn eval<R: Record>(node: &Node, record: &R) -> bool {
    match node {
        Node::And(a, b) => eval(a, record) && eval(b, record),
        Node::Or(a, b) => eval(a, record) || eval(b, record),
        Node::Not(a) => !eval(a, record),
        Node::Compare { field, op, value } => compare_op(&record.field(*field), *op, value),
        Node::In { field, values } => {
            let f = record.field(*field);
            values.iter().any(|v| compare_op(&f, CmpOp::Eq, v))
        }
        Node::Call {
            field,
            function,
            value,
        } => match record.field(*field) {
            FieldValue::Str(s) => match function {
                StringFn::StartsWith => s.starts_with(value.as_str()),
                StringFn::EndsWith => s.ends_with(value.as_str()),
                StringFn::Contains => s.contains(value.as_str()),
            },
            _ => false,
        },
    }
}

/// OData's comparison: `null eq null`; null is unequal to every value and neither above nor below it.
fn compare_op(field: &FieldValue<'_>, op: CmpOp, value: &Value) -> bool {
    let field_null = matches!(field, FieldValue::Null);
    let value_null = matches!(value, Value::Null);
    if field_null || value_null {
        return match op {
            CmpOp::Eq => field_null && value_null,
            CmpOp::Ne => field_null != value_null,
            _ => false,
        };
    }
    let Some(ord) = compare(field, value) else {
        return op == CmpOp::Ne;
    };
    match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
    }
}

/// One key of an `$orderby`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderKey {
    pub field: usize,
    pub descending: bool,
}

/// Parses `$orderby` (`prop [asc|desc], …`) against the properties of `R`.
pub fn compile_orderby<R: Record>(text: &str, entity: &str) -> Result<Vec<OrderKey>, ExprError> {
    let mut keys = Vec::new();
    let mut offset = 0usize;
    for item in text.split(',') {
        let item_chars = item.chars().count();
        let mut words = Vec::new();
        let mut at = offset;
        for (i, piece) in item.split(' ').enumerate() {
            if i > 0 {
                at += 1;
            }
            if !piece.trim().is_empty() {
                let lead = piece.chars().take_while(|c| c.is_whitespace()).count();
                words.push((piece.trim(), at + lead + 1));
            }
            at += piece.chars().count();
        }
        let Some(&(name, name_at)) = words.first() else {
            return err(
                offset + 1,
                "a property is missing in the list; e.g. alertCreationTime desc, severity",
            );
        };
        let (field, prop) = resolve::<R>(
            entity,
            &PropertyRef {
                name: name.to_string(),
                at: name_at,
            },
        )?;
        if prop.ty == FieldType::StringList {
            return err(
                name_at,
                format!("{} is a list and cannot be sorted", prop.name),
            );
        }
        let descending = match words.get(1) {
            None => false,
            Some((d, _)) if d.eq_ignore_ascii_case("asc") => false,
            Some((d, _)) if d.eq_ignore_ascii_case("desc") => true,
            Some((d, at)) => return err(*at, format!("'{d}' is not asc or desc")),
        };
        if let Some((extra, at)) = words.get(2) {
            return err(
                *at,
                format!("'{extra}' is unexpected; separate sort keys with commas"),
            );
        }
        keys.push(OrderKey { field, descending });
        offset += item_chars + 1;
    }
    Ok(keys)
}

/// Compares two records by the keys in turn.
pub fn order_cmp<R: Record>(keys: &[OrderKey], a: &R, b: &R) -> Ordering {
    for key in keys {
        let ord = a.field(key.field).sort_cmp(&b.field(key.field));
        let ord = if key.descending { ord.reverse() } else { ord };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_point_at_the_offending_part() {
        let e = parse_filter("severity eq").unwrap_err();
        assert_eq!(e.at, 12);
        assert!(e.message.contains("expected a value after 'eq'"), "{e}");
        let e = parse_filter("severity eq 'High' and (status eq 'New'").unwrap_err();
        assert_eq!(e.at, 24);
        let e = parse_filter("severity eq 'High").unwrap_err();
        assert_eq!(e.at, 13);
        let e = parse_filter("severity foo 'High'").unwrap_err();
        assert_eq!(e.at, 10);
        assert!(check_filter("severity eq 'High')")
            .unwrap_err()
            .contains("position 19"));
    }

    #[test]
    fn grammar_covers_logic_lists_functions_and_times() {
        for ok in [
            "severity eq 'High' and status ne 'Resolved'",
            "not (severity eq 'Low' or severity eq 'Informational')",
            "status in ('New', 'InProgress')",
            "startswith(title, 'Suspicious') and contains(title,'Power''Shell')",
            "alertCreationTime ge 2024-05-01T00:00:00Z",
            "alertCreationTime lt '2024-05-01T00:00:00.1234567+02:00'",
            "incidentId gt -5 and assignedTo eq null",
            "isAadJoined eq true",
            "'High' eq severity",
            "startswith(title,'A') eq false",
        ] {
            parse_filter(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        assert!(parse_filter("alertCreationTime ge 2024-13-01T00:00:00Z").is_err());
        assert!(parse_filter("((((").is_err());
        assert!(parse_filter(&"(".repeat(10_000)).is_err());
    }
}
