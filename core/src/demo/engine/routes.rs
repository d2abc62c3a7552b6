//! Which entities a route answers with: a table from route key to a named step, each resolving the
//! route's id and following the dataset's links; collections honour `$filter` and `$orderby` here.

use std::net::IpAddr;

use chrono::Duration;

use super::kind::Kind;
use super::observe::Target;
use super::options::Options;
use super::response::{not_found, odata, Failure};
use super::stats::stats;
use super::DEFAULT_PAGE_SIZE;
use crate::catalogue::Route;
use crate::demo::{AlertLinks, Dataset, DemoTenant};
use crate::model::{Stats, Timestamp};
use crate::odata::{compile_orderby, order_cmp, Filter, OrderKey, Record};
use crate::order::{smallest_ids, sort_ids};
use crate::query::Query;

/// What a route answers, before paging and projection.
pub(super) enum Answer {
    /// The matching ids (possibly only the first ones, in order) and how many match in all.
    Many(Kind, Vec<u32>, usize),
    One(Kind, u32),
    Stats(Kind, Stats),
}

/// One request as the route steps read it: the dataset, the route's first parameter and the options.
struct Request<'a> {
    data: &'a Dataset,
    route: &'static Route,
    query: &'a Query,
    options: &'a Options,
    /// The route's first parameter (the entity's id), or empty.
    id: &'a str,
}

type Step = fn(&Request) -> Result<Answer, Failure>;

/// Every route the demo tenant answers, by key.
static STEPS: &[(&str, Step)] = &[
    ("actor.get", |r| Ok(Answer::One(Kind::Actor, r.actor()?))),
    ("actor.alerts", |r| {
        let a = r.actor()?;
        list(Kind::Alert, r.alerts_where(&|l| l.actor == Some(a)))
    }),
    ("alerts.list", list_alerts),
    ("alerts.get", |r| {
        Ok(Answer::One(Kind::Alert, u(r.alert()?)))
    }),
    ("alerts.machines", |r| {
        list(Kind::Machine, vec![r.data.links[r.alert()?].machine])
    }),
    ("alerts.machine", |r| {
        Ok(Answer::One(Kind::Machine, r.data.links[r.alert()?].machine))
    }),
    ("alerts.user", alert_user),
    ("alerts.files", |r| {
        let files = r.data.links[r.alert()?].files.iter().map(|f| f.0).collect();
        list(Kind::File, files)
    }),
    ("alerts.ips", |r| {
        list(Kind::Ip, r.data.links[r.alert()?].ips.clone())
    }),
    ("alerts.domains", |r| {
        list(Kind::Domain, r.data.links[r.alert()?].domains.clone())
    }),
    ("alerts.actor", alert_actor),
    ("machines.list", list_machines),
    ("machines.get", |r| {
        Ok(Answer::One(Kind::Machine, u(r.machine()?)))
    }),
    ("machines.alerts", |r| {
        let m = u(r.machine()?);
        list(Kind::Alert, r.alerts_where(&|l| l.machine == m))
    }),
    ("machines.logonusers", |r| {
        list(Kind::User, r.data.logons[r.machine()?].clone())
    }),
    ("machines.find", find_machines),
    ("machines.findbyip", find_machines),
    ("users.get", |r| Ok(Answer::One(Kind::User, u(r.user()?)))),
    ("users.alerts", |r| {
        let x = u(r.user()?);
        list(Kind::Alert, r.alerts_where(&|l| l.user == Some(x)))
    }),
    ("users.machines", user_machines),
    ("domains.get", |r| {
        Ok(Answer::One(Kind::Domain, u(r.domain()?)))
    }),
    ("domains.alerts", |r| {
        let d = u(r.domain()?);
        list(Kind::Alert, r.alerts_where(&|l| l.domains.contains(&d)))
    }),
    ("domains.machines", |r| {
        let d = u(r.domain()?);
        let alerts = r.alerts_where(&|l| l.domains.contains(&d));
        list(Kind::Machine, r.machines_of(&alerts))
    }),
    ("ips.get", |r| Ok(Answer::One(Kind::Ip, u(r.ip()?)))),
    ("ips.alerts", |r| {
        let x = u(r.ip()?);
        list(Kind::Alert, r.alerts_where(&|l| l.ips.contains(&x)))
    }),
    ("ips.machines", |r| {
        let x = u(r.ip()?);
        let alerts = r.alerts_where(&|l| l.ips.contains(&x));
        list(Kind::Machine, r.machines_of(&alerts))
    }),
    ("files.get", |r| Ok(Answer::One(Kind::File, u(r.file()?)))),
    ("files.alerts", |r| {
        let f = u(r.file()?);
        list(
            Kind::Alert,
            r.alerts_where(&|l| l.files.iter().any(|x| x.0 == f)),
        )
    }),
    ("files.machines", |r| {
        let f = u(r.file()?);
        let alerts = r.alerts_where(&|l| l.files.iter().any(|x| x.0 == f));
        list(Kind::Machine, r.machines_of(&alerts))
    }),
    ("domains.stats", |r| {
        let d = u(r.domain()?);
        Ok(Answer::Stats(Kind::Domain, r.stats(Target::Domain, d)))
    }),
    ("ips.stats", |r| {
        let x = u(r.ip()?);
        Ok(Answer::Stats(Kind::Ip, r.stats(Target::Ip, x)))
    }),
    ("files.stats", |r| {
        let f = u(r.file()?);
        Ok(Answer::Stats(Kind::File, r.stats(Target::File, f)))
    }),
];

impl DemoTenant {
    /// The entities `route` answers with, through its step in the table.
    pub(super) fn route(
        &self,
        route: &'static Route,
        query: &Query,
        options: &Options,
    ) -> Result<Answer, Failure> {
        let request = Request {
            data: &self.dataset,
            route,
            query,
            options,
            id: query.params.first().map(String::as_str).unwrap_or_default(),
        };
        match STEPS.iter().find(|(key, _)| *key == route.key) {
            Some((_, step)) => step(&request),
            None => Err(not_found(format!(
                "The demo tenant has no answer for {}.",
                route.key
            ))),
        }
    }
}

fn u(i: usize) -> u32 {
    i as u32
}

/// A collection of exactly these ids.
fn list(kind: Kind, ids: Vec<u32>) -> Result<Answer, Failure> {
    let total = ids.len();
    Ok(Answer::Many(kind, ids, total))
}

fn list_alerts(r: &Request) -> Result<Answer, Failure> {
    let data = r.data;
    let ids = (0..data.alerts.len() as u32).collect();
    filter_sort(|i| data.alert_view(i), ids, r.options, "Alert")
        .map(|(ids, total)| Answer::Many(Kind::Alert, ids, total))
}

fn list_machines(r: &Request) -> Result<Answer, Failure> {
    let data = r.data;
    let ids = (0..data.machines.len() as u32).collect();
    filter_sort(|i| &data.machines[i], ids, r.options, "Machine")
        .map(|(ids, total)| Answer::Many(Kind::Machine, ids, total))
}

fn alert_user(r: &Request) -> Result<Answer, Failure> {
    let a = r.alert()?;
    r.data.links[a]
        .user
        .map(|x| Answer::One(Kind::User, x))
        .ok_or_else(|| not_found(format!("Alert {:?} has no related user.", r.id)))
}

fn alert_actor(r: &Request) -> Result<Answer, Failure> {
    let a = r.alert()?;
    r.data.links[a]
        .actor
        .map(|x| Answer::One(Kind::Actor, x))
        .ok_or_else(|| not_found(format!("Alert {:?} is not associated with an actor.", r.id)))
}

fn user_machines(r: &Request) -> Result<Answer, Failure> {
    let x = u(r.user()?);
    let ms = r
        .data
        .logons
        .iter()
        .enumerate()
        .filter(|(_, us)| us.contains(&x))
        .map(|(i, _)| i as u32)
        .collect();
    list(Kind::Machine, ms)
}

/// Machines by name or IP (`findbyip`: by IP only) that were seen around a time (15 minutes either side).
fn find_machines(r: &Request) -> Result<Answer, Failure> {
    let id = r.id;
    let key = id.to_lowercase();
    let time = r
        .query
        .params
        .get(1)
        .and_then(|t| Timestamp::parse(t))
        .ok_or_else(|| odata("timestamp is not an ISO 8601 time"))?;
    let slack = Duration::minutes(15);
    let by_ip = r.route.key == "machines.findbyip";
    let found = r
        .data
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

impl Request<'_> {
    fn missing(&self, what: &str) -> Failure {
        not_found(format!("{what} {:?} was not found.", self.id))
    }

    fn alert(&self) -> Result<usize, Failure> {
        let data = self.data;
        data.lookup(&data.index.alerts, self.id)
            .ok_or_else(|| self.missing("Alert"))
    }

    fn machine(&self) -> Result<usize, Failure> {
        let data = self.data;
        data.lookup(&data.index.machines, self.id)
            .ok_or_else(|| self.missing("Machine"))
    }

    fn user(&self) -> Result<usize, Failure> {
        self.data
            .user_index(self.id)
            .ok_or_else(|| self.missing("User"))
    }

    fn file(&self) -> Result<usize, Failure> {
        let data = self.data;
        data.lookup(&data.index.files, self.id)
            .ok_or_else(|| self.missing("File"))
    }

    /// An IP in its canonical form (as `IpAddr` writes it), so `::1` and `0:0::1` are the same.
    fn ip(&self) -> Result<usize, Failure> {
        let data = self.data;
        let normal = self
            .id
            .parse::<IpAddr>()
            .map(|a| a.to_string())
            .unwrap_or_else(|_| self.id.to_string());
        data.lookup(&data.index.ips, &normal)
            .ok_or_else(|| self.missing("IP"))
    }

    /// A domain, with or without its trailing dot.
    fn domain(&self) -> Result<usize, Failure> {
        let data = self.data;
        data.lookup(&data.index.domains, self.id.trim_end_matches('.'))
            .ok_or_else(|| self.missing("Domain"))
    }

    fn actor(&self) -> Result<u32, Failure> {
        let data = self.data;
        data.lookup(&data.index.actors, self.id)
            .map(u)
            .ok_or_else(|| self.missing("Actor"))
    }

    /// The alerts whose links pass `f`, in listing order.
    fn alerts_where(&self, f: &dyn Fn(&AlertLinks) -> bool) -> Vec<u32> {
        self.data
            .links
            .iter()
            .enumerate()
            .filter(|(_, l)| f(l))
            .map(|(i, _)| i as u32)
            .collect()
    }

    /// The machines of these alerts.
    fn machines_of(&self, alerts: &[u32]) -> Vec<u32> {
        // Sorted and unique, as a `BTreeSet` would give them (whose `collect` brings its own sort).
        let mut machines: Vec<u32> = alerts
            .iter()
            .map(|&a| self.data.links[a as usize].machine)
            .collect();
        sort_ids(&mut machines, &mut |a, b| a.cmp(&b));
        machines.dedup();
        machines
    }

    fn stats(&self, target: Target, id: u32) -> Stats {
        stats(self.data, target, id, self.query, self.options)
    }
}

/// Keeps the ids `$filter` matches; with `$orderby`, puts the first page's worth in order. Returns the
/// ids and how many matched in all.
fn filter_sort<'a, R: Record + 'a>(
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
