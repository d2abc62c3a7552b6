//! The advanced hunting tables the demo tenant serves: every column with its KQL type, and for the
//! columns that identify an entity, where a pivot leads (`EntityMark`). The UI's schema pane,
//! completion and pivot links read this; the engine types its tables by it.
//!
//! Columns and types are those of Microsoft's schema reference pages (MicrosoftDocs/defender-docs,
//! `defender-xdr/advanced-hunting-<table>-table.md`), in their order; JSON-in-a-string columns
//! (`AdditionalFields`, `LoggedOnUsers`, `IPAddresses`) are `string` as documented, read with
//! `parse_json`.

use std::sync::OnceLock;

/// A column's KQL type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnType {
    DateTime,
    String,
    Long,
    Int,
    Bool,
    Real,
    Dynamic,
    Guid,
    Timespan,
}

impl ColumnType {
    /// The type as KQL writes it (`datetime`, `string`, …).
    pub fn kql(self) -> &'static str {
        match self {
            ColumnType::DateTime => "datetime",
            ColumnType::String => "string",
            ColumnType::Long => "long",
            ColumnType::Int => "int",
            ColumnType::Bool => "bool",
            ColumnType::Real => "real",
            ColumnType::Dynamic => "dynamic",
            ColumnType::Guid => "guid",
            ColumnType::Timespan => "timespan",
        }
    }

    /// The type as the hunting APIs name it in a result's schema (.NET names: `DateTime`, `Int64`, …).
    pub fn api(self) -> &'static str {
        match self {
            ColumnType::DateTime => "DateTime",
            ColumnType::String => "String",
            ColumnType::Long => "Int64",
            ColumnType::Int => "Int32",
            ColumnType::Bool => "Boolean",
            ColumnType::Real => "Double",
            ColumnType::Dynamic => "Object",
            ColumnType::Guid => "Guid",
            ColumnType::Timespan => "TimeSpan",
        }
    }

    /// A type from KQL's name or an API's name (case-insensitive); unknown names are `None`.
    pub fn parse(name: &str) -> Option<ColumnType> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "datetime" | "date" | "system.datetime" => ColumnType::DateTime,
            "string" | "system.string" => ColumnType::String,
            "long" | "int64" | "system.int64" | "uint64" => ColumnType::Long,
            "int" | "int32" | "system.int32" | "int16" | "sbyte" | "byte" => ColumnType::Int,
            "bool" | "boolean" | "system.boolean" => ColumnType::Bool,
            "real" | "double" | "decimal" | "single" | "float" | "system.double" => {
                ColumnType::Real
            }
            "dynamic" | "object" | "system.object" => ColumnType::Dynamic,
            "guid" | "uniqueid" | "system.guid" => ColumnType::Guid,
            "timespan" | "time" | "system.timespan" => ColumnType::Timespan,
            _ => return None,
        })
    }
}

/// What an entity column identifies, so that its values can be pivot links.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntityMark {
    /// The Defender machine id (`/api/machines/{id}`).
    MachineId,
    /// A device's name (FQDN or host name).
    MachineName,
    /// The device's id in Microsoft Entra ID.
    AadDeviceId,
    /// The device's machine group.
    MachineGroup,
    Sha1,
    Sha256,
    Md5,
    FileName,
    FolderPath,
    /// An IPv4 or IPv6 address.
    Ip,
    /// A URL or a host name (take the host for the domain route).
    Url,
    /// A domain name.
    Domain,
    AccountName,
    AccountDomain,
    AccountSid,
    AccountUpn,
    AccountObjectId,
    /// An email address.
    Email,
    AlertId,
    /// An email's id in Microsoft 365.
    NetworkMessageId,
    OAuthApplicationId,
}

impl EntityMark {
    fn code(code: &str) -> Option<EntityMark> {
        Some(match code {
            "machine" => EntityMark::MachineId,
            "machinename" => EntityMark::MachineName,
            "aaddevice" => EntityMark::AadDeviceId,
            "group" => EntityMark::MachineGroup,
            "sha1" => EntityMark::Sha1,
            "sha256" => EntityMark::Sha256,
            "md5" => EntityMark::Md5,
            "filename" => EntityMark::FileName,
            "folder" => EntityMark::FolderPath,
            "ip" => EntityMark::Ip,
            "url" => EntityMark::Url,
            "domain" => EntityMark::Domain,
            "account" => EntityMark::AccountName,
            "accountdomain" => EntityMark::AccountDomain,
            "sid" => EntityMark::AccountSid,
            "upn" => EntityMark::AccountUpn,
            "objectid" => EntityMark::AccountObjectId,
            "email" => EntityMark::Email,
            "alert" => EntityMark::AlertId,
            "message" => EntityMark::NetworkMessageId,
            "oauthapp" => EntityMark::OAuthApplicationId,
            _ => return None,
        })
    }

    /// The entity as an analyst names it.
    pub fn label(self) -> &'static str {
        match self {
            EntityMark::MachineId => "machine id",
            EntityMark::MachineName => "machine name",
            EntityMark::AadDeviceId => "Entra device id",
            EntityMark::MachineGroup => "machine group",
            EntityMark::Sha1 => "SHA1",
            EntityMark::Sha256 => "SHA256",
            EntityMark::Md5 => "MD5",
            EntityMark::FileName => "file name",
            EntityMark::FolderPath => "folder path",
            EntityMark::Ip => "IP address",
            EntityMark::Url => "URL or domain",
            EntityMark::Domain => "domain",
            EntityMark::AccountName => "account name",
            EntityMark::AccountDomain => "account domain",
            EntityMark::AccountSid => "account SID",
            EntityMark::AccountUpn => "account UPN",
            EntityMark::AccountObjectId => "account object id",
            EntityMark::Email => "email address",
            EntityMark::AlertId => "alert id",
            EntityMark::NetworkMessageId => "email message id",
            EntityMark::OAuthApplicationId => "OAuth application id",
        }
    }
}

/// One column of a hunting table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnSchema {
    pub name: &'static str,
    pub ty: ColumnType,
    /// Where a value of this column pivots, if it identifies an entity.
    pub mark: Option<EntityMark>,
}

/// One hunting table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSchema {
    pub name: &'static str,
    /// What the table holds, in one line.
    pub description: &'static str,
    pub columns: Vec<ColumnSchema>,
}

impl TableSchema {
    pub fn column(&self, name: &str) -> Option<&ColumnSchema> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// The tables of the demo tenant, in the schema pane's order.
pub fn tables() -> &'static [TableSchema] {
    static TABLES: OnceLock<Vec<TableSchema>> = OnceLock::new();
    TABLES.get_or_init(|| {
        SOURCE
            .iter()
            .map(|(name, description, columns)| TableSchema {
                name,
                description,
                columns: columns
                    .split_whitespace()
                    .filter_map(|c| {
                        let mut parts = c.split(':');
                        let name = parts.next()?;
                        let ty = ColumnType::parse(parts.next()?)?;
                        let mark = parts.next().and_then(EntityMark::code);
                        Some(ColumnSchema { name, ty, mark })
                    })
                    .collect(),
            })
            .collect()
    })
}

/// A table by its exact name (KQL's names are case-sensitive).
pub fn table(name: &str) -> Option<&'static TableSchema> {
    tables().iter().find(|t| t.name == name)
}

macro_rules! initiating_process {
    () => {
        " InitiatingProcessAccountDomain:string:accountdomain InitiatingProcessAccountName:string:account
        InitiatingProcessAccountSid:string:sid InitiatingProcessAccountUpn:string:upn
        InitiatingProcessAccountObjectId:string:objectid InitiatingProcessSHA1:string:sha1
        InitiatingProcessSHA256:string:sha256 InitiatingProcessMD5:string:md5
        InitiatingProcessFileName:string:filename InitiatingProcessFileSize:long
        InitiatingProcessVersionInfoCompanyName:string InitiatingProcessVersionInfoProductName:string
        InitiatingProcessVersionInfoProductVersion:string InitiatingProcessVersionInfoInternalFileName:string
        InitiatingProcessVersionInfoOriginalFileName:string InitiatingProcessVersionInfoFileDescription:string
        InitiatingProcessId:long InitiatingProcessCommandLine:string InitiatingProcessCreationTime:datetime
        InitiatingProcessFolderPath:string:folder InitiatingProcessParentId:long
        InitiatingProcessParentFileName:string:filename InitiatingProcessParentCreationTime:datetime
        InitiatingProcessIntegrityLevel:string InitiatingProcessTokenElevation:string "
    };
}

macro_rules! remote_session {
    () => {
        " InitiatingProcessSessionId:long IsInitiatingProcessRemoteSession:bool
        InitiatingProcessRemoteSessionDeviceName:string:machinename InitiatingProcessRemoteSessionIP:string:ip "
    };
}

static SOURCE: &[(&str, &str, &str)] = &[
    ("DeviceProcessEvents", "Process creation and related events", concat!(
        "Timestamp:datetime DeviceId:string:machine DeviceName:string:machinename ActionType:string
        FileName:string:filename FolderPath:string:folder SHA1:string:sha1 SHA256:string:sha256 MD5:string:md5
        FileSize:long ProcessVersionInfoCompanyName:string ProcessVersionInfoProductName:string
        ProcessVersionInfoProductVersion:string ProcessVersionInfoInternalFileName:string
        ProcessVersionInfoOriginalFileName:string ProcessVersionInfoFileDescription:string ProcessId:long
        ProcessCommandLine:string ProcessIntegrityLevel:string ProcessTokenElevation:string
        ProcessCreationTime:datetime AccountDomain:string:accountdomain AccountName:string:account
        AccountSid:string:sid AccountUpn:string:upn AccountObjectId:string:objectid LogonId:long
        InitiatingProcessLogonId:long",
        initiating_process!(),
        "InitiatingProcessSignerType:string InitiatingProcessSignatureStatus:string ReportId:long
        AppGuardContainerId:string AdditionalFields:string",
    )),
    ("DeviceNetworkEvents", "Network connections and related events", concat!(
        "Timestamp:datetime DeviceId:string:machine DeviceName:string:machinename ActionType:string
        RemoteIP:string:ip RemotePort:int RemoteUrl:string:url LocalIP:string:ip LocalPort:int Protocol:string
        LocalIPType:string RemoteIPType:string",
        initiating_process!(),
        "ReportId:long AppGuardContainerId:string AdditionalFields:string",
        remote_session!(),
    )),
    ("DeviceFileEvents", "File creation, modification and other file system events", concat!(
        "Timestamp:datetime DeviceId:string:machine DeviceName:string:machinename ActionType:string
        FileName:string:filename FolderPath:string:folder SHA1:string:sha1 SHA256:string:sha256 MD5:string:md5
        FileOriginUrl:string:url FileOriginReferrerUrl:string:url FileOriginIP:string:ip
        PreviousFolderPath:string:folder PreviousFileName:string:filename FileSize:long",
        initiating_process!(),
        "RequestProtocol:string RequestSourceIP:string:ip RequestSourcePort:int RequestAccountName:string:account
        RequestAccountDomain:string:accountdomain RequestAccountSid:string:sid ShareName:string
        SensitivityLabel:string SensitivitySubLabel:string IsAzureInfoProtectionApplied:bool ReportId:long
        AppGuardContainerId:string AdditionalFields:string",
        remote_session!(),
    )),
    ("DeviceLogonEvents", "Logons and other authentication events on devices", concat!(
        "Timestamp:datetime DeviceId:string:machine DeviceName:string:machinename ActionType:string
        LogonType:string AccountDomain:string:accountdomain AccountName:string:account AccountSid:string:sid
        Protocol:string FailureReason:string IsLocalAdmin:bool LogonId:long RemoteDeviceName:string:machinename
        RemoteIP:string:ip RemoteIPType:string RemotePort:int",
        initiating_process!(),
        "ReportId:long AppGuardContainerId:string AdditionalFields:string",
        remote_session!(),
    )),
    ("DeviceRegistryEvents", "Creation and modification of registry entries", concat!(
        "Timestamp:datetime DeviceId:string:machine DeviceName:string:machinename ActionType:string
        RegistryKey:string RegistryValueType:string RegistryValueName:string RegistryValueData:string
        PreviousRegistryKey:string PreviousRegistryValueName:string PreviousRegistryValueData:string",
        initiating_process!(),
        "ReportId:long AppGuardContainerId:string",
        remote_session!(),
    )),
    ("DeviceImageLoadEvents", "DLL loading events", concat!(
        "Timestamp:datetime DeviceId:string:machine DeviceName:string:machinename ActionType:string
        FileName:string:filename FolderPath:string:folder SHA1:string:sha1 SHA256:string:sha256 MD5:string:md5
        FileSize:long",
        initiating_process!(),
        "ReportId:long AppGuardContainerId:string",
    )),
    ("DeviceEvents", "Other device events: antivirus, exploit protection and other security controls", concat!(
        "Timestamp:datetime DeviceId:string:machine DeviceName:string:machinename ActionType:string
        FileName:string:filename FolderPath:string:folder SHA1:string:sha1 SHA256:string:sha256 MD5:string:md5
        FileSize:long AccountDomain:string:accountdomain AccountName:string:account AccountSid:string:sid
        RemoteUrl:string:url RemoteDeviceName:string:machinename ProcessId:long ProcessCommandLine:string
        ProcessCreationTime:datetime ProcessTokenElevation:string LogonId:long RegistryKey:string
        RegistryValueName:string RegistryValueData:string RemoteIP:string:ip RemotePort:int LocalIP:string:ip
        LocalPort:int FileOriginUrl:string:url FileOriginIP:string:ip",
        initiating_process!(),
        "InitiatingProcessLogonId:long ReportId:long AppGuardContainerId:string AdditionalFields:string",
        remote_session!(),
        "CreatedProcessSessionId:long IsProcessRemoteSession:bool ProcessRemoteSessionDeviceName:string:machinename
        ProcessRemoteSessionIP:string:ip",
    )),
    ("DeviceInfo", "Devices: operating system, agent, machine group, logged-on users (periodic reports)",
        "Timestamp:datetime DeviceId:string:machine DeviceName:string:machinename ClientVersion:string
        PublicIP:string:ip OSArchitecture:string OSPlatform:string OSBuild:long IsAzureADJoined:bool JoinType:string
        AadDeviceId:string:aaddevice LoggedOnUsers:string RegistryDeviceTag:string OSVersion:string
        MachineGroup:string:group ReportId:long OnboardingStatus:string AdditionalFields:string
        DeviceCategory:string DeviceType:string DeviceSubtype:string Model:string Vendor:string
        OSDistribution:string OSVersionInfo:string MergedDeviceIds:string MergedToDeviceId:string
        IsInternetFacing:bool SensorHealthState:string IsExcluded:bool ExclusionReason:string
        ExposureLevel:string AssetValue:string DeviceManualTags:string DeviceDynamicTags:string
        ConnectivityType:string HostDeviceId:string"),
    ("DeviceNetworkInfo", "Network adapters of devices: IP and MAC addresses, connected networks",
        "Timestamp:datetime DeviceId:string:machine DeviceName:string:machinename NetworkAdapterName:string
        MacAddress:string NetworkAdapterType:string NetworkAdapterStatus:string TunnelType:string
        ConnectedNetworks:string DnsAddresses:string IPv4Dhcp:string:ip IPv6Dhcp:string:ip
        DefaultGateways:string IPAddresses:string ReportId:long NetworkAdapterVendor:string"),
    ("AlertInfo", "Alerts from Defender for Endpoint, Office 365, Cloud Apps and Identity",
        "Timestamp:datetime AlertId:string:alert Title:string Category:string Severity:string ServiceSource:string
        DetectionSource:string AttackTechniques:string"),
    ("AlertEvidence", "Entities of alerts: files, IP addresses, URLs, users, devices",
        "Timestamp:datetime AlertId:string:alert Title:string Categories:string AttackTechniques:string
        ServiceSource:string DetectionSource:string EntityType:string EvidenceRole:string
        EvidenceDirection:string FileName:string:filename FolderPath:string:folder SHA1:string:sha1
        SHA256:string:sha256 FileSize:long ThreatFamily:string RemoteIP:string:ip RemoteUrl:string:url
        AccountName:string:account AccountDomain:string:accountdomain AccountSid:string:sid
        AccountObjectId:string:objectid AccountUpn:string:upn DeviceId:string:machine
        DeviceName:string:machinename LocalIP:string:ip NetworkMessageId:string:message EmailSubject:string
        Application:string ApplicationId:int OAuthApplicationId:string:oauthapp ProcessCommandLine:string
        RegistryKey:string RegistryValueName:string RegistryValueData:string AdditionalFields:string
        Severity:string CloudResource:string CloudPlatform:string ResourceType:string ResourceID:string
        SubscriptionId:string"),
    ("EmailEvents", "Emails processed by Defender for Office 365",
        "Timestamp:datetime NetworkMessageId:string:message InternetMessageId:string
        SenderMailFromAddress:string:email SenderFromAddress:string:email SenderDisplayName:string
        SenderObjectId:string:objectid SenderMailFromDomain:string:domain SenderFromDomain:string:domain
        SenderIPv4:string:ip SenderIPv6:string:ip RecipientEmailAddress:string:email
        RecipientObjectId:string:objectid Subject:string EmailClusterId:long EmailDirection:string
        DeliveryAction:string DeliveryLocation:string ThreatTypes:string ThreatNames:string
        DetectionMethods:string ConfidenceLevel:string BulkComplaintLevel:int EmailAction:string
        EmailActionPolicy:string EmailActionPolicyGuid:string AuthenticationDetails:string AttachmentCount:int
        UrlCount:int EmailLanguage:string Connectors:string OrgLevelAction:string OrgLevelPolicy:string
        UserLevelAction:string UserLevelPolicy:string ReportId:string AdditionalFields:string
        LatestDeliveryLocation:string LatestDeliveryAction:string"),
    ("IdentityLogonEvents", "Authentication through on-premises Active Directory and Microsoft online services",
        "Timestamp:datetime ActionType:string Application:string LogonType:string Protocol:string
        FailureReason:string AccountName:string:account AccountDomain:string:accountdomain AccountUpn:string:upn
        AccountSid:string:sid AccountObjectId:string:objectid AccountDisplayName:string
        DeviceName:string:machinename DeviceType:string OSPlatform:string IPAddress:string:ip Port:int
        DestinationDeviceName:string:machinename DestinationIPAddress:string:ip DestinationPort:int
        TargetDeviceName:string:machinename TargetAccountDisplayName:string Location:string Isp:string
        ReportId:string AdditionalFields:dynamic"),
];
