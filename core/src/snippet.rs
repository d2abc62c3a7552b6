//! Code snippets: the current request as curl, PowerShell and Python, to run outside the explorer.
//!
//! The URL comes from what the analyst typed or pasted, so it is hostile: quotes, `$`, backticks,
//! newlines, bidi overrides. Two layers keep it a plain string literal in every language:
//! 1. every character that is not printable ASCII is percent-encoded (the same request to the server,
//!    and nothing invisible or look-alike, such as PowerShell's typographic quotes, reaches a terminal);
//! 2. the result is quoted with the one literal form of each language that expands nothing: a POSIX
//!    shell single-quoted word, a PowerShell single-quoted string, a Python string with `\` and `"`
//!    escaped.
//!
//! No snippet ever holds a token: each reads it from a variable and says how to get one.

use std::fmt::Write;

use crate::catalogue::{Api, Profile};

/// A language a snippet is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    Curl,
    PowerShell,
    Python,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::Curl, Language::PowerShell, Language::Python];

    /// The name people know it by, for the snippet's heading and its Copy button.
    pub fn label(self) -> &'static str {
        match self {
            Language::Curl => "curl",
            Language::PowerShell => "PowerShell",
            Language::Python => "Python",
        }
    }

    /// A short key for element ids.
    pub fn key(self) -> &'static str {
        match self {
            Language::Curl => "curl",
            Language::PowerShell => "powershell",
            Language::Python => "python",
        }
    }
}

/// The resource (audience) an access token for `profile` is asked for.
pub fn token_resource(profile: Profile) -> &'static str {
    match profile.api() {
        // The 2017 preview answered on Microsoft Graph, with Graph tokens.
        Api::Wdatp | Api::Graph => "https://graph.microsoft.com",
        Api::Defender => "https://api.securitycenter.microsoft.com",
    }
}

/// `url` with every character that is not printable ASCII percent-encoded (as its UTF-8 bytes).
pub fn printable_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_graphic() {
            out.push(c);
        } else {
            let mut bytes = [0u8; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// A POSIX shell word that is exactly `text`: single quotes, each `'` written as `'\''`.
pub fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A PowerShell verbatim string that is exactly `text`: single quotes, each `'` doubled. (PowerShell
/// also ends such a string at ‘ ’ ‚ ‛; [`printable_url`] has encoded those already.)
pub fn powershell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A Python string literal that is exactly `text` (printable ASCII): double quotes, `\` and `"` escaped.
pub fn python_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str(r"\\"),
            '"' => out.push_str("\\\""),
            c if c.is_ascii_graphic() || c == ' ' => out.push(c),
            // Not reached for a printable URL; kept exact for any other text.
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// The GET of `url` (a request of `profile`) in `language`, with the token read from a variable.
pub fn snippet(language: Language, url: &str, profile: Profile) -> String {
    let url = printable_url(url);
    let resource = token_resource(profile);
    let get_token = format!(
        "az account get-access-token --resource {resource} --query accessToken --output tsv"
    );
    match language {
        Language::Curl => format!(
            "# An access token, e.g. from the Azure CLI (never paste a token into a script):\n\
             # TOKEN=$({get_token})\n\
             curl {} \\\n  --header \"Authorization: Bearer $TOKEN\" \\\n  --header 'Accept: application/json'\n",
            sh_quote(&url)
        ),
        Language::PowerShell => format!(
            "# An access token, e.g. from the Azure CLI (never paste a token into a script):\n\
             # $token = {get_token}\n\
             Invoke-RestMethod -Method Get -Uri {} -Headers @{{ Authorization = \"Bearer $token\"; Accept = 'application/json' }}\n",
            powershell_quote(&url)
        ),
        Language::Python => format!(
            "# An access token in the TOKEN environment variable, e.g. from the Azure CLI:\n\
             #   {get_token}\n\
             import os\n\
             import requests\n\
             \n\
             response = requests.get(\n    {},\n    headers={{\"Authorization\": \"Bearer \" + os.environ[\"TOKEN\"], \"Accept\": \"application/json\"}},\n    timeout=60,\n)\n\
             response.raise_for_status()\n\
             print(response.json())\n",
            python_quote(&url)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Region;

    #[test]
    fn a_plain_request_reads_as_people_write_it() {
        let url =
            "https://api.security.microsoft.com/api/alerts?$top=20&$filter=severity eq 'High'";
        let profile = Profile::Defender(Region::Global);
        let curl = snippet(Language::Curl, url, profile);
        assert!(
            curl.contains("curl 'https://api.security.microsoft.com/api/alerts?$top=20&$filter=severity%20eq%20'\\''High'\\'''"),
            "{curl}"
        );
        assert!(curl.contains("--resource https://api.securitycenter.microsoft.com"));
        assert!(curl.contains("Bearer $TOKEN"));
        let ps = snippet(Language::PowerShell, url, profile);
        assert!(
            ps.contains("-Uri 'https://api.security.microsoft.com/api/alerts?$top=20&$filter=severity%20eq%20''High''' "),
            "{ps}"
        );
        let py = snippet(Language::Python, url, profile);
        assert!(
            py.contains("    \"https://api.security.microsoft.com/api/alerts?$top=20&$filter=severity%20eq%20'High'\",\n"),
            "{py}"
        );
        assert!(snippet(Language::Curl, url, Profile::Wdatp)
            .contains("https://graph.microsoft.com --query"));
    }

    #[test]
    fn invisible_and_non_ascii_characters_are_encoded() {
        assert_eq!(printable_url("a b\n\u{202E}é"), "a%20b%0A%E2%80%AE%C3%A9");
        assert_eq!(printable_url("\u{2018}x\u{2019}"), "%E2%80%98x%E2%80%99");
        assert_eq!(printable_url("\u{0}"), "%00");
    }
}
