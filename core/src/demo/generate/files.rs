//! Files: each a kind of binary, document or script, seen under one to three names.

use super::rng::Rng;
use crate::model::File;

/// A kind of file: its names, its type and signature, and what the antivirus calls it.
pub(super) struct FileKind {
    names: &'static [&'static str],
    file_type: &'static str,
    pe: bool,
    publisher: Option<&'static str>,
    product: Option<&'static str>,
    threat: Option<&'static str>,
}

#[rustfmt::skip]
pub(super) static FILE_KINDS: &[FileKind] = &[
    FileKind { names: &["powershell.exe"], file_type: "PortableExecutable", pe: true, publisher: Some("Microsoft Corporation"), product: Some("Microsoft® Windows® Operating System"), threat: None },
    FileKind { names: &["rundll32.exe"], file_type: "PortableExecutable", pe: true, publisher: Some("Microsoft Corporation"), product: Some("Microsoft® Windows® Operating System"), threat: None },
    FileKind { names: &["wmic.exe"], file_type: "PortableExecutable", pe: true, publisher: Some("Microsoft Corporation"), product: Some("Microsoft® Windows® Operating System"), threat: None },
    FileKind { names: &["PsExec.exe", "psexesvc.exe"], file_type: "PortableExecutable", pe: true, publisher: Some("Sysinternals - www.sysinternals.com"), product: Some("Sysinternals PsExec"), threat: None },
    FileKind { names: &["mimikatz.exe", "m64.exe", "svchelper.exe"], file_type: "PortableExecutable", pe: true, publisher: None, product: Some("mimikatz"), threat: Some("HackTool:Win32/Mimikatz.D") },
    FileKind { names: &["invoice_0421.docm", "Rechnung.docm", "payment_details.docm"], file_type: "Document", pe: false, publisher: None, product: None, threat: Some("TrojanDownloader:O97M/Emotet.PEE!MTB") },
    FileKind { names: &["update.js", "chrome_update.js"], file_type: "Script", pe: false, publisher: None, product: None, threat: Some("Trojan:JS/Kryptik.AB!MTB") },
    FileKind { names: &["svchost.exe", "svch0st.exe"], file_type: "PortableExecutable", pe: true, publisher: None, product: None, threat: Some("Trojan:Win32/Trickbot.RS!MTB") },
    FileKind { names: &["setup_free_pdf.exe", "pdfconverter_setup.exe"], file_type: "PortableExecutable", pe: true, publisher: Some("Bundle Labs Ltd"), product: Some("Free PDF Converter"), threat: Some("PUA:Win32/BundleInstaller") },
    FileKind { names: &["7z.exe"], file_type: "PortableExecutable", pe: true, publisher: Some("Igor Pavlov"), product: Some("7-Zip"), threat: None },
    FileKind { names: &["AnyDesk.exe"], file_type: "PortableExecutable", pe: true, publisher: Some("philandro Software GmbH"), product: Some("AnyDesk"), threat: None },
    FileKind { names: &["locker.exe", "readme_decrypt.exe"], file_type: "PortableExecutable", pe: true, publisher: None, product: None, threat: Some("Ransom:Win32/Conti.ZA") },
    FileKind { names: &["beacon.dll", "msupdate.dll"], file_type: "PortableExecutable", pe: true, publisher: None, product: None, threat: Some("Backdoor:Win64/CobaltStrike.C") },
    FileKind { names: &["backup.ps1", "inventory.ps1"], file_type: "Script", pe: false, publisher: None, product: None, threat: None },
];

/// `count` files and the names each was seen under: every kind once, then variants of random kinds.
pub(super) fn files(rng: &mut Rng, count: usize) -> (Vec<File>, Vec<Vec<String>>) {
    let mut files = Vec::with_capacity(count);
    let mut file_names = Vec::with_capacity(count);
    for i in 0..count {
        let k = match FILE_KINDS.get(i) {
            Some(k) => k,
            None => rng.pick(FILE_KINDS),
        };
        let mut names: Vec<String> = k.names.iter().map(|s| s.to_string()).collect();
        if i >= FILE_KINDS.len() {
            // Variants of a kind: same names, new hashes; malware also under a random name.
            if k.threat.is_some() {
                names.push(format!("{}.exe", rng.hex(8)));
            }
            let keep = 1 + rng.below(names.len());
            names.truncate(keep);
        }
        files.push(file(rng, k));
        file_names.push(names);
    }
    (files, file_names)
}

/// A file of kind `k` with new hashes; the fields draw in the order they are written.
fn file(rng: &mut Rng, k: &FileKind) -> File {
    let microsoft = k.publisher == Some("Microsoft Corporation");
    File {
        sha1: Some(rng.hex(40)),
        sha256: Some(rng.hex(64)),
        md5: Some(rng.hex(32)),
        global_prevalence: None,
        global_first_observed: None,
        global_last_observed: None,
        windows_defender_av_threat_name: k.threat.map(str::to_string),
        size: Some(if k.pe {
            40_000 + rng.below(4_000_000)
        } else {
            2_000 + rng.below(200_000)
        } as u64),
        file_type: Some(k.file_type.into()),
        is_pe_file: Some(k.pe),
        file_publisher: k.publisher.map(str::to_string),
        file_product_name: k.product.map(str::to_string),
        signer: k.publisher.map(str::to_string),
        issuer: k.publisher.map(|_| {
            if microsoft {
                "Microsoft Windows Production PCA 2011"
            } else {
                "DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1"
            }
            .to_string()
        }),
        signer_hash: k.publisher.map(|_| rng.hex(40)),
        is_valid_certificate: Some(k.publisher.is_some()),
        determination_type: Some(determination_type(k.threat, microsoft).into()),
        determination_value: k.threat.map(str::to_string),
        extra: Default::default(),
    }
}

/// The antivirus verdict's type, from the threat name's prefix.
fn determination_type(threat: Option<&str>, microsoft: bool) -> &'static str {
    match threat {
        Some(t) if t.starts_with("PUA") => "Pua",
        Some(t) if t.starts_with("HackTool") => "Tool",
        Some(_) => "Malware",
        None if microsoft => "Clean",
        None => "Unknown",
    }
}
