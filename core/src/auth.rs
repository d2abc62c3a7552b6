//! Sign-in the way MSAL does it in a browser: authorization code flow with PKCE (S256) against Entra ID v2
//! (or any OpenID provider), with the `oauth2` crate. Everything here is plain Rust and tested natively; the
//! app does the HTTP and keeps the tokens in memory.

use std::fmt;

use base64::Engine;
use oauth2::basic::{
    BasicClient, BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, ClientId, CsrfToken, EndpointNotSet, EndpointSet, ExtraTokenFields, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, StandardRevocableToken, StandardTokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

use crate::catalogue::Profile;
use crate::link::AppAddress;

/// Hosts of Entra ID's national clouds: their discovery document lives under the tenant.
pub(crate) const ENTRA_HOSTS: &[&str] = &[
    "login.microsoftonline.com",
    "login.microsoftonline.us",
    "login.chinacloudapi.cn",
    "login.partner.microsoftonline.cn",
];

/// The sign-in settings; persisted in localStorage (never a token) and settable from a shared link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthSettings {
    /// `https://login.microsoftonline.com`, or any OpenID provider's issuer URL.
    pub authority: String,
    /// A GUID, a domain, `organizations`, `common` or `consumers`.
    pub tenant: String,
    pub client_id: String,
    /// Empty means this page's own address (origin and path).
    pub redirect_uri: String,
    /// Space separated; empty means the profile's default.
    pub scopes: String,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            authority: "https://login.microsoftonline.com".into(),
            tenant: "organizations".into(),
            client_id: String::new(),
            redirect_uri: String::new(),
            scopes: String::new(),
        }
    }
}

/// The scopes asked for by default: the API's `.default` and a refresh token.
pub const DEFAULT_SCOPES: &str = "https://api.securitycenter.microsoft.com/.default offline_access";

/// Microsoft Graph security's least-privileged delegated scopes for reading alerts and incidents and for
/// advanced hunting.
pub const GRAPH_SCOPES: &str = "https://graph.microsoft.com/SecurityAlert.Read.All https://graph.microsoft.com/SecurityIncident.Read.All https://graph.microsoft.com/ThreatHunting.Read.All offline_access";

/// The scopes a sign-in asks for when Settings name none: the profile's resource (a Graph token is
/// never asked for a Defender call, nor the reverse).
pub fn default_scopes(profile: Profile) -> &'static str {
    match profile {
        Profile::Graph => GRAPH_SCOPES,
        Profile::Wdatp => WDATP_SCOPES,
        Profile::Defender(_) => DEFAULT_SCOPES,
    }
}

/// The 2017 API answered under Microsoft Graph, with Graph tokens (its document's sample asks the
/// resource `https://graph.microsoft.com`).
pub const WDATP_SCOPES: &str = "https://graph.microsoft.com/.default offline_access";

/// The resource of the Defender for Endpoint API (and of the Graph-hosted 2017 WDATP API).
pub const DEFENDER_RESOURCE: &str = "https://api.securitycenter.microsoft.com";
/// Microsoft Graph's resource.
pub const GRAPH_RESOURCE: &str = "https://graph.microsoft.com";

/// The names a token's `aud` may give each Microsoft resource: its URI (either Defender host) or its
/// application id.
const RESOURCE_NAMES: [(&str, &[&str]); 2] = [
    (
        DEFENDER_RESOURCE,
        &[
            "https://api.securitycenter.microsoft.com",
            "https://api.security.microsoft.com",
            "https://securitycenter.onmicrosoft.com/windowsatpservice",
            "fc780465-2017-40d4-a0c5-307022471b92",
        ],
    ),
    (
        GRAPH_RESOURCE,
        &[
            "https://graph.microsoft.com",
            "00000003-0000-0000-c000-000000000000",
        ],
    ),
];

/// The resource a token must be for to call `profile`'s API (the 2017 API was served by Graph).
pub fn resource_of(profile: Profile) -> &'static str {
    match profile {
        Profile::Graph | Profile::Wdatp => GRAPH_RESOURCE,
        Profile::Defender(_) => DEFENDER_RESOURCE,
    }
}

/// The Microsoft resource `name` is one of the names of (`https://graph.microsoft.com/`, an app id).
fn microsoft_resource(name: &str) -> Option<&'static str> {
    let name = name.trim().trim_end_matches('/').to_ascii_lowercase();
    RESOURCE_NAMES
        .iter()
        .find(|(_, names)| names.contains(&name.as_str()))
        .map(|(resource, _)| *resource)
}

/// The API `scopes` ask a token for: the resource of the first scope that names one
/// (`https://graph.microsoft.com/SecurityAlert.Read.All`, `api://contoso-relay/.default`), Microsoft's
/// resources under their one name; a bare permission (`User.Read`), or only OpenID scopes, is Graph's, as
/// Entra reads them.
pub fn scopes_resource(scopes: &str) -> String {
    let named = scopes
        .split_whitespace()
        .filter(|s| !matches!(*s, "openid" | "profile" | "email" | "offline_access"))
        .find_map(|scope| scope.rsplit_once('/').map(|(resource, _)| resource));
    match named {
        Some(resource) => {
            microsoft_resource(resource).map_or_else(|| resource.to_string(), str::to_string)
        }
        None => GRAPH_RESOURCE.to_string(),
    }
}

/// The scopes to ask for a token that calls `profile`'s API: the configured ones when they are for that
/// API, or for an API that is not one of Microsoft's (a provider or relay of the analyst's own, which
/// then serves every profile); otherwise the profile's own defaults, so a Graph token is never asked for
/// a Defender call, nor the reverse.
pub fn scopes_for(configured: &str, profile: Profile) -> String {
    let configured = configured.trim();
    if configured.is_empty() {
        return default_scopes(profile).to_string();
    }
    let resource = scopes_resource(configured);
    match microsoft_resource(&resource) {
        Some(microsoft) if microsoft != resource_of(profile) => default_scopes(profile).to_string(),
        _ => configured.to_string(),
    }
}

/// The resource of the token a request of `profile` takes under the configured scopes: what the
/// session keys that token by.
pub fn token_resource(configured: &str, profile: Profile) -> String {
    scopes_resource(&scopes_for(configured, profile))
}

/// The `aud` claim of an access token, when it is a readable JWT.
pub fn token_audience(access_token: &str) -> Option<String> {
    let claims = jwt_claims(access_token)?;
    match claims.get("aud")? {
        serde_json::Value::String(aud) => Some(aud.clone()),
        serde_json::Value::Array(all) => all.first()?.as_str().map(str::to_string),
        _ => None,
    }
}

/// Whether `access_token` may be sent to the API of `resource`: never when its audience is another of
/// Microsoft's security resources (a Graph token to Defender, or the reverse). A token that does not
/// say (opaque) or names an API of the analyst's own goes where the analyst's settings send it.
pub fn audience_fits(access_token: &str, resource: &str) -> bool {
    let Some(audience) = token_audience(access_token) else {
        return true;
    };
    match (microsoft_resource(&audience), microsoft_resource(resource)) {
        (Some(theirs), Some(needed)) => theirs == needed,
        (Some(_), None) => false,
        _ => true,
    }
}

/// Which setting is wrong, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingProblem {
    pub setting: &'static str,
    pub reason: String,
}

impl fmt::Display for SettingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.setting, self.reason)
    }
}

/// Whether `url` may carry sign-in or API traffic: `https`, or `http` on loopback for development.
pub fn check_secure_url(url: &str) -> Result<(), String> {
    check_no_hidden(url.trim())?;
    let lower = url.trim().to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("https://") {
        return if rest.is_empty() || rest.starts_with('/') {
            Err("the address has no host.".into())
        } else {
            Ok(())
        };
    }
    if let Some(rest) = lower.strip_prefix("http://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = host.rsplit_once(':').map_or(host, |(h, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                h
            } else {
                host
            }
        });
        if matches!(host, "localhost" | "127.0.0.1" | "[::1]") {
            return Ok(());
        }
        return Err(
            "must use https (plain http is accepted only on localhost, for development).".into(),
        );
    }
    Err("must be an https:// address.".into())
}

/// A setting must not hide characters: a control character breaks the requests it goes into, and a bidi
/// override or zero-width character can make one host or id read as another.
pub fn check_no_hidden(value: &str) -> Result<(), String> {
    match value
        .chars()
        .find(|c| c.is_control() || crate::text::is_invisible(*c))
    {
        Some(c) => Err(format!(
            "has an invisible character U+{:04X}; retype the value.",
            c as u32
        )),
        None => Ok(()),
    }
}

/// The scheme, host and port of `url`, lower-cased (`https://api.security.microsoft.com`).
pub fn origin(url: &str) -> String {
    let lower = url.trim().to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://").unwrap_or(("", &lower));
    // Userinfo (`https://api.example@evil.example/`) must not disguise the host.
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    format!("{scheme}://{host}")
}

/// Whether a request to `url` may carry the bearer token of the API at `api_base`: only to that origin.
pub fn may_carry_token(url: &str, api_base: &str) -> bool {
    let (target, api) = (origin(url), origin(api_base));
    target == api && check_secure_url(url).is_ok() && !target.ends_with("://")
}

/// Whether `tenant` is a GUID, a domain, or one of Entra's multi-tenant names.
pub fn check_tenant(tenant: &str) -> Result<(), String> {
    let is_guid = tenant.len() == 36
        && tenant.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    let is_keyword = matches!(tenant, "common" | "organizations" | "consumers");
    let is_domain = tenant.contains('.')
        && tenant.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if is_guid || is_keyword || is_domain {
        Ok(())
    } else {
        Err(format!(
            "{tenant:?} is not a tenant: use its GUID, a domain such as contoso.onmicrosoft.com, or organizations, common or consumers."
        ))
    }
}

impl AuthSettings {
    /// Every problem of these settings, for the settings form.
    pub fn problems(&self) -> Vec<SettingProblem> {
        let mut problems = Vec::new();
        let mut add = |setting, outcome: Result<(), String>| {
            if let Err(reason) = outcome {
                problems.push(SettingProblem { setting, reason });
            }
        };
        add("Authority", check_secure_url(&self.authority));
        if self.is_entra() {
            add("Tenant", check_tenant(&self.tenant));
        }
        if self.client_id.trim().is_empty() {
            add(
                "Client ID",
                Err("is required: the application (client) id of your app registration.".into()),
            );
        } else {
            add("Client ID", check_no_hidden(&self.client_id));
        }
        if !self.redirect_uri.is_empty() {
            add("Redirect URI", check_secure_url(&self.redirect_uri));
        }
        add("Scopes", check_no_hidden(&self.scopes));
        problems
    }

    fn is_entra(&self) -> bool {
        let host = self
            .authority
            .trim()
            .trim_start_matches("https://")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        ENTRA_HOSTS.contains(&host.as_str())
    }

    /// Where the OpenID discovery document is, as MSAL finds it.
    pub fn discovery_url(&self) -> String {
        let authority = self.authority.trim().trim_end_matches('/');
        if self.is_entra() {
            format!(
                "{authority}/{}/v2.0/.well-known/openid-configuration",
                self.tenant.trim()
            )
        } else {
            format!("{authority}/.well-known/openid-configuration")
        }
    }

    pub fn scopes_or_default(&self) -> String {
        if self.scopes.trim().is_empty() {
            DEFAULT_SCOPES.to_string()
        } else {
            self.scopes.trim().to_string()
        }
    }
}

/// The parts of an OpenID discovery document the sign-in uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discovery {
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub response_modes_supported: Option<Vec<String>>,
}

impl Discovery {
    /// Reads a discovery document; the error says what is missing.
    pub fn parse(body: &str) -> Result<Discovery, String> {
        let discovery: Discovery = serde_json::from_str(body)
            .map_err(|e| format!("the discovery document is not what OpenID describes ({e})"))?;
        for (name, url) in [
            ("authorization_endpoint", &discovery.authorization_endpoint),
            ("token_endpoint", &discovery.token_endpoint),
        ] {
            check_secure_url(url).map_err(|reason| format!("its {name} {url:?} {reason}"))?;
        }
        Ok(discovery)
    }

    fn supports_fragment(&self) -> bool {
        self.response_modes_supported
            .as_ref()
            .is_some_and(|modes| modes.iter().any(|m| m == "fragment"))
    }
}

/// What is kept in sessionStorage between leaving for the authority and coming back: never a token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub state: String,
    pub verifier: String,
    /// The app address (query being composed) to restore after sign-in.
    pub return_to: String,
    pub redirect_uri: String,
    pub token_endpoint: String,
    pub client_id: String,
    pub scopes: String,
}

/// The random bytes a sign-in takes: 32 for the PKCE verifier, 16 for the state (what oauth2's
/// `new_random` functions draw).
pub const SIGN_IN_RANDOM_BYTES: usize = 48;

/// Builds the authorize URL (code flow, PKCE S256, the state) and what to keep until the callback.
///
/// `random` must be fresh from a cryptographic source: the app passes `crypto.getRandomValues`'. (oauth2's
/// own `new_random` draws through `rand`'s ChaCha generator, which would add it to the wasm.)
pub fn begin_sign_in(
    settings: &AuthSettings,
    discovery: &Discovery,
    redirect_uri: &str,
    return_to: &str,
    select_account: bool,
    random: &[u8; SIGN_IN_RANDOM_BYTES],
) -> Result<(String, PendingSignIn), String> {
    let client = BasicClient::new(ClientId::new(settings.client_id.trim().to_string()))
        .set_auth_uri(
            AuthUrl::new(discovery.authorization_endpoint.clone()).map_err(|e| e.to_string())?,
        )
        .set_token_uri(TokenUrl::new(discovery.token_endpoint.clone()).map_err(|e| e.to_string())?)
        .set_redirect_uri(
            RedirectUrl::new(redirect_uri.to_string()).map_err(|e| format!("Redirect URI: {e}"))?,
        );
    let (pkce, state) = random.split_at(32);
    let base64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let verifier = PkceCodeVerifier::new(base64.encode(pkce));
    let challenge = PkceCodeChallenge::from_code_verifier_sha256(&verifier);
    let scopes = settings.scopes_or_default();
    let mut request = client
        .authorize_url(|| CsrfToken::new(base64.encode(state)))
        .add_scopes(scopes.split_whitespace().map(|s| Scope::new(s.to_string())))
        .set_pkce_challenge(challenge);
    // The code in the fragment never reaches a server's logs.
    if discovery.supports_fragment() {
        request = request.add_extra_param("response_mode", "fragment");
    }
    if select_account {
        request = request.add_extra_param("prompt", "select_account");
    }
    let (url, state) = request.url();
    Ok((
        url.to_string(),
        PendingSignIn {
            state: state.secret().clone(),
            verifier: verifier.secret().clone(),
            return_to: return_to.to_string(),
            redirect_uri: redirect_uri.to_string(),
            token_endpoint: discovery.token_endpoint.clone(),
            client_id: settings.client_id.trim().to_string(),
            scopes,
        },
    ))
}

/// What the authority sent back to the redirect URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Callback {
    Code {
        code: String,
        state: String,
    },
    Error {
        error: String,
        description: String,
        state: Option<String>,
    },
}

/// Reads a callback from the address's fragment or query (`#code=…&state=…`), if it is one.
pub fn read_callback(fragment_or_query: &str) -> Option<Callback> {
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = String::new();
    for (name, value) in AppAddress::parse(fragment_or_query).pairs() {
        let value = value.to_string();
        match name {
            "code" => code = Some(value),
            "state" => state = Some(value),
            "error" => error = Some(value),
            "error_description" => description = value,
            _ => {}
        }
    }
    match (error, code, state) {
        (Some(error), _, state) => Some(Callback::Error {
            error,
            description,
            state,
        }),
        (None, Some(code), Some(state)) => Some(Callback::Code { code, state }),
        _ => None,
    }
}

/// The token response's extra field Entra sends: the ID token, which names the account.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdTokenField {
    #[serde(default)]
    pub id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

/// A token response with its ID token.
pub type TokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;

/// An `oauth2` client that redeems codes and refresh tokens at one token endpoint (no secret: a public
/// client, as single-page apps are).
pub type TokenClient = oauth2::Client<
    BasicErrorResponse,
    TokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The client that redeems what `pending` started.
pub fn token_client(
    client_id: &str,
    token_endpoint: &str,
    redirect_uri: &str,
) -> Result<TokenClient, String> {
    Ok(oauth2::Client::new(ClientId::new(client_id.to_string()))
        .set_token_uri(
            TokenUrl::new(token_endpoint.to_string())
                .map_err(|e| format!("token endpoint: {e}"))?,
        )
        .set_redirect_uri(
            RedirectUrl::new(redirect_uri.to_string()).map_err(|e| format!("Redirect URI: {e}"))?,
        ))
}

/// The AADSTS number in an Entra error description, e.g. 9002326.
fn aadsts(description: &str) -> Option<&str> {
    let start = description.find("AADSTS")? + 6;
    let digits = description[start..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?;
    (!digits.is_empty()).then_some(digits)
}

/// What an authority's error means and how to fix it, for the ones people meet.
pub fn explain_auth_error(error: &str, description: &str) -> (String, String) {
    let fix = match aadsts(description) {
        Some("9002326") => "The redirect URI is registered under the \"Web\" platform. In the app registration, add it under \"Single-page application\" instead, so the browser may redeem the code.",
        Some("50011") => "The redirect URI is not one the app registration lists. Add this page's address as a single-page application redirect URI, or set Redirect URI in Settings to one that is registered.",
        Some("700016") => "No app with this client ID exists in this tenant. Check Client ID in Settings, or sign in to the tenant where the app is registered.",
        Some("90002") => "This tenant does not exist. Check Tenant in Settings (its GUID or domain).",
        Some("65001") => "Nobody has consented to this API's permissions for the app yet. Sign in on this profile to consent (the sign-in asks for this API), or ask an administrator to grant consent for the organisation.",
        Some("70008") | Some("54005") => "The sign-in code expired or was already used. Sign in again.",
        Some("700082") | Some("700084") => "The sign-in has expired (single-page apps must sign in again every 24 hours). Sign in again; your query is kept.",
        Some("50058") | Some("50059") => "The authority could not tell who you are without asking. Sign in again with account selection.",
        Some("50105") => "Your account is not assigned to this application. Ask an administrator to assign you.",
        Some("650057") => "The app registration does not list the WindowsDefenderATP API permission. Add it (APIs my organization uses → WindowsDefenderATP).",
        _ => match error {
            "access_denied" => "Sign-in was cancelled or refused. Sign in again when ready.",
            "invalid_grant" => "The authority refused the code or refresh token. Sign in again.",
            "invalid_client" => "The authority does not accept this client. Check Client ID in Settings.",
            "invalid_request" => "The authority refused the request as sent. Check Settings (client ID, redirect URI, scopes).",
            "interaction_required" | "login_required" | "consent_required" => "The authority needs you to sign in interactively. Sign in again.",
            _ => "Check Settings and sign in again.",
        },
    };
    let what = if description.is_empty() {
        format!("Sign-in failed: {error}.")
    } else {
        // Entra descriptions carry trace ids after the first line; the first line says what happened.
        format!(
            "Sign-in failed: {error}: {}",
            description.lines().next().unwrap_or(description)
        )
    };
    (what, fix.to_string())
}

/// Who is signed in, from the ID token's claims.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub preferred_username: Option<String>,
    /// The tenant id.
    #[serde(default)]
    pub tid: Option<String>,
}

/// The claims of a JWT (`header.payload.signature`), without checking its signature: they only label
/// the account in the page; the API checks the access token itself.
pub fn id_token_account(id_token: &str) -> Option<Account> {
    let payload = id_token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The permissions an access token carries: its `scp` claim (delegated, space separated) and `roles`
/// (application). `None` when the token is not a readable JWT (an opaque token says nothing).
pub fn granted_permissions(access_token: &str) -> Option<Vec<String>> {
    let claims = jwt_claims(access_token)?;
    let mut granted: Vec<String> = claims
        .get("scp")
        .and_then(serde_json::Value::as_str)
        .map(|scp| scp.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    if let Some(roles) = claims.get("roles").and_then(serde_json::Value::as_array) {
        granted.extend(roles.iter().filter_map(|r| r.as_str().map(str::to_string)));
    }
    Some(granted)
}

/// The claims of a JWT (its second part), unverified: what the token says, for display and routing only.
fn jwt_claims(token: &str) -> Option<serde_json::Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Whether `granted` covers `needed`: the permission itself, or its `ReadWrite` form.
pub fn covers(granted: &[String], needed: &str) -> bool {
    let wider = needed.replace(".Read.", ".ReadWrite.");
    granted
        .iter()
        .any(|g| g.eq_ignore_ascii_case(needed) || g.eq_ignore_ascii_case(&wider))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tokens_permissions_are_read_from_its_claims() {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let token = format!(
            "{}.{}.sig",
            b64.encode(br#"{"alg":"none"}"#),
            b64.encode(br#"{"scp":"SecurityAlert.Read.All SecurityIncident.ReadWrite.All","roles":["Machine.Read.All"]}"#)
        );
        let granted = granted_permissions(&token).unwrap();
        assert!(covers(&granted, "SecurityAlert.Read.All"));
        assert!(
            covers(&granted, "SecurityIncident.Read.All"),
            "ReadWrite covers Read"
        );
        assert!(covers(&granted, "Machine.Read.All"));
        assert!(!covers(&granted, "ThreatHunting.Read.All"));
        assert_eq!(granted_permissions("opaque-token"), None);
        assert_eq!(granted_permissions("a.%%%.c"), None);
    }

    fn token(claims: &str) -> String {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.sig",
            b64.encode(br#"{"alg":"none"}"#),
            b64.encode(claims)
        )
    }

    #[test]
    fn each_profile_asks_its_own_resource_and_a_token_goes_only_to_its_audience() {
        let defender = Profile::Defender(crate::catalogue::Region::Eu);
        assert_eq!(scopes_for("", Profile::Graph), GRAPH_SCOPES);
        assert_eq!(scopes_for("", defender), DEFAULT_SCOPES);
        // Configured Defender scopes serve Defender; Graph, and the Graph-hosted 2017 API, ask Graph's.
        let configured = "https://api.securitycenter.microsoft.com/.default offline_access";
        assert_eq!(scopes_for(configured, defender), configured);
        assert_eq!(scopes_for(configured, Profile::Wdatp), WDATP_SCOPES);
        assert_eq!(scopes_for(configured, Profile::Graph), GRAPH_SCOPES);
        assert_eq!(resource_of(Profile::Wdatp), GRAPH_RESOURCE);
        assert_eq!(scopes_for("User.Read openid", defender), DEFAULT_SCOPES);
        // An API of the analyst's own serves every profile.
        assert_eq!(
            scopes_for("api://relay/.default", Profile::Graph),
            "api://relay/.default"
        );
        assert_eq!(
            scopes_resource("openid https://API.security.microsoft.com/.default"),
            DEFENDER_RESOURCE
        );
        assert_eq!(scopes_resource("SecurityAlert.Read.All"), GRAPH_RESOURCE);
        assert_eq!(scopes_resource("openid offline_access"), GRAPH_RESOURCE);
        assert_eq!(scopes_resource("api://relay/.default"), "api://relay");

        let graph_token = token(r#"{"aud":"https://graph.microsoft.com"}"#);
        let defender_token = token(r#"{"aud":"fc780465-2017-40d4-a0c5-307022471b92"}"#);
        assert!(audience_fits(&graph_token, GRAPH_RESOURCE));
        assert!(
            !audience_fits(&graph_token, DEFENDER_RESOURCE),
            "a Graph token never goes to Defender"
        );
        assert!(audience_fits(&defender_token, DEFENDER_RESOURCE));
        assert!(
            !audience_fits(&defender_token, GRAPH_RESOURCE),
            "nor the reverse"
        );
        assert!(!audience_fits(&graph_token, "api://relay"));
        assert!(audience_fits(
            &token(r#"{"aud":["api://relay"]}"#),
            "api://relay"
        ));
        assert!(audience_fits("opaque", DEFENDER_RESOURCE));
        assert_eq!(
            token_audience(&token(r#"{"aud":["a","b"]}"#)).as_deref(),
            Some("a")
        );
    }

    fn discovery() -> Discovery {
        Discovery::parse(
            r#"{"authorization_endpoint":"https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize",
                "token_endpoint":"https://login.microsoftonline.com/organizations/oauth2/v2.0/token",
                "response_modes_supported":["query","fragment","form_post"]}"#,
        )
        .unwrap()
    }

    #[test]
    fn the_authorize_url_asks_for_a_code_with_pkce_s256() {
        let settings = AuthSettings {
            client_id: "11111111-2222-3333-4444-555555555555".into(),
            ..AuthSettings::default()
        };
        let (url, pending) = begin_sign_in(
            &settings,
            &discovery(),
            "https://app.example/atp/",
            "?q=/alerts",
            true,
            &[7; SIGN_IN_RANDOM_BYTES],
        )
        .unwrap();
        for part in [
            "response_type=code",
            "code_challenge_method=S256",
            "response_mode=fragment",
            "prompt=select_account",
            "client_id=11111111-2222-3333-4444-555555555555",
            "redirect_uri=https%3A%2F%2Fapp.example%2Fatp%2F",
            "scope=https%3A%2F%2Fapi.securitycenter.microsoft.com%2F.default+offline_access",
        ] {
            assert!(url.contains(part), "{part} in {url}");
        }
        assert!(url.contains(&format!("state={}", pending.state)));
        assert!(
            !url.contains(&pending.verifier),
            "the verifier never leaves the page"
        );
        // 32 random bytes make RFC 7636's shortest verifier, 43 characters; the state has the other 16.
        assert_eq!(
            pending.verifier,
            "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc"
        );
        assert_eq!(pending.state, "BwcHBwcHBwcHBwcHBwcHBw");
        assert_eq!(pending.return_to, "?q=/alerts");
        let mut random = [7; SIGN_IN_RANDOM_BYTES];
        random[40] = 8;
        let (_, other) = begin_sign_in(
            &settings,
            &discovery(),
            "https://app.example/",
            "",
            false,
            &random,
        )
        .unwrap();
        assert_eq!(other.verifier, pending.verifier);
        assert_ne!(other.state, pending.state, "the state is the last 16 bytes");
    }

    #[test]
    fn discovery_follows_msal() {
        let mut settings = AuthSettings {
            tenant: "contoso.onmicrosoft.com".into(),
            ..AuthSettings::default()
        };
        assert_eq!(
            settings.discovery_url(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration"
        );
        settings.authority = "http://127.0.0.1:8443/contoso/v2.0/".into();
        assert_eq!(
            settings.discovery_url(),
            "http://127.0.0.1:8443/contoso/v2.0/.well-known/openid-configuration"
        );
        assert!(Discovery::parse("{}")
            .unwrap_err()
            .contains("not what OpenID describes"));
        let insecure = r#"{"authorization_endpoint":"http://evil.example/a","token_endpoint":"https://x.example/t"}"#;
        assert!(Discovery::parse(insecure)
            .unwrap_err()
            .contains("must use https"));
    }

    #[test]
    fn settings_are_checked() {
        for good in [
            "https://login.microsoftonline.com",
            "http://localhost:8080",
            "http://127.0.0.1:9/x",
        ] {
            assert_eq!(check_secure_url(good), Ok(()), "{good}");
        }
        for bad in [
            "http://login.example",
            "ftp://x",
            "javascript:alert(1)",
            "https://",
            "http://localhost.evil.example",
        ] {
            assert!(check_secure_url(bad).is_err(), "{bad}");
        }
        for good in [
            "organizations",
            "common",
            "consumers",
            "contoso.onmicrosoft.com",
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
        ] {
            assert_eq!(check_tenant(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "contoso",
            "72f988bf86f141af91ab2d7cd011db47",
            "a b.com",
            "x/../y.com",
        ] {
            assert!(check_tenant(bad).is_err(), "{bad}");
        }
        let problems = AuthSettings {
            tenant: "nope".into(),
            ..AuthSettings::default()
        }
        .problems();
        let names: Vec<_> = problems.iter().map(|p| p.setting).collect();
        assert_eq!(names, ["Tenant", "Client ID"]);
    }

    #[test]
    fn each_profile_signs_in_for_its_own_resource() {
        assert!(default_scopes(Profile::Graph)
            .split(' ')
            .all(|s| s.starts_with("https://graph.microsoft.com/") || s == "offline_access"));
        assert!(default_scopes(Profile::Graph).contains("SecurityIncident.Read.All"));
        assert!(
            default_scopes(Profile::Defender(crate::catalogue::Region::Eu))
                .starts_with("https://api.securitycenter.microsoft.com/")
        );
    }

    #[test]
    fn callbacks_and_errors_are_read_and_explained() {
        assert_eq!(
            read_callback("#code=abc%2B1&state=xyz&session_state=s"),
            Some(Callback::Code {
                code: "abc+1".into(),
                state: "xyz".into()
            })
        );
        assert_eq!(read_callback("?profile=wdatp&q=/alerts"), None);
        let Some(Callback::Error { error, description, .. }) = read_callback(
            "#error=invalid_request&error_description=AADSTS9002326%3a+Cross-origin+token+redemption+is+permitted+only+for+the+%27Single-Page+Application%27+client-type.%0d%0aTrace+ID%3a+1&state=s",
        ) else {
            panic!("an error callback");
        };
        let (what, fix) = explain_auth_error(&error, &description);
        assert!(
            what.contains("AADSTS9002326: Cross-origin token redemption"),
            "{what}"
        );
        assert!(!what.contains("Trace ID"), "{what}");
        assert!(fix.contains("Single-page application"), "{fix}");
        assert!(explain_auth_error("access_denied", "")
            .1
            .contains("cancelled"));
    }

    #[test]
    fn the_token_goes_only_to_the_api_origin() {
        let api = "https://api.security.microsoft.com/api";
        assert!(may_carry_token(
            "https://api.security.microsoft.com/api/alerts?$top=1",
            api
        ));
        assert!(may_carry_token(
            "https://API.security.microsoft.com:443/api/x",
            "https://api.security.microsoft.com:443/api"
        ));
        for elsewhere in [
            "https://evil.example/api/alerts",
            "https://api.security.microsoft.com.evil.example/api",
            "https://api.security.microsoft.com@evil.example/api",
            "http://api.security.microsoft.com/api/alerts",
            "https://eu.api.security.microsoft.com/api/alerts",
            "javascript:alert(1)",
            "/api/alerts",
        ] {
            assert!(!may_carry_token(elsewhere, api), "{elsewhere}");
        }
        assert!(may_carry_token(
            "http://127.0.0.1:9000/api/alerts",
            "http://127.0.0.1:9000/api"
        ));
        assert!(!may_carry_token(
            "http://127.0.0.1:9001/api/alerts",
            "http://127.0.0.1:9000/api"
        ));
    }

    #[test]
    fn the_account_comes_from_the_id_token() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
            r#"{"name":"Megan Bowen","preferred_username":"megan@contoso.com","tid":"t-1"}"#,
        );
        let account = id_token_account(&format!("eyJhbGciOiJub25lIn0.{payload}.")).unwrap();
        assert_eq!(account.name.as_deref(), Some("Megan Bowen"));
        assert_eq!(account.tid.as_deref(), Some("t-1"));
        assert_eq!(id_token_account("garbage"), None);
    }
}
