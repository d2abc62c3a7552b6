//! The analyst's settings (where requests go, how to sign in) and what a shared link may do with them.
//!
//! A link chooses a view freely (`q`, `profile`, the graph, the dataset), but the keys that would move
//! where a token, an authorization code or the sign-in goes ([`LINK_SETTING_KEYS`]) change nothing by
//! themselves: [`LinkOffer::read`] turns them into a list of changes, old → new, each naming the hosts it
//! would send to and whether Microsoft runs them, for the analyst to accept for the tab, save, or ignore.

use serde::{Deserialize, Serialize};

use crate::auth::{check_secure_url, origin, AuthSettings, SettingProblem, ENTRA_HOSTS};
use crate::catalogue::{Profile, Region};
use crate::link::AppAddress;

/// What the explorer is configured to talk to. Stored by the page (never a token).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Requests go to the live API (after sign-in) rather than the built-in demo tenant.
    pub live: bool,
    /// Replaces the profile's base URL when sending, e.g. a relay; empty means none.
    pub api_base: String,
    pub auth: AuthSettings,
}

impl Settings {
    /// Every problem, each naming its setting.
    pub fn problems(&self) -> Vec<SettingProblem> {
        let mut problems = Vec::new();
        if !self.api_base.is_empty() {
            if let Err(reason) = check_secure_url(&self.api_base) {
                problems.push(SettingProblem {
                    setting: "API base URL",
                    reason,
                });
            }
        }
        if self.live {
            problems.extend(self.auth.problems());
        }
        problems
    }

    /// The redirect URI: as set, or `page_url` (this page's origin and path).
    pub fn redirect_uri_or(&self, page_url: &str) -> String {
        match self.auth.redirect_uri.trim() {
            "" => page_url.to_string(),
            set => set.to_string(),
        }
    }
}

/// The address keys that are settings. Each would change where tokens, codes or the sign-in go.
pub const LINK_SETTING_KEYS: [&str; 7] = [
    "api",
    "base",
    "authority",
    "tenant",
    "client_id",
    "redirect_uri",
    "scopes",
];

/// The longest value a link may give a setting.
const MAX_SETTING: usize = 2048;

/// Who runs a host, when it is one of Microsoft's sign-in or security API hosts.
pub fn known_host(url: &str) -> Option<&'static str> {
    let origin = origin(url);
    let host = origin.strip_prefix("https://")?;
    if ENTRA_HOSTS.contains(&host) {
        return Some("Microsoft sign-in (Entra ID)");
    }
    if host == "graph.microsoft.com" {
        return Some("Microsoft Graph");
    }
    if known_api_hosts().any(|known| known == host) {
        return Some("Microsoft Defender API");
    }
    None
}

/// The Defender API hosts of the catalogue, with the documented older one.
fn known_api_hosts() -> impl Iterator<Item = &'static str> {
    Region::ALL
        .into_iter()
        .map(Region::host)
        .chain(["api.securitycenter.windows.com"])
}

/// Every host the page talks to out of the box, as `https://` origins: Microsoft's sign-in hosts,
/// Graph and the Defender API hosts. The release CSP's `connect-src` is built from this list.
pub fn known_origins() -> Vec<String> {
    ENTRA_HOSTS
        .iter()
        .copied()
        .chain(["graph.microsoft.com"])
        .chain(known_api_hosts())
        .map(|host| format!("https://{host}"))
        .collect()
}

/// A host a changed setting would send to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    /// `https://login.example`, or a description where the setting is not one URL.
    pub origin: String,
    /// Who runs it, for Microsoft's own hosts; `None`: not a host this explorer knows.
    pub known: Option<&'static str>,
}

impl Host {
    fn of(url: &str) -> Host {
        Host {
            origin: origin(url),
            known: known_host(url),
        }
    }
}

/// One setting a link would change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The address key (`base`).
    pub key: &'static str,
    /// The setting's label in the Settings form (`API base URL`).
    pub setting: &'static str,
    /// The value in force, as the analyst would read it (`(the profile's host)` for an empty base).
    pub old: String,
    pub new: String,
    /// What the new value sends tokens, codes or the sign-in to.
    pub hosts: Vec<Host>,
    /// What the change means for the analyst.
    pub means: &'static str,
}

/// The settings a link asks for, against the ones in force: nothing is applied until the analyst says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkOffer {
    /// Only the settings that differ, in the Settings form's order.
    pub changes: Vec<Change>,
    /// The settings in force with every change applied.
    pub proposed: Settings,
}

impl LinkOffer {
    /// The changes `address` asks for over `current`; `None` when it names no setting or none differs.
    /// `page_url` is this page's address, the redirect URI when none is set.
    pub fn read(current: &Settings, address: &AppAddress, page_url: &str) -> Option<LinkOffer> {
        let mut proposed = current.clone();
        for key in LINK_SETTING_KEYS {
            let Some(value) = address.get(key) else {
                continue;
            };
            let value: String = value.chars().take(MAX_SETTING).collect();
            match key {
                "api" => proposed.live = value == "live",
                "base" => proposed.api_base = value,
                "authority" => proposed.auth.authority = value,
                "tenant" => proposed.auth.tenant = value,
                "client_id" => proposed.auth.client_id = value,
                "redirect_uri" => proposed.auth.redirect_uri = value,
                _ => proposed.auth.scopes = value,
            }
        }
        let changes = changes(current, &proposed, page_url);
        (!changes.is_empty()).then_some(LinkOffer { changes, proposed })
    }

    /// Whether every host the changes name is Microsoft's own (or this page).
    pub fn all_known(&self) -> bool {
        self.changes
            .iter()
            .flat_map(|c| &c.hosts)
            .all(|h| h.known.is_some())
    }
}

/// The address without its settings keys: what stays once the analyst has decided.
pub fn without_settings(address: &AppAddress) -> AppAddress {
    let mut rest = address.clone();
    for key in LINK_SETTING_KEYS {
        rest.remove(key);
    }
    rest
}

fn changes(current: &Settings, proposed: &Settings, page_url: &str) -> Vec<Change> {
    let source = |s: &Settings| {
        if s.live {
            "Live API (sign in)".to_string()
        } else {
            "Demo tenant (no sign-in)".to_string()
        }
    };
    let base = |s: &Settings| {
        if s.api_base.is_empty() {
            "(the profile's host)".to_string()
        } else {
            s.api_base.clone()
        }
    };
    let redirect = |s: &Settings| s.redirect_uri_or(page_url);
    let scopes = |s: &Settings| {
        if s.auth.scopes.trim().is_empty() {
            "(the profile's own)".to_string()
        } else {
            s.auth.scopes.clone()
        }
    };
    let page = Host {
        origin: origin(page_url),
        known: Some("this page"),
    };
    let sign_in_host = || Host::of(&proposed.auth.authority);
    let mut all = Vec::new();
    let mut add = |key, setting, old: String, new: String, hosts: Vec<Host>, means| {
        if old != new {
            all.push(Change {
                key,
                setting,
                old,
                new,
                hosts,
                means,
            });
        }
    };
    add(
        "api",
        "Data source",
        source(current),
        source(proposed),
        Vec::new(),
        "Requests would go to a live API with your sign-in instead of the demo tenant.",
    );
    add(
        "base",
        "API base URL",
        base(current),
        base(proposed),
        if proposed.api_base.is_empty() {
            Vec::new()
        } else {
            vec![Host::of(&proposed.api_base)]
        },
        "Your access token would be sent with every request to this address.",
    );
    add(
        "authority",
        "Authority",
        current.auth.authority.clone(),
        proposed.auth.authority.clone(),
        vec![sign_in_host()],
        "You would sign in on this host's page: it sees what you type there and issues your tokens.",
    );
    add(
        "tenant",
        "Tenant",
        current.auth.tenant.clone(),
        proposed.auth.tenant.clone(),
        vec![sign_in_host()],
        "You would sign in to this organisation's directory.",
    );
    add(
        "client_id",
        "Client ID",
        current.auth.client_id.clone(),
        proposed.auth.client_id.clone(),
        vec![sign_in_host()],
        "The sign-in would be for this app registration: its owner chose what it may ask for.",
    );
    let redirect_host = if redirect(proposed) == page_url {
        page.clone()
    } else {
        Host::of(&redirect(proposed))
    };
    add(
        "redirect_uri",
        "Redirect URI",
        redirect(current),
        redirect(proposed),
        vec![redirect_host],
        "After sign-in, the authorization code would be sent to this address.",
    );
    add(
        "scopes",
        "Scopes",
        scopes(current),
        scopes(proposed),
        scope_hosts(&proposed.auth.scopes),
        "The sign-in would ask for access to these APIs.",
    );
    all
}

/// The resources that scopes name (`https://graph.microsoft.com/SecurityAlert.Read.All`); a bare scope
/// (`Alert.Read.All`) is Microsoft Graph's.
fn scope_hosts(scopes: &str) -> Vec<Host> {
    let mut hosts: Vec<Host> = Vec::new();
    for scope in scopes.split_whitespace() {
        if matches!(scope, "openid" | "profile" | "email" | "offline_access") {
            continue;
        }
        let host = if scope.contains("://") {
            Host::of(scope)
        } else if scope.contains('/') {
            // `api://<app id>/scope` and similar: an API of the directory, not a host.
            Host {
                origin: scope.rsplit_once('/').map_or(scope, |(r, _)| r).to_string(),
                known: None,
            }
        } else {
            Host::of("https://graph.microsoft.com")
        };
        if !hosts.contains(&host) {
            hosts.push(host);
        }
    }
    hosts
}

/// The origin a profile's requests go to under these settings (the one origin their token may go to).
pub fn api_origin(settings: &Settings, profile: Profile) -> String {
    if settings.api_base.is_empty() {
        origin(&profile.base())
    } else {
        origin(&settings.api_base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://atp.contoso.com/explorer/";

    fn live() -> Settings {
        Settings {
            live: true,
            api_base: String::new(),
            auth: AuthSettings {
                client_id: "11111111-2222-3333-4444-555555555555".into(),
                tenant: "contoso.onmicrosoft.com".into(),
                ..AuthSettings::default()
            },
        }
    }

    fn offer(current: &Settings, link: &str) -> Option<LinkOffer> {
        LinkOffer::read(current, &AppAddress::parse(link), PAGE)
    }

    #[test]
    fn a_link_that_only_chooses_a_view_asks_nothing() {
        for link in [
            "?profile=mde&q=/alerts?$top=5",
            "?profile=graph&dataset=large&g=abc",
            "",
        ] {
            assert_eq!(offer(&live(), link), None, "{link}");
        }
        // Settings equal to those in force are no change either.
        assert_eq!(
            offer(&live(), "?api=live&tenant=contoso.onmicrosoft.com"),
            None
        );
    }

    #[test]
    fn a_base_to_another_host_is_a_change_to_an_unknown_host() {
        let offer =
            offer(&live(), "?base=http://127.0.0.1:9/api&q=/alerts?$top%3D5").expect("a change");
        assert_eq!(offer.changes.len(), 1);
        let change = &offer.changes[0];
        assert_eq!(
            (
                change.key,
                change.setting,
                change.old.as_str(),
                change.new.as_str()
            ),
            (
                "base",
                "API base URL",
                "(the profile's host)",
                "http://127.0.0.1:9/api"
            )
        );
        assert_eq!(
            change.hosts,
            vec![Host {
                origin: "http://127.0.0.1:9".into(),
                known: None
            }]
        );
        assert!(!offer.all_known());
        assert_eq!(offer.proposed.api_base, "http://127.0.0.1:9/api");
        // The one in force is untouched.
        assert_eq!(live().api_base, "");
    }

    #[test]
    fn every_setting_that_moves_the_sign_in_is_listed_with_its_host() {
        let link = "?api=live&authority=https://login.evil.example&tenant=evil.example\
                    &client_id=abc&redirect_uri=https://evil.example/cb&scopes=https://evil.example/.default";
        let offer = offer(&Settings::default(), link).expect("changes");
        let keys: Vec<_> = offer.changes.iter().map(|c| c.key).collect();
        assert_eq!(
            keys,
            [
                "api",
                "authority",
                "tenant",
                "client_id",
                "redirect_uri",
                "scopes"
            ]
        );
        for change in &offer.changes[1..] {
            assert!(
                change.hosts.iter().all(|h| h.known.is_none()
                    && h.origin.starts_with("https://")
                    && h.origin.contains("evil.example")),
                "{change:?}"
            );
        }
        assert_eq!(offer.changes[0].old, "Demo tenant (no sign-in)");
        assert_eq!(offer.changes[4].old, PAGE, "an empty redirect is this page");
    }

    #[test]
    fn microsofts_own_hosts_are_known() {
        for (url, who) in [
            (
                "https://login.microsoftonline.com",
                "Microsoft sign-in (Entra ID)",
            ),
            (
                "https://login.microsoftonline.us/",
                "Microsoft sign-in (Entra ID)",
            ),
            ("https://graph.microsoft.com/v1.0", "Microsoft Graph"),
            (
                "https://eu.api.security.microsoft.com/api",
                "Microsoft Defender API",
            ),
            (
                "https://api.securitycenter.microsoft.com",
                "Microsoft Defender API",
            ),
        ] {
            assert_eq!(known_host(url), Some(who), "{url}");
        }
        for url in [
            "http://graph.microsoft.com",
            "https://graph.microsoft.com.evil.example",
            "https://evil.example@graph.microsoft.com.evil.example",
            "https://login.microsoftonline.com.evil.example",
            "https://xapi.security.microsoft.com",
            "http://127.0.0.1:8080",
        ] {
            assert_eq!(known_host(url), None, "{url}");
        }
        let origins = known_origins();
        assert!(origins.contains(&"https://graph.microsoft.com".to_string()));
        assert!(origins.iter().all(|o| o.starts_with("https://")));
    }

    #[test]
    fn scopes_name_the_apis_they_reach() {
        let offer = offer(
            &live(),
            "?scopes=https://graph.microsoft.com/SecurityAlert.Read.All%20User.Read%20offline_access",
        )
        .expect("a change");
        assert_eq!(
            offer.changes[0].hosts,
            vec![Host {
                origin: "https://graph.microsoft.com".into(),
                known: Some("Microsoft Graph")
            }]
        );
        assert!(offer.all_known());
    }

    #[test]
    fn a_redirect_back_to_this_page_is_known() {
        let mut current = live();
        current.auth.redirect_uri = "https://old.example/".into();
        let offer = offer(&current, &format!("?redirect_uri={PAGE}")).expect("a change");
        assert_eq!(offer.changes[0].hosts[0].known, Some("this page"));
    }

    #[test]
    fn after_the_decision_the_address_keeps_only_the_view() {
        let address = AppAddress::parse("?api=live&base=https://x.example&profile=mde&q=/machines");
        assert_eq!(
            without_settings(&address).write(),
            "?profile=mde&q=/machines"
        );
    }

    #[test]
    fn a_huge_value_is_cut() {
        let link = format!("?client_id={}", "a".repeat(10_000));
        let offer = offer(&live(), &link).expect("a change");
        assert_eq!(offer.proposed.auth.client_id.len(), MAX_SETTING);
    }
}
