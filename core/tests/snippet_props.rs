//! Hostile URLs in code snippets: whatever the analyst pasted, each snippet's URL literal reads back
//! (with that language's own quoting rules) as exactly the encoded URL, nothing follows it on its line
//! but the snippet's own text, and the snippet is printable ASCII with no token in it.

use atp_core::snippet::{printable_url, snippet, Language};
use atp_core::{Method, Profile, Region};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;

/// Reads a POSIX shell word at the start of `s` as sh does (quotes and backslashes; nothing else may
/// appear in it: `$`, backticks or whitespace outside quotes would be expansions or a new word);
/// returns the word and the rest.
fn sh_word(s: &str) -> (String, &str) {
    let mut word = String::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => {
                for (_, q) in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '\\' => {
                let (_, next) = chars.next().expect("a character after a backslash");
                word.push(next);
            }
            ' ' | '\n' => return (word, &s[i..]),
            other => panic!("{other:?} unquoted in a shell word: an expansion or a new word"),
        }
    }
    (word, "")
}

/// Reads a PowerShell single-quoted string at the start of `s`; returns its value and the rest.
fn powershell_string(s: &str) -> (String, &str) {
    let body = s.strip_prefix('\'').expect("a single-quoted string");
    let mut value = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        // PowerShell also closes a verbatim string at typographic single quotes.
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            if matches!(chars.peek(), Some((_, q)) if *q == c) {
                chars.next();
                value.push(c);
            } else {
                return (value, &body[i + c.len_utf8()..]);
            }
        } else {
            value.push(c);
        }
    }
    panic!("unterminated PowerShell string");
}

/// Reads a Python double-quoted string at the start of `s` (the escapes the generator may write, and
/// any other backslash sequence rejected); returns its value and the rest.
fn python_string(s: &str) -> (String, &str) {
    let body = s.strip_prefix('"').expect("a double-quoted string");
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (value, &body[i + 1..]),
            '\n' => panic!("a newline inside a Python string"),
            '\\' => match chars.next().map(|(_, e)| e) {
                Some('\\') => value.push('\\'),
                Some('"') => value.push('"'),
                other => panic!("unexpected escape {other:?}"),
            },
            c => value.push(c),
        }
    }
    panic!("unterminated Python string");
}

/// Reads a C# verbatim string (`@"…"`, `""` for a quote) at the start of `s`; returns it and the rest.
fn csharp_string(s: &str) -> (String, &str) {
    let body = s.strip_prefix("@\"").expect("a verbatim string");
    let mut value = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            if chars.peek().map(|(_, n)| *n) == Some('"') {
                chars.next();
                value.push('"');
            } else {
                return (value, &body[i + 1..]);
            }
        } else {
            value.push(c);
        }
    }
    panic!("unterminated C# string");
}

fn check_all(url: &str) {
    let encoded = printable_url(url);
    assert!(encoded.chars().all(|c| c.is_ascii_graphic()), "{encoded:?}");
    assert_eq!(
        percent_decode_str(&encoded).collect::<Vec<u8>>(),
        percent_decode_str(url).collect::<Vec<u8>>(),
        "the same request bytes once percent-decoded"
    );
    for profile in [Profile::Wdatp, Profile::Defender(Region::Eu)] {
        for language in Language::ALL {
            let text = snippet(language, Method::Get, url, None, profile, "Alert.Read.All");
            assert!(
                text.chars().all(|c| c == '\n' || (' '..='~').contains(&c)),
                "{language:?} snippet is printable ASCII: {text:?}"
            );
            // The token is only ever a variable.
            assert!(!text.contains("eyJ"), "{text}");
            let (value, rest) = match language {
                Language::Curl => {
                    let line = text
                        .lines()
                        .find_map(|l| l.strip_prefix("curl "))
                        .expect("a curl line");
                    let (word, rest) = sh_word(line);
                    (word, rest.to_string())
                }
                Language::PowerShell => {
                    let line = text
                        .lines()
                        .find_map(|l| l.strip_prefix("Invoke-RestMethod -Method Get -Uri "))
                        .expect("an Invoke-RestMethod line");
                    let (value, rest) = powershell_string(line);
                    (value, rest.to_string())
                }
                Language::Python => {
                    let line = text
                        .lines()
                        .filter(|l| *l != "    \"GET\",")
                        .find_map(|l| l.strip_prefix("    \""))
                        .map(|l| format!("\"{l}"))
                        .expect("the URL's line");
                    let (value, rest) = python_string(&line);
                    (value, rest.to_string())
                }
                Language::CSharp => {
                    let line = text
                        .lines()
                        .find_map(|l| {
                            l.strip_prefix(
                                "using var request = new HttpRequestMessage(HttpMethod.Get, ",
                            )
                        })
                        .expect("the request's line");
                    let (value, rest) = csharp_string(line);
                    (value, rest.to_string())
                }
                Language::JavaScript => {
                    let line = text
                        .lines()
                        .find_map(|l| l.strip_prefix("const response = await fetch("))
                        .expect("the fetch line");
                    let (value, rest) = python_string(line);
                    (value, rest.to_string())
                }
            };
            assert_eq!(value, encoded, "{language:?}: {text}");
            let expected_rest = match language {
                Language::Curl => " \\",
                Language::PowerShell => {
                    " -Headers @{ Authorization = \"Bearer $token\"; Accept = 'application/json' }"
                }
                Language::Python => ",",
                Language::CSharp => ");",
                Language::JavaScript => ", {",
            };
            assert_eq!(rest, expected_rest, "{language:?}: nothing breaks out");
        }
    }
}

#[test]
fn known_breakouts_stay_inside_the_string() {
    for url in [
        "https://api.security.microsoft.com/api/alerts?$filter=title eq 'x'; rm -rf ~ #'",
        "https://x/'$(touch /tmp/pwned)'`id`\"; Remove-Item -Recurse C:\\ #",
        "https://x/'\n'; import os; os.system('id') #\u{2019}; calc.exe \u{2018}",
        "https://x/\"\"\"\\\"\\\\\"\r\n\u{0}\u{202E}\u{200B}${env:PATH}@{a=1}",
        "",
        "'",
        "\\",
    ] {
        check_all(url);
    }
    check_all(&"'$`\"\\\n".repeat(20_000));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_url_is_one_literal_in_every_language(url in "\\PC*|[\\x00-\\x7f'\"$`\\\\\n\u{2018}\u{2019}]*") {
        check_all(&url);
    }

    #[test]
    fn any_url_with_any_characters(url in any::<String>()) {
        check_all(&url);
    }
}
