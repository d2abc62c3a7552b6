//! Code snippets: the current request (a GET, or hunting's POST with its JSON body) as curl, PowerShell,
//! Python, C# and JavaScript, to run outside the explorer.
//!
//! The URL comes from what the analyst typed or pasted, so it is hostile: quotes, `$`, backticks,
//! newlines, bidi overrides. Two layers keep it a plain string literal in every language:
//! 1. every character that is not printable ASCII is percent-encoded (the same request to the server,
//!    and nothing invisible or look-alike, such as PowerShell's typographic quotes, reaches a terminal);
//! 2. the result is quoted with the one literal form of each language that expands nothing: a POSIX
//!    shell single-quoted word, a PowerShell single-quoted string, a Python or JavaScript string with `\`
//!    and `"` escaped, a C# verbatim string with `"` doubled.
//!
//! A body is JSON with every character beyond ASCII written as a `\uXXXX` escape, so it is printable
//! ASCII too and means the same to the server.
//!
//! No snippet ever holds a token: each reads it from a variable and says how to get one.

use std::fmt::Write;

use crate::catalogue::{Method, Profile};

/// A language a snippet is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    Curl,
    PowerShell,
    Python,
    CSharp,
    JavaScript,
}

impl Language {
    pub const ALL: [Language; 5] = [
        Language::Curl,
        Language::PowerShell,
        Language::Python,
        Language::CSharp,
        Language::JavaScript,
    ];

    /// The name people know it by, for the snippet's heading and its Copy button.
    pub fn label(self) -> &'static str {
        match self {
            Language::Curl => "curl",
            Language::PowerShell => "PowerShell",
            Language::Python => "Python",
            Language::CSharp => "C#",
            Language::JavaScript => "JavaScript",
        }
    }

    /// A short key for element ids.
    pub fn key(self) -> &'static str {
        match self {
            Language::Curl => "curl",
            Language::PowerShell => "powershell",
            Language::Python => "python",
            Language::CSharp => "csharp",
            Language::JavaScript => "javascript",
        }
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

/// A C# verbatim string that is exactly `text`: `@"…"`, each `"` doubled.
pub fn csharp_quote(text: &str) -> String {
    format!("@\"{}\"", text.replace('"', "\"\""))
}

/// JSON text with every character beyond ASCII as a `\uXXXX` escape (two for one beyond the BMP):
/// the same JSON to a parser, printable in any terminal. Outside strings JSON holds ASCII only.
pub fn ascii_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
    out
}

/// `request` (`method`, `url`, and a JSON `body` for a POST) of `profile` in `language`, with the token
/// read from a variable and the permission it needs named.
pub fn snippet(
    language: Language,
    method: Method,
    url: &str,
    body: Option<&str>,
    profile: Profile,
    permission: &str,
) -> String {
    let url = printable_url(url);
    let body = body.map(ascii_json);
    let resource = crate::auth::resource_of(profile);
    let get_token = format!(
        "az account get-access-token --resource {resource} --query accessToken --output tsv"
    );
    let needs = format!("Needs the delegated permission {permission} on {resource}.");
    let verb = method.name();
    match language {
        Language::Curl => {
            let data = body.as_deref().map_or_else(String::new, |b| {
                format!(
                    " \\\n  --header 'Content-Type: application/json' \\\n  --data {}",
                    sh_quote(b)
                )
            });
            format!(
                "# {needs}\n\
                 # An access token, e.g. from the Azure CLI (never paste a token into a script):\n\
                 # TOKEN=$({get_token})\n\
                 curl {} \\\n  --header \"Authorization: Bearer $TOKEN\" \\\n  --header 'Accept: application/json'{data}\n",
                sh_quote(&url)
            )
        }
        Language::PowerShell => {
            let data = body.as_deref().map_or_else(String::new, |b| {
                format!(
                    " -ContentType 'application/json' -Body {}",
                    powershell_quote(b)
                )
            });
            let verb = if method == Method::Post {
                "Post"
            } else {
                "Get"
            };
            format!(
                "# {needs}\n\
                 # An access token, e.g. from the Azure CLI (never paste a token into a script):\n\
                 # $token = {get_token}\n\
                 Invoke-RestMethod -Method {verb} -Uri {} -Headers @{{ Authorization = \"Bearer $token\"; Accept = 'application/json' }}{data}\n",
                powershell_quote(&url)
            )
        }
        Language::Python => {
            let data = body.as_deref().map_or_else(String::new, |b| {
                format!(
                    "    data={},\n    headers={{\"Authorization\": \"Bearer \" + os.environ[\"TOKEN\"], \"Accept\": \"application/json\", \"Content-Type\": \"application/json\"}},\n",
                    python_quote(b)
                )
            });
            let headers = if body.is_some() {
                String::new()
            } else {
                "    headers={\"Authorization\": \"Bearer \" + os.environ[\"TOKEN\"], \"Accept\": \"application/json\"},\n".to_string()
            };
            format!(
                "# {needs}\n\
                 # An access token in the TOKEN environment variable, e.g. from the Azure CLI:\n\
                 #   {get_token}\n\
                 import os\n\
                 import requests\n\
                 \n\
                 response = requests.request(\n    {},\n    {},\n{headers}{data}    timeout=60,\n)\n\
                 response.raise_for_status()\n\
                 print(response.json())\n",
                python_quote(verb),
                python_quote(&url)
            )
        }
        Language::CSharp => {
            let content = body.as_deref().map_or_else(String::new, |b| {
                format!(
                    "request.Content = new StringContent({}, Encoding.UTF8, \"application/json\");\n",
                    csharp_quote(b)
                )
            });
            format!(
                "// {needs}\n\
                 // dotnet add package Azure.Identity (or take the token from MSAL.NET)\n\
                 using System.Net.Http.Headers;\n\
                 using System.Text;\n\
                 using Azure.Core;\n\
                 using Azure.Identity;\n\
                 \n\
                 var credential = new InteractiveBrowserCredential();\n\
                 var token = await credential.GetTokenAsync(new TokenRequestContext(new[] {{ \"{resource}/.default\" }}));\n\
                 using var client = new HttpClient();\n\
                 using var request = new HttpRequestMessage(HttpMethod.{}, {});\n\
                 request.Headers.Authorization = new AuthenticationHeaderValue(\"Bearer\", token.Token);\n\
                 request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(\"application/json\"));\n\
                 {content}\
                 using var response = await client.SendAsync(request);\n\
                 response.EnsureSuccessStatusCode();\n\
                 Console.WriteLine(await response.Content.ReadAsStringAsync());\n",
                if method == Method::Post { "Post" } else { "Get" },
                csharp_quote(&url)
            )
        }
        Language::JavaScript => {
            let data = body
                .as_deref()
                .map_or_else(String::new, |b| format!("  body: {},\n", python_quote(b)));
            let content_type = if body.is_some() {
                ", \"Content-Type\": \"application/json\""
            } else {
                ""
            };
            format!(
                "// {needs}\n\
                 // Node 18 or later; an access token in the TOKEN environment variable, e.g. from the Azure CLI:\n\
                 //   {get_token}\n\
                 const response = await fetch({}, {{\n\
                 \x20 method: {},\n\
                 \x20 headers: {{ Authorization: \"Bearer \" + process.env.TOKEN, Accept: \"application/json\"{content_type} }},\n\
                 {data}}});\n\
                 if (!response.ok) throw new Error(`HTTP ${{response.status}}`);\n\
                 console.log(await response.json());\n",
                python_quote(&url),
                python_quote(verb)
            )
        }
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
        let get = |language| snippet(language, Method::Get, url, None, profile, "Alert.Read.All");
        let curl = get(Language::Curl);
        assert!(
            curl.contains("curl 'https://api.security.microsoft.com/api/alerts?$top=20&$filter=severity%20eq%20'\\''High'\\'''"),
            "{curl}"
        );
        assert!(curl.contains("--resource https://api.securitycenter.microsoft.com"));
        assert!(curl.contains("Bearer $TOKEN"));
        assert!(curl.contains("Needs the delegated permission Alert.Read.All"));
        let ps = get(Language::PowerShell);
        assert!(
            ps.contains("-Uri 'https://api.security.microsoft.com/api/alerts?$top=20&$filter=severity%20eq%20''High''' "),
            "{ps}"
        );
        let py = get(Language::Python);
        assert!(
            py.contains("    \"https://api.security.microsoft.com/api/alerts?$top=20&$filter=severity%20eq%20'High'\",\n"),
            "{py}"
        );
        assert!(
            snippet(Language::Curl, Method::Get, url, None, Profile::Wdatp, "x")
                .contains("https://graph.microsoft.com --query")
        );
        let cs = get(Language::CSharp);
        assert!(cs.contains("HttpMethod.Get, @\"https://api.security.microsoft.com/api/alerts?$top=20&$filter=severity%20eq%20'High'\")"), "{cs}");
        assert!(cs.contains("\"https://api.securitycenter.microsoft.com/.default\""));
        let js = get(Language::JavaScript);
        assert!(js.contains("fetch(\"https://api.security.microsoft.com/api/alerts?$top=20&$filter=severity%20eq%20'High'\", {"), "{js}");
    }

    /// The text of a literal as each language reads it back (the inverse of its quoting).
    fn unquote(language: Language, literal: &str) -> String {
        match language {
            Language::Curl => literal[1..literal.len() - 1].replace(r"'\''", "'"),
            Language::PowerShell => literal[1..literal.len() - 1].replace("''", "'"),
            Language::CSharp => literal[2..literal.len() - 1].replace("\"\"", "\""),
            Language::Python | Language::JavaScript => {
                serde_json::from_str::<String>(literal).expect("a JSON-compatible literal")
            }
        }
    }

    #[test]
    fn a_hunting_post_carries_the_exact_body_the_page_sends() {
        let kql = "DeviceProcessEvents\n| where FileName =~ \"it's \\\"q\\\"\" and Folder has 'C:\\\\x' // é 日本 🛡\n| take 5";
        let body = serde_json::json!({ "Query": kql, "Timespan": "P7D" }).to_string();
        let url = "https://graph.microsoft.com/v1.0/security/runHuntingQuery";
        for language in Language::ALL {
            let text = snippet(
                language,
                Method::Post,
                url,
                Some(&body),
                Profile::Graph,
                "ThreatHunting.Read.All",
            );
            assert!(text.is_ascii(), "{language:?}: printable ASCII only");
            assert!(text.contains("ThreatHunting.Read.All"), "{language:?}");
            // Find the body's literal and read it back: the same JSON the page sends.
            let ascii = ascii_json(&body);
            let literal = match language {
                Language::Curl => sh_quote(&ascii),
                Language::PowerShell => powershell_quote(&ascii),
                Language::CSharp => csharp_quote(&ascii),
                Language::Python | Language::JavaScript => python_quote(&ascii),
            };
            assert!(text.contains(&literal), "{language:?}: {text}");
            let read: serde_json::Value =
                serde_json::from_str(&unquote(language, &literal)).expect("JSON");
            assert_eq!(read["Query"], kql, "{language:?}");
            let posts = ["--data", "-Method Post", "\"POST\"", "HttpMethod.Post"];
            assert!(
                posts.iter().any(|p| text.contains(p)),
                "{language:?}: a POST"
            );
        }
    }

    #[test]
    fn invisible_and_non_ascii_characters_are_encoded() {
        assert_eq!(printable_url("a b\n\u{202E}é"), "a%20b%0A%E2%80%AE%C3%A9");
        assert_eq!(printable_url("\u{2018}x\u{2019}"), "%E2%80%98x%E2%80%99");
        assert_eq!(printable_url("\u{0}"), "%00");
    }
}
