//! Reading a response body for the views: whether it is JSON and why not, and for collections the
//! entities, the count and the next page. Hostile bodies (huge, truncated, deeply nested, not JSON) end in
//! a reason, never a panic or a frozen tab.
//!
//! Reading is one pass over the bytes that checks the syntax and finds where each entity's JSON starts
//! and ends ([`RawItem`]); nothing is built per field. An entity is decoded into its typed model when a
//! view shows it (a card, a graph node), and the JSON tree is built only when the JSON tab opens
//! ([`tree`]). So a page of 10,000 alerts is ready to show in about the time `JSON.parse` takes.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;
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
    body: Arc<str>,
    span: Range<usize>,
}

impl RawItem {
    /// An entity that has its own text (not a slice of a larger body).
    pub fn new(text: &str) -> RawItem {
        RawItem {
            span: 0..text.len(),
            body: Arc::from(text),
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

/// The members of a response object the page needs; everything else is skipped (checked, not built).
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "@odata.count", default, borrow)]
    count: Option<&'a RawValue>,
    #[serde(rename = "@odata.nextLink", default)]
    next_link: Option<String>,
    #[serde(default, borrow)]
    value: Option<Vec<&'a RawValue>>,
}

impl Page {
    /// Reads `body`; `success` says whether the status was a success (an error body has no entities).
    pub fn read(body: &str, success: bool) -> Page {
        let mut page = Page {
            syntax: check_size(body),
            collection: false,
            items: Vec::new(),
            count: None,
            next_link: None,
        };
        if page.syntax.is_err() {
            return page;
        }
        let shared: Arc<str> = Arc::from(body);
        let slice = |raw: &RawValue| RawItem {
            span: offset_in(&shared, raw.get()),
            body: shared.clone(),
        };
        // (An envelope would also read from a JSON array, field by field: only objects take this path.)
        let object = shared.trim_start().starts_with('{');
        match serde_json::from_str::<Envelope>(&shared)
            .ok()
            .filter(|_| object)
        {
            Some(envelope) => {
                if !success {
                    return page;
                }
                match envelope.value {
                    Some(values) => {
                        page.collection = true;
                        page.items = values.into_iter().map(slice).collect();
                        page.count = envelope
                            .count
                            .and_then(|c| serde_json::from_str(c.get()).ok())
                            .as_ref()
                            .and_then(count_of);
                        page.next_link = envelope.next_link;
                    }
                    None => {
                        let text = shared.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
                        page.items = vec![RawItem {
                            span: offset_in(&shared, text),
                            body: shared.clone(),
                        }];
                    }
                }
            }
            // Not an object of that shape (an array, a `value` that is not a list, a key twice) or not
            // JSON at all: the general reading says which, and keeps the last of duplicate keys as
            // browsers do.
            None => match serde_json::from_str::<Value>(&shared) {
                Err(e) => page.syntax = Err(NotJson::from_serde(&e)),
                Ok(Value::Object(map)) if success => match map.get("value") {
                    Some(Value::Array(values)) => {
                        page.collection = true;
                        page.items = values
                            .iter()
                            .map(|v| RawItem::new(&v.to_string()))
                            .collect();
                        page.count = map.get("@odata.count").and_then(count_of);
                        page.next_link = map
                            .get("@odata.nextLink")
                            .and_then(Value::as_str)
                            .map(str::to_string);
                    }
                    _ => page.items = vec![RawItem::new(&Value::Object(map).to_string())],
                },
                Ok(_) => {}
            },
        }
        page
    }
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

/// Where `part` (a slice of `whole`) sits in `whole`.
fn offset_in(whole: &str, part: &str) -> Range<usize> {
    let start = (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize);
    start..start + part.len()
}

/// `@odata.count` as a number, or a numeric string as some services send it.
fn count_of(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Alert;

    #[test]
    fn a_collection_gives_its_items_count_and_next_page() {
        let page = Page::read(
            r#"{"@odata.count": 1200, "@odata.nextLink": "https://x/alerts?$skip=20", "value": [{"id": "a"}, {"id": "b", "title": "T"}]}"#,
            true,
        );
        assert!(page.collection && page.syntax.is_ok());
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.items[1].text(), r#"{"id": "b", "title": "T"}"#);
        let alert: Alert = page.items[1].decode().unwrap();
        assert_eq!(
            (alert.id.as_str(), alert.title.as_deref()),
            ("b", Some("T"))
        );
        assert_eq!(page.count, Some(1200));
        assert_eq!(page.next_link.as_deref(), Some("https://x/alerts?$skip=20"));
        let as_text = Page::read(r#"{"@odata.count": "7", "value": []}"#, true);
        assert_eq!(as_text.count, Some(7), "a count sent as a numeric string");
        let one = Page::read(
            " \n{\"id\": \"zinc\", \"linkToReport\": \"link-to-pdf\"}\n",
            true,
        );
        assert!(!one.collection);
        assert_eq!(one.items.len(), 1);
        assert_eq!(
            one.items[0].text(),
            "{\"id\": \"zinc\", \"linkToReport\": \"link-to-pdf\"}"
        );
        let error = Page::read(
            r#"{"error": {"code": "ResourceNotFound", "message": "no"}}"#,
            false,
        );
        assert!(error.items.is_empty() && error.syntax.is_ok());
    }

    #[test]
    fn shapes_the_fast_reading_does_not_take_still_read() {
        // A key twice: the last wins, as in a browser's JSON.parse.
        let duplicates = Page::read(r#"{"id": "first", "id": "second"}"#, true);
        assert_eq!(duplicates.items[0].value().unwrap()["id"], "second");
        let twice = Page::read(r#"{"value": [{"id": "a"}], "value": [{"id": "b"}]}"#, true);
        assert_eq!(twice.items.len(), 1);
        assert_eq!(twice.items[0].value().unwrap()["id"], "b");
        // An entity whose own field is called `value` is one entity, not a collection.
        let entity = Page::read(r#"{"id": "x", "value": "not a list"}"#, true);
        assert!(!entity.collection);
        assert_eq!(entity.items[0].value().unwrap()["value"], "not a list");
        // JSON that is not an object has no entities.
        let list = Page::read("[1, 2]", true);
        assert!(list.syntax.is_ok() && list.items.is_empty());
    }

    #[test]
    fn hostile_bodies_end_in_a_reason() {
        let truncated = Page::read("{\"value\": [{\"id\": \"a\"},\n {\"id\": \"b", true);
        let Err(reason) = truncated.syntax else {
            panic!("truncated JSON is not JSON")
        };
        assert_eq!((reason.line, reason.column > 0), (2, true), "{reason:?}");
        assert!(truncated.items.is_empty());
        assert!(Page::read("<html>Service Unavailable</html>", true)
            .syntax
            .is_err());
        assert!(Page::read("", true)
            .syntax
            .unwrap_err()
            .message
            .contains("empty"));
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(Page::read(&deep, true)
            .syntax
            .unwrap_err()
            .message
            .contains("recursion limit"));
        assert!(tree(&deep).unwrap_err().message.contains("recursion limit"));
        let deep_item = format!(
            "{{\"value\": [{{\"id\": {}{}}}]}}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        for item in Page::read(&deep_item, true).items {
            assert!(item.value().is_err() && item.decode::<Alert>().is_err());
        }
        let huge_number = r#"{"value": [{"n": 1e400}]}"#;
        let page = Page::read(huge_number, true);
        assert!(
            page.items.iter().all(|item| item.value().is_err()) && tree(huge_number).is_err(),
            "a number beyond f64 is refused, not turned into infinity"
        );
        let big = format!("{{\"value\": [\"{}\"]}}", "x".repeat(MAX_JSON_BYTES));
        let page = Page::read(&big, true);
        assert!(page.syntax.unwrap_err().message.contains("too large"));
        assert!(page.items.is_empty());
        assert!(tree(&big).unwrap_err().message.contains("too large"));
    }
}
