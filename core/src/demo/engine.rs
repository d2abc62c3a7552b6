//! The OData engine: a request URL in, the real API's status, headers and JSON body out.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::net::IpAddr;

use chrono::Duration;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{AlertLinks, Dataset, DemoTenant};
use crate::catalogue::{Api, ParamKind, Profile, QueryOption, Route};
use crate::model::{Evidence, Prevalence, Stats, Timestamp};
use crate::odata::{compile_orderby, order_cmp, Filter, OrderKey, Record};
use crate::order::{smallest_ids, sort_ids, sorted_by};
use crate::query::{Query, QueryError, UrlError};

/// Results per page when `$top` is not given.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// The largest `$top` the API takes.
pub const MAX_TOP: usize = 10_000;

/// An HTTP-like response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl DemoResponse {
    fn json(status: u16, body: String) -> DemoResponse {
        DemoResponse {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json; odata.metadata=minimal".into(),
            )],
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Failure {
    status: u16,
    code: &'static str,
    message: String,
}

fn fail(status: u16, code: &'static str, message: impl Into<String>) -> Failure {
    Failure {
        status,
        code,
        message: message.into(),
    }
}

fn not_found(message: impl Into<String>) -> Failure {
    fail(404, "ResourceNotFound", message)
}

fn odata(message: impl Into<String>) -> Failure {
    fail(400, "ODataError", message)
}

/// A correlation id for the error's `target`, derived from the request so answers are reproducible.
fn correlation(url: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in url.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let g = h ^ (h >> 29).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        g & 0xfff,
        g >> 16 & 0xffff_ffff_ffff
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Alert,
    Machine,
    User,
    File,
    Ip,
    Domain,
    Actor,
}

impl Kind {
    fn set(self) -> &'static str {
        match self {
            Kind::Alert => "Alerts",
            Kind::Machine => "Machines",
            Kind::User => "Users",
            Kind::File => "Files",
            Kind::Ip => "Ips",
            Kind::Domain => "Domains",
            Kind::Actor => "Actors",
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            Kind::Alert => "Alert",
            Kind::Machine => "Machine",
            Kind::User => "User",
            Kind::File => "File",
            Kind::Ip => "Ip",
            Kind::Domain => "Domain",
            Kind::Actor => "Actor",
        }
    }

    /// The properties each API writes, in the order it writes them.
    fn fields(self, api: Api) -> &'static [&'static str] {
        match (self, api) {
            (Kind::Alert, Api::Wdatp) => &[
                "id",
                "severity",
                "status",
                "description",
                "recommendedAction",
                "alertCreationTime",
                "category",
                "title",
                "threatFamilyName",
                "detectionSource",
                "classification",
                "determination",
                "assignedTo",
                "resolvedTime",
                "lastEventTime",
                "firstEventTime",
            ],
            (Kind::Alert, Api::Defender) => &[
                "id",
                "incidentId",
                "investigationId",
                "assignedTo",
                "severity",
                "status",
                "classification",
                "determination",
                "investigationState",
                "detectionSource",
                "detectorId",
                "category",
                "threatFamilyName",
                "title",
                "description",
                "recommendedAction",
                "alertCreationTime",
                "firstEventTime",
                "lastEventTime",
                "lastUpdateTime",
                "resolvedTime",
                "machineId",
                "computerDnsName",
                "rbacGroupName",
                "aadTenantId",
                "threatName",
                "mitreTechniques",
                "relatedUser",
                "comments",
                "evidence",
            ],
            (Kind::Machine, Api::Wdatp) => &[
                "id",
                "computerDnsName",
                "firstSeen",
                "isOnline",
                "osPlatform",
                "osVersion",
                "systemProductName",
                "lastIpAddress",
                "lastExternalIpAddress",
                "agentVersion",
                "osBuild",
                "healthStatus",
                "isAadJoined",
            ],
            (Kind::Machine, Api::Defender) => &[
                "id",
                "computerDnsName",
                "firstSeen",
                "lastSeen",
                "osPlatform",
                "osVersion",
                "osProcessor",
                "version",
                "lastIpAddress",
                "lastExternalIpAddress",
                "agentVersion",
                "osBuild",
                "healthStatus",
                "onboardingStatus",
                "deviceValue",
                "rbacGroupId",
                "rbacGroupName",
                "riskScore",
                "exposureLevel",
                "isAadJoined",
                "aadDeviceId",
                "machineTags",
                "ipAddresses",
            ],
            (Kind::User, Api::Wdatp) => &["id", "accountSid", "accountName", "accountDomainName"],
            (Kind::User, Api::Defender) => &[
                "id",
                "accountName",
                "accountDomain",
                "accountSid",
                "firstSeen",
                "lastSeen",
                "mostPrevalentMachineId",
                "leastPrevalentMachineId",
                "logonTypes",
                "logOnMachinesCount",
                "isDomainAdmin",
                "isOnlyNetworkUser",
            ],
            (Kind::File, Api::Wdatp) => &[
                "sha1",
                "sha256",
                "md5",
                "globalPrevalence",
                "globalFirstObserved",
                "globalLastObserved",
            ],
            (Kind::File, Api::Defender) => &[
                "sha1",
                "sha256",
                "md5",
                "globalPrevalence",
                "globalFirstObserved",
                "globalLastObserved",
                "size",
                "fileType",
                "isPeFile",
                "filePublisher",
                "fileProductName",
                "signer",
                "issuer",
                "signerHash",
                "isValidCertificate",
                "determinationType",
                "determinationValue",
            ],
            (Kind::Ip, _) => &["id"],
            (Kind::Domain, _) => &["host"],
            (Kind::Actor, _) => &[
                "id",
                "linkToReport",
                "name",
                "description",
                "aliases",
                "targetedSectors",
                "firstSeen",
                "lastSeen",
            ],
        }
    }
}

/// The request's query options, read and checked.
struct Options {
    top: Option<usize>,
    skip: usize,
    select: Option<Vec<String>>,
    count: bool,
    expand: Vec<String>,
    filter: Option<String>,
    orderby: Option<String>,
    look_back_hours: i64,
}

impl Options {
    fn read(query: &Query) -> Result<Options, Failure> {
        let get = |o: QueryOption| query.option(o).map(str::trim);
        let number = |o: QueryOption| -> Result<Option<usize>, Failure> {
            get(o)
                .map(|v| {
                    v.parse::<usize>().map_err(|_| {
                        odata(format!(
                            "The value of {} must be a whole number: {v:?}",
                            o.name()
                        ))
                    })
                })
                .transpose()
        };
        Ok(Options {
            top: number(QueryOption::Top)?.map(|t| t.min(MAX_TOP)),
            skip: number(QueryOption::Skip)?.unwrap_or(0),
            select: get(QueryOption::Select).map(|s| {
                s.split(',')
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect()
            }),
            count: get(QueryOption::Count).is_some_and(|v| v.eq_ignore_ascii_case("true")),
            expand: get(QueryOption::Expand)
                .map(|s| {
                    s.split(',')
                        .map(|p| p.trim().to_ascii_lowercase())
                        .collect()
                })
                .unwrap_or_default(),
            filter: get(QueryOption::Filter).map(str::to_string),
            orderby: get(QueryOption::OrderBy).map(str::to_string),
            look_back_hours: number(QueryOption::LookBackHours)?.map_or(720, |h| h as i64),
        })
    }

    fn expands(&self, what: &str) -> bool {
        self.expand.iter().any(|e| e == what)
    }
}

/// Which indicator a prevalence is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    File,
    Ip,
    Domain,
}

/// The organization's sightings of one indicator.
#[derive(Clone, Debug)]
pub(crate) struct Observed {
    pub machines: BTreeSet<u32>,
    pub first: Timestamp,
    pub last: Timestamp,
    /// File names by how often they were seen.
    pub names: BTreeMap<u8, usize>,
}

fn targets(link: &AlertLinks, target: Target) -> impl Iterator<Item = (u32, u8)> + '_ {
    let (files, others): (&[(u32, u8)], &[u32]) = match target {
        Target::File => (&link.files, &[]),
        Target::Ip => (&[], &link.ips),
        Target::Domain => (&[], &link.domains),
    };
    files.iter().copied().chain(others.iter().map(|&i| (i, 0)))
}

/// Sightings per indicator from the alerts' evidence, optionally of one indicator and since a time.
pub(crate) fn observe(
    data: &Dataset,
    target: Target,
    only: Option<u32>,
    since: Option<Timestamp>,
) -> HashMap<u32, Observed> {
    let mut out: HashMap<u32, Observed> = HashMap::new();
    for (alert, link) in data.alerts.iter().zip(&data.links) {
        let (Some(first), Some(last)) = (alert.first_event_time, alert.last_event_time) else {
            continue;
        };
        if since.is_some_and(|s| last < s) {
            continue;
        }
        for (id, name) in targets(link, target) {
            if only.is_some_and(|o| o != id) {
                continue;
            }
            let o = out.entry(id).or_insert_with(|| Observed {
                machines: BTreeSet::new(),
                first,
                last,
                names: BTreeMap::new(),
            });
            o.machines.insert(link.machine);
            o.first = o.first.min(first);
            o.last = o.last.max(last);
            *o.names.entry(name).or_default() += 1;
        }
    }
    out
}

/// What a route answers, before paging and projection.
enum Answer {
    /// The matching ids (possibly only the first ones, in order) and how many match in all.
    Many(Kind, Vec<u32>, usize),
    One(Kind, u32),
    Stats(Kind, Stats),
}

impl DemoTenant {
    /// Answers `method url` as the real API would for `profile` (the URL may be a full URL of either
    /// profile's base, or a path of `profile`).
    pub fn respond(&self, method: &str, url: &str, profile: Profile) -> DemoResponse {
        let mut response = self.respond_plain(method, url, profile);
        if self.dataset.variant == super::Variant::Hostile {
            response.headers.extend(
                super::HOSTILE_HEADERS
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string())),
            );
        }
        response
    }

    fn respond_plain(&self, method: &str, url: &str, profile: Profile) -> DemoResponse {
        match self.answer(method, url, profile) {
            Ok(body) => DemoResponse::json(200, body),
            Err(f) => {
                let body = serde_json::json!({
                    "error": { "code": f.code, "message": f.message, "target": correlation(url) }
                });
                let mut r = DemoResponse::json(f.status, body.to_string());
                if f.status == 405 {
                    r.headers.push(("Allow".into(), "GET".into()));
                }
                r
            }
        }
    }

    fn answer(&self, method: &str, url: &str, profile: Profile) -> Result<String, Failure> {
        if !method.trim().eq_ignore_ascii_case("GET") {
            return Err(fail(
                405,
                "MethodNotAllowed",
                format!("The requested resource does not support http method '{method}'."),
            ));
        }
        let query = Query::parse(url, profile).map_err(|e| match e {
            UrlError::UnknownRoute { .. } | UrlError::Empty | UrlError::UnknownBase { .. } => {
                not_found(format!(
                    "No HTTP resource was found that matches the request URI. {e}"
                ))
            }
            other => odata(other.to_string()),
        })?;
        if let Some(problem) = query.validate().into_iter().next() {
            return Err(match &problem {
                QueryError::BadParam { name, .. } => {
                    match query.route.param(name).map(|p| p.kind) {
                        Some(ParamKind::FileHash) => {
                            fail(400, "InvalidHashValue", problem.to_string())
                        }
                        Some(ParamKind::Ip) => fail(400, "InvalidIpAddress", problem.to_string()),
                        _ => odata(problem.to_string()),
                    }
                }
                _ => odata(problem.to_string()),
            });
        }
        let options = Options::read(&query)?;
        let route = query.route;
        let api = query.profile.api();
        let answer = self.route(route, &query, &options)?;
        let base = query.profile.base();
        match answer {
            Answer::Many(kind, ids, total) => {
                self.collection(kind, ids, total, &query, &options, api, &base)
            }
            Answer::One(kind, id) => {
                let select = check_select(kind, api, &options)?;
                let mut out = String::new();
                let context = format!("{base}/$metadata#{}/$entity", kind.set());
                out.push('{');
                push_pair(&mut out, "@odata.context", &Value::String(context));
                let body = self.entity_json(kind, id, api, &options, select.as_deref());
                // Splice the entity's members after the context.
                if body.len() > 2 {
                    out.push(',');
                    out.push_str(&body[1..]);
                } else {
                    out.push('}');
                }
                Ok(out)
            }
            Answer::Stats(kind, stats) => {
                let name = match kind {
                    Kind::Domain => "InOrgDomainStats",
                    Kind::Ip => "InOrgIPStats",
                    _ => "InOrgFileStats",
                };
                let fields: &[&str] = match (kind, api) {
                    (Kind::Domain, Api::Wdatp) => {
                        &["host", "orgPrevalence", "orgFirstSeen", "orgLastSeen"]
                    }
                    (Kind::Domain, Api::Defender) => &[
                        "host",
                        "organizationPrevalence",
                        "orgFirstSeen",
                        "orgLastSeen",
                    ],
                    (Kind::Ip, Api::Wdatp) => {
                        &["ipAddress", "orgPrevalence", "orgFirstSeen", "orgLastSeen"]
                    }
                    (Kind::Ip, Api::Defender) => &[
                        "ipAddress",
                        "organizationPrevalence",
                        "orgFirstSeen",
                        "orgLastSeen",
                    ],
                    (_, Api::Wdatp) => &[
                        "sha1",
                        "orgPrevalence",
                        "orgFirstSeen",
                        "orgLastSeen",
                        "globalPrevalence",
                        "globalFirstObserved",
                        "globalLastObserved",
                        "topFileNames",
                    ],
                    (_, Api::Defender) => &[
                        "sha1",
                        "organizationPrevalence",
                        "orgFirstSeen",
                        "orgLastSeen",
                        "globallyPrevalence",
                        "globalFirstObserved",
                        "globalLastObserved",
                        "topFileNames",
                    ],
                };
                let mut map = to_map(&stats);
                map.insert(
                    "@odata.context".into(),
                    Value::String(format!(
                        "{base}/$metadata#microsoft.windowsDefenderATP.api.{name}"
                    )),
                );
                let mut all = vec!["@odata.context"];
                all.extend_from_slice(fields);
                let mut out = String::new();
                write_object(&mut out, &map, &all, None);
                Ok(out)
            }
        }
    }

    fn route(
        &self,
        route: &'static Route,
        query: &Query,
        options: &Options,
    ) -> Result<Answer, Failure> {
        let data = &self.dataset;
        let id = query.params.first().map(String::as_str).unwrap_or_default();
        let all = |n: usize| (0..n as u32).collect::<Vec<u32>>();
        let alerts_where = |f: &dyn Fn(&AlertLinks) -> bool| -> Vec<u32> {
            data.links
                .iter()
                .enumerate()
                .filter(|(_, l)| f(l))
                .map(|(i, _)| i as u32)
                .collect()
        };
        let machines_of = |alerts: &[u32]| -> Vec<u32> {
            // Sorted and unique, as a `BTreeSet` would give them (whose `collect` brings its own sort).
            let mut machines: Vec<u32> = alerts
                .iter()
                .map(|&a| data.links[a as usize].machine)
                .collect();
            sort_ids(&mut machines, &mut |a, b| a.cmp(&b));
            machines.dedup();
            machines
        };
        let missing = |what: &str| not_found(format!("{what} {id:?} was not found."));
        let alert = || {
            data.lookup(&data.index.alerts, id)
                .ok_or_else(|| missing("Alert"))
        };
        let machine = || {
            data.lookup(&data.index.machines, id)
                .ok_or_else(|| missing("Machine"))
        };
        let user = || data.user_index(id).ok_or_else(|| missing("User"));
        let file = || {
            data.lookup(&data.index.files, id)
                .ok_or_else(|| missing("File"))
        };
        let ip = || {
            let normal = id
                .parse::<IpAddr>()
                .map(|a| a.to_string())
                .unwrap_or_else(|_| id.to_string());
            data.lookup(&data.index.ips, &normal)
                .ok_or_else(|| missing("IP"))
        };
        let domain = || {
            data.lookup(&data.index.domains, id.trim_end_matches('.'))
                .ok_or_else(|| missing("Domain"))
        };
        let u = |i: usize| i as u32;
        let list = |kind: Kind, ids: Vec<u32>| {
            let total = ids.len();
            Ok(Answer::Many(kind, ids, total))
        };
        match route.key {
            "actor.get" => {
                let a = data
                    .lookup(&data.index.actors, id)
                    .ok_or_else(|| missing("Actor"))?;
                Ok(Answer::One(Kind::Actor, u(a)))
            }
            "actor.alerts" => {
                let a = u(data
                    .lookup(&data.index.actors, id)
                    .ok_or_else(|| missing("Actor"))?);
                list(Kind::Alert, alerts_where(&|l| l.actor == Some(a)))
            }
            "alerts.list" => {
                let ids = all(data.alerts.len());
                self.filter_sort(|i| data.alert_view(i), ids, options, "Alert")
                    .map(|(ids, total)| Answer::Many(Kind::Alert, ids, total))
            }
            "alerts.get" => Ok(Answer::One(Kind::Alert, u(alert()?))),
            "alerts.machines" => list(Kind::Machine, vec![data.links[alert()?].machine]),
            "alerts.machine" => Ok(Answer::One(Kind::Machine, data.links[alert()?].machine)),
            "alerts.user" => {
                let a = alert()?;
                data.links[a]
                    .user
                    .map(|x| Answer::One(Kind::User, x))
                    .ok_or_else(|| not_found(format!("Alert {id:?} has no related user.")))
            }
            "alerts.files" => list(
                Kind::File,
                data.links[alert()?].files.iter().map(|f| f.0).collect(),
            ),
            "alerts.ips" => list(Kind::Ip, data.links[alert()?].ips.clone()),
            "alerts.domains" => list(Kind::Domain, data.links[alert()?].domains.clone()),
            "alerts.actor" => {
                let a = alert()?;
                data.links[a]
                    .actor
                    .map(|x| Answer::One(Kind::Actor, x))
                    .ok_or_else(|| {
                        not_found(format!("Alert {id:?} is not associated with an actor."))
                    })
            }
            "machines.list" => {
                let ids = all(data.machines.len());
                self.filter_sort(|i| &data.machines[i], ids, options, "Machine")
                    .map(|(ids, total)| Answer::Many(Kind::Machine, ids, total))
            }
            "machines.get" => Ok(Answer::One(Kind::Machine, u(machine()?))),
            "machines.alerts" => {
                let m = u(machine()?);
                list(Kind::Alert, alerts_where(&|l| l.machine == m))
            }
            "machines.logonusers" => list(Kind::User, data.logons[machine()?].clone()),
            "machines.find" | "machines.findbyip" => {
                let key = id.to_lowercase();
                let time = query
                    .params
                    .get(1)
                    .and_then(|t| Timestamp::parse(t))
                    .ok_or_else(|| odata("timestamp is not an ISO 8601 time"))?;
                let slack = Duration::minutes(15);
                let by_ip = route.key == "machines.findbyip";
                let found = data
                    .machines
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| {
                        let ip_match = m.last_ip_address.as_deref() == Some(id)
                            || m.ip_addresses
                                .iter()
                                .flatten()
                                .any(|a| a.ip_address.as_deref() == Some(id));
                        let name_match = !by_ip
                            && m.computer_dns_name
                                .as_deref()
                                .is_some_and(|n| n.to_lowercase() == key);
                        let seen = m.first_seen.is_some_and(|f| f.0 - slack <= time.0)
                            && m.last_seen.is_some_and(|l| time.0 <= l.0 + slack);
                        (ip_match || name_match) && seen
                    })
                    .map(|(i, _)| i as u32)
                    .collect();
                list(Kind::Machine, found)
            }
            "users.get" => Ok(Answer::One(Kind::User, u(user()?))),
            "users.alerts" => {
                let x = u(user()?);
                list(Kind::Alert, alerts_where(&|l| l.user == Some(x)))
            }
            "users.machines" => {
                let x = u(user()?);
                let ms = data
                    .logons
                    .iter()
                    .enumerate()
                    .filter(|(_, us)| us.contains(&x))
                    .map(|(i, _)| i as u32)
                    .collect();
                list(Kind::Machine, ms)
            }
            "domains.get" => Ok(Answer::One(Kind::Domain, u(domain()?))),
            "domains.alerts" => {
                let d = u(domain()?);
                list(Kind::Alert, alerts_where(&|l| l.domains.contains(&d)))
            }
            "domains.machines" => {
                let d = u(domain()?);
                list(
                    Kind::Machine,
                    machines_of(&alerts_where(&|l| l.domains.contains(&d))),
                )
            }
            "ips.get" => Ok(Answer::One(Kind::Ip, u(ip()?))),
            "ips.alerts" => {
                let x = u(ip()?);
                list(Kind::Alert, alerts_where(&|l| l.ips.contains(&x)))
            }
            "ips.machines" => {
                let x = u(ip()?);
                list(
                    Kind::Machine,
                    machines_of(&alerts_where(&|l| l.ips.contains(&x))),
                )
            }
            "files.get" => Ok(Answer::One(Kind::File, u(file()?))),
            "files.alerts" => {
                let f = u(file()?);
                list(
                    Kind::Alert,
                    alerts_where(&|l| l.files.iter().any(|x| x.0 == f)),
                )
            }
            "files.machines" => {
                let f = u(file()?);
                list(
                    Kind::Machine,
                    machines_of(&alerts_where(&|l| l.files.iter().any(|x| x.0 == f))),
                )
            }
            "domains.stats" => Ok(Answer::Stats(
                Kind::Domain,
                self.stats(Target::Domain, u(domain()?), query, options),
            )),
            "ips.stats" => Ok(Answer::Stats(
                Kind::Ip,
                self.stats(Target::Ip, u(ip()?), query, options),
            )),
            "files.stats" => Ok(Answer::Stats(
                Kind::File,
                self.stats(Target::File, u(file()?), query, options),
            )),
            other => Err(not_found(format!(
                "The demo tenant has no answer for {other}."
            ))),
        }
    }

    fn filter_sort<'a, R: Record + 'a>(
        &self,
        record: impl Fn(usize) -> R,
        mut ids: Vec<u32>,
        options: &Options,
        entity: &str,
    ) -> Result<(Vec<u32>, usize), Failure> {
        if let Some(text) = &options.filter {
            let filter = Filter::compile::<R>(text, entity)
                .map_err(|e| odata(format!("Invalid $filter: {e}")))?;
            ids.retain(|&i| filter.matches(&record(i as usize)));
        }
        let total = ids.len();
        if let Some(text) = &options.orderby {
            let keys: Vec<OrderKey> = compile_orderby::<R>(text, entity)
                .map_err(|e| odata(format!("Invalid $orderby: {e}")))?;
            let need = options
                .skip
                .saturating_add(options.top.unwrap_or(DEFAULT_PAGE_SIZE));
            smallest_ids(&mut ids, need, &mut |a, b| {
                order_cmp(&keys, &record(a as usize), &record(b as usize)).then(a.cmp(&b))
            });
        }
        Ok((ids, total))
    }

    fn stats(&self, target: Target, id: u32, query: &Query, options: &Options) -> Stats {
        let data = &self.dataset;
        let since = Timestamp(data.now.0 - Duration::hours(options.look_back_hours));
        let seen = observe(data, target, Some(id), Some(since)).remove(&id);
        let count = seen.as_ref().map_or(0, |o| o.machines.len() as u64);
        let wdatp = query.profile.api() == Api::Wdatp;
        let mut stats = Stats {
            organization_prevalence: (!wdatp).then(|| Prevalence::number(count)),
            org_prevalence: wdatp.then(|| Prevalence::text(count)),
            org_first_seen: seen.as_ref().map(|o| o.first),
            org_last_seen: seen.as_ref().map(|o| o.last),
            ..Stats::default()
        };
        match target {
            Target::Domain => stats.host = Some(data.domains[id as usize].host.clone()),
            Target::Ip => stats.ip_address = Some(data.ips[id as usize].id.clone()),
            Target::File => {
                let file = &data.files[id as usize];
                stats.sha1 = file.sha1.clone();
                if wdatp {
                    stats.global_prevalence = file.global_prevalence;
                } else {
                    stats.globally_prevalence = file.global_prevalence;
                }
                stats.global_first_observed = file.global_first_observed;
                stats.global_last_observed = file.global_last_observed;
                let names = &data.file_names[id as usize];
                let counted: Vec<(usize, &String)> = seen
                    .as_ref()
                    .map(|o| {
                        o.names
                            .iter()
                            .filter_map(|(n, c)| names.get(*n as usize).map(|s| (*c, s)))
                            .collect()
                    })
                    .unwrap_or_default();
                let counted = sorted_by(counted, |a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
                stats.top_file_names = Some(counted.into_iter().map(|(_, s)| s.clone()).collect());
            }
        }
        stats
    }

    #[allow(clippy::too_many_arguments)]
    fn collection(
        &self,
        kind: Kind,
        ids: Vec<u32>,
        total: usize,
        query: &Query,
        options: &Options,
        api: Api,
        base: &str,
    ) -> Result<String, Failure> {
        let select = check_select(kind, api, options)?;
        let top = options.top.unwrap_or(DEFAULT_PAGE_SIZE);
        let start = options.skip.min(total);
        let end = start.saturating_add(top).min(total);
        let mut out = String::with_capacity(256 + (end - start) * 1500);
        out.push('{');
        push_pair(
            &mut out,
            "@odata.context",
            &Value::String(format!("{base}/$metadata#{}", kind.set())),
        );
        if options.count {
            out.push(',');
            push_pair(&mut out, "@odata.count", &Value::from(total as u64));
        }
        if end < total {
            let mut next = query.clone();
            let skip = end.to_string();
            match next
                .options
                .iter_mut()
                .find(|(o, _)| *o == QueryOption::Skip)
            {
                Some(slot) => slot.1 = skip,
                None => next.options.push((QueryOption::Skip, skip)),
            }
            out.push(',');
            push_pair(&mut out, "@odata.nextLink", &Value::String(next.url()));
        }
        out.push_str(",\"value\":[");
        for (n, &id) in ids[start..end].iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push_str(&self.entity_json(kind, id, api, options, select.as_deref()));
        }
        out.push_str("]}");
        Ok(out)
    }

    /// One entity as the API writes it, projected by `$select`, with its expansions.
    fn entity_json(
        &self,
        kind: Kind,
        id: u32,
        api: Api,
        options: &Options,
        select: Option<&[String]>,
    ) -> String {
        let data = &self.dataset;
        let i = id as usize;
        let fields = kind.fields(api);
        let mut out = String::new();
        match kind {
            Kind::Alert => {
                let mut map = to_map(&data.alerts[i]);
                if api == Api::Defender {
                    let evidence = if options.expands("evidence") {
                        self.evidence(i)
                    } else {
                        Vec::new()
                    };
                    map.insert(
                        "evidence".into(),
                        serde_json::to_value(evidence).unwrap_or(Value::Array(Vec::new())),
                    );
                }
                let mut extra = Vec::new();
                if options.expands("machine") {
                    let machine =
                        self.entity_json(Kind::Machine, data.links[i].machine, api, options, None);
                    extra.push(("machine", machine));
                }
                write_object_with(&mut out, &map, fields, select, &extra);
            }
            Kind::Machine => {
                let mut machine = to_map(&data.machines[i]);
                machine.remove("logonUsers");
                let mut extra = Vec::new();
                if options.expands("logonusers") {
                    let users: Vec<String> = data.logons[i]
                        .iter()
                        .map(|&u| self.entity_json(Kind::User, u, api, options, None))
                        .collect();
                    extra.push(("logonUsers", format!("[{}]", users.join(","))));
                }
                write_object_with(&mut out, &machine, fields, select, &extra);
            }
            Kind::User => {
                let mut map = to_map(&data.users[i]);
                if api == Api::Wdatp {
                    let domain = map.get("accountDomain").cloned().unwrap_or(Value::Null);
                    map.insert("accountDomainName".into(), domain);
                }
                write_object(&mut out, &map, fields, select);
            }
            Kind::File => write_object(&mut out, &to_map(&data.files[i]), fields, select),
            Kind::Ip => write_object(&mut out, &to_map(&data.ips[i]), fields, select),
            Kind::Domain => write_object(&mut out, &to_map(&data.domains[i]), fields, select),
            Kind::Actor => write_object(&mut out, &to_map(&data.actors[i]), fields, select),
        }
        out
    }

    /// The evidence of an alert, from what it is linked to.
    fn evidence(&self, i: usize) -> Vec<Evidence> {
        let data = &self.dataset;
        let alert = &data.alerts[i];
        let link = &data.links[i];
        let at = alert.alert_creation_time;
        let mut out = Vec::new();
        if let Some(u) = link.user {
            let user = &data.users[u as usize];
            out.push(Evidence {
                entity_type: Some("User".into()),
                evidence_creation_time: at,
                account_name: user.account_name.clone(),
                // ASCII upper case: Unicode's tables cost the wasm about 12 KB, and no letter of the demo
                // tenant's domains has a case outside ASCII (core/tests/demo_engine.rs checks).
                domain_name: user.account_domain.as_ref().map(|d| d.to_ascii_uppercase()),
                user_sid: user.account_sid.clone(),
                ..Evidence::default()
            });
        }
        for (n, &(f, name)) in link.files.iter().enumerate() {
            let file = &data.files[f as usize];
            let file_name = data.file_names[f as usize].get(name as usize).cloned();
            let process = n == 0 && file.is_pe_file == Some(true);
            out.push(Evidence {
                entity_type: Some(if process { "Process" } else { "File" }.into()),
                evidence_creation_time: at,
                sha1: file.sha1.clone(),
                sha256: file.sha256.clone(),
                file_name,
                file_path: Some(
                    if process {
                        "C:\\Windows\\System32"
                    } else {
                        "C:\\Users\\Public\\Downloads"
                    }
                    .into(),
                ),
                process_id: process.then_some(1000 + (i as i64 * 37) % 9000),
                process_creation_time: if process {
                    alert.first_event_time
                } else {
                    None
                },
                detection_status: Some(
                    if alert.status.as_deref() == Some("Resolved") {
                        "Prevented"
                    } else {
                        "Detected"
                    }
                    .into(),
                ),
                ..Evidence::default()
            });
        }
        for &x in &link.ips {
            out.push(Evidence {
                entity_type: Some("Ip".into()),
                evidence_creation_time: at,
                ip_address: Some(data.ips[x as usize].id.clone()),
                ..Evidence::default()
            });
        }
        for &d in &link.domains {
            out.push(Evidence {
                entity_type: Some("Url".into()),
                evidence_creation_time: at,
                url: Some(data.domains[d as usize].host.clone()),
                ..Evidence::default()
            });
        }
        out
    }
}

fn check_select(kind: Kind, api: Api, options: &Options) -> Result<Option<Vec<String>>, Failure> {
    let Some(select) = &options.select else {
        return Ok(None);
    };
    let fields = kind.fields(api);
    select
        .iter()
        .map(|p| {
            fields
                .iter()
                .find(|f| f.eq_ignore_ascii_case(p))
                .map(|f| f.to_string())
                .ok_or_else(|| {
                    odata(format!(
                        "Invalid $select: could not find a property named '{p}' on type '{}'. It has {}.",
                        kind.type_name(),
                        fields.join(", ")
                    ))
                })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn to_map<T: Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

fn push_pair(out: &mut String, key: &str, value: &Value) {
    let _ = write!(out, "{}:{}", Value::String(key.to_string()), value);
}

fn write_object(
    out: &mut String,
    map: &Map<String, Value>,
    fields: &[&str],
    select: Option<&[String]>,
) {
    write_object_with(out, map, fields, select, &[]);
}

/// Writes `fields` of `map` in that order (only the selected ones), then the already-written expansions.
fn write_object_with(
    out: &mut String,
    map: &Map<String, Value>,
    fields: &[&str],
    select: Option<&[String]>,
    expanded: &[(&str, String)],
) {
    out.push('{');
    let mut first = true;
    for field in fields {
        if select.is_some_and(|s| !s.iter().any(|x| x == field)) {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        push_pair(out, field, map.get(*field).unwrap_or(&Value::Null));
    }
    for (key, json) in expanded {
        if !first {
            out.push(',');
        }
        first = false;
        let _ = write!(out, "{}:{json}", Value::String(key.to_string()));
    }
    out.push('}');
}
