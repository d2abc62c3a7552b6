//! Reading a response body for the views: whether it is JSON and why not, and for collections the
//! entities, the count and the next page. Hostile bodies (huge, truncated, deeply nested, not JSON) end in
//! a reason, never a panic or a frozen tab.
//!
//! Reading is one pass over the bytes that checks the syntax and finds where each entity's JSON starts
//! and ends ([`RawItem`]); nothing is built per field. The pass is written here, not serde_json's, to be
//! quick in wasm (strings skipped sixteen bytes at a time, no per-value calls through serde), and accepts
//! exactly what serde_json accepts: the tests and the `response` fuzz target hold it to serde_json. Bodies
//! it does not take (not JSON, not an object, a member the page needs twice or of another type) go
//! through serde_json's JSON tree, which says why and where a body is not JSON. An entity is decoded into
//! its typed model when a view shows it (a card, a graph node), and the JSON tree is built only when the
//! JSON tab opens ([`tree`]). So a page of 10,000 alerts is ready to show in about the time `JSON.parse`
//! takes.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Bodies larger than this are shown as text only: building a JSON tree of them would freeze the tab.
/// The API's largest page (10,000 alerts) is about 5 MB.
pub const MAX_JSON_BYTES: usize = 24 * 1024 * 1024;

/// Why a body is not shown as JSON: what, and where (1-based line and column, 0 when not applicable).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotJson {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

impl NotJson {
    fn from_serde(e: &serde_json::Error) -> NotJson {
        NotJson {
            message: e.to_string(),
            line: e.line(),
            column: e.column(),
        }
    }

    fn whole(message: String) -> NotJson {
        NotJson {
            message,
            line: 0,
            column: 0,
        }
    }
}

/// One entity of a response: where its JSON is in the body. Cheap to clone (the body is shared).
#[derive(Clone)]
pub struct RawItem {
    body: Arc<String>,
    span: Range<usize>,
}

impl RawItem {
    /// An entity that has its own text (not a slice of a larger body).
    pub fn new(text: &str) -> RawItem {
        RawItem::owned(text.to_string())
    }

    fn owned(text: String) -> RawItem {
        RawItem {
            span: 0..text.len(),
            body: Arc::new(text),
        }
    }

    /// The entity's JSON as the server sent it.
    pub fn text(&self) -> &str {
        self.body.get(self.span.clone()).unwrap_or_default()
    }

    /// The entity in a typed model; the reason when it does not fit.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.text())
    }

    /// The entity as a JSON value (for the generic card, the graph and the exports).
    pub fn value(&self) -> Result<Value, NotJson> {
        serde_json::from_str(self.text()).map_err(|e| NotJson::from_serde(&e))
    }
}

impl PartialEq for RawItem {
    fn eq(&self, other: &RawItem) -> bool {
        self.text() == other.text()
    }
}

impl fmt::Debug for RawItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.text();
        let mut end = text.len().min(80);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        write!(f, "RawItem({:?}…, {} bytes)", &text[..end], text.len())
    }
}

/// One page of an answer, as the views need it.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// Whether the body is JSON, and why not.
    pub syntax: Result<(), NotJson>,
    /// Whether the body is a collection (`value` array), as opposed to one entity.
    pub collection: bool,
    /// The entities: the collection's items, or the one entity.
    pub items: Vec<RawItem>,
    pub count: Option<u64>,
    pub next_link: Option<String>,
}

impl Page {
    /// Reads `body`; `success` says whether the status was a success (an error body has no entities).
    /// The entities share the body (a `String`, or the `Arc` it is kept in): it is not copied.
    pub fn read(body: impl Into<Arc<String>>, success: bool) -> Page {
        Page::read_shared(body.into(), success)
    }

    fn read_shared(body: Arc<String>, success: bool) -> Page {
        let mut page = Page::checked(&body);
        if page.syntax.is_ok() {
            match outline(&body) {
                Ok(outline) if success => page.take(&body, outline),
                Ok(_) => {}
                // Not an object of that shape (an array, a `value` that is not a list, a key twice) or
                // not JSON at all: the general reading says which.
                Err(_) => page.read_tree(&body, success),
            }
        }
        page
    }

    /// A page of no entities, with the body's size checked.
    pub(crate) fn checked(body: &str) -> Page {
        Page {
            syntax: check_size(body),
            collection: false,
            items: Vec::new(),
            count: None,
            next_link: None,
        }
    }

    /// The entities of an object the one pass read.
    fn take(&mut self, body: &Arc<String>, outline: Outline) {
        match outline.items {
            Some(spans) => {
                self.collection = true;
                self.items = spans
                    .into_iter()
                    .map(|span| RawItem {
                        body: body.clone(),
                        span,
                    })
                    .collect();
                self.count = outline
                    .count
                    .and_then(|span| body.get(span))
                    .and_then(|c| serde_json::from_str(c).ok())
                    .as_ref()
                    .and_then(count_of);
                self.next_link = outline.next_link;
            }
            None => {
                self.items = vec![RawItem {
                    body: body.clone(),
                    span: outline.object,
                }]
            }
        }
    }

    /// The general reading, through a JSON tree: says why a body is not JSON, and reads any shape,
    /// keeping the last of duplicate keys as browsers do.
    pub(crate) fn read_tree(&mut self, body: &str, success: bool) {
        match serde_json::from_str::<Value>(body) {
            Err(e) => self.syntax = Err(NotJson::from_serde(&e)),
            Ok(Value::Object(map)) if success => match map.get("value") {
                Some(Value::Array(values)) => {
                    self.collection = true;
                    self.items = values
                        .iter()
                        .map(|v| RawItem::owned(v.to_string()))
                        .collect();
                    self.count = map.get("@odata.count").and_then(count_of);
                    self.next_link = map
                        .get("@odata.nextLink")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                }
                _ => self.items = vec![RawItem::owned(Value::Object(map).to_string())],
            },
            Ok(_) => {}
        }
    }
}

/// Whether the one pass finds `body`'s syntax right, when it is an object (`None` when not): for the
/// tests that hold it to serde_json's.
pub(crate) fn outline_syntax(body: &str) -> Option<bool> {
    match outline(body) {
        Err(Unread::NotObject) => None,
        Err(Unread::Syntax) => Some(false),
        Ok(_) | Err(Unread::Shape) => Some(true),
    }
}

/// What the one pass found in a response object: where things are in the body.
struct Outline {
    /// The whole object (the entity, when it is not a collection).
    object: Range<usize>,
    /// Each item of `value`, when `value` is a list.
    items: Option<Vec<Range<usize>>>,
    /// `@odata.count`'s JSON.
    count: Option<Range<usize>>,
    next_link: Option<String>,
}

/// Why the one pass leaves a body to the general reading.
#[derive(Debug, PartialEq, Eq)]
enum Unread {
    /// Not an object (maybe not JSON).
    NotObject,
    /// Not JSON: serde_json says why, and where.
    Syntax,
    /// An object, but a member the page needs is there twice or has another type, or a key escapes a
    /// character serde_json refuses (a lone surrogate).
    Shape,
}

/// The members of a response object the page needs (in the order of `outline`'s `seen`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Member {
    Value,
    Count,
    NextLink,
    Other,
}

impl Member {
    fn of(key: &[u8]) -> Member {
        match key {
            b"value" => Member::Value,
            b"@odata.count" => Member::Count,
            b"@odata.nextLink" => Member::NextLink,
            _ => Member::Other,
        }
    }
}

/// Reads a response object in one pass over its bytes: checks its syntax exactly as serde_json does
/// when it skips a value (strings, escapes, control characters, numbers, nesting, trailing characters;
/// no limit on nesting, as serde_json has none when it skips), and notes where the page's members are.
/// Nothing is built but the list of the items' places.
fn outline(body: &str) -> Result<Outline, Unread> {
    let b = body.as_bytes();
    let start = skip_space(b, 0);
    if b.get(start) != Some(&b'{') {
        return Err(Unread::NotObject);
    }
    let mut outline = Outline {
        object: start..start,
        items: None,
        count: None,
        next_link: None,
    };
    let mut open = Vec::new();
    let mut seen = [false; 3];
    let mut odd = false;
    let mut i = skip_space(b, start + 1);
    if b.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            if b.get(i) != Some(&b'"') {
                return Err(Unread::Syntax);
            }
            let key_end = string_end(b, i + 1).ok_or(Unread::Syntax)?;
            let key = b.get(i + 1..key_end - 1).unwrap_or_default();
            let member = if key.contains(&b'\\') {
                // An escaped key: what it says, as serde_json reads keys.
                match body
                    .get(i..key_end)
                    .and_then(|k| serde_json::from_str::<String>(k).ok())
                {
                    Some(key) => Member::of(key.as_bytes()),
                    None => {
                        odd = true;
                        Member::Other
                    }
                }
            } else {
                Member::of(key)
            };
            i = skip_space(b, key_end);
            if b.get(i) != Some(&b':') {
                return Err(Unread::Syntax);
            }
            let at = skip_space(b, i + 1);
            // (`Other` is past `seen`'s end: other keys may come twice.)
            if let Some(seen) = seen.get_mut(member as usize) {
                odd |= *seen;
                *seen = true;
            }
            i = match (member, b.get(at)) {
                (Member::Value, Some(b'[')) => {
                    let (items, end) = list_items(b, at, &mut open).ok_or(Unread::Syntax)?;
                    outline.items = Some(items);
                    end
                }
                _ => {
                    let end = value_end(b, at, &mut open).ok_or(Unread::Syntax)?;
                    let json = body.get(at..end).unwrap_or_default();
                    match member {
                        Member::Value => {
                            outline.items = None;
                            odd |= json != "null";
                        }
                        Member::Count => outline.count = Some(at..end),
                        Member::NextLink => match serde_json::from_str::<Option<String>>(json) {
                            Ok(link) => outline.next_link = link,
                            Err(_) => odd = true,
                        },
                        Member::Other => {}
                    }
                    end
                }
            };
            i = skip_space(b, i);
            match b.get(i) {
                Some(b',') => i = skip_space(b, i + 1),
                Some(b'}') => {
                    i += 1;
                    break;
                }
                _ => return Err(Unread::Syntax),
            }
        }
    }
    outline.object = start..i;
    if skip_space(b, i) != b.len() {
        Err(Unread::Syntax)
    } else if odd {
        Err(Unread::Shape)
    } else {
        Ok(outline)
    }
}

/// The items of the list at `i` (`[`): where each is, and where the list ends.
fn list_items(b: &[u8], i: usize, open: &mut Vec<u8>) -> Option<(Vec<Range<usize>>, usize)> {
    let mut items = Vec::new();
    let mut i = skip_space(b, i + 1);
    if b.get(i) == Some(&b']') {
        return Some((items, i + 1));
    }
    loop {
        let end = value_end(b, i, open)?;
        items.push(i..end);
        i = skip_space(b, end);
        match b.get(i)? {
            b',' => i = skip_space(b, i + 1),
            b']' => return Some((items, i + 1)),
            _ => return None,
        }
    }
}

/// Where the JSON value at `i` ends (no whitespace before it); `None` when it is not JSON. `open` is
/// scratch space for the brackets still open.
fn value_end(b: &[u8], mut i: usize, open: &mut Vec<u8>) -> Option<usize> {
    open.clear();
    loop {
        // A value starts at `i`.
        match *b.get(i)? {
            b'"' => i = string_end(b, i + 1)?,
            b'{' => {
                i = skip_space(b, i + 1);
                if b.get(i) == Some(&b'}') {
                    i += 1;
                } else {
                    open.push(b'}');
                    i = member_start(b, i)?;
                    continue;
                }
            }
            b'[' => {
                i = skip_space(b, i + 1);
                if b.get(i) == Some(&b']') {
                    i += 1;
                } else {
                    open.push(b']');
                    continue;
                }
            }
            b't' => i = word_end(b, i, b"true")?,
            b'f' => i = word_end(b, i, b"false")?,
            b'n' => i = word_end(b, i, b"null")?,
            b'-' | b'0'..=b'9' => i = number_end(b, i)?,
            _ => return None,
        }
        // A value ended at `i`: close what it ends, up to the next value.
        loop {
            let Some(&close) = open.last() else {
                return Some(i);
            };
            i = skip_space(b, i);
            let c = *b.get(i)?;
            if c == b',' {
                i = skip_space(b, i + 1);
                if close == b'}' {
                    i = member_start(b, i)?;
                }
                break;
            } else if c == close {
                open.pop();
                i += 1;
            } else {
                return None;
            }
        }
    }
}

/// After `{` or `,` in an object: the key and the colon; where the member's value starts.
#[inline(always)]
fn member_start(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let i = skip_space(b, string_end(b, i + 1)?);
    if b.get(i) != Some(&b':') {
        return None;
    }
    Some(skip_space(b, i + 1))
}

/// JSON's whitespace from `i` on: where it ends.
#[inline(always)]
fn skip_space(b: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\t' | b'\r') = b.get(i) {
        i += 1;
    }
    i
}

/// Where the string whose content starts at `i` ends (after its closing quote): escapes must be JSON's,
/// control characters must be escaped.
#[inline(always)]
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        i = special_byte(b, i);
        match *b.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => i = escape_end(b, i + 1)?,
            _ => return None,
        }
    }
}

/// The first `"`, `\` or control character at or after `i` (or the end), sixteen then eight bytes at a
/// time (see [`special_bytes`]), then byte by byte.
#[inline(always)]
fn special_byte(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..).and_then(<[u8]>::first_chunk::<16>) {
        let (low, high) = chunk.split_at(8);
        let low = special_bytes(low.try_into().unwrap_or_default());
        let high = special_bytes(high.try_into().unwrap_or_default());
        if low != 0 {
            return i + (low.trailing_zeros() / 8) as usize;
        }
        if high != 0 {
            return i + 8 + (high.trailing_zeros() / 8) as usize;
        }
        i += 16;
    }
    if let Some(&chunk) = b.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let found = special_bytes(chunk);
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

/// The `"`, `\` and control characters of eight bytes: the high bit of each such byte is set (and maybe
/// of bytes after it: a byte is flagged when `byte - k` borrows where `byte ^ k`, or the byte itself, is
/// below k, and a borrow only spreads upwards; the lowest flagged byte is always a true one).
#[inline(always)]
fn special_bytes(chunk: [u8; 8]) -> u64 {
    const ONES: u64 = u64::MAX / 255;
    let word = u64::from_le_bytes(chunk);
    let quote = word ^ (ONES * b'"' as u64);
    let backslash = word ^ (ONES * b'\\' as u64);
    (word.wrapping_sub(ONES * 0x20) & !word
        | quote.wrapping_sub(ONES) & !quote
        | backslash.wrapping_sub(ONES) & !backslash)
        & (ONES << 7)
}

/// Where the escape whose letter is at `i` (after `\`) ends.
fn escape_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(i + 1),
        b'u' => b
            .get(i + 1..i + 5)?
            .iter()
            .all(u8::is_ascii_hexdigit)
            .then_some(i + 5),
        _ => None,
    }
}

/// Where the number at `i` ends: JSON's grammar (no leading zeros, digits after `.` and `e`); its size is
/// not checked (serde_json does not when it skips, and an entity's decoding refuses it).
fn number_end(b: &[u8], mut i: usize) -> Option<usize> {
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match *b.get(i)? {
        b'0' => {
            i += 1;
            if b.get(i).is_some_and(u8::is_ascii_digit) {
                return None;
            }
        }
        b'1'..=b'9' => i = digits_end(b, i + 1),
        _ => return None,
    }
    if b.get(i) == Some(&b'.') {
        let end = digits_end(b, i + 1);
        if end == i + 1 {
            return None;
        }
        i = end;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        let end = digits_end(b, i);
        if end == i {
            return None;
        }
        i = end;
    }
    Some(i)
}

fn digits_end(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// Where the literal `word` at `i` ends.
fn word_end<const N: usize>(b: &[u8], i: usize, word: &[u8; N]) -> Option<usize> {
    (b.get(i..)?.first_chunk::<N>()? == word).then_some(i + N)
}

/// The body as a JSON tree, for the JSON tab; why not, when it is not one.
pub fn tree(body: &str) -> Result<Value, NotJson> {
    check_size(body)?;
    serde_json::from_str(body).map_err(|e| NotJson::from_serde(&e))
}

/// Whether the body is small enough to read as JSON and not empty.
fn check_size(body: &str) -> Result<(), NotJson> {
    if body.len() > MAX_JSON_BYTES {
        Err(NotJson::whole(format!(
            "the body is {:.1} MB, too large to show as a tree (the API's largest page is about 5 MB)",
            body.len() as f64 / (1024.0 * 1024.0)
        )))
    } else if body.trim().is_empty() {
        Err(NotJson::whole("the body is empty".into()))
    } else {
        Ok(())
    }
}

/// `@odata.count` as a number, or a numeric string as some services send it.
pub(crate) fn count_of(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
}
