//! The schema pane: every hunting table with its columns, their types and what each entity column
//! pivots to; a table's button starts a query on it.

use atp_core::hunting::tables;
use leptos::prelude::*;

use crate::hunting::Hunting;

#[component]
pub fn SchemaPane(hunting: Hunting) -> impl IntoView {
    let list = tables()
        .iter()
        .map(|table| {
            let name = table.name;
            // An empty editor gets a first query; text already there is kept, the name added after it.
            let start = move |_| {
                hunting.text.update(|text| {
                    if text.trim().is_empty() {
                        *text = format!("{name}\n| where Timestamp > ago(1d)\n| take 100");
                    } else {
                        text.push_str(&format!("\n{name}"));
                    }
                });
            };
            let columns = table
                .columns
                .iter()
                .map(|c| {
                    view! {
                        <tr>
                            <th scope="row"><code>{c.name}</code></th>
                            <td>{c.ty.kql()}</td>
                            <td>{c.mark.map(|m| m.label())}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <details class="schema-table">
                    <summary>{name}</summary>
                    <p class="help">{table.description}</p>
                    <button type="button" on:click=start>{format!("Start a query on {name}")}</button>
                    <table aria-label=format!("{name} columns")>
                        <thead>
                            <tr>
                                <th scope="col">"Column"</th>
                                <th scope="col">"Type"</th>
                                <th scope="col">"Pivots to"</th>
                            </tr>
                        </thead>
                        <tbody>{columns}</tbody>
                    </table>
                </details>
            }
        })
        .collect_view();
    view! {
        <section class="schema" aria-labelledby="schema-heading">
            <h3 id="schema-heading">"Schema"</h3>
            {list}
        </section>
    }
}
