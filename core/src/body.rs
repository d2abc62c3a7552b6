//! Reading a response body for the views: JSON or why not, and for collections the entities, the count
//! and the next page. Hostile bodies (huge, truncated, deeply nested, not JSON) end in a reason, never a
//! panic or a frozen tab.

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

/// One page of an answer, as the views need it.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub json: Result<Value, NotJson>,
    /// Whether the body is a collection (`value` array), as opposed to one entity.
    pub collection: bool,
    /// The entities: the collection's items, or the one entity.
    pub items: Vec<Value>,
    pub count: Option<u64>,
    pub next_link: Option<String>,
}

impl Page {
    /// Reads `body`; `success` says whether the status was a success (an error body has no entities).
    pub fn read(body: &str, success: bool) -> Page {
        let json = if body.len() > MAX_JSON_BYTES {
            Err(NotJson {
                message: format!(
                    "the body is {:.1} MB, too large to show as a tree (the API's largest page is about 5 MB)",
                    body.len() as f64 / (1024.0 * 1024.0)
                ),
                line: 0,
                column: 0,
            })
        } else if body.trim().is_empty() {
            Err(NotJson {
                message: "the body is empty".into(),
                line: 0,
                column: 0,
            })
        } else {
            serde_json::from_str::<Value>(body).map_err(|e| NotJson {
                message: e.to_string(),
                line: e.line(),
                column: e.column(),
            })
        };
        let mut page = Page {
            json,
            collection: false,
            items: Vec::new(),
            count: None,
            next_link: None,
        };
        if let (true, Ok(Value::Object(map))) = (success, &page.json) {
            match map.get("value") {
                Some(Value::Array(values)) => {
                    page.collection = true;
                    page.items = values.clone();
                    page.count = map.get("@odata.count").and_then(count_of);
                    page.next_link = map
                        .get("@odata.nextLink")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                }
                _ => page.items = vec![Value::Object(map.clone())],
            }
        }
        page
    }
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

    #[test]
    fn a_collection_gives_its_items_count_and_next_page() {
        let page = Page::read(
            r#"{"@odata.count": 1200, "@odata.nextLink": "https://x/alerts?$skip=20", "value": [{"id": "a"}, {"id": "b"}]}"#,
            true,
        );
        assert!(page.collection);
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.count, Some(1200));
        assert_eq!(page.next_link.as_deref(), Some("https://x/alerts?$skip=20"));
        let one = Page::read(r#"{"id": "zinc", "linkToReport": "link-to-pdf"}"#, true);
        assert!(!one.collection);
        assert_eq!(one.items.len(), 1);
        let error = Page::read(
            r#"{"error": {"code": "ResourceNotFound", "message": "no"}}"#,
            false,
        );
        assert!(error.items.is_empty() && error.json.is_ok());
    }

    #[test]
    fn hostile_bodies_end_in_a_reason() {
        let truncated = Page::read("{\"value\": [{\"id\": \"a\"},\n {\"id\": \"b", true);
        let Err(reason) = truncated.json else {
            panic!("truncated JSON is not JSON")
        };
        assert_eq!((reason.line, reason.column > 0), (2, true), "{reason:?}");
        assert!(Page::read("<html>Service Unavailable</html>", true)
            .json
            .is_err());
        assert!(Page::read("", true)
            .json
            .unwrap_err()
            .message
            .contains("empty"));
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(Page::read(&deep, true)
            .json
            .unwrap_err()
            .message
            .contains("recursion limit"));
        let huge_number = Page::read(r#"{"value": [{"n": 1e400}]}"#, true);
        assert!(
            huge_number.json.is_err(),
            "a number beyond f64 is refused, not turned into infinity"
        );
        let duplicates = Page::read(r#"{"id": "first", "id": "second"}"#, true);
        assert_eq!(duplicates.items[0]["id"], "second");
        let big = format!("{{\"value\": [\"{}\"]}}", "x".repeat(MAX_JSON_BYTES));
        let page = Page::read(&big, true);
        assert!(page.json.unwrap_err().message.contains("too large"));
        assert!(page.items.is_empty());
    }
}
