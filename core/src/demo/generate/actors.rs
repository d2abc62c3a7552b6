//! Activity groups: each with its own infrastructure (a campaign), reused by all of its alerts.

use chrono::Duration;

use super::network::BENIGN_DOMAINS;
use super::rng::Rng;
use super::Clock;
use crate::model::{Actor, File};

struct ActorSeed {
    id: &'static str,
    aliases: &'static [&'static str],
    sectors: &'static [&'static str],
    summary: &'static str,
}

#[rustfmt::skip]
static ACTORS: [ActorSeed; 12] = [
    ActorSeed { id: "zinc", aliases: &["Lazarus Group", "Diamond Sleet"], sectors: &["Defense", "Media", "Cryptocurrency"], summary: "targets defense and media organizations with spear-phishing and trojanized open-source tools" },
    ActorSeed { id: "strontium", aliases: &["APT28", "Fancy Bear", "Forest Blizzard"], sectors: &["Government", "Defense", "Political organizations"], summary: "runs credential phishing and exploits edge devices against governments and political organizations" },
    ActorSeed { id: "platinum", aliases: &["TwoForOne"], sectors: &["Government", "Diplomatic"], summary: "uses custom implants and hot-patching to hide in government networks in South and Southeast Asia" },
    ActorSeed { id: "neodymium", aliases: &["Wingbird"], sectors: &["Government", "Telecommunications"], summary: "delivers backdoors through zero-day exploits against individuals in a narrow region" },
    ActorSeed { id: "promethium", aliases: &["StrongPity"], sectors: &["Government", "Academia"], summary: "distributes trojanized installers of popular utilities from look-alike download sites" },
    ActorSeed { id: "barium", aliases: &["APT41", "Winnti"], sectors: &["Gaming", "Software", "Healthcare"], summary: "compromises software supply chains and gaming companies for espionage and profit" },
    ActorSeed { id: "gallium", aliases: &["Granite Typhoon"], sectors: &["Telecommunications"], summary: "exploits unpatched internet-facing services of telecommunication providers" },
    ActorSeed { id: "holmium", aliases: &["APT33", "Peach Sandstorm"], sectors: &["Energy", "Aviation"], summary: "sprays passwords against cloud accounts of energy and aviation companies" },
    ActorSeed { id: "terbium", aliases: &["Shamoon operators"], sectors: &["Energy", "Government"], summary: "deploys disk-wiping malware against energy companies" },
    ActorSeed { id: "thallium", aliases: &["Kimsuky", "Emerald Sleet"], sectors: &["Think tanks", "Government", "Academia"], summary: "phishes researchers and policy experts with fake interview requests" },
    ActorSeed { id: "nobelium", aliases: &["APT29", "Midnight Blizzard"], sectors: &["Government", "IT services", "Think tanks"], summary: "abuses cloud identities and software supply chains for long-term espionage" },
    ActorSeed { id: "mercury", aliases: &["MuddyWater", "Mango Sandstorm"], sectors: &["Government", "Telecommunications", "Oil and gas"], summary: "uses remote administration tools and PowerShell backdoors after phishing" },
];

/// What an actor's alerts carry: indices of its malicious files, IPs and (non-benign) domains.
pub(super) struct Campaign {
    pub files: Vec<u32>,
    pub ips: Vec<u32>,
    pub domains: Vec<u32>,
}

/// Every actor with its campaign, drawn from the malicious files and generated addresses.
pub(super) fn actors(
    rng: &mut Rng,
    clock: Clock,
    files: &[File],
    ips: usize,
    domains: usize,
) -> (Vec<Actor>, Vec<Campaign>) {
    let malicious_files: Vec<u32> = (0..files.len())
        .filter(|&f| files[f].windows_defender_av_threat_name.is_some())
        .map(|f| f as u32)
        .collect();
    let mut actors = Vec::with_capacity(ACTORS.len());
    let mut campaigns = Vec::with_capacity(ACTORS.len());
    for seed in &ACTORS {
        actors.push(actor(rng, clock, seed));
        campaigns.push(campaign(rng, &malicious_files, ips, domains));
    }
    (actors, campaigns)
}

/// The actor's record; its last activity is computed later from its alerts.
fn actor(rng: &mut Rng, clock: Clock, seed: &ActorSeed) -> Actor {
    let upper = seed.id.to_ascii_uppercase();
    let first = clock.ago(Duration::days(365 * 2 + rng.below(365 * 6) as i64));
    Actor {
        id: seed.id.into(),
        link_to_report: Some(format!(
            "https://reports.demo-tenant.invalid/actors/{}.pdf",
            seed.id
        )),
        name: Some(upper.clone()),
        description: Some(format!(
            "{upper} is an activity group that {}.",
            seed.summary
        )),
        aliases: Some(seed.aliases.iter().map(|s| s.to_string()).collect()),
        targeted_sectors: Some(seed.sectors.iter().map(|s| s.to_string()).collect()),
        first_seen: Some(first),
        last_seen: None,
        extra: Default::default(),
    }
}

/// Two to four malicious files, two to four IPs and one to three look-alike domains.
fn campaign(rng: &mut Rng, malicious_files: &[u32], ips: usize, domains: usize) -> Campaign {
    Campaign {
        files: (0..2 + rng.below(3))
            .map(|_| *rng.pick(malicious_files))
            .collect(),
        ips: (0..2 + rng.below(3))
            .map(|_| rng.below(ips) as u32)
            .collect(),
        domains: (0..1 + rng.below(3))
            .map(|_| (BENIGN_DOMAINS.len() + rng.below(domains - BENIGN_DOMAINS.len())) as u32)
            .collect(),
    }
}
