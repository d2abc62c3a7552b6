//! Real-world hunting queries (in the style of Microsoft's public hunting query collections) run on
//! the demo tenant and find what the generated tables hold.

use atp_core::demo::{DemoConfig, DemoTenant};
use atp_core::hunting::{parse, run, Timespan};
use chrono::{TimeZone, Utc};

/// One query per line.
const CORPUS: &str = r#"
DeviceProcessEvents | where Timestamp > ago(7d) | where FileName in~ ("powershell.exe", "pwsh.exe") | where ProcessCommandLine has_any ("-enc", "-EncodedCommand", "FromBase64String") | project Timestamp, DeviceName, AccountName, ProcessCommandLine
DeviceNetworkEvents | where Timestamp > ago(1d) | where RemotePort in (4444, 8080) | summarize Connections = count() by DeviceName, RemoteIP | order by Connections desc
DeviceFileEvents | where ActionType == "FileCreated" | where FolderPath has @"\AppData\Local\Temp\" and FileName endswith ".exe" | summarize dcount(DeviceId) by SHA1, FileName | top 10 by dcount_DeviceId
DeviceLogonEvents | where ActionType == "LogonFailed" | summarize Failures = count() by AccountName, DeviceName, bin(Timestamp, 1h) | where Failures > 0
AlertInfo | where Severity == "High" | join kind=inner AlertEvidence on AlertId | where EntityType == "File" | summarize Alerts = dcount(AlertId) by SHA1, FileName
let MaliciousHashes = AlertEvidence | where EntityType == "File" and isnotempty(SHA1) | distinct SHA1; DeviceProcessEvents | where SHA1 in (MaliciousHashes) | summarize Devices = dcount(DeviceId), LastSeen = max(Timestamp) by SHA1
DeviceEvents | where ActionType == "AntivirusDetection" | extend ThreatName = tostring(parse_json(AdditionalFields).ThreatName) | summarize count() by ThreatName | sort by count_
DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId | project DeviceName, OSPlatform, OSBuild, MachineGroup, PublicIP
DeviceNetworkInfo | mv-expand IPAddress = parse_json(IPAddresses) | project DeviceName, IP = tostring(IPAddress.IPAddress)
EmailEvents | where ThreatTypes has "Malware" | summarize Mails = count() by SenderFromDomain, RecipientEmailAddress | join kind=leftouter (IdentityLogonEvents | summarize Logons = count() by AccountUpn) on $left.RecipientEmailAddress == $right.AccountUpn
DeviceRegistryEvents | where RegistryKey has @"CurrentVersion\Run" and ActionType == "RegistryValueSet" | project Timestamp, DeviceName, RegistryValueName, RegistryValueData, InitiatingProcessFileName
DeviceImageLoadEvents | where FileName endswith ".dll" and FolderPath startswith @"C:\ProgramData" | summarize count() by FileName, InitiatingProcessFileName
DeviceProcessEvents | where InitiatingProcessFileName =~ "winword.exe" or InitiatingProcessParentFileName =~ "winword.exe" | where FileName in~ ("cmd.exe", "powershell.exe", "wscript.exe") | take 100
DeviceNetworkEvents | where isnotempty(RemoteUrl) | extend Domain = tolower(tostring(split(RemoteUrl, "/")[0])) | summarize Devices = dcount(DeviceId) by Domain | where Devices < 5
DeviceProcessEvents | summarize Events = count() by bin(Timestamp, 1d), DeviceName | render timechart
IdentityLogonEvents | where LogonType == "Interactive" | summarize Devices = make_set(DeviceName), n = count() by AccountUpn | where array_length(Devices) > 0
AlertEvidence | where EntityType == "Ip" | summarize by RemoteIP | join kind=inner (DeviceNetworkEvents | project RemoteIP, DeviceName, Timestamp) on RemoteIP | summarize FirstSeen = min(Timestamp) by RemoteIP, DeviceName
DeviceEvents | where ActionType in ("CreateRemoteThreadApiCall", "WriteProcessMemoryApiCall") | extend Target = tostring(parse_json(AdditionalFields).TargetProcessName) | summarize count() by Target, InitiatingProcessFileName
union DeviceProcessEvents, DeviceNetworkEvents | where Timestamp > ago(2d) | where InitiatingProcessSHA1 == "x" or SHA1 == "x" | take 10
DeviceLogonEvents | where LogonType == "Network" | summarize RemoteDevices = dcount(RemoteDeviceName) by AccountName | where RemoteDevices > 1 | order by RemoteDevices desc
let lookback = 14d; DeviceFileEvents | where Timestamp > ago(lookback) | where FileOriginUrl startswith "https://" | extend Host = extract(@"https://([^/]+)/", 1, FileOriginUrl) | summarize Files = dcount(SHA1) by Host
DeviceProcessEvents | where ProcessCommandLine matches regex @"(?i)invoke-webrequest\s+-uri" | project Timestamp, DeviceName, ProcessCommandLine
DeviceProcessEvents | where Timestamp > ago(30d) | summarize Processes = count(), Users = dcount(AccountName) by DeviceName | extend Ratio = round(todouble(Processes) / Users, 2) | top 20 by Ratio desc
DeviceProcessEvents | where FileName =~ "rundll32.exe" | where ProcessCommandLine !contains ".dll" | project Timestamp, DeviceName, ProcessCommandLine
DeviceNetworkEvents | summarize arg_min(Timestamp, RemoteIP, RemotePort) by DeviceId | count
DeviceProcessEvents | where FileName == "svchost.exe" and InitiatingProcessFileName != "services.exe" | summarize by DeviceName, InitiatingProcessFileName
DeviceFileEvents | where FileName endswith ".docm" | join kind=inner (EmailEvents | project Subject, RecipientEmailAddress) on $left.InitiatingProcessAccountUpn == $right.RecipientEmailAddress | take 5
DeviceProcessEvents | where Timestamp between (ago(3d) .. ago(1d)) | summarize count() by AccountDomain
DeviceEvents | where ActionType == "OpenProcessApiCall" and FileName =~ "lsass.exe" | project Timestamp, DeviceName, InitiatingProcessFileName, InitiatingProcessCommandLine
AlertInfo | summarize Alerts = count() by Category, Severity | sort by Alerts desc | render columnchart with (title="Alerts by category")
"#;

#[test]
fn the_corpus_runs() {
    let now = Utc
        .with_ymd_and_hms(2026, 12, 7, 12, 0, 0)
        .single()
        .unwrap_or_default();
    let tenant = DemoTenant::generate(&DemoConfig::new(now));
    let mut failures = Vec::new();
    let mut empty = Vec::new();
    let queries: Vec<&str> = CORPUS
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("//"))
        .collect();
    for text in &queries {
        match parse(text).and_then(|q| {
            run(
                tenant.hunting_tables(),
                &q,
                Timespan::last_30_days(now),
                now,
            )
        }) {
            Ok(r) if r.rows.is_empty() => empty.push(*text),
            Ok(_) => {}
            Err(e) => failures.push(format!("{text}\n  {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        queries.len(),
        failures.join("\n")
    );
    // A few look for what a healthy tenant lacks (e.g. a made-up hash); the rest find rows.
    assert!(empty.len() <= 3, "empty answers:\n{}", empty.join("\n"));
}
