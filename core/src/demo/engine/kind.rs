//! The entity kinds the engine answers with: their entity set, type name and the properties each API
//! writes, in the order it writes them.

use crate::catalogue::Api;

/// An entity kind of the demo tenant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Alert,
    Machine,
    User,
    File,
    Ip,
    Domain,
    Actor,
}

impl Kind {
    /// The entity set in `@odata.context`.
    pub(super) fn set(self) -> &'static str {
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

    /// The type name in error messages.
    pub(super) fn type_name(self) -> &'static str {
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
    /// The properties each API writes, in the order it writes them.
    pub(super) fn fields(self, api: Api) -> &'static [&'static str] {
        match (self, api) {
            (Kind::Alert, Api::Wdatp) => ALERT_WDATP_FIELDS,
            (Kind::Alert, Api::Defender | Api::Graph) => ALERT_DEFENDER_FIELDS,
            (Kind::Machine, Api::Wdatp) => MACHINE_WDATP_FIELDS,
            (Kind::Machine, Api::Defender | Api::Graph) => MACHINE_DEFENDER_FIELDS,
            (Kind::User, Api::Wdatp) => USER_WDATP_FIELDS,
            (Kind::User, Api::Defender | Api::Graph) => USER_DEFENDER_FIELDS,
            (Kind::File, Api::Wdatp) => FILE_WDATP_FIELDS,
            (Kind::File, Api::Defender | Api::Graph) => FILE_DEFENDER_FIELDS,
            (Kind::Ip, _) => IP_FIELDS,
            (Kind::Domain, _) => DOMAIN_FIELDS,
            (Kind::Actor, _) => ACTOR_FIELDS,
        }
    }
}

static ALERT_WDATP_FIELDS: &[&str] = &[
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
];
static ALERT_DEFENDER_FIELDS: &[&str] = &[
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
];
static MACHINE_WDATP_FIELDS: &[&str] = &[
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
];
static MACHINE_DEFENDER_FIELDS: &[&str] = &[
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
];
static USER_WDATP_FIELDS: &[&str] = &["id", "accountSid", "accountName", "accountDomainName"];
static USER_DEFENDER_FIELDS: &[&str] = &[
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
];
static FILE_WDATP_FIELDS: &[&str] = &[
    "sha1",
    "sha256",
    "md5",
    "globalPrevalence",
    "globalFirstObserved",
    "globalLastObserved",
];
static FILE_DEFENDER_FIELDS: &[&str] = &[
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
];
static IP_FIELDS: &[&str] = &["id"];
static DOMAIN_FIELDS: &[&str] = &["host"];
static ACTOR_FIELDS: &[&str] = &[
    "id",
    "linkToReport",
    "name",
    "description",
    "aliases",
    "targetedSectors",
    "firstSeen",
    "lastSeen",
];
