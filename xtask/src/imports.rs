//! The module graph of each crate: which top-level module names which (`crate::x` in its files, its
//! children's included), and the circles in it. `cargo xtask test` fails on a circle; `cargo xtask
//! imports` prints the graph (ARCHITECTURE.md's "may import" column comes from it).
//!
//! A module is a top-level module of its crate: `src/graph_view.rs` and everything under
//! `src/graph_view/` are `graph_view`. The crate root (`lib.rs`, `main.rs`) assembles the modules and is
//! not a node. Paths are read from the text (`crate::name` anywhere outside comments), which is what the
//! compiler resolves too, short of macros that build paths.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The crates whose modules must not form circles, by their source folder.
pub const CRATES: &[&str] = &["src", "core/src", "tenant/src", "xtask/src", "e2e/src"];

/// module → the modules it names.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// The module graph of the crate whose sources are in `src`.
pub fn graph(src: &Path) -> Result<Graph, String> {
    let mut graph = Graph::new();
    for file in rust_files(src)? {
        let relative = file.strip_prefix(src).map_err(|e| e.to_string())?;
        let Some(module) = top_module(relative) else {
            continue;
        };
        let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let names = graph.entry(module.clone()).or_default();
        for named in crate_paths(&text) {
            if named != module {
                names.insert(named);
            }
        }
    }
    // Only modules that exist: `crate::SomeType` re-exported at the root is the root's, not a module.
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for names in graph.values_mut() {
        names.retain(|n| modules.contains(n));
    }
    Ok(graph)
}

/// Every circle of `graph`, each as its modules in order (the first repeated at the end); none is the aim.
pub fn circles(graph: &Graph) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
    for start in graph.keys() {
        let mut path = vec![start.clone()];
        walk(graph, start, &mut path, &mut found, &mut seen);
    }
    found
}

fn walk(
    graph: &Graph,
    at: &str,
    path: &mut Vec<String>,
    found: &mut Vec<Vec<String>>,
    seen: &mut BTreeSet<Vec<String>>,
) {
    for next in graph.get(at).into_iter().flatten() {
        if *next == path[0] {
            // One report per circle, whichever module it was found from.
            let mut key = path.clone();
            key.sort();
            if seen.insert(key) {
                let mut circle = path.clone();
                circle.push(next.clone());
                found.push(circle);
            }
        } else if !path.contains(next) && next > &path[0] {
            path.push(next.clone());
            walk(graph, next, path, found, seen);
            path.pop();
        }
    }
}

/// The top-level module a file belongs to; `None` for the crate roots and binaries.
fn top_module(relative: &Path) -> Option<String> {
    let mut parts = relative.components();
    let first = parts.next()?.as_os_str().to_str()?;
    let nested = parts.next().is_some();
    if first == "bin" || (!nested && matches!(first, "lib.rs" | "main.rs")) {
        return None;
    }
    Some(first.trim_end_matches(".rs").to_string())
}

/// The modules a file names as `crate::<name>`, comments left out.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    // Comments out, lines joined: a `use crate::{…}` list may span several.
    let code: String = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ");
    {
        let mut rest = code.as_str();
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + "crate::".len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // `atp_core::…` or `some_crate::…`, not this crate
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.insert(name);
            }
            // `use crate::{a, b::{c, d}}`: the first name of every item at the braces' top level.
            if let Some(inside) = rest.strip_prefix('{') {
                let mut depth = 0;
                let mut item_start = true;
                let mut name = String::new();
                for c in inside.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            if !name.is_empty() {
                                names.insert(std::mem::take(&mut name));
                            }
                            item_start = true;
                        }
                        c if item_start && (c.is_alphanumeric() || c == '_') => name.push(c),
                        _ if item_start && !name.is_empty() => {
                            names.insert(std::mem::take(&mut name));
                            item_start = false;
                        }
                        _ => {}
                    }
                }
                if !name.is_empty() {
                    names.insert(name);
                }
            }
        }
    }
    names
}

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// `cargo xtask imports`: each crate's module graph, and its circles.
pub fn report(root: &Path) -> Result<(), String> {
    let mut circles_in_all = 0;
    for krate in CRATES {
        let graph = graph(&root.join(krate))?;
        println!("{krate}/");
        for (module, names) in &graph {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            println!("  {module:<16} -> {}", names.join(", "));
        }
        for circle in circles(&graph) {
            circles_in_all += 1;
            println!("  CIRCLE: {}", circle.join(" -> "));
        }
    }
    if circles_in_all > 0 {
        Err(format!("{circles_in_all} import circle(s)"))
    } else {
        println!("no import circles");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph_of(edges: &[(&str, &[&str])]) -> Graph {
        edges
            .iter()
            .map(|(m, names)| (m.to_string(), names.iter().map(|n| n.to_string()).collect()))
            .collect()
    }

    #[test]
    fn circles_are_found_once_and_a_tree_has_none() {
        let tree = graph_of(&[("a", &["b", "c"]), ("b", &["c"]), ("c", &[])]);
        assert!(circles(&tree).is_empty());
        let looped = graph_of(&[
            ("cards", &["explorer"]),
            ("explorer", &["graph_view"]),
            ("graph_view", &["cards"]),
            ("auth", &["request"]),
            ("request", &["auth"]),
        ]);
        assert_eq!(
            circles(&looped),
            vec![
                vec!["auth", "request", "auth"],
                vec!["cards", "explorer", "graph_view", "cards"]
            ]
        );
    }

    #[test]
    fn paths_are_read_from_code_not_comments_or_other_crates() {
        let names = crate_paths(
            "use crate::{\n    address,\n    platform::{now_ms, x},\n    y,\n};\nuse atp_core::link; // crate::not_this\nlet x = crate::request::send(1);\nuse super::crate_like;",
        );
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(names, ["address", "platform", "request", "y"]);
        assert_eq!(
            top_module(Path::new("graph_view/state/history.rs")),
            Some("graph_view".into())
        );
        assert_eq!(top_module(Path::new("lib.rs")), None);
        assert_eq!(top_module(Path::new("bin/x.rs")), None);
    }

    /// The workspace itself: no crate has an import circle.
    #[test]
    fn the_workspace_has_no_import_circles() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for krate in CRATES {
            let graph = graph(&root.join(krate)).expect("read the sources");
            assert!(graph.len() > 1 || *krate == "e2e/src", "{krate}: {graph:?}");
            assert_eq!(circles(&graph), Vec::<Vec<String>>::new(), "{krate}");
        }
    }
}
