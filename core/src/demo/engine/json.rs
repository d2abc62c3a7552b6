//! The answer's JSON as the API writes it: collections with their context, count and next link, single
//! entities, each projected by `$select` and with its expansions, properties in the API's order.

use serde_json::Value;

use super::kind::Kind;
use super::options::Options;
use super::response::{odata, Failure};
use super::routes::Answer;
use super::stats::stats_json;
use super::write::{push_pair, to_map, write_object, write_object_with};
use super::DEFAULT_PAGE_SIZE;
use crate::catalogue::{Api, QueryOption};
use crate::demo::DemoTenant;
use crate::query::Query;

impl DemoTenant {
    /// The body of a route's answer.
    pub(super) fn shape(
        &self,
        answer: Answer,
        query: &Query,
        options: &Options,
    ) -> Result<String, Failure> {
        let api = query.profile.api();
        let base = query.profile.base();
        match answer {
            Answer::Many(kind, ids, total) => self.collection(kind, &ids, total, query, options),
            Answer::One(kind, id) => self.single(kind, id, api, options, &base),
            Answer::Stats(kind, stats) => Ok(stats_json(kind, &stats, api, &base)),
        }
    }

    /// One page of `ids` (`$skip`, `$top`) with the context, `$count` and the next page's link.
    fn collection(
        &self,
        kind: Kind,
        ids: &[u32],
        total: usize,
        query: &Query,
        options: &Options,
    ) -> Result<String, Failure> {
        let api = query.profile.api();
        let base = query.profile.base();
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
            out.push(',');
            push_pair(
                &mut out,
                "@odata.nextLink",
                &Value::String(next_link(query, end)),
            );
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

    /// A single entity: its context, then its members.
    fn single(
        &self,
        kind: Kind,
        id: u32,
        api: Api,
        options: &Options,
        base: &str,
    ) -> Result<String, Failure> {
        let select = check_select(kind, api, options)?;
        let mut out = String::new();
        let context = format!("{base}/$metadata#{}/$entity", kind.set());
        out.push('{');
        push_pair(&mut out, "@odata.context", &Value::String(context));
        let body = self.entity_json(kind, id, api, options, select.as_deref());
        // Splice the entity's members after the context.
        if body.len() > 2 {
            out.push(',');
            out.push_str(&body[1..]);
        } else {
            out.push('}');
        }
        Ok(out)
    }

    /// One entity as the API writes it, projected by `$select`, with its expansions.
    pub(super) fn entity_json(
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
}

/// The request's URL with `$skip` set to where the next page starts.
fn next_link(query: &Query, end: usize) -> String {
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
    next.url()
}

/// `$select` checked against the kind's properties (any case), in the properties' spelling.
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
