//! The API catalogue: every route the app can call, as data.
//!
//! One source of truth for the query builder, the URL codec, the demo tenant, the docs and the tests.
//! The WDATP routes are the 29 rows of the 2017 "Supported Windows Defender ATP APIs" table (with its two
//! errata fixed and noted); the Defender for Endpoint routes are today's API as Microsoft documents it.

mod hunting;
pub use hunting::{hunting_routes, HuntingApi, HuntingRoute, HUNTING_ROUTES};

use serde::{Deserialize, Serialize};

/// The kinds of things the API talks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Entity {
    Actor,
    Alert,
    Machine,
    User,
    Domain,
    Ip,
    File,
    /// A Microsoft Graph security incident: alerts correlated into one attack story.
    Incident,
    /// A response action taken on a machine (isolate, scan, collect a package, …).
    MachineAction,
    /// An automated investigation, triggered by an alert.
    Investigation,
    /// A threat indicator (file hash, IP, domain, URL or certificate) and what it does.
    Indicator,
    /// A software product of the vulnerability management inventory.
    Software,
    /// A vulnerability (CVE) of the vulnerability management catalogue.
    Vulnerability,
    /// A security recommendation.
    Recommendation,
    /// A remediation activity created from a recommendation.
    RemediationTask,
    /// The exposure score, a device group's exposure score or the configuration score.
    Score,
    /// A device's Microsoft Defender Antivirus health.
    AvHealth,
    /// A row of a vulnerability management assessment or export (per device and software, CVE, …).
    Assessment,
    /// A missing security update (KB).
    Kb,
}

impl Entity {
    pub const ALL: [Entity; 19] = [
        Entity::Actor,
        Entity::Alert,
        Entity::Machine,
        Entity::User,
        Entity::Domain,
        Entity::Ip,
        Entity::File,
        Entity::Incident,
        Entity::MachineAction,
        Entity::Investigation,
        Entity::Indicator,
        Entity::Software,
        Entity::Vulnerability,
        Entity::Recommendation,
        Entity::RemediationTask,
        Entity::Score,
        Entity::AvHealth,
        Entity::Assessment,
        Entity::Kb,
    ];

    /// The name the source table uses in its "Entity" column.
    pub fn label(self) -> &'static str {
        match self {
            Entity::Actor => "Actor",
            Entity::Alert => "Alerts",
            Entity::Machine => "Machine",
            Entity::User => "User",
            Entity::Domain => "Domain",
            Entity::Ip => "IP",
            Entity::File => "File",
            Entity::Incident => "Incidents",
            Entity::MachineAction => "Machine actions",
            Entity::Investigation => "Investigations",
            Entity::Indicator => "Indicators",
            Entity::Software => "Software",
            Entity::Vulnerability => "Vulnerabilities",
            Entity::Recommendation => "Recommendations",
            Entity::RemediationTask => "Remediation tasks",
            Entity::Score => "Scores",
            Entity::AvHealth => "Antivirus health",
            Entity::Assessment => "Assessments",
            Entity::Kb => "Missing KBs",
        }
    }

    /// A stable lower-case key, used in the app's own URLs.
    pub fn key(self) -> &'static str {
        match self {
            Entity::Actor => "actor",
            Entity::Alert => "alert",
            Entity::Machine => "machine",
            Entity::User => "user",
            Entity::Domain => "domain",
            Entity::Ip => "ip",
            Entity::File => "file",
            Entity::Incident => "incident",
            Entity::MachineAction => "machineaction",
            Entity::Investigation => "investigation",
            Entity::Indicator => "indicator",
            Entity::Software => "software",
            Entity::Vulnerability => "vulnerability",
            Entity::Recommendation => "recommendation",
            Entity::RemediationTask => "remediationtask",
            Entity::Score => "score",
            Entity::AvHealth => "avhealth",
            Entity::Assessment => "assessment",
            Entity::Kb => "kb",
        }
    }

    pub fn from_key(key: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.key() == key)
    }

    /// The singular name of one entity of this type, as graph nodes and the side panel say it.
    pub fn singular(self) -> &'static str {
        match self {
            Entity::Alert => "Alert",
            Entity::Incident => "Incident",
            Entity::MachineAction => "Machine action",
            Entity::Investigation => "Investigation",
            Entity::Indicator => "Indicator",
            Entity::Vulnerability => "Vulnerability",
            Entity::Recommendation => "Recommendation",
            Entity::RemediationTask => "Remediation task",
            Entity::Score => "Score",
            Entity::Assessment => "Assessment",
            Entity::Kb => "Missing KB",
            other => other.label(),
        }
    }
}

/// Which API a route belongs to: the routes differ, not only the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Api {
    /// The 2017 Windows Defender ATP API of the source document, hosted under Microsoft Graph.
    Wdatp,
    /// Today's Microsoft Defender for Endpoint API.
    Defender,
    /// The Microsoft Graph security API (v1.0): alerts v2, incidents, advanced hunting. Graph answers
    /// signed-in calls from any origin, so a static page reaches it directly.
    Graph,
}

impl Api {
    pub fn routes(self) -> impl Iterator<Item = &'static Route> {
        ROUTES.iter().filter(move |r| r.api == self)
    }

    pub fn route(self, key: &str) -> Option<&'static Route> {
        self.routes().find(|r| r.key == key)
    }

    /// The API's name, as profiles and messages say it.
    pub fn label(self) -> &'static str {
        match self {
            Api::Wdatp => "WDATP",
            Api::Defender => "Defender for Endpoint",
            Api::Graph => "Microsoft Graph security",
        }
    }
}

/// Defender for Endpoint's data-residency hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Region {
    Global,
    Us,
    Eu,
    Uk,
    Au,
    Swa,
    Ina,
    Aea,
    /// `api.securitycenter.microsoft.com`, the older host that still answers.
    Legacy,
}

impl Region {
    pub const ALL: [Region; 9] = [
        Region::Global,
        Region::Us,
        Region::Eu,
        Region::Uk,
        Region::Au,
        Region::Swa,
        Region::Ina,
        Region::Aea,
        Region::Legacy,
    ];

    pub fn host(self) -> &'static str {
        match self {
            Region::Global => "api.security.microsoft.com",
            Region::Us => "us.api.security.microsoft.com",
            Region::Eu => "eu.api.security.microsoft.com",
            Region::Uk => "uk.api.security.microsoft.com",
            Region::Au => "au.api.security.microsoft.com",
            Region::Swa => "swa.api.security.microsoft.com",
            Region::Ina => "ina.api.security.microsoft.com",
            Region::Aea => "aea.api.security.microsoft.com",
            Region::Legacy => "api.securitycenter.microsoft.com",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Region::Global => "Global (nearest)",
            Region::Us => "United States",
            Region::Eu => "Europe",
            Region::Uk => "United Kingdom",
            Region::Au => "Australia",
            Region::Swa => "Switzerland",
            Region::Ina => "India",
            Region::Aea => "United Arab Emirates",
            Region::Legacy => "Legacy host (securitycenter)",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Region::Global => "global",
            Region::Us => "us",
            Region::Eu => "eu",
            Region::Uk => "uk",
            Region::Au => "au",
            Region::Swa => "swa",
            Region::Ina => "ina",
            Region::Aea => "aea",
            Region::Legacy => "legacy",
        }
    }

    pub fn from_key(key: &str) -> Option<Region> {
        Region::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// An API profile: which routes exist and which host answers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Profile {
    Wdatp,
    Defender(Region),
    /// Microsoft Graph security, `https://graph.microsoft.com/v1.0`.
    Graph,
}

/// Hosts that documentation of earlier years used for the same APIs: accepted when a URL is pasted.
const WDATP_BASE_ALIASES: &[&str] = &[
    "https://graph.microsoft.com/testwdatppreview",
    "https://graph.microsoft-ppe.com/testwdatp",
];
const DEFENDER_BASE_ALIASES: &[&str] = &["https://api.securitycenter.windows.com/api"];

impl Profile {
    pub const WDATP_BASE: &'static str = "https://graph.microsoft.com/testwdatp";
    pub const GRAPH_BASE: &'static str = "https://graph.microsoft.com/v1.0";

    pub fn api(self) -> Api {
        match self {
            Profile::Wdatp => Api::Wdatp,
            Profile::Defender(_) => Api::Defender,
            Profile::Graph => Api::Graph,
        }
    }

    pub fn label(self) -> &'static str {
        self.api().label()
    }

    /// The base URL every route template is appended to (no trailing slash).
    pub fn base(self) -> String {
        match self {
            Profile::Wdatp => Self::WDATP_BASE.to_string(),
            Profile::Defender(region) => format!("https://{}/api", region.host()),
            Profile::Graph => Self::GRAPH_BASE.to_string(),
        }
    }

    /// The profile that sends `route`: this one for its own API's routes, else the route's API's
    /// profile (a Graph investigation's Defender expansions go to Defender's global host).
    pub fn sending(self, route: &Route) -> Profile {
        if route.api == self.api() {
            self
        } else {
            Profile::for_api(route.api)
        }
    }

    /// The profile of `api` (Defender's global host).
    pub fn for_api(api: Api) -> Profile {
        match api {
            Api::Wdatp => Profile::Wdatp,
            Api::Defender => Profile::Defender(Region::Global),
            Api::Graph => Profile::Graph,
        }
    }

    /// Every profile, one per Defender region.
    pub fn all() -> impl Iterator<Item = Profile> {
        std::iter::once(Profile::Wdatp)
            .chain(Region::ALL.into_iter().map(Profile::Defender))
            .chain(std::iter::once(Profile::Graph))
    }

    /// The profile whose base (or a documented earlier host of the same API) starts `url`, and the rest.
    pub fn split_base(url: &str) -> Option<(Profile, &str)> {
        let candidates = Profile::all()
            .map(|p| (p, p.base()))
            .chain(
                WDATP_BASE_ALIASES
                    .iter()
                    .map(|b| (Profile::Wdatp, b.to_string())),
            )
            .chain(
                DEFENDER_BASE_ALIASES
                    .iter()
                    .map(|b| (Profile::Defender(Region::Global), b.to_string())),
            );
        // Longest base first, so `testwdatppreview` is not read as `testwdatp` + `preview`.
        let mut best: Option<(Profile, usize)> = None;
        for (profile, base) in candidates {
            let matches = url
                .get(..base.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(&base))
                && matches!(
                    url.as_bytes().get(base.len()),
                    None | Some(b'/' | b'?' | b'#')
                );
            if matches && best.is_none_or(|(_, len)| base.len() > len) {
                best = Some((profile, base.len()));
            }
        }
        best.map(|(p, len)| (p, &url[len..]))
    }

    /// The route of this profile's API that does the same thing as `route` (same key), if any.
    pub fn equivalent(self, route: &Route) -> Option<&'static Route> {
        let api = self.api();
        api.route(route.key).or_else(|| match route.key {
            "alerts.machines" => api.route("alerts.machine"),
            "alerts.machine" => api.route("alerts.machines"),
            "machines.find" => api.route("machines.findbyip"),
            "machines.findbyip" => api.route("machines.find"),
            _ => None,
        })
    }
}

/// What a path parameter holds; decides how it is validated and written into the URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ParamKind {
    /// An alert id such as `636341278149188342_1960231459` (today also `da…` prefixed).
    AlertId,
    /// An actor report name such as `zinc`.
    ActorId,
    /// 40 hexadecimal characters.
    MachineId,
    /// `name` or `domain\name` (today also a UPN).
    UserKey,
    /// A DNS domain name.
    Domain,
    /// An IPv4 or IPv6 address.
    Ip,
    /// MD5, SHA1 or SHA256 in hexadecimal.
    FileHash,
    /// A machine's FQDN or internal IP address.
    MachineKey,
    /// An ISO 8601 date and time with its offset.
    Timestamp,
    /// A Microsoft Graph security incident id: digits, e.g. `2972395`.
    IncidentId,
    /// A machine action id: a GUID, e.g. `69dc3630-1ccc-4342-acf3-35286eec741d`.
    ActionId,
    /// An automated investigation id, e.g. `63017`.
    InvestigationId,
    /// An indicator id: digits, e.g. `995`.
    IndicatorId,
    /// A software id, `vendor-_-product`, e.g. `microsoft-_-edge`.
    SoftwareId,
    /// A vulnerability id, e.g. `CVE-2019-0608`.
    VulnerabilityId,
    /// A security recommendation id, e.g. `va-_-google-_-chrome`.
    RecommendationId,
    /// A remediation activity id, e.g. `03942ef5-aewb-4w6e-b555-d6a97013844w`.
    RemediationTaskId,
    /// The index of a live response command's result: digits, from 0.
    Index,
}

impl ParamKind {
    /// One line of help for the control that edits such a parameter.
    pub fn help(self) -> &'static str {
        match self {
            ParamKind::AlertId => "Alert id, e.g. 636341278149188342_1960231459",
            ParamKind::ActorId => "Actor report name, e.g. zinc",
            ParamKind::MachineId => "Machine id: 40 hexadecimal characters",
            ParamKind::UserKey => "User name or domain\\name, e.g. CONTOSO\\jdoe",
            ParamKind::Domain => "Domain name, e.g. client.wns.windows.com",
            ParamKind::Ip => "IPv4 or IPv6 address",
            ParamKind::FileHash => "SHA1, SHA256 or MD5 of the file",
            ParamKind::MachineKey => "Machine FQDN or internal IP address",
            ParamKind::Timestamp => "ISO 8601 time, e.g. 2017-06-27T02:36:53Z",
            ParamKind::IncidentId => "Incident id: digits, e.g. 2972395",
            ParamKind::ActionId => "Machine action id, e.g. 69dc3630-1ccc-4342-acf3-35286eec741d",
            ParamKind::InvestigationId => "Investigation id, e.g. 63017",
            ParamKind::IndicatorId => "Indicator id: digits, e.g. 995",
            ParamKind::SoftwareId => "Software id, vendor-_-product, e.g. microsoft-_-edge",
            ParamKind::VulnerabilityId => "Vulnerability id, e.g. CVE-2019-0608",
            ParamKind::RecommendationId => "Recommendation id, e.g. va-_-google-_-chrome",
            ParamKind::RemediationTaskId => {
                "Remediation activity id, e.g. 03942ef5-aewb-4w6e-b555-d6a97013844w"
            }
            ParamKind::Index => "Result index: digits, from 0",
        }
    }

    /// How the parameter is written inside an OData function call: strings quoted, times bare.
    pub fn is_string_literal(self) -> bool {
        !matches!(self, ParamKind::Timestamp | ParamKind::Index)
    }
}

/// A path parameter of a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Param {
    /// The placeholder's name in the route template (`id` in `/alerts/{id}`).
    pub name: &'static str,
    pub kind: ParamKind,
}

/// The query options a route may accept. All but `lookBackHours` are OData system query options.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum QueryOption {
    Filter,
    Select,
    Expand,
    OrderBy,
    Top,
    Skip,
    Count,
    LookBackHours,
    /// `tag=` of `/machines/findbytag`.
    Tag,
    /// `useStartsWithFilter=` of `/machines/findbytag`.
    UseStartsWithFilter,
    /// `pageSize=` of the vulnerability management assessment routes.
    PageSize,
    /// `sinceTime=` of the vulnerability management delta routes.
    SinceTime,
    /// `$skiptoken=`: where the next page of an assessment starts (the API's `@odata.nextLink` writes it).
    SkipToken,
}

impl QueryOption {
    pub const ALL: [QueryOption; 13] = [
        QueryOption::Filter,
        QueryOption::Select,
        QueryOption::Expand,
        QueryOption::OrderBy,
        QueryOption::Top,
        QueryOption::Skip,
        QueryOption::Count,
        QueryOption::LookBackHours,
        QueryOption::Tag,
        QueryOption::UseStartsWithFilter,
        QueryOption::PageSize,
        QueryOption::SinceTime,
        QueryOption::SkipToken,
    ];

    /// The name as written in the URL, e.g. `$top`.
    pub fn name(self) -> &'static str {
        match self {
            QueryOption::Filter => "$filter",
            QueryOption::Select => "$select",
            QueryOption::Expand => "$expand",
            QueryOption::OrderBy => "$orderby",
            QueryOption::Top => "$top",
            QueryOption::Skip => "$skip",
            QueryOption::Count => "$count",
            QueryOption::LookBackHours => "lookBackHours",
            QueryOption::Tag => "tag",
            QueryOption::UseStartsWithFilter => "useStartsWithFilter",
            QueryOption::PageSize => "pageSize",
            QueryOption::SinceTime => "sinceTime",
            QueryOption::SkipToken => "$skiptoken",
        }
    }

    /// Reads an option name from a URL; OData names are case-insensitive, the `$` optional.
    pub fn from_name(name: &str) -> Option<QueryOption> {
        let bare = name.strip_prefix('$').unwrap_or(name);
        QueryOption::ALL.into_iter().find(|o| {
            let own = o.name();
            own.strip_prefix('$')
                .unwrap_or(own)
                .eq_ignore_ascii_case(bare)
        })
    }

    /// One line of help for the control that edits this option.
    pub fn help(self) -> &'static str {
        match self {
            QueryOption::Filter => {
                "Only results matching this OData expression, e.g. severity eq 'High'"
            }
            QueryOption::Select => "Only these properties, comma separated, e.g. id,title,severity",
            QueryOption::Expand => "Embed the related entity in each result",
            QueryOption::OrderBy => "Sort by these properties, e.g. alertCreationTime desc",
            QueryOption::Top => {
                "Return at most this many results (the route's maximum is in its notes)"
            }
            QueryOption::Skip => "Skip this many results first (paging)",
            QueryOption::Count => "Include the total number of results (@odata.count)",
            QueryOption::LookBackHours => "Hours of history to count (1 to 720; default 720)",
            QueryOption::Tag => "The machine tag to find, e.g. Finance",
            QueryOption::UseStartsWithFilter => {
                "true: tags that start with the value; false (default): the exact tag"
            }
            QueryOption::PageSize => "Records per page (default 50,000)",
            QueryOption::SinceTime => {
                "Only changes since this time (ISO 8601, e.g. 2024-05-01T00:00:00Z)"
            }
            QueryOption::SkipToken => {
                "Where the next page starts, as the previous page's next link gives it"
            }
        }
    }
}

/// The HTTP method of a route. Reads are sent at once; Defender for Endpoint's writes are sent after the
/// analyst confirms them (with their documented body); Microsoft Graph's writes are listed only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

/// One member of a write's JSON body, as the route's reference page documents it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BodyField {
    /// The member's name, spelled as the API reads it (`Comment`, `IsolationType`, `indicatorValue`).
    pub name: &'static str,
    pub kind: BodyKind,
    pub required: bool,
    /// What it is, as the reference page says.
    pub help: &'static str,
}

/// What a body member holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BodyKind {
    Text,
    /// One of the documented values.
    Choice(&'static [&'static str]),
    Bool,
    /// A JSON value typed as JSON (live response's commands, an import's indicators).
    Json,
}

const fn field(
    name: &'static str,
    kind: BodyKind,
    required: bool,
    help: &'static str,
) -> BodyField {
    BodyField {
        name,
        kind,
        required,
        help,
    }
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// What a route answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Returns {
    One(Entity),
    Many(Entity),
    /// Prevalence statistics of the route's domain, IP or file.
    Stats,
    /// One OData primitive value: a download link (`{"value": "https://…"}`).
    Value,
}

/// One route of an API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Route {
    /// Stable key, unique within its API, e.g. `alerts.machines`; the same key in both APIs means the same call.
    pub key: &'static str,
    pub api: Api,
    pub entity: Entity,
    /// The action as the source names it (`Get`, `GetAlerts`, …).
    pub action: &'static str,
    pub description: &'static str,
    /// Path below the profile's base, with `{name}` placeholders.
    pub template: &'static str,
    pub params: &'static [Param],
    /// The query options this route accepts, in the order the URL writes them.
    pub options: &'static [QueryOption],
    /// Values `$expand` accepts here.
    pub expand: &'static [&'static str],
    pub returns: Returns,
    /// What the source document printed, where it was wrong.
    pub source_note: Option<&'static str>,
    pub method: Method,
    /// The properties `$filter` may name, where the API documents them (empty: not checked here).
    pub filter_fields: &'static [&'static str],
    /// For a relation read as `$expand` of the entity itself (an incident's alerts): the member of the
    /// answer that holds the results; the query carries `$expand=<member>`.
    pub results_in: Option<&'static str>,
    /// For a relation read from another entity's list (a machine's actions from `/machineactions`): the
    /// property that list is filtered on, equal to the route's one parameter
    /// (`$filter=machineId eq '{id}'`). The API has no path of its own for it.
    pub listed_by: Option<&'static str>,
    /// The largest `$top` the route takes (10,000 unless its reference page says otherwise).
    pub max_top: u32,
    /// The least-privileged permission, where the route's page names one other than its entity's.
    pub needs: Option<&'static str>,
    /// A write's documented JSON body (empty for reads and for writes without a body).
    pub body: &'static [BodyField],
}

impl Route {
    /// What this route is called as a relation of its entity, on cards and graph edges: "Machines",
    /// "Prevalence", …
    pub fn relation_label(&self) -> &'static str {
        let last = self.key.rsplit('.').next().unwrap_or(self.key);
        match last {
            "alerts" => "Alerts",
            "machines" => "Machines",
            "machine" => "Machine",
            "logonusers" => "Logon users",
            "files" => "Files",
            "ips" => "IPs",
            "domains" => "Domains",
            "actor" => "Actor",
            "user" => "User",
            "stats" => "Prevalence",
            "software" => "Software",
            "vulnerabilities" => "Vulnerabilities",
            "recommendations" => "Recommendations",
            "machinereferences" => "Exposed machines",
            "distributions" => "Version distribution",
            "getmissingkbs" => "Missing KBs",
            "machineactions" => "Machine actions",
            "indicators" => "Indicators",
            _ => self.action,
        }
    }

    pub fn accepts(&self, option: QueryOption) -> bool {
        self.options.contains(&option)
    }

    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Whether the explorer sends this route: every read, and Defender for Endpoint's writes (after a
    /// confirmation); Microsoft Graph's writes are shown, never run.
    pub fn runs(&self) -> bool {
        self.method == Method::Get || self.api == Api::Defender
    }

    /// Whether the route changes the tenant.
    pub fn writes(&self) -> bool {
        self.method != Method::Get
    }

    /// The least-privileged delegated permission this route needs (Microsoft's docs, per route).
    pub fn permission(&self) -> &'static str {
        if let Some(needs) = self.needs {
            return needs;
        }
        match (self.api, self.entity, self.method) {
            (_, _, Method::Get) => read_permission(self.api, self.entity),
            (Api::Graph, Entity::Incident, _) => "SecurityIncident.ReadWrite.All",
            (Api::Graph, _, _) => "SecurityAlert.ReadWrite.All",
            // Defender's writes each name theirs (`needs`).
            _ => read_permission(self.api, self.entity),
        }
    }

    /// A label that tells two routes of the same entity and action apart, e.g. `Get /alerts/{id}`.
    pub fn title(&self) -> String {
        format!("{} {}", self.action, self.template)
    }
}

const fn p(name: &'static str, kind: ParamKind) -> Param {
    Param { name, kind }
}

use ParamKind as K;
use QueryOption as O;

const ID_ALERT: &[Param] = &[p("id", K::AlertId)];
const ID_ACTOR: &[Param] = &[p("id", K::ActorId)];
const ID_MACHINE: &[Param] = &[p("id", K::MachineId)];
const ID_USER: &[Param] = &[p("id", K::UserKey)];
const ID_DOMAIN: &[Param] = &[p("id", K::Domain)];
const ID_IP: &[Param] = &[p("id", K::Ip)];
const ID_FILE: &[Param] = &[p("id", K::FileHash)];
const ID_INCIDENT: &[Param] = &[p("id", K::IncidentId)];

// The source's "Functions" column, verbatim per row.
const TOP_SELECT_COUNT: &[QueryOption] = &[O::Top, O::Select, O::Count];
const EXPAND_TOP_SELECT_COUNT: &[QueryOption] = &[O::Expand, O::Top, O::Select, O::Count];
const TOP_SELECT_COUNT_EXPAND: &[QueryOption] = &[O::Top, O::Select, O::Count, O::Expand];
const TOP_SELECT_COUNT_SKIP: &[QueryOption] = &[O::Top, O::Select, O::Count, O::Skip];
const TOP_SELECT_COUNT_SKIP_EXPAND: &[QueryOption] =
    &[O::Top, O::Select, O::Count, O::Skip, O::Expand];
const NONE: &[QueryOption] = &[];

// Today's API: lists filter, sort and page; related collections page; stats look back.
const MDE_ALERT_LIST: &[QueryOption] = &[
    O::Filter,
    O::OrderBy,
    O::Top,
    O::Skip,
    O::Select,
    O::Count,
    O::Expand,
];
const MDE_MACHINE_LIST: &[QueryOption] =
    &[O::Filter, O::OrderBy, O::Top, O::Skip, O::Select, O::Count];
const MDE_RELATED: &[QueryOption] = &[O::Top, O::Skip, O::Select];
const MDE_ONE: &[QueryOption] = &[O::Select];
const MDE_STATS: &[QueryOption] = &[O::LookBackHours];

// Microsoft Graph security (v1.0), per its reference pages: lists filter, page and count; no $orderby,
// no $select documented; incidents expand their alerts.
const GRAPH_ALERT_LIST: &[QueryOption] = &[O::Filter, O::Top, O::Skip, O::Count];
const GRAPH_INCIDENT_LIST: &[QueryOption] = &[O::Filter, O::Top, O::Skip, O::Count, O::Expand];
const GRAPH_INCIDENT_ONE: &[QueryOption] = &[O::Expand];
const EXPAND_ALERTS: &[&str] = &["alerts"];
const GRAPH_ALERT_FILTER: &[&str] = &[
    "assignedTo",
    "classification",
    "determination",
    "createdDateTime",
    "lastUpdateDateTime",
    "severity",
    "serviceSource",
    "status",
];
const GRAPH_INCIDENT_FILTER: &[&str] = &[
    "assignedTo",
    "classification",
    "createdDateTime",
    "determination",
    "lastUpdateDateTime",
    "severity",
    "status",
];

// Today's Defender routes whose reference pages list the options: `$filter` on the named properties,
// `$top` (10,000 unless noted) and `$skip`.
const MDE_DOC_LIST: &[QueryOption] = &[O::Filter, O::Top, O::Skip];
const MDE_INCIDENT_LIST: &[QueryOption] = &[O::Filter, O::OrderBy, O::Top, O::Skip];
const FIND_BY_TAG: &[QueryOption] = &[O::Tag, O::UseStartsWithFilter];
const PAGED: &[QueryOption] = &[O::PageSize, O::SkipToken];
const PAGED_SINCE: &[QueryOption] = &[O::PageSize, O::SinceTime, O::SkipToken];
const COMMENT: BodyField = field(
    "Comment",
    BodyKind::Text,
    true,
    "Why the action is taken (kept with the action)",
);
const BODY_COMMENT: &[BodyField] = &[COMMENT];
const BODY_ISOLATE: &[BodyField] = &[
    COMMENT,
    field(
        "IsolationType",
        BodyKind::Choice(&["Full", "Selective", "UnManagedDevice"]),
        false,
        "Full (the default), Selective (Outlook, Teams and Skype keep working) or UnManagedDevice",
    ),
];
const BODY_SCAN: &[BodyField] = &[
    COMMENT,
    field(
        "ScanType",
        BodyKind::Choice(&["Quick", "Full"]),
        false,
        "Quick (the default) or Full",
    ),
];
const BODY_QUARANTINE: &[BodyField] = &[
    COMMENT,
    field(
        "Sha1",
        BodyKind::Text,
        true,
        "The SHA1 of the file to stop and quarantine",
    ),
];
const BODY_LIVE: &[BodyField] = &[
    field("Commands", BodyKind::Json, true, "The commands, as a JSON array: [{\"type\": \"RunScript\", \"params\": [{\"key\": \"ScriptName\", \"value\": \"minidump.ps1\"}]}, {\"type\": \"GetFile\", \"params\": [{\"key\": \"Path\", \"value\": \"C:\\\\windows\\\\TEMP\\\\OK.txt\"}]}]"),
    COMMENT,
];
const BODY_TAG: &[BodyField] = &[
    field("Value", BodyKind::Text, true, "The tag"),
    field(
        "Action",
        BodyKind::Choice(&["Add", "Remove"]),
        true,
        "Add or Remove",
    ),
];
const BODY_DEVICE_VALUE: &[BodyField] = &[field(
    "DeviceValue",
    BodyKind::Choice(&["Normal", "Low", "High"]),
    true,
    "Normal, Low or High",
)];
const BODY_ALERT_UPDATE: &[BodyField] = &[
    field(
        "status",
        BodyKind::Choice(&["New", "InProgress", "Resolved"]),
        false,
        "New, InProgress or Resolved",
    ),
    field(
        "assignedTo",
        BodyKind::Text,
        false,
        "The owner of the alert (a UPN)",
    ),
    field(
        "classification",
        BodyKind::Choice(&[
            "TruePositive",
            "InformationalExpectedActivity",
            "FalsePositive",
        ]),
        false,
        "TruePositive, InformationalExpectedActivity or FalsePositive",
    ),
    field(
        "determination",
        BodyKind::Choice(&[
            "MultiStagedAttack",
            "MaliciousUserActivity",
            "CompromisedAccount",
            "Malware",
            "Phishing",
            "UnwantedSoftware",
            "SecurityTesting",
            "LineOfBusinessApplication",
            "ConfirmedActivity",
            "NotMalicious",
            "Other",
        ]),
        false,
        "What the alert turned out to be (goes with the classification)",
    ),
    field(
        "comment",
        BodyKind::Text,
        false,
        "A comment added to the alert",
    ),
];
const BODY_INDICATOR: &[BodyField] = &[
    field(
        "indicatorValue",
        BodyKind::Text,
        true,
        "The hash, IP address, URL, domain or certificate thumbprint",
    ),
    field(
        "indicatorType",
        BodyKind::Choice(&[
            "FileSha1",
            "FileMd5",
            "CertificateThumbprint",
            "FileSha256",
            "IpAddress",
            "DomainName",
            "Url",
        ]),
        true,
        "What the value is",
    ),
    field(
        "action",
        BodyKind::Choice(&[
            "Warn",
            "Block",
            "Audit",
            "Alert",
            "AlertAndBlock",
            "BlockAndRemediate",
            "Allowed",
        ]),
        true,
        "What Defender does when it sees the value",
    ),
    field("title", BodyKind::Text, true, "The indicator's title"),
    field(
        "description",
        BodyKind::Text,
        true,
        "What the indicator is about",
    ),
    field(
        "severity",
        BodyKind::Choice(&["Informational", "Low", "Medium", "High"]),
        false,
        "The severity of the alerts it raises",
    ),
    field(
        "expirationTime",
        BodyKind::Text,
        false,
        "When it expires (ISO 8601, UTC)",
    ),
    field(
        "recommendedActions",
        BodyKind::Text,
        false,
        "What to do when it fires",
    ),
    field(
        "generateAlert",
        BodyKind::Bool,
        false,
        "Whether a match raises an alert (true or false)",
    ),
];
const BODY_BATCH_DELETE: &[BodyField] = &[field(
    "IndicatorIds",
    BodyKind::Json,
    true,
    "The ids of the indicators to delete, as a JSON array of strings: [\"995\", \"996\"]",
)];
const BODY_ALERT_BATCH: &[BodyField] = &[
    field(
        "alertIds",
        BodyKind::Json,
        true,
        "The alerts' ids, as a JSON array of strings",
    ),
    BODY_ALERT_UPDATE[0],
    BODY_ALERT_UPDATE[1],
    BODY_ALERT_UPDATE[2],
    BODY_ALERT_UPDATE[3],
    BODY_ALERT_UPDATE[4],
];
const BODY_IMPORT: &[BodyField] = &[field(
    "Indicators",
    BodyKind::Json,
    true,
    "The indicators, as a JSON array of objects with the members of Submit",
)];

const ID_ACTION: &[Param] = &[p("id", K::ActionId)];
const ID_INVESTIGATION: &[Param] = &[p("id", K::InvestigationId)];
const ID_SOFTWARE: &[Param] = &[p("id", K::SoftwareId)];
const ID_VULNERABILITY: &[Param] = &[p("id", K::VulnerabilityId)];
const ID_RECOMMENDATION: &[Param] = &[p("id", K::RecommendationId)];
const ID_REMEDIATION: &[Param] = &[p("id", K::RemediationTaskId)];
const MACHINE_ACTION_FILTER: &[&str] = &[
    "id",
    "status",
    "machineId",
    "type",
    "requestor",
    "creationDateTimeUtc",
];
const INVESTIGATION_FILTER: &[&str] =
    &["startTime", "id", "state", "machineId", "triggeringAlertId"];
const INDICATOR_FILTER: &[&str] = &[
    "application",
    "createdByDisplayName",
    "expirationTime",
    "generateAlert",
    "title",
    "rbacGroupNames",
    "rbacGroupIds",
    "indicatorValue",
    "indicatorType",
    "creationTimeDateTimeUtc",
    "createdBy",
    "action",
    "severity",
];
const SOFTWARE_FILTER: &[&str] = &["id", "name", "vendor"];
const VULNERABILITY_FILTER: &[&str] = &[
    "id",
    "name",
    "description",
    "cvssV3",
    "publishedOn",
    "severity",
    "updatedOn",
];
const MACHINE_VULNERABILITY_FILTER: &[&str] = &[
    "id",
    "cveId",
    "machineId",
    "fixingKbId",
    "productName",
    "productVersion",
    "severity",
    "productVendor",
];
const RECOMMENDATION_FILTER: &[&str] = &[
    "id",
    "productName",
    "vendor",
    "recommendedVersion",
    "recommendationCategory",
    "subCategory",
    "severityScore",
    "remediationType",
    "recommendedProgram",
    "recommendedVendor",
    "status",
];
const REMEDIATION_FILTER: &[&str] = &["createdOn", "status"];
const AV_HEALTH_FILTER: &[&str] = &[
    "machineId",
    "computerDnsName",
    "osKind",
    "osPlatform",
    "osVersion",
    "avMode",
    "avSignatureVersion",
    "avEngineVersion",
    "avPlatformVersion",
    "quickScanResult",
    "quickScanError",
    "fullScanResult",
    "fullScanError",
    "avIsSignatureUpToDate",
    "avIsEngineUpToDate",
    "avIsPlatformUpToDate",
    "rbacGroupId",
];
const MDE_INCIDENT_FILTER: &[&str] = &[
    "lastUpdateTime",
    "createdTime",
    "status",
    "assignedTo",
    "classification",
    "determination",
];

const EXPAND_MACHINE: &[&str] = &["machine"];
const EXPAND_LOGONUSERS: &[&str] = &["logonusers"];
const EXPAND_EVIDENCE: &[&str] = &["evidence"];
const EXPAND_NONE: &[&str] = &[];

#[allow(clippy::too_many_arguments)]
const fn wdatp(
    key: &'static str,
    entity: Entity,
    action: &'static str,
    description: &'static str,
    template: &'static str,
    params: &'static [Param],
    options: &'static [QueryOption],
    expand: &'static [&'static str],
    returns: Returns,
) -> Route {
    Route {
        key,
        api: Api::Wdatp,
        entity,
        action,
        description,
        template,
        params,
        options,
        expand,
        returns,
        source_note: None,
        method: Method::Get,
        filter_fields: &[],
        results_in: None,
        listed_by: None,
        max_top: 10_000,
        needs: None,
        body: &[],
    }
}

#[allow(clippy::too_many_arguments)]
const fn mde(
    key: &'static str,
    entity: Entity,
    action: &'static str,
    description: &'static str,
    template: &'static str,
    params: &'static [Param],
    options: &'static [QueryOption],
    expand: &'static [&'static str],
    returns: Returns,
) -> Route {
    Route {
        api: Api::Defender,
        ..wdatp(
            key,
            entity,
            action,
            description,
            template,
            params,
            options,
            expand,
            returns,
        )
    }
}

/// A row (built like the others) moved to Microsoft Graph security, with its documented `$filter` fields.
const fn graph(route: Route, filter_fields: &'static [&'static str]) -> Route {
    Route {
        api: Api::Graph,
        filter_fields,
        ..route
    }
}

/// A Microsoft Graph security write: listed with what it does, never sent by this explorer.
const fn graph_write(route: Route, method: Method) -> Route {
    Route {
        api: Api::Graph,
        method,
        ..route
    }
}

/// A Defender for Endpoint write: its method, documented body and permission; sent after a confirmation.
#[allow(clippy::too_many_arguments)]
const fn mde_write(
    key: &'static str,
    entity: Entity,
    action: &'static str,
    description: &'static str,
    template: &'static str,
    params: &'static [Param],
    method: Method,
    body: &'static [BodyField],
    returns: Returns,
    needs: &'static str,
) -> Route {
    Route {
        method,
        body,
        needs: Some(needs),
        ..mde(
            key,
            entity,
            action,
            description,
            template,
            params,
            NONE,
            EXPAND_NONE,
            returns,
        )
    }
}

/// A relation read as `$expand=<member>` of the entity's own route.
const fn expanded(route: Route, member: &'static str) -> Route {
    Route {
        results_in: Some(member),
        ..route
    }
}

/// A relation read from another entity's list, filtered on `property` equal to its one parameter.
const fn listed_by(route: Route, property: &'static str) -> Route {
    Route {
        listed_by: Some(property),
        ..route
    }
}

/// A Defender route with its documented `$filter` properties.
const fn filtered(route: Route, filter_fields: &'static [&'static str]) -> Route {
    Route {
        filter_fields,
        ..route
    }
}

/// A route whose reference page documents a `$top` maximum other than 10,000.
const fn top(route: Route, max_top: u32) -> Route {
    Route { max_top, ..route }
}

/// A route whose least-privileged permission is not its entity's.
const fn needs(route: Route, permission: &'static str) -> Route {
    Route {
        needs: Some(permission),
        ..route
    }
}

const fn noted(route: Route, note: &'static str) -> Route {
    Route {
        source_note: Some(note),
        ..route
    }
}

use Entity as E;
use Returns::{Many, One};

/// Every route of both APIs: first the source table's 29 rows in its order, then today's API.
#[rustfmt::skip]
pub static ROUTES: &[Route] = &[
    wdatp("actor.get", E::Actor, "Get", "Retrieves an actor report from the CMS.", "/actor/{id}", ID_ACTOR, TOP_SELECT_COUNT, EXPAND_NONE, One(E::Actor)),
    wdatp("actor.alerts", E::Actor, "GetAlerts", "Retrieves all alerts related to a given actor.", "/actor/{id}/alerts", ID_ACTOR, EXPAND_TOP_SELECT_COUNT, EXPAND_MACHINE, Many(E::Alert)),
    wdatp("alerts.list", E::Alert, "Get", "Retrieves top recent alerts", "/alerts", &[], TOP_SELECT_COUNT_SKIP_EXPAND, EXPAND_MACHINE, Many(E::Alert)),
    wdatp("alerts.get", E::Alert, "Get", "Retrieves an alert by its ID", "/alerts/{id}", ID_ALERT, TOP_SELECT_COUNT_EXPAND, EXPAND_MACHINE, One(E::Alert)),
    wdatp("alerts.machines", E::Alert, "GetMachines", "Retrieves all machines related to a specific alert", "/alerts/{id}/machines", ID_ALERT, TOP_SELECT_COUNT, EXPAND_NONE, Many(E::Machine)),
    wdatp("alerts.files", E::Alert, "GetFiles", "Retrieves all files related to a specific alert", "/alerts/{id}/files", ID_ALERT, TOP_SELECT_COUNT, EXPAND_NONE, Many(E::File)),
    wdatp("alerts.actor", E::Alert, "GetActor", "Retrieves the actor related to the specific alert", "/alerts/{id}/actor", ID_ALERT, TOP_SELECT_COUNT, EXPAND_NONE, One(E::Actor)),
    wdatp("alerts.domains", E::Alert, "GetDomains", "Retrieves all domains related to a specific alert", "/alerts/{id}/domains", ID_ALERT, TOP_SELECT_COUNT, EXPAND_NONE, Many(E::Domain)),
    wdatp("alerts.ips", E::Alert, "GetIPs", "Retrieves all IPs related to a specific alert", "/alerts/{id}/ips", ID_ALERT, TOP_SELECT_COUNT, EXPAND_NONE, Many(E::Ip)),
    wdatp("machines.list", E::Machine, "Get", "Retrieves a collection of recently seen machines", "/machines", &[], TOP_SELECT_COUNT_SKIP, EXPAND_NONE, Many(E::Machine)),
    wdatp("machines.get", E::Machine, "Get", "Retrieves a machine entity by ID", "/machines/{id}", ID_MACHINE, TOP_SELECT_COUNT, EXPAND_NONE, One(E::Machine)),
    wdatp("machines.alerts", E::Machine, "GetAlerts", "Retrieves a collection of alerts related to a given machine ID", "/machines/{id}/alerts", ID_MACHINE, TOP_SELECT_COUNT_EXPAND, EXPAND_MACHINE, Many(E::Alert)),
    wdatp("machines.logonusers", E::Machine, "GetLogOnUsers", "Retrieves a collection of logged on users related to a given machine ID", "/machines/{id}/logonusers", ID_MACHINE, TOP_SELECT_COUNT, EXPAND_NONE, Many(E::User)),
    wdatp("machines.find", E::Machine, "Find", "Find a machine entity around a specific timestamp by FQDN or internal IP", "/machines/find(key={id},timestamp={time})", &[p("id", K::MachineKey), p("time", K::Timestamp)], TOP_SELECT_COUNT_EXPAND, EXPAND_LOGONUSERS, Many(E::Machine)),
    wdatp("users.get", E::User, "Get", "Retrieve a User entity by key (user name or domain\\user)", "/users/{id}", ID_USER, TOP_SELECT_COUNT, EXPAND_NONE, One(E::User)),
    wdatp("users.alerts", E::User, "GetAlerts", "Retrieves a collection of alerts related to a given user ID", "/users/{id}/alerts", ID_USER, TOP_SELECT_COUNT_EXPAND, EXPAND_MACHINE, Many(E::Alert)),
    wdatp("users.machines", E::User, "GetMachines", "Retrieves a collection of machines related to a given user ID", "/users/{id}/machines", ID_USER, TOP_SELECT_COUNT, EXPAND_NONE, Many(E::Machine)),
    wdatp("domains.get", E::Domain, "Get", "Retrieves a domain entity", "/domains/{id}", ID_DOMAIN, TOP_SELECT_COUNT, EXPAND_NONE, One(E::Domain)),
    wdatp("domains.alerts", E::Domain, "GetAlerts", "Retrieves a collection of alerts related to a given domain address", "/domains/{id}/alerts", ID_DOMAIN, TOP_SELECT_COUNT_EXPAND, EXPAND_MACHINE, Many(E::Alert)),
    wdatp("domains.machines", E::Domain, "GetMachines", "Retrieves a collection of machines related to a given domain address", "/domains/{id}/machines", ID_DOMAIN, TOP_SELECT_COUNT, EXPAND_NONE, Many(E::Machine)),
    wdatp("domains.stats", E::Domain, "Stats", "Retrieves the prevalence for the given domain", "/domains/{id}/stats", ID_DOMAIN, NONE, EXPAND_NONE, Returns::Stats),
    wdatp("ips.get", E::Ip, "Get", "Retrieves an IP entity", "/ips/{id}", ID_IP, TOP_SELECT_COUNT, EXPAND_NONE, One(E::Ip)),
    wdatp("ips.alerts", E::Ip, "GetAlerts", "Retrieves a collection of alerts related to a given IP address", "/ips/{id}/alerts", ID_IP, TOP_SELECT_COUNT_EXPAND, EXPAND_MACHINE, Many(E::Alert)),
    wdatp("ips.machines", E::Ip, "GetMachines", "Retrieves a collection of machines related to a given IP address", "/ips/{id}/machines", ID_IP, TOP_SELECT_COUNT, EXPAND_NONE, Many(E::Machine)),
    wdatp("ips.stats", E::Ip, "Stats", "Retrieves the prevalence for the given IP", "/ips/{id}/stats", ID_IP, NONE, EXPAND_NONE, Returns::Stats),
    wdatp("files.get", E::File, "Get", "Retrieves a file by identifier(Sha1, Sha256, MD5)", "/files/{id}", ID_FILE, TOP_SELECT_COUNT, EXPAND_NONE, One(E::File)),
    wdatp("files.alerts", E::File, "GetAlerts", "Retrieves a collection of alerts related to a given file hash", "/files/{id}/alerts", ID_FILE, TOP_SELECT_COUNT_EXPAND, EXPAND_MACHINE, Many(E::Alert)),
    noted(
        wdatp("files.machines", E::File, "GetMachines", "Retrieves a collection of machines related to a given file hash", "/files/{id}/machines", ID_FILE, TOP_SELECT_COUNT, EXPAND_NONE, Many(E::Machine)),
        "The source prints this route as /files{id}/machines (a missing slash).",
    ),
    noted(
        wdatp("files.stats", E::File, "Stats", "Retrieves the prevalence for the given file", "/files/{id}/stats", ID_FILE, NONE, EXPAND_NONE, Returns::Stats),
        "The source prints this route as /files/{id}/machines, the GetMachines route.",
    ),
    // Microsoft Defender for Endpoint, as documented today.
    mde("alerts.list", E::Alert, "List", "Retrieves a collection of alerts", "/alerts", &[], MDE_ALERT_LIST, EXPAND_EVIDENCE, Many(E::Alert)),
    mde("alerts.get", E::Alert, "Get", "Retrieves an alert by its ID", "/alerts/{id}", ID_ALERT, MDE_ONE, EXPAND_NONE, One(E::Alert)),
    mde("alerts.machine", E::Alert, "GetMachine", "Retrieves the machine related to an alert", "/alerts/{id}/machine", ID_ALERT, MDE_ONE, EXPAND_NONE, One(E::Machine)),
    mde("alerts.user", E::Alert, "GetUser", "Retrieves the user related to an alert", "/alerts/{id}/user", ID_ALERT, MDE_ONE, EXPAND_NONE, One(E::User)),
    mde("alerts.files", E::Alert, "GetFiles", "Retrieves the files related to an alert", "/alerts/{id}/files", ID_ALERT, MDE_RELATED, EXPAND_NONE, Many(E::File)),
    mde("alerts.domains", E::Alert, "GetDomains", "Retrieves the domains related to an alert", "/alerts/{id}/domains", ID_ALERT, MDE_RELATED, EXPAND_NONE, Many(E::Domain)),
    mde("alerts.ips", E::Alert, "GetIPs", "Retrieves the IPs related to an alert", "/alerts/{id}/ips", ID_ALERT, MDE_RELATED, EXPAND_NONE, Many(E::Ip)),
    mde("machines.list", E::Machine, "List", "Retrieves a collection of machines", "/machines", &[], MDE_MACHINE_LIST, EXPAND_NONE, Many(E::Machine)),
    mde("machines.get", E::Machine, "Get", "Retrieves a machine by its ID", "/machines/{id}", ID_MACHINE, MDE_ONE, EXPAND_NONE, One(E::Machine)),
    mde("machines.alerts", E::Machine, "GetAlerts", "Retrieves the alerts related to a machine", "/machines/{id}/alerts", ID_MACHINE, MDE_RELATED, EXPAND_NONE, Many(E::Alert)),
    mde("machines.logonusers", E::Machine, "GetLogOnUsers", "Retrieves the users who logged on to a machine", "/machines/{id}/logonusers", ID_MACHINE, MDE_RELATED, EXPAND_NONE, Many(E::User)),
    mde("machines.findbyip", E::Machine, "FindByIp", "Finds machines seen with an internal IP within 15 minutes of a time (last 30 days)", "/machines/findbyip(ip={ip},timestamp={timestamp})", &[p("ip", K::Ip), p("timestamp", K::Timestamp)], MDE_RELATED, EXPAND_NONE, Many(E::Machine)),
    mde("users.alerts", E::User, "GetAlerts", "Retrieves the alerts related to a user", "/users/{id}/alerts", ID_USER, MDE_RELATED, EXPAND_NONE, Many(E::Alert)),
    mde("users.machines", E::User, "GetMachines", "Retrieves the machines related to a user", "/users/{id}/machines", ID_USER, MDE_RELATED, EXPAND_NONE, Many(E::Machine)),
    mde("domains.alerts", E::Domain, "GetAlerts", "Retrieves the alerts related to a domain", "/domains/{id}/alerts", ID_DOMAIN, MDE_RELATED, EXPAND_NONE, Many(E::Alert)),
    mde("domains.machines", E::Domain, "GetMachines", "Retrieves the machines that communicated with a domain", "/domains/{id}/machines", ID_DOMAIN, MDE_RELATED, EXPAND_NONE, Many(E::Machine)),
    mde("domains.stats", E::Domain, "Stats", "Retrieves the prevalence of a domain", "/domains/{id}/stats", ID_DOMAIN, MDE_STATS, EXPAND_NONE, Returns::Stats),
    mde("ips.alerts", E::Ip, "GetAlerts", "Retrieves the alerts related to an IP", "/ips/{id}/alerts", ID_IP, MDE_RELATED, EXPAND_NONE, Many(E::Alert)),
    mde("ips.stats", E::Ip, "Stats", "Retrieves the prevalence of an IP", "/ips/{id}/stats", ID_IP, MDE_STATS, EXPAND_NONE, Returns::Stats),
    mde("files.get", E::File, "Get", "Retrieves a file by its SHA1 or SHA256", "/files/{id}", ID_FILE, MDE_ONE, EXPAND_NONE, One(E::File)),
    mde("files.alerts", E::File, "GetAlerts", "Retrieves the alerts related to a file", "/files/{id}/alerts", ID_FILE, MDE_RELATED, EXPAND_NONE, Many(E::Alert)),
    mde("files.machines", E::File, "GetMachines", "Retrieves the machines related to a file", "/files/{id}/machines", ID_FILE, MDE_RELATED, EXPAND_NONE, Many(E::Machine)),
    mde("files.stats", E::File, "Stats", "Retrieves the prevalence of a file", "/files/{id}/stats", ID_FILE, MDE_STATS, EXPAND_NONE, Returns::Stats),
    needs(listed_by(mde("files.indicators", E::File, "GetIndicators", "Retrieves the indicators of a file (the indicators whose value is its hash)", "/indicators", ID_FILE, NONE, EXPAND_NONE, Many(E::Indicator)), "indicatorValue"), "Ti.ReadWrite"),
    // Defender for Endpoint: response actions, investigations, indicators (each route's reference page).
    filtered(mde("machineactions.list", E::MachineAction, "List", "Retrieves the machine actions (response actions taken on machines)", "/machineactions", &[], MDE_DOC_LIST, EXPAND_NONE, Many(E::MachineAction)), MACHINE_ACTION_FILTER),
    mde("machineactions.get", E::MachineAction, "Get", "Retrieves a machine action by its ID", "/machineactions/{id}", ID_ACTION, NONE, EXPAND_NONE, One(E::MachineAction)),
    mde("machineactions.packageuri", E::MachineAction, "GetPackageUri", "Gets a link to download the investigation package a machine action collected (valid 60 minutes)", "/machineactions/{id}/GetPackageUri", ID_ACTION, NONE, EXPAND_NONE, Returns::Value),
    mde("machineactions.liveresult", E::MachineAction, "GetLiveResponseResultDownloadLink", "Gets a link to download one command's result of a live response action (valid 30 minutes)", "/machineactions/{id}/GetLiveResponseResultDownloadLink(index={index})", &[p("id", K::ActionId), p("index", K::Index)], NONE, EXPAND_NONE, Returns::Value),
    filtered(mde("investigations.list", E::Investigation, "List", "Retrieves the automated investigations", "/investigations", &[], MDE_DOC_LIST, EXPAND_NONE, Many(E::Investigation)), INVESTIGATION_FILTER),
    mde("investigations.get", E::Investigation, "Get", "Retrieves an automated investigation by its ID", "/investigations/{id}", ID_INVESTIGATION, NONE, EXPAND_NONE, One(E::Investigation)),
    needs(filtered(mde("indicators.list", E::Indicator, "List", "Retrieves the active indicators (the app's own, unless it has Ti.ReadWrite.All)", "/indicators", &[], MDE_DOC_LIST, EXPAND_NONE, Many(E::Indicator)), INDICATOR_FILTER), "Ti.ReadWrite"),
    // Writes (response actions and the rest), each with its documented body and permission: sent only
    // after the analyst confirms; the demo tenant carries them out.
    mde_write("machines.isolate", E::Machine, "Isolate", "Isolates a machine from the network, keeping its connection to the Defender service", "/machines/{id}/isolate", ID_MACHINE, Method::Post, BODY_ISOLATE, One(E::MachineAction), "Machine.Isolate"),
    mde_write("machines.unisolate", E::Machine, "Unisolate", "Releases a machine from isolation", "/machines/{id}/unisolate", ID_MACHINE, Method::Post, BODY_COMMENT, One(E::MachineAction), "Machine.Isolate"),
    mde_write("machines.restrict", E::Machine, "RestrictCodeExecution", "Restricts a machine to running code signed by Microsoft", "/machines/{id}/restrictCodeExecution", ID_MACHINE, Method::Post, BODY_COMMENT, One(E::MachineAction), "Machine.RestrictExecution"),
    mde_write("machines.unrestrict", E::Machine, "UnrestrictCodeExecution", "Lifts a machine's code execution restriction", "/machines/{id}/unrestrictCodeExecution", ID_MACHINE, Method::Post, BODY_COMMENT, One(E::MachineAction), "Machine.RestrictExecution"),
    mde_write("machines.avscan", E::Machine, "RunAntiVirusScan", "Starts a Microsoft Defender Antivirus scan on a machine", "/machines/{id}/runAntiVirusScan", ID_MACHINE, Method::Post, BODY_SCAN, One(E::MachineAction), "Machine.Scan"),
    mde_write("machines.collect", E::Machine, "CollectInvestigationPackage", "Collects an investigation package (forensics) from a machine", "/machines/{id}/collectInvestigationPackage", ID_MACHINE, Method::Post, BODY_COMMENT, One(E::MachineAction), "Machine.CollectForensics"),
    mde_write("machines.stopquarantine", E::Machine, "StopAndQuarantineFile", "Stops a file's processes on a machine and quarantines the file", "/machines/{id}/StopAndQuarantineFile", ID_MACHINE, Method::Post, BODY_QUARANTINE, One(E::MachineAction), "Machine.StopAndQuarantine"),
    mde_write("machines.offboard", E::Machine, "Offboard", "Offboards a machine from Defender for Endpoint", "/machines/{id}/offboard", ID_MACHINE, Method::Post, BODY_COMMENT, One(E::MachineAction), "Machine.Offboard"),
    mde_write("machines.liveresponse", E::Machine, "RunLiveResponse", "Runs a sequence of live response commands on a machine", "/machines/{id}/runliveresponse", ID_MACHINE, Method::Post, BODY_LIVE, One(E::MachineAction), "Machine.LiveResponse"),
    mde_write("machines.startinvestigation", E::Machine, "StartInvestigation", "Starts an automated investigation on a machine", "/machines/{id}/startInvestigation", ID_MACHINE, Method::Post, BODY_COMMENT, One(E::Investigation), "Alert.ReadWrite.All"),
    mde_write("machines.tags", E::Machine, "AddOrRemoveTag", "Adds a tag to a machine or removes one", "/machines/{id}/tags", ID_MACHINE, Method::Post, BODY_TAG, One(E::Machine), "Machine.ReadWrite.All"),
    mde_write("machines.devicevalue", E::Machine, "SetDeviceValue", "Sets a machine's value (how much its exposure weighs)", "/machines/{id}/setDeviceValue", ID_MACHINE, Method::Post, BODY_DEVICE_VALUE, One(E::Machine), "Machine.ReadWrite.All"),
    mde_write("alerts.update", E::Alert, "Update", "Changes an alert's status, assignment, classification or determination, or adds a comment", "/alerts/{id}", ID_ALERT, Method::Patch, BODY_ALERT_UPDATE, One(E::Alert), "Alert.ReadWrite.All"),
    mde_write("indicators.submit", E::Indicator, "Submit", "Submits or updates an indicator (file hash, IP, URL, domain or certificate)", "/indicators", &[], Method::Post, BODY_INDICATOR, One(E::Indicator), "Ti.ReadWrite"),
    mde_write("indicators.import", E::Indicator, "Import", "Submits or updates a batch of indicators (at most 500)", "/indicators/import", &[], Method::Post, BODY_IMPORT, Many(E::Indicator), "Ti.ReadWrite.All"),
    mde_write("indicators.batchdelete", E::Indicator, "BatchDelete", "Deletes a batch of indicators by their ids (at most 500)", "/indicators/BatchDelete", &[], Method::Post, BODY_BATCH_DELETE, Returns::Value, "Ti.ReadWrite.All"),
    mde_write("alerts.batchupdate", E::Alert, "BatchUpdate", "Changes the status, assignment, classification or determination of many alerts at once, or comments on them", "/alerts/batchUpdate", &[], Method::Post, BODY_ALERT_BATCH, Returns::Value, "Alert.ReadWrite.All"),
    mde_write("indicators.delete", E::Indicator, "Delete", "Deletes an indicator", "/indicators/{id}", &[p("id", K::IndicatorId)], Method::Delete, &[], Returns::Value, "Ti.ReadWrite"),
    // Defender Vulnerability Management: software, vulnerabilities, recommendations, remediation.
    filtered(mde("software.list", E::Software, "List", "Retrieves the organization's software inventory", "/Software", &[], MDE_DOC_LIST, EXPAND_NONE, Many(E::Software)), SOFTWARE_FILTER),
    mde("software.get", E::Software, "Get", "Retrieves a software product by its ID", "/Software/{id}", ID_SOFTWARE, NONE, EXPAND_NONE, One(E::Software)),
    mde("software.distributions", E::Software, "GetDistributions", "Retrieves the installed versions of a software product and how many machines run each", "/Software/{id}/distributions", ID_SOFTWARE, NONE, EXPAND_NONE, Many(E::Assessment)),
    mde("software.machinereferences", E::Software, "GetMachineReferences", "Retrieves the machines that have a software product installed", "/Software/{id}/machineReferences", ID_SOFTWARE, NONE, EXPAND_NONE, Many(E::Machine)),
    needs(mde("software.vulnerabilities", E::Software, "GetVulnerabilities", "Retrieves the vulnerabilities of a software product", "/Software/{id}/vulnerabilities", ID_SOFTWARE, NONE, EXPAND_NONE, Many(E::Vulnerability)), "Vulnerability.Read.All"),
    mde("software.getmissingkbs", E::Software, "GetMissingKbs", "Retrieves the security updates (KBs) a software product lacks on the organization's machines", "/Software/{id}/getmissingkbs", ID_SOFTWARE, NONE, EXPAND_NONE, Many(E::Kb)),
    top(filtered(mde("vulnerabilities.list", E::Vulnerability, "List", "Retrieves the vulnerabilities known to vulnerability management", "/vulnerabilities", &[], MDE_DOC_LIST, EXPAND_NONE, Many(E::Vulnerability)), VULNERABILITY_FILTER), 8_000),
    mde("vulnerabilities.get", E::Vulnerability, "Get", "Retrieves a vulnerability by its ID (CVE)", "/vulnerabilities/{id}", ID_VULNERABILITY, NONE, EXPAND_NONE, One(E::Vulnerability)),
    mde("vulnerabilities.machinereferences", E::Vulnerability, "GetMachineReferences", "Retrieves the machines exposed to a vulnerability", "/vulnerabilities/{id}/machineReferences", ID_VULNERABILITY, NONE, EXPAND_NONE, Many(E::Machine)),
    filtered(mde("vulnerabilities.bymachine", E::Vulnerability, "ListByMachineAndSoftware", "Retrieves every vulnerability per machine and software, with its fixing KB", "/vulnerabilities/machinesVulnerabilities", &[], MDE_DOC_LIST, EXPAND_NONE, Many(E::Assessment)), MACHINE_VULNERABILITY_FILTER),
    filtered(mde("recommendations.list", E::Recommendation, "List", "Retrieves the security recommendations", "/recommendations", &[], MDE_DOC_LIST, EXPAND_NONE, Many(E::Recommendation)), RECOMMENDATION_FILTER),
    mde("recommendations.get", E::Recommendation, "Get", "Retrieves a security recommendation by its ID", "/recommendations/{id}", ID_RECOMMENDATION, NONE, EXPAND_NONE, One(E::Recommendation)),
    needs(mde("recommendations.software", E::Recommendation, "GetSoftware", "Retrieves the software a security recommendation is about", "/recommendations/{id}/software", ID_RECOMMENDATION, NONE, EXPAND_NONE, Many(E::Software)), "Software.Read.All"),
    needs(mde("recommendations.machinereferences", E::Recommendation, "GetMachineReferences", "Retrieves the machines a security recommendation applies to", "/recommendations/{id}/machineReferences", ID_RECOMMENDATION, NONE, EXPAND_NONE, Many(E::Machine)), "Machine.Read.All"),
    needs(mde("recommendations.vulnerabilities", E::Recommendation, "GetVulnerabilities", "Retrieves the vulnerabilities a security recommendation addresses", "/recommendations/{id}/vulnerabilities", ID_RECOMMENDATION, NONE, EXPAND_NONE, Many(E::Vulnerability)), "Vulnerability.Read.All"),
    filtered(mde("remediationtasks.list", E::RemediationTask, "List", "Retrieves the remediation activities", "/remediationTasks", &[], MDE_DOC_LIST, EXPAND_NONE, Many(E::RemediationTask)), REMEDIATION_FILTER),
    mde("remediationtasks.get", E::RemediationTask, "Get", "Retrieves a remediation activity by its ID", "/remediationTasks/{id}", ID_REMEDIATION, NONE, EXPAND_NONE, One(E::RemediationTask)),
    mde("remediationtasks.machinereferences", E::RemediationTask, "GetMachineReferences", "Retrieves the exposed machines of a remediation activity", "/remediationTasks/{id}/machineReferences", ID_REMEDIATION, NONE, EXPAND_NONE, Many(E::Machine)),
    // A machine's vulnerability management views, and machines by tag.
    mde("machines.findbytag", E::Machine, "FindByTag", "Finds the machines with a tag (or, with useStartsWithFilter=true, a tag that starts with it)", "/machines/findbytag", &[], FIND_BY_TAG, EXPAND_NONE, Many(E::Machine)),
    needs(mde("machines.software", E::Machine, "GetSoftware", "Retrieves the software installed on a machine", "/machines/{id}/software", ID_MACHINE, NONE, EXPAND_NONE, Many(E::Software)), "Software.Read.All"),
    needs(mde("machines.vulnerabilities", E::Machine, "GetVulnerabilities", "Retrieves the vulnerabilities a machine is exposed to", "/machines/{id}/vulnerabilities", ID_MACHINE, NONE, EXPAND_NONE, Many(E::Vulnerability)), "Vulnerability.Read.All"),
    needs(mde("machines.recommendations", E::Machine, "GetRecommendations", "Retrieves the security recommendations of a machine", "/machines/{id}/recommendations", ID_MACHINE, NONE, EXPAND_NONE, Many(E::Recommendation)), "SecurityRecommendation.Read.All"),
    needs(mde("machines.getmissingkbs", E::Machine, "GetMissingKbs", "Retrieves the security updates (KBs) a machine lacks", "/machines/{id}/getmissingkbs", ID_MACHINE, NONE, EXPAND_NONE, Many(E::Kb)), "Software.Read.All"),
    listed_by(mde("machines.machineactions", E::Machine, "GetMachineActions", "Retrieves the response actions taken on a machine (the machine actions of its id)", "/machineactions", ID_MACHINE, NONE, EXPAND_NONE, Many(E::MachineAction)), "machineId"),
    // The assessment exports, per machine: as JSON pages (pageSize, $skiptoken) or as files to download.
    needs(mde("assessments.softwarevulnerabilities", E::Assessment, "SoftwareVulnerabilitiesByMachine", "Exports every vulnerability of every machine's software, one row per machine, software and CVE", "/machines/SoftwareVulnerabilitiesByMachine", &[], PAGED_SINCE, EXPAND_NONE, Many(E::Assessment)), "Vulnerability.Read.All"),
    needs(mde("assessments.softwarevulnerabilitiesexport", E::Assessment, "SoftwareVulnerabilitiesExport", "Exports every vulnerability of every machine's software as files to download", "/machines/SoftwareVulnerabilitiesExport", &[], NONE, EXPAND_NONE, One(E::Assessment)), "Vulnerability.Read.All"),
    needs(mde("assessments.softwarevulnerabilitychanges", E::Assessment, "SoftwareVulnerabilityChangesByMachine", "Exports the vulnerabilities that appeared, were fixed or changed since a time", "/machines/SoftwareVulnerabilityChangesByMachine", &[], PAGED_SINCE, EXPAND_NONE, Many(E::Assessment)), "Vulnerability.Read.All"),
    needs(mde("assessments.secureconfigurations", E::Assessment, "SecureConfigurationsAssessmentByMachine", "Exports every machine's secure configuration assessment, one row per machine and configuration", "/machines/SecureConfigurationsAssessmentByMachine", &[], PAGED, EXPAND_NONE, Many(E::Assessment)), "SecurityConfiguration.Read.All"),
    needs(mde("assessments.secureconfigurationsexport", E::Assessment, "SecureConfigurationsAssessmentExport", "Exports the secure configuration assessment as files to download", "/machines/SecureConfigurationsAssessmentExport", &[], NONE, EXPAND_NONE, One(E::Assessment)), "SecurityConfiguration.Read.All"),
    needs(mde("assessments.softwareinventory", E::Assessment, "SoftwareInventoryByMachine", "Exports every machine's installed software, one row per machine and software", "/machines/SoftwareInventoryByMachine", &[], PAGED, EXPAND_NONE, Many(E::Assessment)), "Software.Read.All"),
    needs(mde("assessments.softwareinventoryexport", E::Assessment, "SoftwareInventoryExport", "Exports the software inventory as files to download", "/machines/SoftwareInventoryExport", &[], NONE, EXPAND_NONE, One(E::Assessment)), "Software.Read.All"),
    needs(mde("assessments.noproductcode", E::Assessment, "SoftwareInventoryNoProductCodeByMachine", "Exports the installed software that has no product code (CPE)", "/machines/SoftwareInventoryNoProductCodeByMachine", &[], PAGED, EXPAND_NONE, Many(E::Assessment)), "Software.Read.All"),
    needs(mde("assessments.noproductcodeexport", E::Assessment, "SoftwareInventoryNonCpeExport", "Exports the software without a product code as files to download", "/machines/SoftwareInventoryNonCpeExport", &[], NONE, EXPAND_NONE, One(E::Assessment)), "Software.Read.All"),
    needs(mde("assessments.browserextensions", E::Assessment, "BrowserExtensionsInventoryByMachine", "Exports the browser extensions installed on every machine", "/machines/BrowserExtensionsInventoryByMachine", &[], PAGED, EXPAND_NONE, Many(E::Assessment)), "SecurityConfiguration.Read.All"),
    needs(mde("assessments.baselinecompliance", E::Assessment, "BaselineComplianceAssessmentByMachine", "Exports every machine's security baseline compliance, one row per machine and configuration", "/machines/BaselineComplianceAssessmentByMachine", &[], PAGED, EXPAND_NONE, Many(E::Assessment)), "SecurityBaselinesAssessment.Read.All"),
    needs(mde("assessments.baselinecomplianceexport", E::Assessment, "BaselineComplianceAssessmentExport", "Exports the security baseline compliance as files to download", "/machines/BaselineComplianceAssessmentExport", &[], NONE, EXPAND_NONE, One(E::Assessment)), "SecurityBaselinesAssessment.Read.All"),
    needs(mde("assessments.certificates", E::Assessment, "CertificateAssessmentByMachine", "Exports the certificates installed on every machine", "/machines/certificateAssessmentByMachine", &[], PAGED, EXPAND_NONE, Many(E::Assessment)), "Software.Read.All"),
    needs(mde("assessments.certificatesexport", E::Assessment, "CertificateAssessmentExport", "Exports the certificate inventory as files to download", "/machines/certificateAssessmentExport", &[], NONE, EXPAND_NONE, One(E::Assessment)), "Software.Read.All"),
    needs(mde("assessments.hardwarefirmware", E::Assessment, "HardwareFirmwareInventoryByMachine", "Exports every machine's hardware and firmware (system, BIOS, processor)", "/machines/HardwareFirmwareInventoryByMachine", &[], PAGED, EXPAND_NONE, Many(E::Assessment)), "Software.Read.All"),
    needs(mde("assessments.hardwarefirmwareexport", E::Assessment, "HardwareFirmwareInventoryExport", "Exports the hardware and firmware inventory as files to download", "/machines/HardwareFirmwareInventoryExport", &[], NONE, EXPAND_NONE, One(E::Assessment)), "Software.Read.All"),
    // Scores and antivirus health.
    mde("scores.exposure", E::Score, "GetExposureScore", "Retrieves the organization's exposure score", "/exposureScore", &[], NONE, EXPAND_NONE, One(E::Score)),
    mde("scores.exposurebygroup", E::Score, "GetExposureScoreByMachineGroups", "Retrieves the exposure score of each device group", "/exposureScore/ByMachineGroups", &[], NONE, EXPAND_NONE, Many(E::Score)),
    mde("scores.configuration", E::Score, "GetConfigurationScore", "Retrieves the organization's secure configuration score", "/configurationScore", &[], NONE, EXPAND_NONE, One(E::Score)),
    filtered(mde("avhealth.list", E::AvHealth, "List", "Retrieves every machine's Microsoft Defender Antivirus health (modes, versions, scans)", "/deviceavinfo", &[], MDE_DOC_LIST, EXPAND_NONE, Many(E::AvHealth)), AV_HEALTH_FILTER),
    // Defender XDR's incidents, on the Defender host.
    top(filtered(mde("incidents.list", E::Incident, "List", "Retrieves the incidents, with their alerts (Defender XDR)", "/incidents", &[], MDE_INCIDENT_LIST, EXPAND_NONE, Many(E::Incident)), MDE_INCIDENT_FILTER), 100),
    mde("incidents.get", E::Incident, "Get", "Retrieves an incident by its ID, with its alerts (Defender XDR)", "/incidents/{id}", ID_INCIDENT, NONE, EXPAND_NONE, One(E::Incident)),
    // Microsoft Graph security, v1.0.
    graph(wdatp("alerts.list", E::Alert, "List", "Lists the alerts (alerts v2) of every Microsoft security product", "/security/alerts_v2", &[], GRAPH_ALERT_LIST, EXPAND_NONE, Many(E::Alert)), GRAPH_ALERT_FILTER),
    graph(wdatp("alerts.get", E::Alert, "Get", "Retrieves an alert (v2) with its evidence", "/security/alerts_v2/{id}", ID_ALERT, NONE, EXPAND_NONE, One(E::Alert)), &[]),
    graph(wdatp("incidents.list", E::Incident, "List", "Lists the incidents: alerts correlated into one attack story", "/security/incidents", &[], GRAPH_INCIDENT_LIST, EXPAND_ALERTS, Many(E::Incident)), GRAPH_INCIDENT_FILTER),
    graph(wdatp("incidents.get", E::Incident, "Get", "Retrieves an incident", "/security/incidents/{id}", ID_INCIDENT, GRAPH_INCIDENT_ONE, EXPAND_ALERTS, One(E::Incident)), &[]),
    expanded(
        graph(wdatp("incidents.alerts", E::Incident, "GetAlerts", "Retrieves an incident with its alerts ($expand=alerts)", "/security/incidents/{id}", ID_INCIDENT, GRAPH_INCIDENT_ONE, EXPAND_ALERTS, Many(E::Alert)), &[]),
        "alerts",
    ),
    graph_write(wdatp("alerts.update", E::Alert, "Update", "Changes an alert's status, classification, determination or assignment", "/security/alerts_v2/{id}", ID_ALERT, NONE, EXPAND_NONE, One(E::Alert)), Method::Patch),
    graph_write(wdatp("alerts.comment", E::Alert, "CreateComment", "Adds a comment to an alert", "/security/alerts_v2/{id}/comments", ID_ALERT, NONE, EXPAND_NONE, One(E::Alert)), Method::Post),
    graph_write(wdatp("incidents.update", E::Incident, "Update", "Changes an incident's status, classification, determination, assignment or tags", "/security/incidents/{id}", ID_INCIDENT, NONE, EXPAND_NONE, One(E::Incident)), Method::Patch),
    graph_write(wdatp("incidents.comment", E::Incident, "CreateComment", "Adds a comment to an incident", "/security/incidents/{id}/comments", ID_INCIDENT, NONE, EXPAND_NONE, One(E::Incident)), Method::Post),
];

/// The least-privileged delegated permission a read of `entity` through `api` needs.
pub fn read_permission(api: Api, entity: Entity) -> &'static str {
    match (api, entity) {
        (Api::Graph, Entity::Incident) => "SecurityIncident.Read.All",
        (Api::Graph, _) => "SecurityAlert.Read.All",
        (Api::Defender, Entity::Incident) => "Incident.Read.All",
        (_, Entity::Alert | Entity::Actor | Entity::Incident) => "Alert.Read.All",
        (_, Entity::Machine) => "Machine.Read.All",
        (_, Entity::User) => "User.Read.All",
        (_, Entity::Domain) => "URL.Read.All",
        (_, Entity::Ip) => "Ip.Read.All",
        (_, Entity::File) => "File.Read.All",
        (_, Entity::MachineAction | Entity::AvHealth) => "Machine.Read.All",
        (_, Entity::Investigation) => "Alert.Read.All",
        (_, Entity::Indicator) => "Ti.ReadWrite",
        (_, Entity::Software | Entity::Kb) => "Software.Read.All",
        (_, Entity::Vulnerability | Entity::Assessment) => "Vulnerability.Read.All",
        (_, Entity::Recommendation) => "SecurityRecommendation.Read.All",
        (_, Entity::RemediationTask) => "RemediationTasks.Read.All",
        (_, Entity::Score) => "Score.Read.All",
    }
}

/// The routes of `api` about `entity`, in catalogue order.
pub fn routes_for(api: Api, entity: Entity) -> impl Iterator<Item = &'static Route> {
    api.routes().filter(move |r| r.entity == entity)
}

/// The route that reads one entity by its id, when the API has one (today's API has none for users,
/// domains and IPs).
pub fn get_route(api: Api, entity: Entity) -> Option<&'static Route> {
    let prefix = match entity {
        Entity::Actor => "actor",
        Entity::Alert => "alerts",
        Entity::Machine => "machines",
        Entity::User => "users",
        Entity::Domain => "domains",
        Entity::Ip => "ips",
        Entity::File => "files",
        Entity::Incident => "incidents",
        Entity::MachineAction => "machineactions",
        Entity::Investigation => "investigations",
        Entity::Indicator => "indicators",
        Entity::Software => "software",
        Entity::Vulnerability => "vulnerabilities",
        Entity::Recommendation => "recommendations",
        Entity::RemediationTask => "remediationtasks",
        Entity::Score | Entity::AvHealth | Entity::Assessment | Entity::Kb => return None,
    };
    api.route(&format!("{prefix}.get"))
}

/// The APIs an investigation graph of `api` reads, its own first: a Graph investigation also reads
/// Defender for Endpoint, since what both name (an alert, its machine, file, IP, domain or user) has the
/// same id in both, so an incident leads on into Defender's routes.
pub fn graph_apis(api: Api) -> &'static [Api] {
    match api {
        Api::Graph => &[Api::Graph, Api::Defender],
        Api::Wdatp => &[Api::Wdatp],
        Api::Defender => &[Api::Defender],
    }
}

/// The relations an investigation graph of `api` expands `entity` along, over its [`graph_apis`].
pub fn graph_relations(api: Api, entity: Entity) -> impl Iterator<Item = &'static Route> {
    graph_apis(api)
        .iter()
        .flat_map(move |&a| relations(a, entity))
}

/// The route a graph of `api` reads one `entity` by its id with, over its [`graph_apis`].
pub fn graph_get_route(api: Api, entity: Entity) -> Option<&'static Route> {
    graph_apis(api).iter().find_map(|&a| get_route(a, entity))
}

/// The reads that take one entity's id and lead somewhere else: the pivots of a card and the graph's
/// expansions (a write is never a pivot: it changes the tenant).
pub fn relations(api: Api, entity: Entity) -> impl Iterator<Item = &'static Route> {
    routes_for(api, entity).filter(move |r| {
        r.runs()
            && !r.writes()
            && r.params.len() == 1
            && !matches!(r.returns, Returns::One(e) if e == entity)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_table_has_29_routes_and_keys_are_unique() {
        assert_eq!(Api::Wdatp.routes().count(), 29);
        for api in [Api::Wdatp, Api::Defender, Api::Graph] {
            let mut keys: Vec<_> = api.routes().map(|r| r.key).collect();
            let n = keys.len();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), n, "duplicate route key in {api:?}");
        }
    }

    #[test]
    fn every_placeholder_is_a_param_and_back() {
        for r in ROUTES {
            let placeholders: Vec<&str> = r
                .template
                .split('{')
                .skip(1)
                .filter_map(|s| s.split('}').next())
                .collect();
            let names: Vec<&str> = r.params.iter().map(|p| p.name).collect();
            if r.listed_by.is_some() {
                // The one parameter goes into the list's `$filter`, not the path.
                assert_eq!((placeholders.len(), names.len()), (0, 1), "{}", r.template);
                continue;
            }
            assert_eq!(placeholders, names, "{}", r.template);
        }
    }

    #[test]
    fn errata_are_fixed_and_noted() {
        let machines = Api::Wdatp.route("files.machines").unwrap();
        assert_eq!(machines.template, "/files/{id}/machines");
        assert!(machines
            .source_note
            .unwrap()
            .contains("/files{id}/machines"));
        let stats = Api::Wdatp.route("files.stats").unwrap();
        assert_eq!(stats.template, "/files/{id}/stats");
        assert!(stats.options.is_empty());
    }

    #[test]
    fn defender_has_no_actor_routes_and_singular_alert_relations() {
        assert_eq!(routes_for(Api::Defender, Entity::Actor).count(), 0);
        assert!(Api::Defender.route("alerts.machine").is_some());
        assert!(Api::Defender.route("alerts.user").is_some());
        assert!(Api::Defender.route("alerts.machines").is_none());
        for key in ["alerts.list", "machines.list"] {
            assert!(Api::Defender
                .route(key)
                .unwrap()
                .accepts(QueryOption::Filter));
        }
        assert!(!Api::Wdatp
            .route("alerts.list")
            .unwrap()
            .accepts(QueryOption::Filter));
    }

    #[test]
    fn base_split_prefers_the_longest_base() {
        let (p, rest) =
            Profile::split_base("https://graph.microsoft.com/testwdatppreview/alerts").unwrap();
        assert_eq!((p, rest), (Profile::Wdatp, "/alerts"));
        let (p, rest) =
            Profile::split_base("https://EU.api.security.microsoft.com/api/machines?$top=1")
                .unwrap();
        assert_eq!(
            (p, rest),
            (Profile::Defender(Region::Eu), "/machines?$top=1")
        );
        assert!(Profile::split_base("https://graph.microsoft.com/testwdatpx/alerts").is_none());
        assert!(Profile::split_base("https://evil.example/api/alerts").is_none());
    }

    #[test]
    fn relations_are_the_pivots_of_each_entity() {
        let alert: Vec<_> = relations(Api::Wdatp, Entity::Alert)
            .map(|r| r.key)
            .collect();
        assert_eq!(
            alert,
            [
                "alerts.machines",
                "alerts.files",
                "alerts.actor",
                "alerts.domains",
                "alerts.ips"
            ]
        );
        let machine: Vec<_> = relations(Api::Wdatp, Entity::Machine)
            .map(|r| r.key)
            .collect();
        assert_eq!(machine, ["machines.alerts", "machines.logonusers"]);
    }
}
