//! "Paste anything": what a pasted value is (an alert id, a machine id, a hash, an IP, a domain, a URL,
//! a user, a SID, a CVE …) and where it leads on a profile.
//!
//! [`recognise`] reads the value inside the usual wrappings of a paste: quotes, a defanged IOC
//! (`hxxp://evil[.]com`, `1.2.3[.]4`), a Defender portal or API link (`…/machines/<id>/overview`). An
//! ambiguous value has one [`Reading`] per meaning, the likeliest first (40 hex digits: a machine id, then a
//! SHA1). Each reading is about an [`Entity`] where it names one, and so gives the routes of a profile
//! ([`Reading::routes`], built from the catalogue's routes of that entity) and the prepared hunts of its
//! [`Pivot`] ([`Reading::hunts`]).

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use percent_encoding::percent_decode_str;

use crate::catalogue::{get_route, graph_apis, relations, Entity, Profile, Route};
use crate::model::security::{url_pivot, Pivot};
use crate::pivot::{hunts, PreparedHunt};
use crate::query::Query;

/// What a value was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    AlertId,
    IncidentId,
    MachineId,
    Sha1,
    Sha256,
    Md5,
    Ipv4,
    Ipv6,
    /// A domain or a host's fully qualified name.
    Domain,
    Url,
    /// `name@domain`: a user principal name and an e-mail address look the same.
    UpnOrEmail,
    /// A Windows security identifier, `S-1-5-21-…`.
    Sid,
    /// `DOMAIN\name`, or a bare name (the weakest reading of a word).
    AccountName,
    Cve,
}

impl Kind {
    /// What the reading is called, as the search box says it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::AlertId => "Alert id",
            Kind::IncidentId => "Incident id",
            Kind::MachineId => "Machine id",
            Kind::Sha1 => "SHA1",
            Kind::Sha256 => "SHA256",
            Kind::Md5 => "MD5",
            Kind::Ipv4 => "IPv4 address",
            Kind::Ipv6 => "IPv6 address",
            Kind::Domain => "Domain",
            Kind::Url => "URL",
            Kind::UpnOrEmail => "UPN or e-mail address",
            Kind::Sid => "SID",
            Kind::AccountName => "Account name",
            Kind::Cve => "CVE",
        }
    }
}

/// One meaning of a pasted value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    pub kind: Kind,
    /// The value as the routes take it: unwrapped, refanged, hashes in lower case, a CVE in upper case.
    pub value: String,
    /// Why this reading is uncertain or where it came from ("from a portal link", "defanged"), if anything.
    pub note: Option<&'static str>,
    /// The entity the value names and its id on the routes (a URL's host, a domain, an IP …); `None` for
    /// values no route takes (a SID, a CVE).
    pub pivot: Option<Pivot>,
}

/// The text the box says when nothing was recognised: what it accepts.
pub const ACCEPTS: &str = "an alert id, incident id, machine id, SHA1, SHA256, MD5, IPv4 or IPv6 address, \
domain, URL, UPN or e-mail address, SID, account name (DOMAIN\\name) or CVE; also a Defender portal link \
and a defanged IOC such as hxxp://evil[.]com";

impl Reading {
    fn new(kind: Kind, value: impl Into<String>, entity: Option<Entity>) -> Reading {
        let value = value.into();
        let pivot = entity.map(|entity| Pivot {
            entity,
            id: value.clone(),
        });
        Reading {
            kind,
            value,
            note: None,
            pivot,
        }
    }

    fn noted(mut self, note: &'static str) -> Reading {
        self.note.get_or_insert(note);
        self
    }

    /// The routes of `profile` that take this value, each a query ready to run: the entity's Get first,
    /// then its relations. A Graph profile also pivots into Defender for Endpoint (as its cards' evidence
    /// does, on Defender's nearest host). Only queries the catalogue accepts as they are (`validate`)
    /// are listed: Defender's file routes take no MD5, so an MD5 leads nowhere there.
    pub fn routes(&self, profile: Profile) -> Vec<Query> {
        let Some(pivot) = &self.pivot else {
            return Vec::new();
        };
        let mut queries = Vec::new();
        for &api in graph_apis(profile.api()) {
            let routes: Vec<&'static Route> = get_route(api, pivot.entity)
                .into_iter()
                .chain(relations(api, pivot.entity))
                .collect();
            for route in routes {
                if self.kind == Kind::Md5 && api != crate::catalogue::Api::Wdatp {
                    continue;
                }
                let Some(param) = route.params.first() else {
                    continue;
                };
                let mut query = Query::new(profile.sending(route), route);
                query.set_param(param.name, &pivot.id);
                if query.validate().is_empty() && !queries.contains(&query) {
                    queries.push(query);
                }
            }
        }
        queries
    }

    /// The routes of the other APIs, for a value the profile has no route for (an incident id on
    /// Defender for Endpoint is Graph's).
    pub fn elsewhere(&self, profile: Profile) -> Vec<Query> {
        if !self.routes(profile).is_empty() {
            return Vec::new();
        }
        [
            crate::catalogue::Api::Defender,
            crate::catalogue::Api::Graph,
            crate::catalogue::Api::Wdatp,
        ]
        .into_iter()
        .filter(|api| *api != profile.api())
        .map(|api| self.routes(Profile::for_api(api)))
        .find(|routes| !routes.is_empty())
        .unwrap_or_default()
    }

    /// The prepared advanced hunting queries about this value ("Hunt from here"), where its entity has
    /// any.
    pub fn hunts(&self) -> Vec<PreparedHunt> {
        self.pivot.as_ref().map(hunts).unwrap_or_default()
    }
}

/// What a route's link says: its action and its path with the value in it, and the API when the route
/// is not the profile's own (`Get /machines/67e5… (Defender for Endpoint)`).
pub fn route_label(query: &Query, profile: Profile) -> String {
    // The whole path: a relation read as `$expand` (an incident's alerts) differs only in its options.
    let path = query.path();
    if query.route.api == profile.api() {
        format!("{} {path}", query.route.action)
    } else {
        format!(
            "{} {path} ({})",
            query.route.action,
            query.route.api.label()
        )
    }
}

/// Every reading of `text`, the likeliest first; empty when nothing is recognised. Never panics.
pub fn recognise(text: &str) -> Vec<Reading> {
    let unwrapped = unwrap(text);
    if unwrapped.is_empty() || unwrapped.len() > 2048 {
        return Vec::new();
    }
    let (refanged, defanged) = refang(unwrapped);
    let mut readings = if let Some(readings) = link_readings(&refanged) {
        readings
    } else {
        value_readings(&refanged)
    };
    if defanged {
        readings = readings.into_iter().map(|r| r.noted("defanged")).collect();
    }
    readings
}

/// The value without surrounding space, quotes, brackets and a trailing comma or semicolon.
fn unwrap(text: &str) -> &str {
    let mut s = text.trim();
    loop {
        let before = s;
        s = s.trim_end_matches([',', ';']).trim();
        for (open, close) in [
            ('"', '"'),
            ('\'', '\''),
            ('`', '`'),
            ('\u{201c}', '\u{201d}'),
            ('\u{2018}', '\u{2019}'),
            ('<', '>'),
            ('(', ')'),
        ] {
            if let Some(inner) = s.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
                s = inner.trim();
            }
        }
        if s == before {
            return s;
        }
    }
}

/// The IOC with its defanging undone (`hxxp` → `http`, `[.]` → `.`, `[:]` → `:`, `[at]` → `@`), and
/// whether there was any.
fn refang(text: &str) -> (String, bool) {
    let mut out = text.to_string();
    for (from, to) in [
        ("[.]", "."),
        ("(.)", "."),
        ("{.}", "."),
        ("[dot]", "."),
        ("(dot)", "."),
        ("[:]", ":"),
        ("[://]", "://"),
        ("[@]", "@"),
        ("[at]", "@"),
        ("(at)", "@"),
        ("[/]", "/"),
    ] {
        if out.contains(from) {
            out = out.replace(from, to);
        }
    }
    let lower = out.to_ascii_lowercase();
    for (from, to) in [
        ("hxxps://", "https://"),
        ("hxxp://", "http://"),
        ("fxp://", "ftp://"),
    ] {
        if lower.starts_with(from) {
            out = format!("{to}{}", &out[from.len()..]);
            break;
        }
    }
    let changed = out != text;
    (out, changed)
}

/// Hosts whose links carry an entity in their path: the Defender portals and the APIs' own hosts.
fn is_id_host(host: &str) -> bool {
    matches!(
        host,
        "security.microsoft.com"
            | "securitycenter.windows.com"
            | "securitycenter.microsoft.com"
            | "api.securitycenter.microsoft.com"
            | "api.securitycenter.windows.com"
            | "graph.microsoft.com"
    ) || host.ends_with(".api.security.microsoft.com")
        || host == "api.security.microsoft.com"
}

/// The readings of a Defender portal or API link: the value after `machines/`, `alerts/`, `file/` …
/// (`None` when `text` is not such a link, so it is read as a URL).
fn link_readings(text: &str) -> Option<Vec<Reading>> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))?;
    let (authority, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let host = authority.to_ascii_lowercase();
    if !is_id_host(&host) {
        return None;
    }
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let path = path.split('#').next().unwrap_or("");
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let mut found = Vec::new();
    for (i, word) in segments.iter().enumerate() {
        let Some(kinds) = kinds_after(&word.to_ascii_lowercase()) else {
            continue;
        };
        // `machines/v2/<id>`: a version segment may sit between the word and the value.
        let value = segments[i + 1..]
            .iter()
            .find(|s| !is_version(s))
            .map(String::as_str);
        let Some(value) = value else { continue };
        found.extend(
            value_readings(value)
                .into_iter()
                .filter(|r| kinds.contains(&r.kind)),
        );
        if !found.is_empty() {
            break;
        }
    }
    if found.is_empty() {
        // The portal's URL page: `/url/overview?url=https%3A%2F%2Fevil.example`.
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            if key.eq_ignore_ascii_case("url") {
                found.extend(value_readings(&value));
            }
        }
    }
    Some(
        found
            .into_iter()
            .map(|r| r.noted("from a Defender link"))
            .collect(),
    )
}

fn is_version(segment: &str) -> bool {
    segment.len() <= 4
        && segment.starts_with(['v', 'V'])
        && segment[1..]
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.')
}

/// The kinds of value that follow a word of a portal or API path.
fn kinds_after(word: &str) -> Option<&'static [Kind]> {
    Some(match word {
        "machines" | "machine" | "devices" | "device" => &[Kind::MachineId],
        "alerts" | "alert" | "alerts_v2" | "alertsv2" => &[Kind::AlertId],
        "incidents" | "incident" | "incident2" => &[Kind::IncidentId],
        "files" | "file" => &[Kind::Sha1, Kind::Sha256, Kind::Md5],
        "ips" | "ip" => &[Kind::Ipv4, Kind::Ipv6],
        "domains" | "domain" => &[Kind::Domain],
        "users" | "user" => &[Kind::AccountName, Kind::UpnOrEmail, Kind::Sid],
        "vulnerability" | "vulnerabilities" | "cves" => &[Kind::Cve],
        _ => return None,
    })
}

/// Every reading of one unwrapped, refanged value.
fn value_readings(value: &str) -> Vec<Reading> {
    let value = value.trim();
    let mut readings = Vec::new();
    if value.is_empty() || value.chars().any(|c| c.is_control()) {
        return readings;
    }
    let lower = value.to_ascii_lowercase();
    let hex = value.bytes().all(|b| b.is_ascii_hexdigit());
    if hex {
        match value.len() {
            40 => {
                readings.push(Reading::new(Kind::MachineId, &lower, Some(Entity::Machine)));
                readings.push(Reading::new(Kind::Sha1, &lower, Some(Entity::File)));
            }
            64 => readings.push(Reading::new(Kind::Sha256, &lower, Some(Entity::File))),
            32 => readings.push(Reading::new(Kind::Md5, &lower, Some(Entity::File))),
            _ => {}
        }
    }
    if let Some(ip) = ip_of(value) {
        let kind = if ip.is_ipv4() { Kind::Ipv4 } else { Kind::Ipv6 };
        let reading = Reading::new(kind, ip.to_string(), Some(Entity::Ip));
        readings.push(if ip.to_string() == value {
            reading
        } else {
            reading.noted("the address of a host and port")
        });
        return readings;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        if value.len() <= 19 && !readings.iter().any(|r| r.kind == Kind::Md5) {
            let number = value.trim_start_matches('0');
            let number = if number.is_empty() { "0" } else { number };
            readings.push(Reading::new(
                Kind::IncidentId,
                number,
                Some(Entity::Incident),
            ));
            readings.push(
                Reading::new(Kind::AlertId, value, Some(Entity::Alert))
                    .noted("maybe: some products' alert ids are numbers"),
            );
        }
        return readings;
    }
    if is_alert_id(value) {
        readings.push(Reading::new(Kind::AlertId, value, Some(Entity::Alert)));
        return readings;
    }
    if let Some(cve) = cve_of(value) {
        readings.push(Reading::new(Kind::Cve, cve, None));
        return readings;
    }
    if is_sid(value) {
        readings.push(Reading::new(Kind::Sid, value.to_ascii_uppercase(), None));
        return readings;
    }
    if value.contains("://") {
        if let Some(pivot) = url_pivot(value) {
            readings.push(Reading {
                kind: Kind::Url,
                value: value.to_string(),
                note: None,
                pivot: Some(pivot),
            });
        }
        return readings;
    }
    if let Some((local, domain)) = value.split_once('@') {
        if is_upn_local(local) && is_domain(&domain.to_ascii_lowercase()) {
            readings.push(Reading::new(Kind::UpnOrEmail, value, Some(Entity::User)));
        }
        return readings;
    }
    if let Some((domain, name)) = value.split_once('\\') {
        if is_account_word(domain) && is_account_word(name) {
            readings.push(Reading::new(Kind::AccountName, value, Some(Entity::User)));
        }
        return readings;
    }
    let host = lower.strip_suffix('.').unwrap_or(&lower);
    if is_domain(host) {
        readings.push(Reading::new(Kind::Domain, host, Some(Entity::Domain)));
    } else if let Some((host, _)) = lower.split_once('/') {
        // A URL without its scheme: `evil.example/payload`.
        if is_domain(host) {
            if let Some(pivot) = url_pivot(value) {
                readings.push(Reading {
                    kind: Kind::Url,
                    value: value.to_string(),
                    note: None,
                    pivot: Some(pivot),
                });
            }
        }
        return readings;
    }
    if is_account_word(value) && readings.iter().all(|r| r.kind == Kind::Domain) {
        readings.push(
            Reading::new(Kind::AccountName, value, Some(Entity::User))
                .noted("maybe: any word may be one"),
        );
    }
    readings
}

/// An IP address, also written with a port (`10.1.2.3:443`, `[fe80::1]:8080`) or a zone-less IPv6 in
/// brackets.
fn ip_of(value: &str) -> Option<IpAddr> {
    if let Ok(ip) = value.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = value.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    let inner = value.strip_prefix('[')?.strip_suffix(']')?;
    inner.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
}

/// A Defender alert id: the creation time in .NET ticks and a signed suffix
/// (`636341278149188342_1960231459`), often after a product prefix (`da637308392288907382_-880718168`),
/// or a prefixed GUID (`da09e47ccc-b74a-45bb-985f-8d6c077b70b6_1`).
fn is_alert_id(value: &str) -> bool {
    let bytes = value.as_bytes();
    let prefixed = bytes.len() > 2 && bytes[..2].iter().all(u8::is_ascii_lowercase);
    let body = if prefixed { &value[2..] } else { value };
    if let Some((ticks, suffix)) = body.split_once('_') {
        let suffix = suffix.strip_prefix('-').unwrap_or(suffix);
        let ticks_ok =
            (15..=20).contains(&ticks.len()) && ticks.bytes().all(|b| b.is_ascii_digit());
        let suffix_ok =
            (1..=10).contains(&suffix.len()) && suffix.bytes().all(|b| b.is_ascii_digit());
        if ticks_ok && suffix_ok {
            return true;
        }
    }
    if !prefixed {
        return false;
    }
    let (guid, suffix) = body.split_once('_').unwrap_or((body, "0"));
    is_guid(guid)
        && !suffix.is_empty()
        && suffix.len() <= 10
        && suffix.bytes().all(|b| b.is_ascii_digit())
}

fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `CVE-YYYY-NNNN…` in any case, as the catalogue of vulnerabilities writes it (upper case).
fn cve_of(value: &str) -> Option<String> {
    let upper = value.to_ascii_uppercase();
    let rest = upper.strip_prefix("CVE-")?;
    let (year, number) = rest.split_once('-')?;
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (year.len() == 4
        && digits(year)
        && year >= "1999"
        && number.len() >= 4
        && number.len() <= 19
        && digits(number))
    .then_some(upper)
}

/// A security identifier: `S-1-` then at least one more dash-separated number (`S-1-5-18`,
/// `S-1-5-21-11111607-1111760036-109187956-75141`).
fn is_sid(value: &str) -> bool {
    let upper = value.to_ascii_uppercase();
    let Some(rest) = upper.strip_prefix("S-1-") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('-').collect();
    parts.len() >= 2
        && parts.len() <= 16
        && parts
            .iter()
            .all(|p| (1..=14).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A DNS name the domain route takes, with a top-level label that is not a number (`1.2.3.4.5` is no
/// domain): at least two labels of letters, digits, `-` or `_`.
fn is_domain(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |label: &&str| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    };
    let tld_ok = labels.last().is_some_and(|tld| {
        tld.len() >= 2
            && !tld.bytes().all(|b| b.is_ascii_digit())
            && (tld.bytes().all(|b| b.is_ascii_lowercase()) || tld.starts_with("xn--"))
    });
    host.len() <= 253 && labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok
}

/// The part of a UPN or address before the `@`.
fn is_upn_local(local: &str) -> bool {
    (1..=64).contains(&local.len())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "._-+'!#$%&*/=?^`{|}~".contains(c))
}

/// One word of an account name: `CONTOSO`, `jdoe`, `svc-backup$`, `john.doe`.
fn is_account_word(word: &str) -> bool {
    (1..=104).contains(&word.chars().count())
        && word.chars().any(char::is_alphabetic)
        && word.starts_with(|c: char| c.is_alphanumeric() || c == '_')
        && !word.ends_with('.')
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || "._-$".contains(c))
}
