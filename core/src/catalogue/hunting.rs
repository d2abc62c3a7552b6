//! The advanced hunting routes: KQL sent as a POST body, one route per API, with the limits Microsoft
//! documents for each (graph-security-notes.md, the routes' reference pages).

use serde_json::json;

use super::{Api, Profile, Region};

/// Which hunting route; its key is the address's `hapi=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HuntingApi {
    /// Microsoft Graph: `POST /security/runHuntingQuery`, with a `Timespan`.
    Graph,
    /// Defender XDR: `POST /api/advancedhunting/run` on `api.security.microsoft.com`.
    Xdr,
    /// Defender for Endpoint: `POST /api/advancedqueries/run`, retiring.
    Endpoint,
}

/// One hunting route, as documented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HuntingRoute {
    pub which: HuntingApi,
    pub label: &'static str,
    /// Whose API answers it (and so which token it takes).
    pub api: Api,
    /// The path after the profile's base.
    pub path: &'static str,
    /// The least-privileged delegated permission.
    pub permission: &'static str,
    /// Whether the body takes a `Timespan` (otherwise the query's own `where Timestamp > ago(…)` limits
    /// it, over the last 30 days).
    pub timespan: bool,
    /// The documented limits, for the analyst.
    pub limits: &'static str,
    /// Microsoft's retirement notice, when the route is retiring.
    pub retiring: Option<&'static str>,
}

/// Every hunting route.
pub static HUNTING_ROUTES: [HuntingRoute; 3] = [
    HuntingRoute {
        which: HuntingApi::Graph,
        label: "Microsoft Graph: POST /security/runHuntingQuery",
        api: Api::Graph,
        path: "/security/runHuntingQuery",
        permission: "ThreatHunting.Read.All",
        timespan: true,
        limits: "Data of the last 30 days by default (Timespan chooses another window); at most 100,000 \
                 rows; 45 calls a minute and 10 minutes of running time an hour per tenant; results over \
                 124 MB are refused. A quota hit answers 429 with the time to wait.",
        retiring: None,
    },
    HuntingRoute {
        which: HuntingApi::Xdr,
        label: "Defender XDR: POST /api/advancedhunting/run",
        api: Api::Defender,
        path: "/advancedhunting/run",
        permission: "AdvancedHunting.Read",
        timespan: false,
        limits: "Data of the last 30 days; at most 100,000 rows; 45 calls a minute, 1,500 an hour, 10 \
                 minutes of running time an hour and 3 hours a day; a query times out after 3 minutes; \
                 results over 124 MB are refused. A quota hit answers 429 with the time to wait.",
        retiring: None,
    },
    HuntingRoute {
        which: HuntingApi::Endpoint,
        label: "Defender for Endpoint: POST /api/advancedqueries/run",
        api: Api::Defender,
        path: "/advancedqueries/run",
        permission: "AdvancedQuery.Read",
        timespan: false,
        limits: "Data of the last 30 days; at most 100,000 rows; 45 calls a minute, 1,500 an hour, 10 \
                 minutes of running time an hour and 3 hours a day; 200 s per request; results over \
                 124 MB are refused. A quota hit answers 429 with the time to wait.",
        retiring: Some(
            "Microsoft documents this route as retiring (its retirement began in January 2026): use \
             Defender XDR's advanced hunting or Microsoft Graph's runHuntingQuery.",
        ),
    },
];

impl HuntingApi {
    pub fn key(self) -> &'static str {
        match self {
            HuntingApi::Graph => "graph",
            HuntingApi::Xdr => "xdr",
            HuntingApi::Endpoint => "mde",
        }
    }

    pub fn from_key(key: &str) -> Option<HuntingApi> {
        HUNTING_ROUTES
            .iter()
            .map(|r| r.which)
            .find(|which| which.key() == key)
    }

    pub fn route(self) -> &'static HuntingRoute {
        match self {
            HuntingApi::Graph => &HUNTING_ROUTES[0],
            HuntingApi::Xdr => &HUNTING_ROUTES[1],
            HuntingApi::Endpoint => &HUNTING_ROUTES[2],
        }
    }

    /// The route a profile hunts with unless the address says otherwise: Graph's on Graph, Defender
    /// XDR's on the Defender profiles (the 2017 API had no hunting; its token is Defender's).
    pub fn default_for(profile: Profile) -> HuntingApi {
        match profile {
            Profile::Graph => HuntingApi::Graph,
            Profile::Wdatp | Profile::Defender(_) => HuntingApi::Xdr,
        }
    }
}

/// The hunting routes a profile offers, its default first.
pub fn hunting_routes(profile: Profile) -> Vec<&'static HuntingRoute> {
    match profile {
        Profile::Graph => vec![HuntingApi::Graph.route()],
        Profile::Wdatp | Profile::Defender(_) => {
            vec![HuntingApi::Xdr.route(), HuntingApi::Endpoint.route()]
        }
    }
}

impl HuntingRoute {
    /// The profile that sends it: the page's own when it is this route's API (a Defender region), else
    /// the API's global one.
    pub fn profile(&self, page: Profile) -> Profile {
        match (self.api, page) {
            (Api::Defender, Profile::Defender(region)) => Profile::Defender(region),
            (Api::Defender, _) => Profile::Defender(Region::Global),
            (api, _) => Profile::for_api(api),
        }
    }

    /// The request URL on `page`'s profile.
    pub fn url(&self, page: Profile) -> String {
        format!("{}{}", self.profile(page).base(), self.path)
    }

    /// The JSON body: `{"Query": …}`, with `"Timespan"` where the route takes one and it is set.
    pub fn body(&self, query: &str, timespan: &str) -> String {
        let timespan = timespan.trim();
        if self.timespan && !timespan.is_empty() {
            json!({ "Query": query, "Timespan": timespan }).to_string()
        } else {
            json!({ "Query": query }).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_profile_hunts_on_its_own_api() {
        assert_eq!(
            HuntingApi::Graph.route().url(Profile::Graph),
            "https://graph.microsoft.com/v1.0/security/runHuntingQuery"
        );
        assert_eq!(
            HuntingApi::Xdr.route().url(Profile::Defender(Region::Eu)),
            "https://eu.api.security.microsoft.com/api/advancedhunting/run"
        );
        assert_eq!(
            HuntingApi::Endpoint.route().url(Profile::Wdatp),
            "https://api.security.microsoft.com/api/advancedqueries/run"
        );
        assert_eq!(hunting_routes(Profile::Graph).len(), 1);
        assert_eq!(hunting_routes(Profile::Wdatp)[0].which, HuntingApi::Xdr);
        for route in &HUNTING_ROUTES {
            assert_eq!(HuntingApi::from_key(route.which.key()), Some(route.which));
            assert_eq!(route.which.route(), route);
        }
        assert!(HuntingApi::Endpoint.route().retiring.is_some());
    }

    #[test]
    fn the_body_is_json_with_the_query_as_text() {
        let kql = "DeviceProcessEvents | where FileName == \"a\\\"b\" | take 5";
        let body: serde_json::Value =
            serde_json::from_str(&HuntingApi::Graph.route().body(kql, " P7D ")).unwrap();
        assert_eq!(body["Query"], kql);
        assert_eq!(body["Timespan"], "P7D");
        let body: serde_json::Value =
            serde_json::from_str(&HuntingApi::Xdr.route().body(kql, "P7D")).unwrap();
        assert_eq!(body.get("Timespan"), None, "XDR's route takes no timespan");
        let body: serde_json::Value =
            serde_json::from_str(&HuntingApi::Graph.route().body(kql, "")).unwrap();
        assert_eq!(body.get("Timespan"), None);
    }
}
