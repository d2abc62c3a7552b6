//! OData expressions: `$filter` parsing and checking.

/// Checks a `$filter` expression before it is sent; the error says what to fix.
pub fn check_filter(value: &str) -> Result<(), String> {
    let quotes = value.chars().filter(|c| *c == '\'').count();
    if quotes % 2 == 1 {
        return Err("a string is not closed: strings are written in single quotes, e.g. severity eq 'High'.".into());
    }
    let mut depth = 0i32;
    for c in value.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return Err("a ')' has no matching '('.".into());
        }
    }
    if depth != 0 {
        return Err("a '(' is not closed.".into());
    }
    Ok(())
}
