//! A parsed query: `let` statements and one tabular expression (a source and its pipeline of operators).
//! Every node keeps its span so that run-time errors point into the text too.

use super::error::Span;

/// A parsed KQL query.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The text the query was parsed from (errors found when it runs point into it).
    pub text: String,
    pub lets: Vec<Let>,
    /// The tabular expression whose result is the answer.
    pub body: Pipeline,
}

/// `let name = value;`
#[derive(Clone, Debug, PartialEq)]
pub struct Let {
    pub name: String,
    pub span: Span,
    pub value: LetValue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LetValue {
    Scalar(Expr),
    Tabular(Pipeline),
}

/// A source and the operators after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    pub source: Source,
    pub ops: Vec<Op>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A table or a tabular `let`.
    Name(String, Span),
    /// `union A, (B | where …)`.
    Union(Vec<Pipeline>, Span),
    /// `datatable(Name: type, …) [values…]`.
    Datatable {
        columns: Vec<(String, String)>,
        values: Vec<Expr>,
        span: Span,
    },
    /// `print x = 1, …`: one row.
    Print(Vec<NamedExpr>, Span),
}

/// An expression with an optional output name (`Name = expr`).
#[derive(Clone, Debug, PartialEq)]
pub struct NamedExpr {
    pub name: Option<String>,
    pub expr: Expr,
}

/// One key of `sort by`/`top … by`.
#[derive(Clone, Debug, PartialEq)]
pub struct SortKey {
    pub expr: Expr,
    /// KQL's default is descending.
    pub ascending: bool,
    /// `None`: KQL's default (nulls first ascending, last descending).
    pub nulls_first: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKind {
    /// KQL's default: the left side deduplicated on the keys, then inner.
    InnerUnique,
    Inner,
    LeftOuter,
    RightOuter,
    FullOuter,
    LeftAnti,
    RightAnti,
    LeftSemi,
    RightSemi,
}

/// A join key: `Col` (same name on both sides) or `$left.A == $right.B`.
#[derive(Clone, Debug, PartialEq)]
pub struct JoinKey {
    pub left: String,
    pub right: String,
    pub span: Span,
}

/// A column name pattern of `project-away`/`project-keep`/`project-reorder` (`*` wildcards).
#[derive(Clone, Debug, PartialEq)]
pub struct NamePattern {
    pub pattern: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum OpKind {
    Where(Expr),
    Project(Vec<NamedExpr>),
    ProjectAway(Vec<NamePattern>),
    ProjectKeep(Vec<NamePattern>),
    ProjectRename(Vec<(String, String, Span)>),
    ProjectReorder(Vec<NamePattern>),
    Extend(Vec<NamedExpr>),
    Summarize {
        aggregates: Vec<NamedExpr>,
        by: Vec<NamedExpr>,
    },
    Top {
        count: Expr,
        by: SortKey,
    },
    Take(Expr),
    Sort(Vec<SortKey>),
    Distinct(Vec<Expr>),
    Count,
    Join {
        kind: JoinKind,
        right: Pipeline,
        on: Vec<JoinKey>,
    },
    Union(Vec<Pipeline>),
    MvExpand {
        columns: Vec<NamedExpr>,
        limit: Option<Expr>,
    },
    Render {
        kind: String,
        with: Vec<(String, Expr)>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Op {
    pub kind: OpKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Bool(bool),
    Long(i64),
    Real(f64),
    Str(String),
    /// 100 ns ticks since the Unix epoch.
    DateTime(i64),
    /// 100 ns ticks.
    Timespan(i64),
    Dynamic(serde_json::Value),
    /// A typed null (`datetime(null)`, `long(null)`).
    Null,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    EqCi,
    NeCi,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    /// A string operator; `negated` for its `!` form.
    Str {
        op: StrOp,
        negated: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrOp {
    Has,
    HasCs,
    Contains,
    ContainsCs,
    StartsWith,
    StartsWithCs,
    EndsWith,
    EndsWithCs,
    HasPrefix,
    HasSuffix,
    MatchesRegex,
}

/// Operators whose right side is a list: `in`, `in~`, `has_any`, `has_all`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListOp {
    In,
    InCi,
    HasAny,
    HasAll,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    /// A column, or a scalar `let`, by name.
    Name(String),
    /// `*` as a function argument (`arg_max(Timestamp, *)`).
    Star,
    Call {
        name: String,
        args: Vec<Expr>,
    },
    Neg(Box<Expr>),
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    List {
        op: ListOp,
        negated: bool,
        value: Box<Expr>,
        items: Vec<Expr>,
    },
    Between {
        negated: bool,
        value: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
    },
    /// `x.name` or `x["name"]`.
    Member(Box<Expr>, String),
    /// `x[0]` (or a computed key).
    Index(Box<Expr>, Box<Expr>),
    /// A tabular expression where a list is expected (`in (T | project X)`).
    Subquery(Box<Pipeline>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    /// The column a simple reference names (`X`, `bin(X, 1h)`) — what KQL names an unnamed output.
    pub(crate) fn default_name(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Name(n) => Some(n.clone()),
            ExprKind::Member(base, name) => base.default_name().map(|b| format!("{b}_{name}")),
            ExprKind::Call { name, args }
                if matches!(name.as_str(), "bin" | "floor" | "bin_at") && !args.is_empty() =>
            {
                args[0].default_name()
            }
            _ => None,
        }
    }
}
