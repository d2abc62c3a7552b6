//! The query an analyst composes, and its request URL: built, parsed back and validated.
//!
//! A [`Query`] keeps what was typed (strings), so a URL that does not validate still shows in the form with
//! its problems next to the right controls; [`Query::validate`] says what must change before it is sent.

use std::fmt;
use std::net::IpAddr;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::catalogue::{
    Api, BodyField, BodyKind, Entity, Method, Param, ParamKind, Profile, QueryOption, Route,
};
use crate::text::is_invisible;

/// Characters written as they are in a path segment; everything else is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b'@');

/// Characters encoded in a query option's value: those that would end or change the option.
pub(crate) const OPTION_VALUE: &AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A request to one route of one API profile, as the analyst composed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub profile: Profile,
    pub route: &'static Route,
    /// The values of `route.params`, in that order, as typed.
    pub params: Vec<String>,
    /// The query options, in the order they are written, as typed.
    pub options: Vec<(QueryOption, String)>,
    /// A write's body members (`route.body`), in that order, as typed; empty ones are left out.
    pub body: Vec<String>,
}

impl Query {
    /// A query of `route` with every parameter empty and no options.
    pub fn new(profile: Profile, route: &'static Route) -> Query {
        Query {
            profile,
            route,
            params: vec![String::new(); route.params.len()],
            options: Vec::new(),
            body: vec![String::new(); route.body.len()],
        }
        .with_expand_it_reads()
    }

    /// A relation read as `$expand` of the entity itself (an incident's alerts) asks for it.
    fn with_expand_it_reads(mut self) -> Query {
        if let Some(member) = self.route.results_in {
            if self.option(QueryOption::Expand).is_none() {
                self.options.push((QueryOption::Expand, member.to_string()));
            }
        }
        self
    }

    /// The source document's example: the top 20 alerts with their machines.
    pub fn source_example() -> Query {
        let route = ROUTE_ALERTS_LIST.with(Api::Wdatp);
        let mut query = Query::new(Profile::Wdatp, route);
        query.set_option(QueryOption::Top, "20");
        query.set_option(QueryOption::Expand, "machine");
        query
    }

    pub fn param(&self, name: &str) -> &str {
        self.route
            .params
            .iter()
            .position(|p| p.name == name)
            .and_then(|i| self.params.get(i))
            .map_or("", String::as_str)
    }

    pub fn set_param(&mut self, name: &str, value: &str) {
        if let Some(i) = self.route.params.iter().position(|p| p.name == name) {
            self.params.resize(self.route.params.len(), String::new());
            self.params[i] = value.to_string();
        }
    }

    pub fn option(&self, option: QueryOption) -> Option<&str> {
        self.options
            .iter()
            .find(|(o, _)| *o == option)
            .map(|(_, v)| v.as_str())
    }

    /// Sets an option; an empty value removes it. A new option takes its place in the route's order.
    pub fn set_option(&mut self, option: QueryOption, value: &str) {
        if value.is_empty() {
            self.options.retain(|(o, _)| *o != option);
        } else if let Some(slot) = self.options.iter_mut().find(|(o, _)| *o == option) {
            slot.1 = value.to_string();
        } else {
            let rank = |o: QueryOption| {
                self.route
                    .options
                    .iter()
                    .position(|x| *x == o)
                    .unwrap_or(usize::MAX)
            };
            let at = self
                .options
                .iter()
                .position(|(o, _)| rank(*o) > rank(option))
                .unwrap_or(self.options.len());
            self.options.insert(at, (option, value.to_string()));
        }
    }

    /// The same query on another route: parameters carry over by kind, accepted options stay.
    pub fn with_route(&self, route: &'static Route) -> Query {
        let mut used = vec![false; self.params.len()];
        let params = route
            .params
            .iter()
            .map(|new| {
                let old = self.route.params.iter().enumerate().find(|(i, old)| {
                    !used[*i] && old.kind == new.kind && !self.params[*i].is_empty()
                });
                match old {
                    Some((i, _)) => {
                        used[i] = true;
                        self.params[i].clone()
                    }
                    None => String::new(),
                }
            })
            .collect();
        let options = self
            .options
            .iter()
            .filter(|(o, _)| route.accepts(*o))
            .cloned()
            .collect();
        // Body members of the same name keep their values (isolate → unisolate keeps the comment).
        let body = route
            .body
            .iter()
            .map(|f| {
                self.route
                    .body
                    .iter()
                    .position(|g| g.name == f.name)
                    .and_then(|i| self.body.get(i).cloned())
                    .unwrap_or_default()
            })
            .collect();
        Query {
            profile: self.profile,
            route,
            params,
            options,
            body,
        }
        .with_expand_it_reads()
    }

    /// The same query against another profile: the equivalent route, else the entity's first, else alerts.
    pub fn with_profile(&self, profile: Profile) -> Query {
        let api = profile.api();
        let route = profile
            .equivalent(self.route)
            .or_else(|| crate::catalogue::routes_for(api, self.route.entity).next())
            .unwrap_or_else(|| ROUTE_ALERTS_LIST.with(api));
        Query {
            profile,
            ..self.with_route(route)
        }
    }

    /// The value typed for the body member `name` (empty when none).
    pub fn body_value(&self, name: &str) -> &str {
        self.route
            .body
            .iter()
            .position(|f| f.name == name)
            .and_then(|i| self.body.get(i))
            .map_or("", String::as_str)
    }

    pub fn set_body_value(&mut self, name: &str, value: &str) {
        if let Some(i) = self.route.body.iter().position(|f| f.name == name) {
            self.body.resize(self.route.body.len(), String::new());
            self.body[i] = value.to_string();
        }
    }

    /// A write's JSON body: every member typed (booleans and JSON as themselves, the rest as strings);
    /// `None` for a route without a body. Values that [`Query::validate`] refuses are left out.
    pub fn body_json(&self) -> Option<String> {
        if self.route.body.is_empty() {
            return None;
        }
        let mut object = serde_json::Map::new();
        for (field, value) in self.route.body.iter().zip(&self.body) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let json = match field.kind {
                BodyKind::Bool => match value {
                    "true" => serde_json::Value::Bool(true),
                    "false" => serde_json::Value::Bool(false),
                    _ => continue,
                },
                BodyKind::Json => match serde_json::from_str(value) {
                    Ok(v) => v,
                    Err(_) => continue,
                },
                BodyKind::Text | BodyKind::Choice(_) => {
                    serde_json::Value::String(value.to_string())
                }
            };
            object.insert(field.name.to_string(), json);
        }
        Some(serde_json::Value::Object(object).to_string())
    }

    /// The path and query string below the profile's base, e.g. `/alerts?$top=20`.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for segment in template_segments(self.route.template) {
            out.push('/');
            match segment {
                TemplateSegment::Literal(text) => out.push_str(text),
                TemplateSegment::Param(name) => {
                    out.extend(utf8_percent_encode(self.param(name), SEGMENT))
                }
                TemplateSegment::Call { name, args } => {
                    out.push_str(name);
                    out.push('(');
                    for (i, (arg, param_name)) in args.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str(arg);
                        out.push('=');
                        let value = self.param(param_name);
                        let string = self
                            .route
                            .param(param_name)
                            .is_some_and(|p| p.kind.is_string_literal());
                        if string {
                            out.push('\'');
                            for (j, piece) in value.split('\'').enumerate() {
                                if j > 0 {
                                    out.push_str("''");
                                }
                                out.extend(utf8_percent_encode(piece, SEGMENT));
                            }
                            out.push('\'');
                        } else {
                            out.extend(utf8_percent_encode(value, SEGMENT));
                        }
                    }
                    out.push(')');
                }
            }
        }
        // A relation read from another entity's list filters it on the one parameter (and on a
        // `$filter` of its own, if one was set).
        let mut options = self.options.clone();
        if let Some(property) = self.route.listed_by {
            let value = self.params.first().map_or("", String::as_str);
            let mut filter = format!("{property} eq '{}'", value.replace('\'', "''"));
            if let Some(own) = self.option(QueryOption::Filter) {
                filter = format!("{filter} and ({own})");
            }
            options.retain(|(o, _)| *o != QueryOption::Filter);
            options.insert(0, (QueryOption::Filter, filter));
        }
        for (i, (option, value)) in options.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(option.name());
            out.push('=');
            out.extend(utf8_percent_encode(value, OPTION_VALUE));
        }
        out
    }

    /// The full request URL.
    pub fn url(&self) -> String {
        format!("{}{}", self.profile.base(), self.path())
    }

    /// Reads a request URL: a full URL of a known API host, or a path (`/alerts?$top=5`) of `current`'s API.
    pub fn parse(input: &str, current: Profile) -> Result<Query, UrlError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(UrlError::Empty);
        }
        let (profile, rest) = if input.starts_with('/') {
            (current, input)
        } else if let Some((profile, rest)) = Profile::split_base(input) {
            (profile, rest)
        } else if input.contains("://") {
            return Err(UrlError::UnknownBase {
                found: input.chars().take(200).collect(),
            });
        } else {
            (current, input)
        };
        let rest = rest.split('#').next().unwrap_or_default();
        let (path, query_string) = match rest.split_once('?') {
            Some((path, qs)) => (path, Some(qs)),
            None => (rest, None),
        };
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };

        let (route, params) = match_route(profile.api(), &path)?.ok_or_else(|| {
            let other = match profile.api() {
                Api::Wdatp | Api::Graph => Profile::Defender(crate::catalogue::Region::Global),
                Api::Defender => Profile::Wdatp,
            };
            let elsewhere = matches!(match_route(other.api(), &path), Ok(Some(_)));
            UrlError::UnknownRoute {
                path: path.chars().take(200).collect(),
                profile,
                other_profile: elsewhere.then_some(other),
            }
        })?;

        let mut options: Vec<(QueryOption, String)> = Vec::new();
        for pair in query_string
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decode(raw_name)?;
            let option = QueryOption::from_name(&name).ok_or_else(|| UrlError::UnknownOption {
                name: name.chars().take(100).collect(),
            })?;
            if options.iter().any(|(o, _)| *o == option) {
                return Err(UrlError::DuplicateOption { option });
            }
            options.push((option, decode(raw_value)?));
        }
        Ok(Query {
            profile,
            route,
            params,
            options,
            body: vec![String::new(); route.body.len()],
        })
    }

    /// Everything that must change before this query may be sent, each tied to its control.
    pub fn validate(&self) -> Vec<QueryError> {
        let mut problems = Vec::new();
        if !self.route.runs() {
            problems.push(QueryError::NotRun {
                method: self.route.method,
                route: self.route.title(),
            });
        }
        for (param, value) in self.route.params.iter().zip(&self.params) {
            if let Err(problem) = validate_param(param, value) {
                problems.push(problem);
            }
        }
        for (i, field) in self.route.body.iter().enumerate() {
            let value = self.body.get(i).map_or("", |v| v.trim());
            if let Err(reason) = validate_body(field, value) {
                problems.push(QueryError::BadBody {
                    name: field.name,
                    reason,
                });
            }
        }
        for (option, value) in &self.options {
            if !self.route.accepts(*option) {
                problems.push(QueryError::NotAccepted {
                    option: *option,
                    route: self.route.title(),
                });
            } else if let Err(reason) = validate_option(self.route, *option, value) {
                problems.push(QueryError::BadOption {
                    option: *option,
                    reason,
                });
            }
        }
        problems
    }

    /// The entity the answer is about.
    pub fn entity(&self) -> Entity {
        self.route.entity
    }
}

/// A route key looked up in an API; the catalogue guarantees these exist in both.
struct RouteKey(&'static str);

const ROUTE_ALERTS_LIST: RouteKey = RouteKey("alerts.list");

impl RouteKey {
    fn with(&self, api: Api) -> &'static Route {
        // Every API of the catalogue has `alerts.list`; the catalogue tests hold it to that.
        api.route(self.0).unwrap_or(&crate::catalogue::ROUTES[2])
    }
}

enum TemplateSegment<'a> {
    Literal(&'a str),
    Param(&'a str),
    /// An OData function call such as `find(key={id},timestamp={time})`: argument name → parameter name.
    Call {
        name: &'a str,
        args: Vec<(&'a str, &'a str)>,
    },
}

fn template_segments(template: &str) -> impl Iterator<Item = TemplateSegment<'_>> {
    template.split('/').skip(1).map(|segment| {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            TemplateSegment::Param(name)
        } else if let Some((name, args)) = segment.strip_suffix(')').and_then(|s| s.split_once('('))
        {
            let args = args
                .split(',')
                .filter_map(|arg| {
                    let (arg, param) = arg.split_once('=')?;
                    Some((arg, param.trim_start_matches('{').trim_end_matches('}')))
                })
                .collect();
            TemplateSegment::Call { name, args }
        } else {
            TemplateSegment::Literal(segment)
        }
    })
}

/// The route of `api` whose template matches `path`, with the decoded parameter values.
///
/// Function calls and literals win over placeholders: `/machines/find(…)` is Find, not a machine id.
fn match_route(api: Api, path: &str) -> Result<Option<(&'static Route, Vec<String>)>, UrlError> {
    let routes = crate::order::sorted_by(api.routes().collect(), |a: &&Route, b: &&Route| {
        (!a.template.contains('('), a.params.len())
            .cmp(&(!b.template.contains('('), b.params.len()))
    });
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    'routes: for route in routes {
        let template: Vec<TemplateSegment> = template_segments(route.template).collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut params = vec![String::new(); route.params.len()];
        let index = |name: &str| route.params.iter().position(|p| p.name == name);
        for (t, s) in template.iter().zip(&segments) {
            match t {
                TemplateSegment::Literal(text) => {
                    if !text.eq_ignore_ascii_case(s) {
                        continue 'routes;
                    }
                }
                TemplateSegment::Param(name) => {
                    if let Some(i) = index(name) {
                        params[i] = decode(s)?;
                    }
                }
                TemplateSegment::Call { name, args } => {
                    let Some(open) =
                        strip_prefix_ignore_case(s, name).and_then(|s| s.strip_prefix('('))
                    else {
                        continue 'routes;
                    };
                    let Some(inner) = open.strip_suffix(')') else {
                        return Err(UrlError::BadCall {
                            segment: s.chars().take(200).collect(),
                            reason: format!("{name}( is not closed with )"),
                        });
                    };
                    for (arg, value) in parse_call_args(inner, s)? {
                        let Some((_, param)) =
                            args.iter().find(|(a, _)| a.eq_ignore_ascii_case(&arg))
                        else {
                            return Err(UrlError::BadCall {
                                segment: s.chars().take(200).collect(),
                                reason: format!("{name}() takes no argument named {arg:?}"),
                            });
                        };
                        if let Some(i) = index(param) {
                            params[i] = value;
                        }
                    }
                }
            }
        }
        return Ok(Some((route, params)));
    }
    Ok(None)
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Splits `key='a,b',timestamp=2017-06-27T02:36:53Z` into decoded (name, value) pairs.
fn parse_call_args(inner: &str, segment: &str) -> Result<Vec<(String, String)>, UrlError> {
    let bad = |reason: &str| UrlError::BadCall {
        segment: segment.chars().take(200).collect(),
        reason: reason.to_string(),
    };
    let mut out = Vec::new();
    let mut rest = inner;
    while !rest.is_empty() {
        let (name, after) = rest
            .split_once('=')
            .ok_or_else(|| bad("each argument is written name=value"))?;
        let name = decode(name)?;
        let (value, after) = if let Some(quoted) = after.strip_prefix('\'') {
            // A string literal: '' is a quote inside it.
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let end = loop {
                match chars.next() {
                    Some((i, '\'')) => {
                        if quoted[i + 1..].starts_with('\'') {
                            value.push('\'');
                            chars.next();
                        } else {
                            break i + 1;
                        }
                    }
                    Some((_, c)) => value.push(c),
                    None => return Err(bad("a quoted value is not closed with '")),
                }
            };
            (decode(&value)?, &quoted[end..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (decode(&after[..end])?, &after[end..])
        };
        out.push((name, value));
        rest = match after.strip_prefix(',') {
            Some(next) if !next.is_empty() => next,
            Some(_) => return Err(bad("an argument is missing after the last comma")),
            None if after.is_empty() => "",
            None => return Err(bad("arguments are separated by commas")),
        };
    }
    Ok(out)
}

fn decode(raw: &str) -> Result<String, UrlError> {
    percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| UrlError::BadEncoding {
            part: raw.chars().take(100).collect(),
        })
}

/// Why a request URL could not be read into a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlError {
    Empty,
    UnknownBase {
        found: String,
    },
    UnknownRoute {
        path: String,
        profile: Profile,
        /// The other API, when it has a route of this shape.
        other_profile: Option<Profile>,
    },
    BadCall {
        segment: String,
        reason: String,
    },
    UnknownOption {
        name: String,
    },
    DuplicateOption {
        option: QueryOption,
    },
    BadEncoding {
        part: String,
    },
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Empty => write!(f, "The request URL is empty. Type a URL such as /alerts?$top=20, or pick an entity and action."),
            UrlError::UnknownBase { found } => write!(
                f,
                "{found:?} is not on a known API host. Start the URL with {} or https://api.security.microsoft.com/api, or type just the path, e.g. /alerts.",
                Profile::WDATP_BASE
            ),
            UrlError::UnknownRoute { path, profile, other_profile: Some(other) } => write!(
                f,
                "{path} is not a route of the {} API; it is one of {}. Switch the Profile to use it.",
                profile.label(),
                other.label()
            ),
            UrlError::UnknownRoute { path, profile, other_profile: None } => write!(
                f,
                "No route of the {} API matches {path}. Pick an entity and action to see the routes it has.",
                profile.label()
            ),
            UrlError::BadCall { segment, reason } => write!(f, "{segment} cannot be read: {reason}."),
            UrlError::UnknownOption { name } => write!(
                f,
                "{name:?} is not a query option this app knows. Use $top, $skip, $select, $count, $expand, $filter, $orderby or lookBackHours."
            ),
            UrlError::DuplicateOption { option } => write!(f, "{} is given twice; keep one.", option.name()),
            UrlError::BadEncoding { part } => write!(f, "{part:?} has a percent-encoding that is not UTF-8 text."),
        }
    }
}

impl std::error::Error for UrlError {}

/// Which control a problem belongs next to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Param(&'static str),
    Option(QueryOption),
    /// The route itself (the Action control).
    Action,
    /// A member of a write's body.
    Body(&'static str),
}

/// A reason a query may not be sent yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryError {
    MissingParam {
        name: &'static str,
        kind: ParamKind,
    },
    BadParam {
        name: &'static str,
        reason: String,
    },
    NotAccepted {
        option: QueryOption,
        route: String,
    },
    BadOption {
        option: QueryOption,
        reason: String,
    },
    /// A write's body member is missing or not of its kind.
    BadBody {
        name: &'static str,
        reason: String,
    },
    /// A write route: listed so the analyst sees it, never sent by this explorer.
    NotRun {
        method: Method,
        route: String,
    },
}

impl QueryError {
    pub fn field(&self) -> Field {
        match self {
            QueryError::MissingParam { name, .. } | QueryError::BadParam { name, .. } => {
                Field::Param(name)
            }
            QueryError::NotAccepted { option, .. } | QueryError::BadOption { option, .. } => {
                Field::Option(*option)
            }
            QueryError::NotRun { .. } => Field::Action,
            QueryError::BadBody { name, .. } => Field::Body(name),
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::MissingParam { name, kind } => {
                write!(f, "{name} is required: {}.", kind.help())
            }
            QueryError::BadParam { name, reason } => write!(f, "{name}: {reason}"),
            QueryError::NotAccepted { option, route } => {
                write!(
                    f,
                    "{} is not accepted by {route}; remove it.",
                    option.name()
                )
            }
            QueryError::BadOption { option, reason } => write!(f, "{}: {reason}", option.name()),
            QueryError::BadBody { name, reason } => write!(f, "{name}: {reason}"),
            QueryError::NotRun { method, route } => write!(
                f,
                "{route} is a {} that changes the tenant; this explorer shows it and never sends it. Choose a read, or send it with your own tools.",
                method.name()
            ),
        }
    }
}

impl std::error::Error for QueryError {}

/// Why a body member's value cannot be sent, if it cannot.
fn validate_body(field: &BodyField, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return if field.required {
            Err(format!("required: {}.", field.help))
        } else {
            Ok(())
        };
    }
    match field.kind {
        BodyKind::Text => Ok(()),
        BodyKind::Bool if value == "true" || value == "false" => Ok(()),
        BodyKind::Bool => Err(format!("{value:?} is not true or false.")),
        BodyKind::Choice(values) if values.contains(&value) => Ok(()),
        BodyKind::Choice(values) => Err(format!("{value:?} is not one of {}.", values.join(", "))),
        BodyKind::Json => serde_json::from_str::<serde_json::Value>(value)
            .map(|_| ())
            .map_err(|e| format!("not JSON: {e}.")),
    }
}

fn validate_param(param: &Param, value: &str) -> Result<(), QueryError> {
    if value.is_empty() {
        return Err(QueryError::MissingParam {
            name: param.name,
            kind: param.kind,
        });
    }
    let bad = |reason: String| QueryError::BadParam {
        name: param.name,
        reason,
    };
    if value.trim() != value {
        return Err(bad("remove the spaces before or after the value.".into()));
    }
    if let Some(c) = value.chars().find(|c| c.is_control() || is_invisible(*c)) {
        return Err(bad(format!(
            "has an invisible character U+{:04X}; retype the value.",
            c as u32
        )));
    }
    if value == "." || value == ".." {
        return Err(bad(
            "cannot be . or .. (the browser would change the path).".into(),
        ));
    }
    let ok = match param.kind {
        ParamKind::IncidentId => {
            if !value.chars().all(|c| c.is_ascii_digit()) {
                return Err(bad(format!(
                    "an incident id is digits only, e.g. 2972395{}.",
                    if value.starts_with("da") || value.contains('_') {
                        "; this looks like an alert id (alerts v2 are under Alerts)"
                    } else {
                        ""
                    }
                )));
            }
            true
        }
        ParamKind::AlertId | ParamKind::ActorId => value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
        ParamKind::ActionId
        | ParamKind::InvestigationId
        | ParamKind::VulnerabilityId
        | ParamKind::RemediationTaskId => value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        ParamKind::SoftwareId | ParamKind::RecommendationId => value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')),
        ParamKind::IndicatorId | ParamKind::Index => {
            if !value.chars().all(|c| c.is_ascii_digit()) {
                return Err(bad(format!("{value:?} is not digits only.")));
            }
            true
        }
        ParamKind::MachineId => {
            if value.len() != 40 || !value.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(bad(format!(
                    "a machine id is 40 hexadecimal characters; this is {} characters{}.",
                    value.chars().count(),
                    non_hex_note(value)
                )));
            }
            true
        }
        ParamKind::FileHash => {
            let hex = value.chars().all(|c| c.is_ascii_hexdigit());
            if !hex || ![32, 40, 64].contains(&value.len()) {
                return Err(bad(format!(
                    "a file id is a hash of 32 (MD5), 40 (SHA1) or 64 (SHA256) hexadecimal characters; this is {} characters{}.",
                    value.chars().count(),
                    non_hex_note(value)
                )));
            }
            true
        }
        ParamKind::UserKey => match value.split_once('\\') {
            Some((domain, name)) => !domain.is_empty() && !name.is_empty() && !name.contains('\\'),
            None => true,
        },
        ParamKind::Domain => is_domain_name(value),
        ParamKind::Ip => {
            if value.parse::<IpAddr>().is_err() {
                return Err(bad(format!(
                    "{value:?} is not an IPv4 or IPv6 address, e.g. 10.209.67.177 or fe80::1."
                )));
            }
            true
        }
        ParamKind::MachineKey => value.parse::<IpAddr>().is_ok() || is_domain_name(value),
        ParamKind::Timestamp => {
            if chrono::DateTime::parse_from_rfc3339(value).is_err() {
                return Err(bad(format!(
                    "{value:?} is not an ISO 8601 time with an offset, e.g. 2017-06-27T02:36:53Z."
                )));
            }
            true
        }
    };
    if ok {
        Ok(())
    } else {
        Err(bad(format!(
            "{value:?} is not valid here. {}.",
            param.kind.help()
        )))
    }
}

fn non_hex_note(value: &str) -> String {
    match value.chars().find(|c| !c.is_ascii_hexdigit()) {
        Some(c) => format!(" and {c:?} is not hexadecimal"),
        None => String::new(),
    }
}

fn is_domain_name(value: &str) -> bool {
    let name = value.strip_suffix('.').unwrap_or(value);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '/')
}

fn validate_option(route: &Route, option: QueryOption, value: &str) -> Result<(), String> {
    let integer = |min: u64, max: u64, what: &str| -> Result<(), String> {
        match value.trim().parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(()),
            Ok(_) => Err(format!("must be from {min} to {max}{what}.")),
            Err(_) => Err(format!(
                "{value:?} is not a whole number; use a number from {min} to {max}{what}."
            )),
        }
    };
    if value.is_empty() {
        return Err("give a value, or clear the field to leave the option out.".into());
    }
    match option {
        QueryOption::Top => integer(1, u64::from(route.max_top), ""),
        QueryOption::PageSize => {
            integer(1, 200_000, " (records a page; the API's default is 50,000)")
        }
        QueryOption::UseStartsWithFilter => match value.to_ascii_lowercase().as_str() {
            "true" | "false" => Ok(()),
            _ => Err(format!("{value:?} is neither true nor false.")),
        },
        QueryOption::SinceTime => match chrono::DateTime::parse_from_rfc3339(value.trim()) {
            Ok(_) => Ok(()),
            Err(_) => Err(format!(
                "{value:?} is not an ISO 8601 time with an offset, e.g. 2024-05-01T00:00:00Z."
            )),
        },
        QueryOption::Tag | QueryOption::SkipToken => match value.chars().find(|c| c.is_control()) {
            Some(c) => Err(format!(
                "has a control character U+{:04X}; retype the value.",
                c as u32
            )),
            None => Ok(()),
        },
        QueryOption::Skip => integer(0, u32::MAX as u64, ""),
        QueryOption::LookBackHours => integer(1, 720, " (hours)"),
        QueryOption::Count => match value.to_ascii_lowercase().as_str() {
            "true" | "false" => Ok(()),
            _ => Err(format!("{value:?} is neither true nor false.")),
        },
        QueryOption::Select => value
            .split(',')
            .map(str::trim)
            .find(|p| !is_identifier(p))
            .map_or(Ok(()), |p| {
                Err(format!(
                    "{p:?} is not a property name; list names separated by commas, e.g. id,title."
                ))
            }),
        QueryOption::Expand => value
            .split(',')
            .map(str::trim)
            .find(|p| !route.expand.iter().any(|e| e.eq_ignore_ascii_case(p)))
            .map_or(Ok(()), |p| {
                Err(format!(
                    "{p:?} cannot be expanded here; this route expands {}.",
                    route.expand.join(", ")
                ))
            }),
        QueryOption::OrderBy => value
            .split(',')
            .map(str::trim)
            .find(|item| {
                let mut words = item.split_whitespace();
                let field_ok = words.next().is_some_and(is_identifier);
                let dir_ok = words.next().is_none_or(|d| {
                    d.eq_ignore_ascii_case("asc") || d.eq_ignore_ascii_case("desc")
                });
                !(field_ok && dir_ok && words.next().is_none())
            })
            .map_or(Ok(()), |p| {
                Err(format!(
                    "{p:?} is not property [asc|desc]; e.g. alertCreationTime desc, severity."
                ))
            }),
        QueryOption::Filter if !route.filter_fields.is_empty() => {
            crate::odata::check_filter_fields(value, route.filter_fields)
        }
        QueryOption::Filter => crate::odata::check_filter(value),
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
pub(crate) mod tests;
