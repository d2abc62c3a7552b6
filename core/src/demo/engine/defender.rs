//! Today's Defender routes beyond alerts and machines: machine actions, investigations, indicators,
//! vulnerability management, assessments, scores, antivirus health and Defender XDR's incidents. Each
//! route's items are written in the order their model declares their fields; `$filter` and `$orderby`
//! read them through a property table per entity type; `$top`/`$skip` page them, and the assessment
//! routes page by `pageSize` with a `$skiptoken`, as the API does.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::options::Options;
use super::response::{fail, not_found, odata, Failure};
use super::DEFAULT_PAGE_SIZE;
use crate::catalogue::QueryOption;
use crate::demo::{Dataset, DemoTenant};
use crate::model::Timestamp;
use crate::odata::{
    compile_orderby, order_cmp, FieldType as T, FieldValue, Filter, Property, Record,
};
use crate::query::Query;

/// One item of an answer: its JSON text as the API writes it, and its members for `$filter`.
struct Item {
    text: String,
    map: Map<String, Value>,
}

impl Item {
    fn of<S: Serialize>(model: &S) -> Item {
        let text = serde_json::to_string(model).unwrap_or_else(|_| "{}".into());
        let map = match serde_json::to_value(model) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        Item { text, map }
    }

    /// An item written member by member in this order.
    fn pairs(pairs: Vec<(&'static str, Value)>) -> Item {
        let mut text = String::from("{");
        let mut map = Map::new();
        for (i, (k, v)) in pairs.into_iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&Value::String(k.into()).to_string());
            text.push(':');
            text.push_str(&v.to_string());
            map.insert(k.into(), v);
        }
        text.push('}');
        Item { text, map }
    }
}

/// An entity type's filterable and sortable properties.
trait Props {
    const NAME: &'static str;
    const PROPS: &'static [Property];
}

/// An item as `$filter` and `$orderby` read it.
struct Rec<'a, P>(&'a Map<String, Value>, PhantomData<P>);

impl<P: Props> Record for Rec<'_, P> {
    fn properties() -> &'static [Property] {
        P::PROPS
    }

    fn field(&self, index: usize) -> FieldValue<'_> {
        let Some(p) = P::PROPS.get(index) else {
            return FieldValue::Null;
        };
        match (p.ty, self.0.get(p.name)) {
            (T::String, Some(Value::String(s))) => FieldValue::Str(s),
            (T::String, Some(Value::Number(n))) => {
                n.as_i64().map_or(FieldValue::Null, FieldValue::Int)
            }
            (T::Int, Some(Value::Number(n))) => match n.as_i64() {
                Some(i) => FieldValue::Int(i),
                None => n.as_f64().map_or(FieldValue::Null, FieldValue::Num),
            },
            (T::Bool, Some(Value::Bool(b))) => FieldValue::Bool(*b),
            (T::Time, Some(Value::String(s))) => {
                Timestamp::parse(s).map_or(FieldValue::Null, FieldValue::Time)
            }
            _ => FieldValue::Null,
        }
    }
}

const fn p(name: &'static str, ty: T) -> Property {
    Property { name, ty }
}

macro_rules! props {
    ($marker:ident, $name:literal, [$($prop:expr),* $(,)?]) => {
        struct $marker;
        impl Props for $marker {
            const NAME: &'static str = $name;
            const PROPS: &'static [Property] = &[$($prop),*];
        }
    };
}

props!(
    ActionProps,
    "MachineAction",
    [
        p("id", T::String),
        p("type", T::String),
        p("scope", T::String),
        p("requestor", T::String),
        p("status", T::String),
        p("machineId", T::String),
        p("computerDnsName", T::String),
        p("creationDateTimeUtc", T::Time),
        p("lastUpdateDateTimeUtc", T::Time),
    ]
);
props!(
    InvestigationProps,
    "Investigation",
    [
        p("id", T::String),
        p("startTime", T::Time),
        p("endTime", T::Time),
        p("state", T::String),
        p("machineId", T::String),
        p("computerDnsName", T::String),
        p("triggeringAlertId", T::String),
    ]
);
props!(
    IndicatorProps,
    "Indicator",
    [
        p("id", T::Int),
        p("indicatorValue", T::String),
        p("indicatorType", T::String),
        p("action", T::String),
        p("application", T::String),
        p("title", T::String),
        p("creationTimeDateTimeUtc", T::Time),
        p("createdBy", T::String),
        p("createdByDisplayName", T::String),
        p("expirationTime", T::Time),
        p("severity", T::String),
        p("generateAlert", T::Bool),
        p("rbacGroupNames", T::StringList),
        p("rbacGroupIds", T::StringList),
    ]
);
props!(
    SoftwareProps,
    "Software",
    [
        p("id", T::String),
        p("name", T::String),
        p("vendor", T::String),
        p("weaknesses", T::Int),
        p("exposedMachines", T::Int),
        p("impactScore", T::Int),
    ]
);
props!(
    VulnerabilityProps,
    "Vulnerability",
    [
        p("id", T::String),
        p("name", T::String),
        p("description", T::String),
        p("severity", T::String),
        p("cvssV3", T::Int),
        p("exposedMachines", T::Int),
        p("publishedOn", T::Time),
        p("updatedOn", T::Time),
        p("publicExploit", T::Bool),
    ]
);
props!(
    MachineVulnerabilityProps,
    "PublicAssetVulnerabilityDto",
    [
        p("id", T::String),
        p("cveId", T::String),
        p("machineId", T::String),
        p("fixingKbId", T::String),
        p("productName", T::String),
        p("productVendor", T::String),
        p("productVersion", T::String),
        p("severity", T::String),
    ]
);
props!(
    RecommendationProps,
    "Recommendation",
    [
        p("id", T::String),
        p("productName", T::String),
        p("vendor", T::String),
        p("recommendedVersion", T::String),
        p("recommendationCategory", T::String),
        p("subCategory", T::String),
        p("severityScore", T::Int),
        p("remediationType", T::String),
        p("recommendedProgram", T::String),
        p("recommendedVendor", T::String),
        p("status", T::String),
        p("exposedMachinesCount", T::Int),
    ]
);
props!(
    RemediationProps,
    "RemediationTask",
    [
        p("id", T::String),
        p("title", T::String),
        p("createdOn", T::Time),
        p("status", T::String),
        p("priority", T::String),
        p("dueOn", T::Time),
    ]
);
props!(
    AvHealthProps,
    "DeviceAvHealth",
    [
        p("machineId", T::String),
        p("computerDnsName", T::String),
        p("osKind", T::String),
        p("osPlatform", T::String),
        p("osVersion", T::String),
        p("avMode", T::String),
        p("avSignatureVersion", T::String),
        p("avEngineVersion", T::String),
        p("avPlatformVersion", T::String),
        p("quickScanResult", T::String),
        p("quickScanError", T::String),
        p("fullScanResult", T::String),
        p("fullScanError", T::String),
        p("avIsSignatureUpToDate", T::String),
        p("avIsEngineUpToDate", T::String),
        p("avIsPlatformUpToDate", T::String),
        p("rbacGroupId", T::Int),
        p("lastSeenTime", T::Time),
    ]
);
props!(
    IncidentProps,
    "Incident",
    [
        p("incidentId", T::Int),
        p("incidentName", T::String),
        p("createdTime", T::Time),
        p("lastUpdateTime", T::Time),
        p("assignedTo", T::String),
        p("classification", T::String),
        p("determination", T::String),
        p("status", T::String),
        p("severity", T::String),
    ]
);
props!(NoProps, "Item", []);

/// How a collection is paged.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Paging {
    /// `$top` (default 100) and `$skip`, with a next link when more remain.
    TopSkip,
    /// Everything at once (the route pages nothing).
    All,
    /// `pageSize` (default 50,000) and `$skiptoken`.
    PageSize,
}

/// One request to a Defender route, as its step reads it.
struct Ask<'a> {
    tenant: &'a DemoTenant,
    query: &'a Query,
    options: &'a Options,
    id: &'a str,
}

impl Ask<'_> {
    fn data(&self) -> &Dataset {
        &self.tenant.dataset
    }

    fn base(&self) -> String {
        self.query.profile.base()
    }

    fn paging(&self) -> Paging {
        let route = self.query.route;
        if route.accepts(QueryOption::PageSize) {
            Paging::PageSize
        } else if route.accepts(QueryOption::Top) {
            Paging::TopSkip
        } else {
            Paging::All
        }
    }

    /// A collection of `items` of entity set `set`, filtered, sorted and paged as the route documents.
    fn list<P: Props>(&self, set: &str, mut items: Vec<Item>) -> Result<String, Failure> {
        if let Some(text) = &self.options.filter {
            let filter = Filter::compile::<Rec<P>>(text, P::NAME)
                .map_err(|e| odata(format!("Invalid $filter: {e}")))?;
            items.retain(|i| filter.matches(&Rec::<P>(&i.map, PhantomData)));
        }
        if let Some(text) = &self.options.orderby {
            let keys = compile_orderby::<Rec<P>>(text, P::NAME)
                .map_err(|e| odata(format!("Invalid $orderby: {e}")))?;
            items.sort_by(|a, b| {
                order_cmp(
                    &keys,
                    &Rec::<P>(&a.map, PhantomData),
                    &Rec::<P>(&b.map, PhantomData),
                )
            });
        }
        let total = items.len();
        let (start, size) = match self.paging() {
            Paging::All => (0, total),
            Paging::TopSkip => (
                self.options.skip,
                self.options.top.unwrap_or(DEFAULT_PAGE_SIZE),
            ),
            Paging::PageSize => {
                let number = |o: QueryOption| {
                    self.query
                        .option(o)
                        .map(|v| v.trim().parse::<usize>())
                        .transpose()
                        .map_err(|_| odata(format!("{} must be a whole number.", o.name())))
                };
                let size = number(QueryOption::PageSize)?.unwrap_or(50_000).max(1);
                let start = number(QueryOption::SkipToken)
                    .map_err(|_| odata("The $skiptoken is not one this API gave."))?
                    .unwrap_or(0);
                (start, size)
            }
        };
        let start = start.min(total);
        let end = start.saturating_add(size).min(total);
        let mut out = String::with_capacity(128 + (end - start) * 600);
        out.push_str(&format!(
            "{{\"@odata.context\":{}",
            Value::String(format!("{}/$metadata#{set}", self.base()))
        ));
        if self.options.count {
            out.push_str(&format!(",\"@odata.count\":{total}"));
        }
        if end < total {
            out.push_str(&format!(
                ",\"@odata.nextLink\":{}",
                Value::String(self.next_link(end))
            ));
        }
        out.push_str(",\"value\":[");
        for (n, item) in items[start..end].iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push_str(&item.text);
        }
        out.push_str("]}");
        Ok(out)
    }

    /// The request with its paging moved on to `end`.
    fn next_link(&self, end: usize) -> String {
        let mut next = self.query.clone();
        let option = match self.paging() {
            Paging::PageSize => QueryOption::SkipToken,
            _ => QueryOption::Skip,
        };
        next.set_option(option, &end.to_string());
        next.url()
    }

    /// One entity of set `set`.
    fn one(&self, set: &str, item: Item) -> String {
        let context = Value::String(format!("{}/$metadata#{set}/$entity", self.base()));
        match item.text.strip_prefix('{') {
            Some(rest) if rest != "}" => format!("{{\"@odata.context\":{context},{rest}"),
            _ => format!("{{\"@odata.context\":{context}}}"),
        }
    }

    /// An OData primitive: `{"@odata.context": "…#Edm.String", "value": "…"}`.
    fn value(&self, value: String) -> String {
        json!({
            "@odata.context": format!("{}/$metadata#Edm.String", self.base()),
            "value": value,
        })
        .to_string()
    }

    fn missing(&self, what: &str) -> Failure {
        not_found(format!("{what} {:?} was not found.", self.id))
    }

    fn machine(&self) -> Result<usize, Failure> {
        let data = self.data();
        data.lookup(&data.index.machines, self.id)
            .ok_or_else(|| self.missing("Machine"))
    }

    fn software(&self) -> Result<usize, Failure> {
        self.data()
            .defender
            .software
            .iter()
            .position(|s| s.id.eq_ignore_ascii_case(self.id))
            .ok_or_else(|| self.missing("Software"))
    }

    fn vulnerability(&self) -> Result<usize, Failure> {
        self.data()
            .defender
            .vulnerabilities
            .iter()
            .position(|v| v.id.eq_ignore_ascii_case(self.id))
            .ok_or_else(|| self.missing("Vulnerability"))
    }

    fn recommendation(&self) -> Result<usize, Failure> {
        self.data()
            .defender
            .recommendations
            .iter()
            .position(|r| r.id.eq_ignore_ascii_case(self.id))
            .ok_or_else(|| self.missing("Recommendation"))
    }

    fn remediation(&self) -> Result<usize, Failure> {
        self.data()
            .defender
            .remediation_tasks
            .iter()
            .position(|r| r.id.eq_ignore_ascii_case(self.id))
            .ok_or_else(|| self.missing("Remediation activity"))
    }

    fn action(&self) -> Result<usize, Failure> {
        self.data()
            .defender
            .machine_actions
            .iter()
            .position(|a| a.id.eq_ignore_ascii_case(self.id))
            .ok_or_else(|| self.missing("Machine action"))
    }

    /// Machine references (`id`, `computerDnsName`, `osPlatform`, `rbacGroupName`) of these machines.
    fn machine_references(&self, machines: &[u32]) -> Result<String, Failure> {
        let data = self.data();
        let items = machines
            .iter()
            .map(|&m| {
                let m = &data.machines[m as usize];
                Item::pairs(vec![
                    ("id", Value::String(m.id.clone())),
                    ("computerDnsName", json!(m.computer_dns_name)),
                    ("osPlatform", json!(m.os_platform)),
                    ("rbacGroupName", json!(m.rbac_group_name)),
                    ("rbacGroupId", json!(m.rbac_group_id)),
                ])
            })
            .collect();
        self.list::<NoProps>("MachineReferences", items)
    }

    fn vulnerabilities(&self, ids: &[u32]) -> Result<String, Failure> {
        let v = &self.data().defender.vulnerabilities;
        let items = ids.iter().map(|&i| Item::of(&v[i as usize])).collect();
        self.list::<VulnerabilityProps>("Vulnerabilities", items)
    }

    fn kbs_of_software(&self, software: &[usize]) -> Result<String, Failure> {
        let d = &self.data().defender;
        let items = d
            .kbs
            .iter()
            .zip(&d.kb_software)
            .filter(|(_, s)| software.contains(&(**s as usize)))
            .map(|(k, _)| Item::of(k))
            .collect();
        self.list::<NoProps>("MissingKbs", items)
    }
}

/// The version of `product` a machine runs, and its vendor and name.
fn install_names(i: &crate::demo::Install) -> (&'static str, &'static str, &'static str) {
    let (vendor, name) = crate::demo::generate_product_names(i.product);
    (vendor, name, crate::demo::generate_version_of(i))
}

impl DemoTenant {
    /// The answer of a route of today's Defender API this module serves, or `None` for another route.
    pub(super) fn defender_route(
        &self,
        query: &Query,
        options: &Options,
    ) -> Option<Result<String, Failure>> {
        let ask = Ask {
            tenant: self,
            query,
            options,
            id: query.params.first().map(String::as_str).unwrap_or_default(),
        };
        let key = query.route.key;
        let answer = match key {
            "machineactions.list" => actions(&ask),
            "machineactions.get" => match ask.action() {
                Ok(a) => Ok(ask.one(
                    "MachineActions",
                    Item::of(&ask.data().defender.machine_actions[a]),
                )),
                // One the analyst asked for, as it stands now.
                Err(missing) => self
                    .performed()
                    .actions()
                    .iter()
                    .find(|a| a.id.eq_ignore_ascii_case(ask.id))
                    .map(|a| ask.one("MachineActions", Item::of(a)))
                    .ok_or(missing),
            },
            "machineactions.packageuri" => package_uri(&ask),
            "machineactions.liveresult" => live_result(&ask),
            "investigations.list" => {
                let items = ask
                    .data()
                    .defender
                    .investigations
                    .iter()
                    .chain(self.performed().investigations())
                    .map(Item::of)
                    .collect();
                ask.list::<InvestigationProps>("Investigations", items)
            }
            "investigations.get" => ask
                .data()
                .defender
                .investigations
                .iter()
                .chain(self.performed().investigations())
                .find(|i| i.id.eq_ignore_ascii_case(ask.id))
                .map(|i| ask.one("Investigations", Item::of(i)))
                .ok_or_else(|| ask.missing("Investigation")),
            "indicators.list" => {
                let performed = self.performed();
                let items = self.indicators_now(&performed).map(Item::of).collect();
                drop(performed);
                ask.list::<IndicatorProps>("Indicators", items)
            }
            "software.list" => {
                let items = ask.data().defender.software.iter().map(Item::of).collect();
                ask.list::<SoftwareProps>("Software", items)
            }
            "software.get" => ask
                .software()
                .map(|s| ask.one("Software", Item::of(&ask.data().defender.software[s]))),
            "software.distributions" => distributions(&ask),
            "software.machinereferences" => ask.software().and_then(|s| {
                let machines: Vec<u32> = installed_on(ask.data(), s);
                ask.machine_references(&machines)
            }),
            "software.vulnerabilities" => ask
                .software()
                .and_then(|s| ask.vulnerabilities(&ask.data().defender.software_cves[s])),
            "software.getmissingkbs" => ask.software().and_then(|s| ask.kbs_of_software(&[s])),
            "vulnerabilities.list" => {
                let items = ask
                    .data()
                    .defender
                    .vulnerabilities
                    .iter()
                    .map(Item::of)
                    .collect();
                ask.list::<VulnerabilityProps>("Vulnerabilities", items)
            }
            "vulnerabilities.get" => ask.vulnerability().map(|v| {
                ask.one(
                    "Vulnerabilities",
                    Item::of(&ask.data().defender.vulnerabilities[v]),
                )
            }),
            "vulnerabilities.machinereferences" => ask.vulnerability().and_then(|v| {
                let d = &ask.data().defender;
                let machines = d
                    .software_of_vulnerability(v as u32)
                    .map(|s| d.exposure[s].0.clone())
                    .unwrap_or_default();
                ask.machine_references(&machines)
            }),
            "vulnerabilities.bymachine" => {
                let items = machine_vulnerability_rows(ask.data());
                ask.list::<MachineVulnerabilityProps>(
                    "Collection(microsoft.windowsDefenderATP.api.PublicAssetVulnerabilityDto)",
                    items,
                )
            }
            "recommendations.list" => {
                let items = ask
                    .data()
                    .defender
                    .recommendations
                    .iter()
                    .map(Item::of)
                    .collect();
                ask.list::<RecommendationProps>("Recommendations", items)
            }
            "recommendations.get" => ask.recommendation().map(|r| {
                ask.one(
                    "Recommendations",
                    Item::of(&ask.data().defender.recommendations[r]),
                )
            }),
            "recommendations.software" => ask.recommendation().and_then(|r| {
                let d = &ask.data().defender;
                let s = d.recommendation_software[r] as usize;
                ask.list::<SoftwareProps>("Software", vec![Item::of(&d.software[s])])
            }),
            "recommendations.machinereferences" => ask.recommendation().and_then(|r| {
                let d = &ask.data().defender;
                let s = d.recommendation_software[r] as usize;
                ask.machine_references(&d.exposure[s].0)
            }),
            "recommendations.vulnerabilities" => ask.recommendation().and_then(|r| {
                let d = &ask.data().defender;
                let s = d.recommendation_software[r] as usize;
                ask.vulnerabilities(&d.software_cves[s])
            }),
            "remediationtasks.list" => {
                let items = ask
                    .data()
                    .defender
                    .remediation_tasks
                    .iter()
                    .map(Item::of)
                    .collect();
                ask.list::<RemediationProps>("RemediationTasks", items)
            }
            "remediationtasks.get" => ask.remediation().map(|t| {
                ask.one(
                    "RemediationTasks",
                    Item::of(&ask.data().defender.remediation_tasks[t]),
                )
            }),
            "remediationtasks.machinereferences" => ask.remediation().and_then(|t| {
                let d = &ask.data().defender;
                let r = d.remediation_recommendation[t] as usize;
                let s = d.recommendation_software[r] as usize;
                ask.machine_references(&d.exposure[s].0)
            }),
            "machines.findbytag" => find_by_tag(&ask),
            "machines.software" => ask.machine().and_then(|m| {
                let d = &ask.data().defender;
                let items = d.installs[m]
                    .iter()
                    .map(|i| Item::of(&d.software[i.product as usize]))
                    .collect();
                ask.list::<SoftwareProps>("Software", items)
            }),
            "machines.vulnerabilities" => ask
                .machine()
                .and_then(|m| ask.vulnerabilities(&ask.data().defender.machine_vulnerabilities(m))),
            "machines.recommendations" => ask.machine().and_then(|m| {
                let d = &ask.data().defender;
                let items = d
                    .recommendations
                    .iter()
                    .zip(&d.recommendation_software)
                    .filter(|(_, &s)| d.exposure[s as usize].0.contains(&(m as u32)))
                    .map(|(r, _)| Item::of(r))
                    .collect();
                ask.list::<RecommendationProps>("Recommendations", items)
            }),
            "machines.getmissingkbs" => ask.machine().and_then(|m| {
                let d = &ask.data().defender;
                let software: Vec<usize> = d.installs[m]
                    .iter()
                    .filter(|i| i.version > 0)
                    .map(|i| i.product as usize)
                    .collect();
                ask.kbs_of_software(&software)
            }),
            "scores.exposure" => Ok(ask.one(
                "ExposureScore",
                Item::of(&ask.data().defender.exposure_score),
            )),
            "scores.configuration" => Ok(ask.one(
                "ConfigurationScore",
                Item::of(&ask.data().defender.configuration_score),
            )),
            "scores.exposurebygroup" => {
                let items = ask
                    .data()
                    .defender
                    .group_scores
                    .iter()
                    .map(Item::of)
                    .collect();
                ask.list::<NoProps>("ExposureScore", items)
            }
            "avhealth.list" => {
                let items = ask.data().defender.av_health.iter().map(Item::of).collect();
                ask.list::<AvHealthProps>("DeviceAvInfo", items)
            }
            "incidents.list" => {
                let items = incidents(ask.data()).into_iter().map(|(_, i)| i).collect();
                ask.list::<IncidentProps>("Incidents", items)
            }
            "incidents.get" => incidents(ask.data())
                .into_iter()
                .find(|(id, _)| id.to_string() == ask.id)
                .map(|(_, i)| ask.one("Incidents", i))
                .ok_or_else(|| ask.missing("Incident")),
            other => match other.strip_prefix("assessments.") {
                Some(which) => assessment(&ask, which),
                None => return None,
            },
        };
        Some(answer)
    }
}

fn actions(ask: &Ask) -> Result<String, Failure> {
    // The analyst's own, newest first, ahead of the generated ones.
    let mut items: Vec<Item> = ask
        .tenant
        .performed()
        .actions()
        .iter()
        .rev()
        .map(Item::of)
        .collect();
    items.extend(ask.data().defender.machine_actions.iter().map(Item::of));
    ask.list::<ActionProps>("MachineActions", items)
}

fn package_uri(ask: &Ask) -> Result<String, Failure> {
    let a = &ask.data().defender.machine_actions[ask.action()?];
    if a.action_type.as_deref() != Some("CollectInvestigationPackage") {
        return Err(fail(
            400,
            "InvalidRequestBody",
            format!(
                "Machine action {:?} is a {}, not a CollectInvestigationPackage: it has no package.",
                a.id,
                a.action_type.as_deref().unwrap_or("machine action")
            ),
        ));
    }
    if a.status.as_deref() != Some("Succeeded") {
        return Err(not_found(format!(
            "The package of machine action {:?} is not ready (status {}).",
            a.id,
            a.status.as_deref().unwrap_or("unknown")
        )));
    }
    Ok(ask.value(format!(
        "https://userrequests-us.securitycenter.windows.com:443/safedownload/WDATP_Investigation_Package.zip?token={}",
        a.id.replace('-', "")
    )))
}

fn live_result(ask: &Ask) -> Result<String, Failure> {
    let a = &ask.data().defender.machine_actions[ask.action()?];
    let index = ask
        .query
        .params
        .get(1)
        .and_then(|i| i.parse::<i64>().ok())
        .ok_or_else(|| odata("index is not a whole number"))?;
    let command = a
        .commands
        .iter()
        .flatten()
        .find(|c| c.index == Some(index))
        .ok_or_else(|| {
            not_found(format!(
                "Machine action {:?} has no live response command with index {index}.",
                a.id
            ))
        })?;
    if command.command_status.as_deref() != Some("Completed") {
        return Err(not_found(format!(
            "Command {index} of machine action {:?} has no result yet.",
            a.id
        )));
    }
    Ok(ask.value(format!(
        "https://core-us.securitycenter.windows.com/lr/results/{}/{index}?se=demo&sig=demo",
        a.id
    )))
}

fn installed_on(data: &Dataset, software: usize) -> Vec<u32> {
    data.defender
        .installs
        .iter()
        .enumerate()
        .filter(|(_, list)| list.iter().any(|i| i.product as usize == software))
        .map(|(m, _)| m as u32)
        .collect()
}

fn distributions(ask: &Ask) -> Result<String, Failure> {
    let s = ask.software()?;
    let d = &ask.data().defender;
    let mut by_version: BTreeMap<u8, i64> = BTreeMap::new();
    for i in d
        .installs
        .iter()
        .flatten()
        .filter(|i| i.product as usize == s)
    {
        *by_version.entry(i.version).or_default() += 1;
    }
    let cves = d.software_cves[s].len() as i64;
    let items = by_version
        .into_iter()
        .map(|(v, n)| {
            let install = crate::demo::Install {
                product: s as u32,
                version: v,
            };
            Item::pairs(vec![
                ("version", Value::String(install_names(&install).2.into())),
                ("installations", json!(n)),
                ("vulnerabilities", json!(if v > 0 { cves } else { 0 })),
            ])
        })
        .collect();
    ask.list::<NoProps>("Distributions", items)
}

fn machine_vulnerability_rows(data: &Dataset) -> Vec<Item> {
    let d = &data.defender;
    let mut out = Vec::new();
    for (m, list) in d.installs.iter().enumerate() {
        let machine = &data.machines[m];
        for i in list.iter().filter(|i| i.version > 0) {
            let (vendor, name, version) = install_names(i);
            let kb = crate::demo::generate_product_kb(i.product);
            for &v in &d.software_cves[i.product as usize] {
                let vuln = &d.vulnerabilities[v as usize];
                out.push(Item::pairs(vec![
                    (
                        "id",
                        Value::String(format!(
                            "{}-_-{}-_-{vendor}-_-{name}-_-{version}-_-{}",
                            machine.id,
                            vuln.id,
                            kb.unwrap_or_default()
                        )),
                    ),
                    ("cveId", Value::String(vuln.id.clone())),
                    ("machineId", Value::String(machine.id.clone())),
                    ("fixingKbId", json!(kb)),
                    ("productName", Value::String(name.into())),
                    ("productVendor", Value::String(vendor.into())),
                    ("productVersion", Value::String(version.into())),
                    ("severity", json!(vuln.severity)),
                ]));
            }
        }
    }
    out
}

fn find_by_tag(ask: &Ask) -> Result<String, Failure> {
    let tag = ask
        .query
        .option(QueryOption::Tag)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| odata("The tag parameter is required: /machines/findbytag?tag=…"))?;
    let starts = ask
        .query
        .option(QueryOption::UseStartsWithFilter)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let wanted = tag.to_lowercase();
    let data = ask.data();
    let items: Vec<Item> = data
        .machines
        .iter()
        .filter(|m| {
            m.machine_tags.iter().flatten().any(|t| {
                let t = t.to_lowercase();
                if starts {
                    t.starts_with(&wanted)
                } else {
                    t == wanted
                }
            })
        })
        .map(|m| {
            let mut m = m.clone();
            m.logon_users = None;
            Item::of(&m)
        })
        .collect();
    ask.list::<NoProps>("Machines", items)
}

/// Defender XDR's incidents: the alerts grouped by incident id, newest first.
fn incidents(data: &Dataset) -> Vec<(i64, Item)> {
    let mut groups: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (i, a) in data.alerts.iter().enumerate() {
        if let Some(id) = a.incident_id {
            groups.entry(id).or_default().push(i);
        }
    }
    let severities = ["Informational", "Low", "Medium", "High"];
    let mut out: Vec<(i64, Option<Timestamp>, Item)> = groups
        .into_iter()
        .map(|(id, alerts)| {
            let created = alerts
                .iter()
                .filter_map(|&a| data.alerts[a].alert_creation_time)
                .min();
            let updated = alerts
                .iter()
                .filter_map(|&a| {
                    let a = &data.alerts[a];
                    a.last_update_time.or(a.alert_creation_time)
                })
                .max();
            let severity = alerts
                .iter()
                .filter_map(|&a| data.alerts[a].severity.as_deref())
                .filter_map(|s| severities.iter().position(|x| *x == s))
                .max()
                .map(|r| severities[r]);
            let resolved = alerts
                .iter()
                .all(|&a| data.alerts[a].status.as_deref() == Some("Resolved"));
            let first = &data.alerts[alerts[0]];
            let name = match alerts.len() {
                1 => first.title.clone().unwrap_or_else(|| "Incident".into()),
                n => format!(
                    "Multi-stage incident involving {} ({n} alerts)",
                    first.category.as_deref().unwrap_or("several categories")
                ),
            };
            let alert_json: Vec<Value> = alerts
                .iter()
                .map(|&a| {
                    let al = &data.alerts[a];
                    let m = &data.machines[data.links[a].machine as usize];
                    json!({
                        "alertId": al.id,
                        "incidentId": id,
                        "serviceSource": "MicrosoftDefenderForEndpoint",
                        "creationTime": al.alert_creation_time,
                        "lastUpdatedTime": al.last_update_time,
                        "resolvedTime": al.resolved_time,
                        "firstActivity": al.first_event_time,
                        "lastActivity": al.last_event_time,
                        "title": al.title,
                        "description": al.description,
                        "category": al.category,
                        "status": al.status,
                        "severity": al.severity,
                        "detectionSource": al.detection_source,
                        "devices": [{
                            "mdatpDeviceId": m.id,
                            "deviceDnsName": m.computer_dns_name,
                            "osPlatform": m.os_platform,
                        }],
                        "entities": [],
                    })
                })
                .collect();
            let item = Item::pairs(vec![
                ("incidentId", json!(id)),
                (
                    "incidentUri",
                    Value::String(format!(
                        "https://security.microsoft.com/incidents/{id}?tid=demo"
                    )),
                ),
                ("redirectIncidentId", Value::Null),
                ("incidentName", Value::String(name)),
                ("createdTime", json!(created)),
                ("lastUpdateTime", json!(updated)),
                ("assignedTo", json!(first.assigned_to)),
                (
                    "classification",
                    json!(first.classification.as_deref().unwrap_or("Unknown")),
                ),
                (
                    "determination",
                    json!(first.determination.as_deref().unwrap_or("NotAvailable")),
                ),
                (
                    "status",
                    json!(if resolved { "Resolved" } else { "Active" }),
                ),
                ("severity", json!(severity)),
                ("tags", json!([])),
                ("comments", json!([])),
                ("alerts", Value::Array(alert_json)),
            ]);
            (id, updated, item)
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    out.into_iter().map(|(id, _, item)| (id, item)).collect()
}

/// The assessment routes: JSON pages of rows per machine, or links to export files.
fn assessment(ask: &Ask, which: &str) -> Result<String, Failure> {
    if let Some(export) = which.strip_suffix("export") {
        let generated = ask.data().now;
        let files: Vec<String> = (0..2)
            .map(|n| {
                format!(
                    "https://tvmexportstrstgeus.blob.core.windows.net/tvm-export/{export}/{}/part-{n:05}.json.gz?sv=demo&sig=demo",
                    generated.0.format("%Y-%m-%d")
                )
            })
            .collect();
        let item = Item::pairs(vec![
            ("exportFiles", json!(files)),
            ("generatedTime", json!(generated)),
        ]);
        let context = Value::String(format!(
            "{}/$metadata#microsoft.windowsDefenderATP.api.ExportFilesResponse",
            ask.base()
        ));
        return Ok(match item.text.strip_prefix('{') {
            Some(rest) => format!("{{\"@odata.context\":{context},{rest}"),
            None => item.text,
        });
    }
    let data = ask.data();
    if let Some(since) = ask.query.option(QueryOption::SinceTime) {
        Timestamp::parse(since)
            .ok_or_else(|| odata(format!("sinceTime {since:?} is not an ISO 8601 time")))?;
    }
    let rows = match which {
        "softwarevulnerabilities" | "softwarevulnerabilitychanges" => {
            software_vulnerability_rows(data, which == "softwarevulnerabilitychanges")
        }
        "softwareinventory" | "noproductcode" => inventory_rows(data, which == "noproductcode"),
        "secureconfigurations" | "baselinecompliance" => {
            configuration_rows(data, which == "baselinecompliance")
        }
        "browserextensions" => per_machine(data, |m| {
            vec![vec![
                ("browserName", json!("edge")),
                ("extensionId", json!("odfafepnkmbhccpbejgmiehpchacaeak")),
                ("extensionName", json!("uBlock Origin")),
                (
                    "extensionDescription",
                    json!("Finally, an efficient blocker."),
                ),
                ("extensionVersion", json!("1.61.0")),
                ("extensionRisk", json!("Low")),
                ("extensionVendor", json!("Raymond Hill")),
                ("isActivated", json!(m % 3 != 0)),
            ]]
        }),
        "certificates" => per_machine(data, |m| {
            vec![vec![
                (
                    "thumbprint",
                    json!(format!("{:040x}", m as u64 * 0x9E37_79B9 + 1)),
                ),
                ("path", json!("Cert:\\LocalMachine\\My")),
                ("signatureAlgorithm", json!("sha256RSA")),
                ("keySize", json!(2048)),
                ("issuedTo", json!({"commonName": "contoso-web"})),
                ("issuedBy", json!({"commonName": "Contoso Issuing CA"})),
                (
                    "expirationDate",
                    json!(Timestamp(
                        data.now.0 + chrono::Duration::days(30 + (m as i64 % 300))
                    )),
                ),
            ]]
        }),
        "hardwarefirmware" => per_machine(data, |m| {
            vec![
                vec![
                    ("componentType", json!("Bios")),
                    ("manufacturer", json!("Dell Inc.")),
                    ("componentName", json!("BIOS")),
                    ("componentFamily", json!(Value::Null)),
                    ("componentVersion", json!(format!("1.{}.0", 10 + m % 9))),
                ],
                vec![
                    ("componentType", json!("Processor")),
                    ("manufacturer", json!("Intel")),
                    ("componentName", json!("Intel(R) Core(TM) i7-1365U")),
                    ("componentFamily", json!("Core i7")),
                    ("componentVersion", json!(Value::Null)),
                ],
            ]
        }),
        _ => {
            return Err(not_found(format!(
                "The demo tenant has no assessment {which}."
            )))
        }
    };
    ask.list::<NoProps>(
        &format!(
            "Collection(microsoft.windowsDefenderATP.api.{})",
            ask.query.route.action
        ),
        rows,
    )
}

/// Rows for every machine: its device columns, then `rows(machine index)`'s columns.
fn per_machine(
    data: &Dataset,
    rows: impl Fn(usize) -> Vec<Vec<(&'static str, Value)>>,
) -> Vec<Item> {
    let mut out = Vec::new();
    for (m, machine) in data.machines.iter().enumerate() {
        for row in rows(m) {
            let mut pairs = device_columns(machine);
            pairs.extend(row);
            out.push(Item::pairs(pairs));
        }
    }
    out
}

fn device_columns(m: &crate::model::Machine) -> Vec<(&'static str, Value)> {
    vec![
        ("deviceId", Value::String(m.id.clone())),
        ("deviceName", json!(m.computer_dns_name)),
        ("osPlatform", json!(m.os_platform)),
        ("osVersion", json!(m.os_version)),
        ("rbacGroupName", json!(m.rbac_group_name)),
    ]
}

fn software_vulnerability_rows(data: &Dataset, changes: bool) -> Vec<Item> {
    let d = &data.defender;
    let mut out = Vec::new();
    for (m, list) in d.installs.iter().enumerate() {
        let machine = &data.machines[m];
        for i in list.iter().filter(|i| i.version > 0) {
            let (vendor, name, version) = install_names(i);
            let kb = crate::demo::generate_product_kb(i.product);
            for &v in &d.software_cves[i.product as usize] {
                let vuln = &d.vulnerabilities[v as usize];
                let mut pairs = vec![(
                    "id",
                    Value::String(format!(
                        "{}_{vendor}_{name}_{version}_{}",
                        machine.id, vuln.id
                    )),
                )];
                pairs.extend(device_columns(machine));
                pairs.extend([
                    ("softwareVendor", json!(vendor)),
                    ("softwareName", json!(name)),
                    ("softwareVersion", json!(version)),
                    ("cveId", json!(vuln.id)),
                    ("vulnerabilitySeverityLevel", json!(vuln.severity)),
                    (
                        "recommendedSecurityUpdate",
                        json!(kb.map(|k| format!("KB{k}"))),
                    ),
                    ("recommendedSecurityUpdateId", json!(kb)),
                    ("lastSeenTimestamp", json!(machine.last_seen)),
                    ("firstSeenTimestamp", json!(vuln.first_detected)),
                    (
                        "exploitabilityLevel",
                        json!(if vuln.public_exploit == Some(true) {
                            "ExploitIsPublic"
                        } else {
                            "NoExploit"
                        }),
                    ),
                    (
                        "recommendationReference",
                        json!(format!("va-_-{vendor}-_-{name}")),
                    ),
                    ("cvssScore", json!(vuln.cvss_v3)),
                ]);
                if changes {
                    pairs.extend([
                        ("status", json!("New")),
                        ("eventTimestamp", json!(vuln.first_detected)),
                    ]);
                }
                out.push(Item::pairs(pairs));
            }
        }
    }
    out
}

fn inventory_rows(data: &Dataset, no_product_code: bool) -> Vec<Item> {
    let d = &data.defender;
    let mut out = Vec::new();
    for (m, list) in d.installs.iter().enumerate() {
        let machine = &data.machines[m];
        for i in list {
            let (vendor, name, version) = install_names(i);
            // Software without a CPE: the demo's Python installs stand for it.
            if no_product_code != (name == "python") {
                continue;
            }
            let mut pairs = device_columns(machine);
            pairs.extend([
                ("softwareVendor", json!(vendor)),
                ("softwareName", json!(name)),
                ("softwareVersion", json!(version)),
                (
                    "numberOfWeaknesses",
                    json!(if i.version > 0 {
                        d.software_cves[i.product as usize].len()
                    } else {
                        0
                    }),
                ),
                ("diskPaths", json!([])),
                ("registryPaths", json!([])),
                ("softwareFirstSeenTimestamp", json!(machine.first_seen)),
                ("endOfSupportStatus", json!(Value::Null)),
                ("endOfSupportDate", json!(Value::Null)),
            ]);
            out.push(Item::pairs(pairs));
        }
    }
    out
}

static CONFIGURATIONS: &[(&str, &str, &str)] = &[
    (
        "scid-2010",
        "Turn on Microsoft Defender Antivirus",
        "Security controls",
    ),
    (
        "scid-91",
        "Set 'Minimum password length' to 14 or more characters",
        "Accounts",
    ),
    (
        "scid-5001",
        "Enable 'Local Security Authority (LSA) protection'",
        "OS",
    ),
    (
        "scid-2090",
        "Turn on Microsoft Defender Firewall",
        "Network",
    ),
];

fn configuration_rows(data: &Dataset, baseline: bool) -> Vec<Item> {
    per_machine(data, |m| {
        CONFIGURATIONS
            .iter()
            .enumerate()
            .map(|(c, (id, name, category))| {
                let compliant = (m + c) % 4 != 0;
                let mut row = vec![
                    ("configurationId", json!(id)),
                    ("configurationCategory", json!(category)),
                    ("configurationName", json!(name)),
                    ("isCompliant", json!(compliant)),
                    ("isApplicable", json!(true)),
                    ("isExpectedUserImpact", json!(c == 1)),
                    ("timestamp", json!(data.now)),
                ];
                if baseline {
                    row.push(("profileId", json!("a6a0f5ad-4c37-4b7c-9f0b-cis-l1")));
                    row.push(("source", json!(["Registry"])));
                } else {
                    row.push(("configurationImpact", json!(3.0 + c as f64)));
                }
                row
            })
            .collect()
    })
}
