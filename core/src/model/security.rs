//! Microsoft Graph security entities (`https://graph.microsoft.com/v1.0/security/…`): alerts v2, incidents
//! and alert evidence, field names as the real JSON has them.
//!
//! As in the parent module, everything the API may omit or null is an `Option` and unknown fields are kept in
//! `extra`. Graph's enums are evolvable and Microsoft's own examples write them in camelCase and in
//! PascalCase (`truePositive`, `TruePositive`): they are read without case, a value not known here is kept as
//! `Other`, and the text is written back as it came ([`Spelled`]). An evidence of a type not known here is
//! kept whole ([`Evidence::Unknown`]), never dropped.
//!
//! [`Pivot`]s say which Defender for Endpoint entities an evidence names, with the ids the Defender routes
//! take, so that a Graph alert and a Defender route meet on the same graph node.

use std::collections::HashSet;
use std::fmt;
use std::net::IpAddr;

use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use super::{Extra, Timestamp};
use crate::catalogue::Entity;

/// An enumeration of the Graph security API: read without case, any other text kept.
pub trait GraphEnum: Sized {
    /// The value `text` names, compared without ASCII case; a text not known here is `Other`.
    fn parse(text: &str) -> Self;
    /// The documented camelCase spelling; an `Other` value's own text.
    fn as_str(&self) -> &str;
}

/// Declares an evolvable Graph enum: its documented values, then `Other(String)` for any value added later.
macro_rules! graph_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value not documented when this was written (Graph's enums grow), as the API wrote it.
            Other(String),
        }

        impl $name {
            /// The documented values, in the documentation's order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];
        }

        impl GraphEnum for $name {
            fn parse(text: &str) -> $name {
                $(if text.eq_ignore_ascii_case($text) {
                    return $name::$variant;
                })+
                $name::Other(text.to_string())
            }

            fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(text) => text,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(|text| <$name as GraphEnum>::parse(&text))
            }
        }
    };
}

graph_enum! {
    /// How severe an alert or incident is (`alertSeverity`).
    Severity {
        Unknown = "unknown",
        Informational = "informational",
        Low = "low",
        Medium = "medium",
        High = "high",
        UnknownFutureValue = "unknownFutureValue",
    }
}

graph_enum! {
    /// Where an alert stands (`alertStatus`).
    AlertStatus {
        Unknown = "unknown",
        New = "new",
        InProgress = "inProgress",
        Resolved = "resolved",
        UnknownFutureValue = "unknownFutureValue",
    }
}

graph_enum! {
    /// Where an incident stands (`incidentStatus`).
    IncidentStatus {
        Active = "active",
        Resolved = "resolved",
        InProgress = "inProgress",
        /// Merged into another incident (`redirectIncidentId`).
        Redirected = "redirected",
        Unknown = "unknown",
        AwaitingAction = "awaitingAction",
        UnknownFutureValue = "unknownFutureValue",
    }
}

graph_enum! {
    /// The analyst's verdict on an alert or incident (`alertClassification`).
    Classification {
        Unknown = "unknown",
        FalsePositive = "falsePositive",
        TruePositive = "truePositive",
        InformationalExpectedActivity = "informationalExpectedActivity",
        UnknownFutureValue = "unknownFutureValue",
    }
}

graph_enum! {
    /// What the analyst found the activity to be (`alertDetermination`).
    Determination {
        Unknown = "unknown",
        Apt = "apt",
        Malware = "malware",
        SecurityPersonnel = "securityPersonnel",
        SecurityTesting = "securityTesting",
        UnwantedSoftware = "unwantedSoftware",
        /// The documented value `other`: none of the listed determinations (not a value unknown here).
        OtherDetermination = "other",
        MultiStagedAttack = "multiStagedAttack",
        CompromisedAccount = "compromisedAccount",
        Phishing = "phishing",
        MaliciousUserActivity = "maliciousUserActivity",
        NotMalicious = "notMalicious",
        NotEnoughDataToValidate = "notEnoughDataToValidate",
        ConfirmedActivity = "confirmedActivity",
        LineOfBusinessApplication = "lineOfBusinessApplication",
        UnknownFutureValue = "unknownFutureValue",
    }
}

graph_enum! {
    /// The product that raised an alert (`serviceSource`).
    ServiceSource {
        Unknown = "unknown",
        MicrosoftDefenderForEndpoint = "microsoftDefenderForEndpoint",
        MicrosoftDefenderForIdentity = "microsoftDefenderForIdentity",
        MicrosoftDefenderForCloudApps = "microsoftDefenderForCloudApps",
        MicrosoftDefenderForOffice365 = "microsoftDefenderForOffice365",
        Microsoft365Defender = "microsoft365Defender",
        AzureAdIdentityProtection = "azureAdIdentityProtection",
        MicrosoftAppGovernance = "microsoftAppGovernance",
        DataLossPrevention = "dataLossPrevention",
        UnknownFutureValue = "unknownFutureValue",
        MicrosoftDefenderForCloud = "microsoftDefenderForCloud",
        MicrosoftSentinel = "microsoftSentinel",
        MicrosoftInsiderRiskManagement = "microsoftInsiderRiskManagement",
    }
}

graph_enum! {
    /// The detection technology inside the product that raised an alert (`detectionSource`).
    DetectionSource {
        Unknown = "unknown",
        MicrosoftDefenderForEndpoint = "microsoftDefenderForEndpoint",
        Antivirus = "antivirus",
        SmartScreen = "smartScreen",
        CustomTi = "customTi",
        MicrosoftDefenderForOffice365 = "microsoftDefenderForOffice365",
        AutomatedInvestigation = "automatedInvestigation",
        MicrosoftThreatExperts = "microsoftThreatExperts",
        CustomDetection = "customDetection",
        MicrosoftDefenderForIdentity = "microsoftDefenderForIdentity",
        CloudAppSecurity = "cloudAppSecurity",
        Microsoft365Defender = "microsoft365Defender",
        AzureAdIdentityProtection = "azureAdIdentityProtection",
        Manual = "manual",
        MicrosoftDataLossPrevention = "microsoftDataLossPrevention",
        AppGovernancePolicy = "appGovernancePolicy",
        AppGovernanceDetection = "appGovernanceDetection",
        UnknownFutureValue = "unknownFutureValue",
        MicrosoftDefenderForCloud = "microsoftDefenderForCloud",
        MicrosoftSentinel = "microsoftSentinel",
        MicrosoftInsiderRiskManagement = "microsoftInsiderRiskManagement",
    }
}

/// An enum value together with the text the API wrote, so that writing it back gives the same JSON
/// (`"TruePositive"` stays `"TruePositive"`, though it reads as [`Classification::TruePositive`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spelled<T> {
    pub value: T,
    pub text: String,
}

impl<T: GraphEnum> Spelled<T> {
    /// A value spelled the documented way (camelCase), as the demo tenant writes it.
    pub fn new(value: T) -> Spelled<T> {
        let text = value.as_str().to_string();
        Spelled { value, text }
    }
}

impl<T: PartialEq> PartialEq<T> for Spelled<T> {
    fn eq(&self, other: &T) -> bool {
        self.value == *other
    }
}

impl<T> fmt::Display for Spelled<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<T> Serialize for Spelled<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de, T: GraphEnum> Deserialize<'de> for Spelled<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Spelled {
            value: T::parse(&text),
            text,
        })
    }
}

/// A comment on an alert or incident. The v1.0 resource (`alertComment`) names its author and time
/// `createdByDisplayName` and `createdDateTime`; the incident examples write `createdBy` and `createdTime`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertComment {
    pub comment: Option<String>,
    pub created_by_display_name: Option<String>,
    pub created_date_time: Option<Timestamp>,
    pub created_by: Option<String>,
    pub created_time: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl AlertComment {
    /// Who wrote it, whichever spelling carries it.
    pub fn author(&self) -> Option<&str> {
        self.created_by_display_name
            .as_deref()
            .or(self.created_by.as_deref())
    }

    /// When it was written, whichever spelling carries it.
    pub fn time(&self) -> Option<Timestamp> {
        self.created_date_time.or(self.created_time)
    }
}

/// An alert of the Graph security API (`microsoft.graph.security.alert`, `/security/alerts_v2`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertV2 {
    #[serde(default)]
    pub id: String,
    /// The id in the product that raised it: for Defender for Endpoint, its `/api/alerts/{id}`.
    pub provider_alert_id: Option<String>,
    pub incident_id: Option<String>,
    pub status: Option<Spelled<AlertStatus>>,
    pub severity: Option<Spelled<Severity>>,
    pub classification: Option<Spelled<Classification>>,
    pub determination: Option<Spelled<Determination>>,
    pub service_source: Option<Spelled<ServiceSource>>,
    pub detection_source: Option<Spelled<DetectionSource>>,
    pub product_name: Option<String>,
    pub detector_id: Option<String>,
    pub tenant_id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub recommended_actions: Option<String>,
    pub category: Option<String>,
    pub assigned_to: Option<String>,
    pub alert_web_url: Option<String>,
    pub incident_web_url: Option<String>,
    pub actor_display_name: Option<String>,
    pub threat_display_name: Option<String>,
    pub threat_family_name: Option<String>,
    pub mitre_techniques: Option<Vec<String>>,
    pub created_date_time: Option<Timestamp>,
    pub last_update_date_time: Option<Timestamp>,
    pub resolved_date_time: Option<Timestamp>,
    pub first_activity_date_time: Option<Timestamp>,
    pub last_activity_date_time: Option<Timestamp>,
    pub comments: Option<Vec<AlertComment>>,
    pub evidence: Option<Vec<Evidence>>,
    pub system_tags: Option<Vec<String>>,
    pub investigation_state: Option<String>,
    pub alert_policy_id: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl AlertV2 {
    /// The Defender entities its evidence names, each once (ids compared without case), in evidence order.
    pub fn pivots(&self) -> Vec<Pivot> {
        let mut pivots = Pivots::default();
        for evidence in self.evidence.iter().flatten() {
            pivots.extend(evidence.pivots());
        }
        pivots.list
    }
}

/// An incident of the Graph security API (`/security/incidents`); `alerts` with `$expand=alerts`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Incident {
    #[serde(default)]
    pub id: String,
    pub tenant_id: Option<String>,
    pub status: Option<Spelled<IncidentStatus>>,
    pub severity: Option<Spelled<Severity>>,
    pub classification: Option<Spelled<Classification>>,
    pub determination: Option<Spelled<Determination>>,
    pub incident_web_url: Option<String>,
    /// The incident this one was merged into, when its status is `redirected`.
    pub redirect_incident_id: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub summary: Option<String>,
    pub created_date_time: Option<Timestamp>,
    pub last_update_date_time: Option<Timestamp>,
    pub assigned_to: Option<String>,
    pub last_modified_by: Option<String>,
    pub resolving_comment: Option<String>,
    pub priority_score: Option<i64>,
    /// The analysts' tags as the v1.0 resource names them.
    pub custom_tags: Option<Vec<String>>,
    /// The same tags as one documented example names them.
    pub tags: Option<Vec<String>>,
    pub system_tags: Option<Vec<String>>,
    pub comments: Option<Vec<AlertComment>>,
    pub alerts: Option<Vec<AlertV2>>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Incident {
    /// The analysts' tags, from `customTags` and `tags`, each once.
    pub fn analyst_tags(&self) -> Vec<&str> {
        let mut seen = HashSet::new();
        self.custom_tags
            .iter()
            .chain(self.tags.iter())
            .flatten()
            .map(String::as_str)
            .filter(|tag| seen.insert(*tag))
            .collect()
    }

    /// The Defender entities its alerts' evidence names, each once, in alert and evidence order.
    pub fn pivots(&self) -> Vec<Pivot> {
        let mut pivots = Pivots::default();
        for alert in self.alerts.iter().flatten() {
            pivots.extend(alert.pivots());
        }
        pivots.list
    }
}

/// The fields every evidence type has (`alertEvidence`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceCommon {
    #[serde(default)]
    pub created_date_time: Option<Timestamp>,
    /// `unknown`, `suspicious`, `malicious`, `noThreatsFound`, …
    #[serde(default)]
    pub verdict: Option<String>,
    /// `none`, `remediated`, `prevented`, `blocked`, `notFound`, `active`, …
    #[serde(default)]
    pub remediation_status: Option<String>,
    #[serde(default)]
    pub remediation_status_details: Option<String>,
    /// What the entity was in the alert (`compromised`, `attacker`, …).
    #[serde(default)]
    pub roles: Option<Vec<String>>,
    /// Free-form roles (`Main device`, `Referred in command line`).
    #[serde(default)]
    pub detailed_roles: Option<Vec<String>>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
}

/// A file's identity in evidence (`fileDetails`, a process's `imageFile`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileDetails {
    pub sha1: Option<String>,
    pub sha256: Option<String>,
    pub md5: Option<String>,
    pub sha256_ac: Option<String>,
    pub file_name: Option<String>,
    pub file_path: Option<String>,
    pub file_size: Option<i64>,
    pub file_publisher: Option<String>,
    pub signer: Option<String>,
    pub issuer: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl FileDetails {
    /// The id the Defender file route takes: the SHA1, else the SHA256 (only a well-formed hash).
    pub fn route_hash(&self) -> Option<&str> {
        fn hex(hash: Option<&str>, len: usize) -> Option<&str> {
            hash.map(str::trim)
                .filter(|h| h.len() == len && h.bytes().all(|b| b.is_ascii_hexdigit()))
        }
        hex(self.sha1.as_deref(), 40).or_else(|| hex(self.sha256.as_deref(), 64))
    }
}

/// A user account in evidence (`userAccount`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserAccount {
    pub account_name: Option<String>,
    pub domain_name: Option<String>,
    pub user_sid: Option<String>,
    pub azure_ad_user_id: Option<String>,
    pub user_principal_name: Option<String>,
    pub display_name: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl UserAccount {
    /// The id the Defender user route takes: `domain\name` (as the demo tenant and the 2017 route name
    /// users), `name` without a domain, else the user principal name.
    pub fn route_id(&self) -> Option<String> {
        let name = route_text(self.account_name.as_deref()).filter(|n| !n.contains('\\'));
        let domain = route_text(self.domain_name.as_deref()).filter(|d| !d.contains('\\'));
        match (domain, name) {
            (Some(domain), Some(name)) => Some(format!("{domain}\\{name}")),
            (None, Some(name)) => Some(name.to_string()),
            _ => route_text(self.user_principal_name.as_deref()).map(str::to_string),
        }
    }
}

/// A user logged on to a device in evidence.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedOnUser {
    pub account_name: Option<String>,
    pub domain_name: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The sender of an analyzed message (`emailSender`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailSender {
    pub display_name: Option<String>,
    pub domain_name: Option<String>,
    pub email_address: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `deviceEvidence`: a device; `mdeDeviceId` is the Defender machine id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceEvidence {
    #[serde(flatten)]
    pub common: EvidenceCommon,
    pub mde_device_id: Option<String>,
    pub azure_ad_device_id: Option<String>,
    pub device_dns_name: Option<String>,
    pub host_name: Option<String>,
    pub nt_domain: Option<String>,
    pub dns_domain: Option<String>,
    pub first_seen_date_time: Option<Timestamp>,
    pub os_platform: Option<String>,
    pub os_build: Option<i64>,
    pub version: Option<String>,
    pub health_status: Option<String>,
    pub risk_score: Option<String>,
    pub rbac_group_id: Option<i64>,
    pub rbac_group_name: Option<String>,
    pub onboarding_status: Option<String>,
    pub defender_av_status: Option<String>,
    pub last_ip_address: Option<String>,
    pub last_external_ip_address: Option<String>,
    pub ip_interfaces: Option<Vec<String>>,
    pub logged_on_users: Option<Vec<LoggedOnUser>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `fileEvidence`: a file, by its hashes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileEvidence {
    #[serde(flatten)]
    pub common: EvidenceCommon,
    pub file_details: Option<FileDetails>,
    pub mde_device_id: Option<String>,
    pub detection_status: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `processEvidence`: a process, its image file, its parent's image file and its user.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessEvidence {
    #[serde(flatten)]
    pub common: EvidenceCommon,
    pub process_id: Option<i64>,
    pub parent_process_id: Option<i64>,
    pub process_command_line: Option<String>,
    pub process_creation_date_time: Option<Timestamp>,
    pub parent_process_creation_date_time: Option<Timestamp>,
    pub detection_status: Option<String>,
    pub mde_device_id: Option<String>,
    pub image_file: Option<FileDetails>,
    pub parent_process_image_file: Option<FileDetails>,
    pub user_account: Option<UserAccount>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `ipEvidence`: an IP address.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IpEvidence {
    #[serde(flatten)]
    pub common: EvidenceCommon,
    pub ip_address: Option<String>,
    pub country_letter_code: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `urlEvidence`: a URL; its host is the Defender domain.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UrlEvidence {
    #[serde(flatten)]
    pub common: EvidenceCommon,
    pub url: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `userEvidence`: a user account.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserEvidence {
    #[serde(flatten)]
    pub common: EvidenceCommon,
    pub user_account: Option<UserAccount>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `mailboxEvidence`: a mailbox and its user.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MailboxEvidence {
    #[serde(flatten)]
    pub common: EvidenceCommon,
    pub display_name: Option<String>,
    pub primary_address: Option<String>,
    pub upn: Option<String>,
    pub user_account: Option<UserAccount>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `analyzedMessageEvidence`: an email; its sender's relay IP and the URLs it carries.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzedMessageEvidence {
    #[serde(flatten)]
    pub common: EvidenceCommon,
    pub network_message_id: Option<String>,
    pub internet_message_id: Option<String>,
    pub subject: Option<String>,
    pub language: Option<String>,
    /// The last mail server that relayed the message.
    pub sender_ip: Option<String>,
    pub recipient_email_address: Option<String>,
    pub anti_spam_direction: Option<String>,
    pub delivery_action: Option<String>,
    pub delivery_location: Option<String>,
    pub urn: Option<String>,
    pub threats: Option<Vec<String>>,
    pub threat_detection_methods: Option<Vec<String>>,
    pub urls: Option<Vec<String>>,
    pub url_count: Option<i64>,
    pub attachments_count: Option<i64>,
    pub received_date_time: Option<Timestamp>,
    pub p1_sender: Option<EmailSender>,
    pub p2_sender: Option<EmailSender>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `cloudApplicationEvidence`: a cloud (SaaS) application; its ids are numbers in the v1.0 resource.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloudApplicationEvidence {
    #[serde(flatten)]
    pub common: EvidenceCommon,
    pub app_id: Option<i64>,
    pub display_name: Option<String>,
    pub instance_id: Option<i64>,
    pub instance_name: Option<String>,
    pub saas_app_id: Option<i64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `oauthApplicationEvidence`: an OAuth application.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OauthApplicationEvidence {
    #[serde(flatten)]
    pub common: EvidenceCommon,
    pub app_id: Option<String>,
    pub display_name: Option<String>,
    pub object_id: Option<String>,
    pub publisher: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `registryKeyEvidence`: a registry key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistryKeyEvidence {
    #[serde(flatten)]
    pub common: EvidenceCommon,
    pub registry_key: Option<String>,
    pub registry_hive: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `registryValueEvidence`: a registry value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistryValueEvidence {
    #[serde(flatten)]
    pub common: EvidenceCommon,
    pub mde_device_id: Option<String>,
    pub registry_hive: Option<String>,
    pub registry_key: Option<String>,
    pub registry_value: Option<String>,
    pub registry_value_name: Option<String>,
    pub registry_value_type: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `securityGroupEvidence`: a Microsoft Entra security group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityGroupEvidence {
    #[serde(flatten)]
    pub common: EvidenceCommon,
    pub security_group_id: Option<String>,
    pub display_name: Option<String>,
    pub active_directory_object_guid: Option<String>,
    pub distinguished_name: Option<String>,
    pub friendly_name: Option<String>,
    pub sid: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Which evidence type an evidence is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EvidenceKind {
    Device,
    File,
    Process,
    Ip,
    Url,
    User,
    Mailbox,
    AnalyzedMessage,
    CloudApplication,
    OauthApplication,
    RegistryKey,
    RegistryValue,
    SecurityGroup,
    /// Any other `@odata.type`, or none.
    Unknown,
}

impl EvidenceKind {
    /// The evidence types this model reads field by field.
    pub const KNOWN: [EvidenceKind; 13] = [
        EvidenceKind::Device,
        EvidenceKind::File,
        EvidenceKind::Process,
        EvidenceKind::Ip,
        EvidenceKind::Url,
        EvidenceKind::User,
        EvidenceKind::Mailbox,
        EvidenceKind::AnalyzedMessage,
        EvidenceKind::CloudApplication,
        EvidenceKind::OauthApplication,
        EvidenceKind::RegistryKey,
        EvidenceKind::RegistryValue,
        EvidenceKind::SecurityGroup,
    ];

    /// The `@odata.type` the API writes (`#microsoft.graph.security.deviceEvidence`); `None` for `Unknown`.
    pub fn odata_type(self) -> Option<&'static str> {
        Some(match self {
            EvidenceKind::Device => "#microsoft.graph.security.deviceEvidence",
            EvidenceKind::File => "#microsoft.graph.security.fileEvidence",
            EvidenceKind::Process => "#microsoft.graph.security.processEvidence",
            EvidenceKind::Ip => "#microsoft.graph.security.ipEvidence",
            EvidenceKind::Url => "#microsoft.graph.security.urlEvidence",
            EvidenceKind::User => "#microsoft.graph.security.userEvidence",
            EvidenceKind::Mailbox => "#microsoft.graph.security.mailboxEvidence",
            EvidenceKind::AnalyzedMessage => "#microsoft.graph.security.analyzedMessageEvidence",
            EvidenceKind::CloudApplication => "#microsoft.graph.security.cloudApplicationEvidence",
            EvidenceKind::OauthApplication => "#microsoft.graph.security.oauthApplicationEvidence",
            EvidenceKind::RegistryKey => "#microsoft.graph.security.registryKeyEvidence",
            EvidenceKind::RegistryValue => "#microsoft.graph.security.registryValueEvidence",
            EvidenceKind::SecurityGroup => "#microsoft.graph.security.securityGroupEvidence",
            EvidenceKind::Unknown => return None,
        })
    }

    /// The kind an `@odata.type` names, exactly as the API writes it; anything else is `Unknown`.
    pub fn from_odata_type(odata_type: &str) -> EvidenceKind {
        EvidenceKind::KNOWN
            .into_iter()
            .find(|k| k.odata_type() == Some(odata_type))
            .unwrap_or(EvidenceKind::Unknown)
    }

    /// What an analyst calls it, for a section heading.
    pub fn label(self) -> &'static str {
        match self {
            EvidenceKind::Device => "Device",
            EvidenceKind::File => "File",
            EvidenceKind::Process => "Process",
            EvidenceKind::Ip => "IP address",
            EvidenceKind::Url => "URL",
            EvidenceKind::User => "User",
            EvidenceKind::Mailbox => "Mailbox",
            EvidenceKind::AnalyzedMessage => "Email message",
            EvidenceKind::CloudApplication => "Cloud application",
            EvidenceKind::OauthApplication => "OAuth application",
            EvidenceKind::RegistryKey => "Registry key",
            EvidenceKind::RegistryValue => "Registry value",
            EvidenceKind::SecurityGroup => "Security group",
            EvidenceKind::Unknown => "Evidence",
        }
    }
}

/// One piece of an alert's evidence, by its `@odata.type`. A type not known here, or a known type whose
/// fields do not have the documented JSON types, is kept whole as `Unknown`: it is shown generically rather
/// than costing the analyst the whole alert.
#[derive(Clone, Debug, PartialEq)]
pub enum Evidence {
    Device(Box<DeviceEvidence>),
    File(Box<FileEvidence>),
    Process(Box<ProcessEvidence>),
    Ip(Box<IpEvidence>),
    Url(Box<UrlEvidence>),
    User(Box<UserEvidence>),
    Mailbox(Box<MailboxEvidence>),
    AnalyzedMessage(Box<AnalyzedMessageEvidence>),
    CloudApplication(Box<CloudApplicationEvidence>),
    OauthApplication(Box<OauthApplicationEvidence>),
    RegistryKey(Box<RegistryKeyEvidence>),
    RegistryValue(Box<RegistryValueEvidence>),
    SecurityGroup(Box<SecurityGroupEvidence>),
    Unknown {
        /// The `@odata.type` when it is a string; otherwise it stays in `fields`.
        odata_type: Option<String>,
        /// Every other member, as sent.
        fields: Extra,
    },
}

impl Evidence {
    /// Reads one evidence object. Never fails: what cannot be read by its type is `Unknown`.
    pub fn from_fields(mut fields: Extra) -> Evidence {
        let odata_type = match fields.get("@odata.type") {
            Some(Value::String(t)) => Some(t.clone()),
            _ => None,
        };
        if odata_type.is_some() {
            fields.remove("@odata.type");
        }
        let kind = odata_type
            .as_deref()
            .map_or(EvidenceKind::Unknown, EvidenceKind::from_odata_type);
        let value = Value::Object(fields);
        match Evidence::typed(kind, &value) {
            Some(evidence) => evidence,
            None => Evidence::Unknown {
                odata_type,
                fields: match value {
                    Value::Object(fields) => fields,
                    _ => Extra::new(),
                },
            },
        }
    }

    fn typed(kind: EvidenceKind, value: &Value) -> Option<Evidence> {
        fn read<T: serde::de::DeserializeOwned>(value: &Value) -> Option<Box<T>> {
            T::deserialize(value).ok().map(Box::new)
        }
        Some(match kind {
            EvidenceKind::Device => Evidence::Device(read(value)?),
            EvidenceKind::File => Evidence::File(read(value)?),
            EvidenceKind::Process => Evidence::Process(read(value)?),
            EvidenceKind::Ip => Evidence::Ip(read(value)?),
            EvidenceKind::Url => Evidence::Url(read(value)?),
            EvidenceKind::User => Evidence::User(read(value)?),
            EvidenceKind::Mailbox => Evidence::Mailbox(read(value)?),
            EvidenceKind::AnalyzedMessage => Evidence::AnalyzedMessage(read(value)?),
            EvidenceKind::CloudApplication => Evidence::CloudApplication(read(value)?),
            EvidenceKind::OauthApplication => Evidence::OauthApplication(read(value)?),
            EvidenceKind::RegistryKey => Evidence::RegistryKey(read(value)?),
            EvidenceKind::RegistryValue => Evidence::RegistryValue(read(value)?),
            EvidenceKind::SecurityGroup => Evidence::SecurityGroup(read(value)?),
            EvidenceKind::Unknown => return None,
        })
    }

    /// Which type it is (`Unknown` also for a known type kept whole because its fields were not readable).
    pub fn kind(&self) -> EvidenceKind {
        match self {
            Evidence::Device(_) => EvidenceKind::Device,
            Evidence::File(_) => EvidenceKind::File,
            Evidence::Process(_) => EvidenceKind::Process,
            Evidence::Ip(_) => EvidenceKind::Ip,
            Evidence::Url(_) => EvidenceKind::Url,
            Evidence::User(_) => EvidenceKind::User,
            Evidence::Mailbox(_) => EvidenceKind::Mailbox,
            Evidence::AnalyzedMessage(_) => EvidenceKind::AnalyzedMessage,
            Evidence::CloudApplication(_) => EvidenceKind::CloudApplication,
            Evidence::OauthApplication(_) => EvidenceKind::OauthApplication,
            Evidence::RegistryKey(_) => EvidenceKind::RegistryKey,
            Evidence::RegistryValue(_) => EvidenceKind::RegistryValue,
            Evidence::SecurityGroup(_) => EvidenceKind::SecurityGroup,
            Evidence::Unknown { .. } => EvidenceKind::Unknown,
        }
    }

    /// The fields every type has; `None` for `Unknown` (its `fields` hold them as sent).
    pub fn common(&self) -> Option<&EvidenceCommon> {
        Some(match self {
            Evidence::Device(e) => &e.common,
            Evidence::File(e) => &e.common,
            Evidence::Process(e) => &e.common,
            Evidence::Ip(e) => &e.common,
            Evidence::Url(e) => &e.common,
            Evidence::User(e) => &e.common,
            Evidence::Mailbox(e) => &e.common,
            Evidence::AnalyzedMessage(e) => &e.common,
            Evidence::CloudApplication(e) => &e.common,
            Evidence::OauthApplication(e) => &e.common,
            Evidence::RegistryKey(e) => &e.common,
            Evidence::RegistryValue(e) => &e.common,
            Evidence::SecurityGroup(e) => &e.common,
            Evidence::Unknown { .. } => return None,
        })
    }

    /// The Defender entities this evidence names, each once, with the ids their routes take (see
    /// [`Pivot`]). Types with no Defender route (registry, cloud and OAuth apps, groups, unknown) name none.
    pub fn pivots(&self) -> Vec<Pivot> {
        let mut pivots = Pivots::default();
        match self {
            Evidence::Device(e) => pivots.machine(e.mde_device_id.as_deref()),
            Evidence::File(e) => pivots.file(e.file_details.as_ref()),
            Evidence::Process(e) => {
                pivots.file(e.image_file.as_ref());
                pivots.file(e.parent_process_image_file.as_ref());
                pivots.user(e.user_account.as_ref());
                pivots.machine(e.mde_device_id.as_deref());
            }
            Evidence::Ip(e) => pivots.ip(e.ip_address.as_deref()),
            Evidence::Url(e) => pivots.url(e.url.as_deref()),
            Evidence::User(e) => pivots.user(e.user_account.as_ref()),
            Evidence::Mailbox(e) => {
                pivots.user(e.user_account.as_ref());
                if e.user_account
                    .as_ref()
                    .and_then(UserAccount::route_id)
                    .is_none()
                {
                    pivots.add(Entity::User, route_text(e.upn.as_deref()));
                }
            }
            Evidence::AnalyzedMessage(e) => {
                pivots.ip(e.sender_ip.as_deref());
                for url in e.urls.iter().flatten() {
                    pivots.url(Some(url));
                }
            }
            Evidence::CloudApplication(_)
            | Evidence::OauthApplication(_)
            | Evidence::RegistryKey(_)
            | Evidence::RegistryValue(_)
            | Evidence::SecurityGroup(_)
            | Evidence::Unknown { .. } => {}
        }
        pivots.list
    }
}

/// Writes `@odata.type` before the body's own members.
#[derive(Serialize)]
struct Tagged<'a, T> {
    #[serde(rename = "@odata.type", skip_serializing_if = "Option::is_none")]
    odata_type: Option<&'a str>,
    #[serde(flatten)]
    body: &'a T,
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        fn tagged<S: Serializer, T: Serialize>(
            kind: EvidenceKind,
            body: &T,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            let odata_type = kind.odata_type();
            Tagged { odata_type, body }.serialize(serializer)
        }
        let kind = self.kind();
        match self {
            Evidence::Device(e) => tagged(kind, e, serializer),
            Evidence::File(e) => tagged(kind, e, serializer),
            Evidence::Process(e) => tagged(kind, e, serializer),
            Evidence::Ip(e) => tagged(kind, e, serializer),
            Evidence::Url(e) => tagged(kind, e, serializer),
            Evidence::User(e) => tagged(kind, e, serializer),
            Evidence::Mailbox(e) => tagged(kind, e, serializer),
            Evidence::AnalyzedMessage(e) => tagged(kind, e, serializer),
            Evidence::CloudApplication(e) => tagged(kind, e, serializer),
            Evidence::OauthApplication(e) => tagged(kind, e, serializer),
            Evidence::RegistryKey(e) => tagged(kind, e, serializer),
            Evidence::RegistryValue(e) => tagged(kind, e, serializer),
            Evidence::SecurityGroup(e) => tagged(kind, e, serializer),
            Evidence::Unknown { odata_type, fields } => Tagged {
                odata_type: odata_type.as_deref(),
                body: fields,
            }
            .serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Extra::deserialize(deserializer).map(Evidence::from_fields)
    }
}

/// A Defender entity an evidence names: the entity and the id its Defender for Endpoint route takes
/// (machine: `mdeDeviceId`; file: SHA1, else SHA256; IP: the address; domain: the URL's host, lower case;
/// user: `domain\name`, or the name, or the UPN).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pivot {
    pub entity: Entity,
    pub id: String,
}

/// Pivots gathered once each; ids compare without case, as the API (and the graph's node keys) compare them.
#[derive(Default)]
pub(crate) struct Pivots {
    pub(crate) list: Vec<Pivot>,
    seen: HashSet<(Entity, String)>,
}

impl Pivots {
    pub(crate) fn add(&mut self, entity: Entity, id: Option<&str>) {
        let Some(id) = id else { return };
        if self.seen.insert((entity, id.to_lowercase())) {
            self.list.push(Pivot {
                entity,
                id: id.to_string(),
            });
        }
    }

    fn extend(&mut self, pivots: Vec<Pivot>) {
        for pivot in pivots {
            self.add(pivot.entity, Some(&pivot.id));
        }
    }

    pub(crate) fn machine(&mut self, mde_device_id: Option<&str>) {
        let id = mde_device_id
            .map(str::trim)
            .filter(|id| id.len() == 40 && id.bytes().all(|b| b.is_ascii_hexdigit()));
        self.add(Entity::Machine, id);
    }

    fn file(&mut self, file: Option<&FileDetails>) {
        self.add(Entity::File, file.and_then(FileDetails::route_hash));
    }

    fn user(&mut self, account: Option<&UserAccount>) {
        let id = account.and_then(UserAccount::route_id);
        self.add(Entity::User, id.as_deref());
    }

    pub(crate) fn ip(&mut self, address: Option<&str>) {
        let address = address
            .map(str::trim)
            .filter(|a| a.parse::<IpAddr>().is_ok());
        self.add(Entity::Ip, address);
    }

    pub(crate) fn url(&mut self, url: Option<&str>) {
        if let Some(pivot) = url.and_then(url_pivot) {
            self.add(pivot.entity, Some(&pivot.id));
        }
    }
}

/// Text usable as a route id: trimmed, not empty, no control characters.
pub(crate) fn route_text(text: Option<&str>) -> Option<&str> {
    text.map(str::trim)
        .filter(|t| !t.is_empty() && !t.chars().any(char::is_control))
}

/// The Defender entity a URL's host is: a domain (lower case, without a trailing dot) or, for an address
/// literal (`http://10.1.2.3/`, `http://[fe80::1]:8080/`), an IP. `None` when no host can be read: no
/// panic on any text, and non-ASCII (unencoded international) hosts are not guessed at.
pub fn url_pivot(url: &str) -> Option<Pivot> {
    let authority = url_authority(url)?;
    if let Some(bracketed) = authority.strip_prefix('[') {
        let (inside, _port) = bracketed.split_once(']')?;
        return inside.parse::<std::net::Ipv6Addr>().ok().map(|ip| Pivot {
            entity: Entity::Ip,
            id: ip.to_string(),
        });
    }
    if let Ok(ip) = authority.parse::<IpAddr>() {
        // A bare IPv6 address (no brackets, so no port).
        return Some(Pivot {
            entity: Entity::Ip,
            id: ip.to_string(),
        });
    }
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        Some(_) => return None,
        None => authority,
    };
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    if let Ok(ip) = host.parse::<std::net::Ipv4Addr>() {
        return Some(Pivot {
            entity: Entity::Ip,
            id: ip.to_string(),
        });
    }
    dns_host(&host).then_some(Pivot {
        entity: Entity::Domain,
        id: host,
    })
}

/// The authority of a URL (`user@host:port`, less the user): after `scheme://` or `//`, or from the start
/// when the text has no scheme (`evil.example/path`), up to the path, query or fragment.
fn url_authority(url: &str) -> Option<&str> {
    let url = url.trim();
    let rest = match url.split_once("://") {
        Some((scheme, rest)) => {
            let mut chars = scheme.chars();
            let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
            if !scheme_ok {
                return None;
            }
            rest
        }
        None => url.strip_prefix("//").unwrap_or(url),
    };
    let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    (!authority.is_empty()).then_some(authority)
}

/// Whether `host` (lower case, no trailing dot) is a DNS name the domain route takes: dot-separated labels
/// of 1 to 63 letters, digits, `-` or `_`, no label starting or ending with `-`, 253 characters at most.
fn dns_host(host: &str) -> bool {
    let label_ok = |label: &str| {
        let bytes = label.as_bytes();
        (1..=63).contains(&bytes.len())
            && bytes.first() != Some(&b'-')
            && bytes.last() != Some(&b'-')
            && bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-' || *b == b'_')
    };
    host.len() <= 253 && host.split('.').all(label_ok)
}
