//! The scenarios, each run several times; each group of them (with its baselines) in a Chromium of its own.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use atp_tenant::StaticServer;
use serde_json::Value;

use super::browser::Browser;
use super::{median, percentile, Budget, Options, Row, Unit};
use crate::Result;

pub struct Setup<'a> {
    pub dist: &'a Path,
    pub site: &'a Path,
    pub chromedriver: &'a Path,
    pub profile_dir: &'a Path,
    pub options: &'a Options,
    /// The native kernels (bench/wasm's binary), when the scenarios that need them run.
    pub native: Option<&'a Path>,
}

pub struct Measured {
    pub rows: Vec<Row>,
    /// The browser's user agent.
    pub browser: String,
    /// What the native kernels printed (decode, engine and layout timings).
    pub native: Value,
}

const PATIENCE: Duration = Duration::from_secs(60);
/// The page of 1,000 alerts the render and scroll scenarios open (the demo tenant has 1,200).
const THOUSAND: &str = "/?profile=wdatp&q=/alerts?$top=1000";
/// The large demo dataset's first page of 10,000 (of 100,000 alerts).
const LARGE: &str = "/?profile=wdatp&q=/alerts?$top=10000&dataset=large";
const PAINTED: &str = "performance.getEntriesByName('atp-result-painted').length > 0";
/// Helpers for scripts run in the app's pages (the bench pages import them from common.js).
const PRELUDE: &str = "
    const painted = () => new Promise((r) => requestAnimationFrame(() => {
        const frame = performance.now();
        setTimeout(() => r(frame), 0);
    }));
    // Steps once per animation frame; gives the rAF deltas and, for each frame over 20 ms, where its time
    // went as far as the page can tell (Long Animation Frame entries, which cover frames over 50 ms).
    const frames = (ms, step) => new Promise((resolve) => {
        const deltas = [], ends = [], long = []; let last = null, start = null, i = 0;
        const watch = new PerformanceObserver((list) => long.push(...list.getEntries()));
        try { watch.observe({ type: 'long-animation-frame' }); } catch (_) {}
        const late = () => deltas.flatMap((d, k) => {
            if (d <= 20) return [];
            const seen = long.filter((e) => e.startTime < ends[k] && e.startTime + e.duration > ends[k] - d);
            const sum = (f) => Math.round(seen.reduce((s, e) => s + f(e), 0));
            return [{ frame: k, ms: d, long: seen.length, script: sum((e) => e.scripts.reduce((s, x) => s + x.duration, 0)),
                      styleToPaint: sum((e) => e.renderStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0),
                      frameCallbacks: sum((e) => e.renderStart ? e.styleAndLayoutStart - e.renderStart : 0),
                      tasks: sum((e) => e.renderStart ? e.renderStart - e.startTime : e.duration) }];
        });
        const frame = (t) => {
            if (start === null) start = t;
            if (last !== null) { deltas.push(t - last); ends.push(t); }
            last = t;
            if (t - start >= ms || step(i++) === false) {
                watch.disconnect();
                resolve({ deltas, late: late() });
                return;
            }
            requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
    });
";

pub async fn run(setup: Setup<'_>) -> Result<Measured> {
    let loopback: SocketAddr = ([127, 0, 0, 1], 0).into();
    let app = StaticServer::start(setup.dist, loopback)
        .map_err(|e| format!("serve {}: {e}", setup.dist.display()))?;
    let bench = StaticServer::start(setup.site, loopback)
        .map_err(|e| format!("serve {}: {e}", setup.site.display()))?;
    scenarios(&app.url(), &bench.url(), &setup).await
}

/// Runs one group of scenarios in a Chromium of its own, so that no page of an earlier group leaves garbage
/// in its renderer: traced, a "memory reducer" GC swept the earlier groups' dead pages (800 MB of heap before
/// it, 424 MB after) in one 208 ms main-thread task, in the middle of the 100,000-alert scroll's first run.
async fn in_browser<T>(
    setup: &Setup<'_>,
    agent: &mut String,
    group: impl AsyncFnOnce(&Browser) -> Result<T>,
) -> Result<T> {
    let b = Browser::start(
        setup.chromedriver,
        setup.profile_dir,
        setup.options.throttle,
    )
    .await?;
    if agent.is_empty() {
        let ua = b.client.execute("return navigator.userAgent", vec![]).await;
        *agent = ua
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
    }
    let outcome = group(&b).await;
    b.close().await;
    outcome
}

fn numbers(value: &Value, key: &str) -> Vec<f64> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

fn number(value: &Value, key: &str) -> Result<f64> {
    value
        .get(key)
        .and_then(Value::as_f64)
        .ok_or_else(|| format!("the page reported no {key:?}: {value}"))
}

/// The frames over 20 ms a `frames()` run reported, by index, with where their time went when the page saw
/// a long animation frame there: tasks before the frame, frame callbacks (rAF, observers), style to paint.
fn late_frames(seen: &Value) -> Vec<String> {
    let late = seen.get("late").and_then(Value::as_array);
    late.into_iter()
        .flatten()
        .map(|f| {
            let n = |key| f.get(key).and_then(Value::as_f64).unwrap_or_default();
            let at = format!("{:.0} ms at {}", n("ms"), n("frame"));
            if n("long") < 1.0 {
                format!("{at} (no long animation frame seen)")
            } else {
                format!(
                    "{at} (tasks {:.0} ms, of them script {:.0}; frame callbacks {:.0}; style to paint {:.0})",
                    n("tasks"),
                    n("script"),
                    n("frameCallbacks"),
                    n("styleToPaint")
                )
            }
        })
        .collect()
}

fn ms(x: Option<f64>) -> String {
    x.map_or_else(|| "—".into(), |x| format!("{x:.1} ms"))
}

async fn scenarios(app: &str, bench: &str, setup: &Setup<'_>) -> Result<Measured> {
    let runs = setup.options.runs;
    let mut agent = String::new();
    let mut rows = Vec::new();

    let wants = |group| setup.options.wants(group);
    if wants("load") {
        println!("  cold load");
        rows.push(in_browser(setup, &mut agent, async |b| cold_load(b, app, runs).await).await?);
    }
    let native = match setup.native {
        Some(binary) if wants("decode") || wants("engine") => {
            println!("  native kernels (decode, engine, layout), right before their wasm runs");
            native_timings(binary, (runs * 6).max(30))?
        }
        _ => Value::Null,
    };
    if wants("decode") {
        println!("  decode 10,000 alerts");
        rows.extend(
            in_browser(setup, &mut agent, async |b| {
                decode(b, bench, runs, &native).await
            })
            .await?,
        );
    }
    if wants("engine") {
        println!("  demo engine over 100,000 alerts");
        let opt_level = &setup.options.opt_level;
        let mut engine_row = in_browser(setup, &mut agent, async |b| {
            engine(b, bench, runs, &native, opt_level).await
        })
        .await?;
        if setup.options.throttle > 1.0 {
            engine_row.note.push_str(&format!(
                "; CPU throttled {}× in Chromium only: the native baseline is not, so this ratio overstates wasm",
                setup.options.throttle
            ));
        }
        rows.push(engine_row);
    }
    if wants("cards") {
        println!("  render 1,000 cards and scroll them");
        rows.extend(
            in_browser(setup, &mut agent, async |b| {
                cards(b, app, bench, runs).await
            })
            .await?,
        );
    }
    if wants("scroll") {
        println!("  scroll through 100,000 alerts");
        rows.extend(
            in_browser(setup, &mut agent, async |b| {
                scroll_large(b, app, runs).await
            })
            .await?,
        );
    }
    if wants("graph") {
        println!("  the app's graph view at 1,000 nodes");
        rows.extend(
            in_browser(setup, &mut agent, async |b| {
                graph(b, app, runs, &native).await
            })
            .await?,
        );
    }
    let browser = agent
        .split_whitespace()
        .find(|p| p.starts_with("HeadlessChrome/") || p.starts_with("Chrome/"))
        .unwrap_or("Chromium")
        .to_string();
    Ok(Measured {
        rows,
        browser,
        native,
    })
}

/// Runs the native kernels' timings (`atp-bench-native time <runs>`).
fn native_timings(binary: &Path, runs: usize) -> Result<Value> {
    let output = std::process::Command::new(binary)
        .args(["time", &runs.to_string()])
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed: {}",
            binary.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("the native kernels printed no JSON: {e}"))
}

/// The app's `/` on a fresh load (no HTTP cache: the server says no-store) to its first result painted.
async fn cold_load(b: &Browser, app: &str, runs: usize) -> Result<Row> {
    let mut painted = Vec::new();
    let mut wasm_done = Vec::new();
    for _ in 0..runs {
        b.goto(&format!("{app}/")).await?;
        b.wait_for("the first result of the app's /", PAINTED, PATIENCE)
            .await?;
        let seen = b
            .run(
                "read the marks",
                "const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
                 done({ painted: performance.getEntriesByName('atp-result-painted')[0].startTime,
                        wasm: wasm ? wasm.responseEnd : null });",
            )
            .await?;
        painted.push(number(&seen, "painted")?);
        if let Some(w) = seen.get("wasm").and_then(Value::as_f64) {
            wasm_done.push(w);
        }
    }
    Ok(Row::new(
        "cold load → first demo result painted",
        Unit::Ms,
        painted,
        Budget::AtMost(1000.0),
    )
    .note(format!(
        "performance.mark('atp-result-painted') of a fresh load of /, ms since navigation start; the .wasm finished downloading at {} (median)",
        ms(median(&wasm_done))
    )))
}

/// The app's reading of a 10,000-alert body in wasm (syntax checked, each alert's JSON found; a card
/// decodes its alert when it is built) against `JSON.parse`, cold (first call of a fresh page) and warm
/// (later calls), of the same body.
async fn decode(b: &Browser, bench: &str, runs: usize, native: &Value) -> Result<Vec<Row>> {
    let (mut json_cold, mut wasm_cold, mut json_warm, mut wasm_warm) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut size = 0.0;
    let mut typed = Vec::new();
    for _ in 0..runs {
        b.goto(&format!("{bench}/kernel.html")).await?;
        b.wait_for("the kernels page", "window.__benchReady", PATIENCE)
            .await?;
        let seen = b
            .run("decode", "done(await window.__bench.decode(10));")
            .await?;
        json_cold.push(number(&seen, "jsonCold")?);
        wasm_cold.push(number(&seen, "wasmCold")?);
        json_warm.extend(numbers(&seen, "jsonWarm"));
        wasm_warm.extend(numbers(&seen, "wasmWarm"));
        size = number(&seen, "bytes")?;
        typed.extend(numbers(&seen, "typed"));
    }
    let what = format!(
        "core's body::Page::read of the {:.1} MB body, the app's reading (bytes copied into wasm included) vs JSON.parse of the same text (decoding bytes to text not counted)",
        size / 1e6
    );
    Ok(vec![
        Row::new(
            "decode 10,000 alerts, warm (app's reading)",
            Unit::Ms,
            wasm_warm,
            Budget::Ratio(1.2),
        )
        .baseline(json_warm)
        .note(format!(
            "{what}; 10 calls per page after the first, 3 warm-up calls and a 300 ms pause (V8 tiers wasm up in the background); the same reading native: {}; the reading plus all 10,000 alerts into typed models (what 10,000 cards would decode, 200 at a time), warm: {}",
            ms(median(&numbers(native, "decode_ms"))),
            ms(median(&typed)),
        )),
        Row::new(
            "decode 10,000 alerts, cold (app's reading)",
            Unit::Ms,
            wasm_cold,
            Budget::Ratio(3.0),
        )
        .baseline(json_cold)
        .note(format!(
            "{what}; the first call in a fresh page, one per run"
        )),
    ])
}

/// The app's cards for `/alerts?$top=1000` against plain DOM code building the same cards, from the
/// data in hand to the frame that shows them painted; then scrolling the app's 1,000 cards.
async fn cards(b: &Browser, app: &str, bench: &str, runs: usize) -> Result<Vec<Row>> {
    let (mut app_first, mut app_script, mut app_built) = (Vec::new(), Vec::new(), Vec::new());
    let (mut js_same, mut js_1000) = (Vec::new(), Vec::new());
    let (mut js_script, mut js_1000_script) = (Vec::new(), Vec::new());
    let (mut p95, mut worst, mut frames_seen) = (Vec::new(), Vec::new(), 0usize);
    let (mut scrolled, mut late) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        b.goto(&format!("{app}{THOUSAND}")).await?;
        b.wait_for("the 1,000-alert result", PAINTED, PATIENCE)
            .await?;
        let script = format!(
            "{PRELUDE}
            const count = () => document.querySelectorAll('#result-panel article').length;
            const tab = (id) => document.getElementById(id);
            if (!tab('tab-cards') || !tab('tab-response')) throw new Error('no Cards and Response tabs');
            // Data in hand: leave the Cards tab and come back, so the cards render from the loaded result.
            tab('tab-response').click();
            await painted(); await painted();
            const t0 = performance.now();
            tab('tab-cards').click();
            const frame = await painted();
            done({{ first: performance.now() - t0, firstScript: frame - t0, firstCount: count() }});"
        );
        let seen = b.run("render the app's cards", &script).await?;
        let built = number(&seen, "firstCount")?;
        if built < 1.0 {
            return Err(format!("the app showed no cards: {seen}"));
        }
        app_first.push(number(&seen, "first")?);
        app_script.push(number(&seen, "firstScript")?);
        app_built.push(built);

        let scroll = format!(
            "{PRELUDE}
            window.scrollTo(0, 0);
            await painted(); await painted();
            const {{ deltas, late }} = await frames(3000, () => {{
                window.scrollBy(0, 120);
            }});
            done({{ deltas, late, y: window.scrollY, height: document.documentElement.scrollHeight }});"
        );
        let seen = b.run("scroll the app's cards", &scroll).await?;
        let deltas = numbers(&seen, "deltas");
        frames_seen += deltas.len();
        p95.extend(percentile(&deltas, 95.0));
        worst.extend(deltas.iter().copied().reduce(f64::max));
        scrolled.push(number(&seen, "y")?);
        late.push(late_frames(&seen));

        // The baseline right after, in the same run, so both see the same machine load.
        b.goto(&format!("{bench}/cards.html")).await?;
        b.wait_for("the cards baseline page", "window.__benchReady", PATIENCE)
            .await?;
        // As many cards as the app built, then all 1,000 (each rendered once before, as the app's were).
        let same = built.round() as usize;
        let seen = b
            .run(
                "render the baseline cards",
                &format!(
                    "await window.__bench.render({same});
                     const same = await window.__bench.render({same});
                     await window.__bench.render(1000);
                     const all = await window.__bench.render(1000);
                     done({{ same: same.ms, sameScript: same.script, all: all.ms, allScript: all.script, n: all.cards }});"
                ),
            )
            .await?;
        if number(&seen, "n")? < 1000.0 {
            return Err(format!("the baseline page built too few cards: {seen}"));
        }
        js_same.push(number(&seen, "same")?);
        js_1000.push(number(&seen, "all")?);
        js_script.push(number(&seen, "sameScript")?);
        js_1000_script.push(number(&seen, "allScript")?);
    }

    Ok(vec![
        Row::new(
            "show 1,000 alert cards (app: the cards near the screen)",
            Unit::Ms,
            app_first.clone(),
            Budget::Ratio(1.25),
        )
        .baseline(js_1000)
        .note(format!(
            "Cards tab re-opened on a loaded /alerts?$top=1000 (data in hand) to the next painted frame; the app builds only the cards on and near the screen ({} of 1,000, median; the rest as they scroll near), the baseline builds all 1,000 with plain DOM calls and the app's stylesheet; script until the frame: app {}, baseline {}",
            median(&app_built).unwrap_or_default(),
            ms(median(&app_script)),
            ms(median(&js_1000_script)),
        )),
        Row::new(
            "build the same number of alert cards",
            Unit::Ms,
            app_first,
            Budget::Ratio(1.25),
        )
        .baseline(js_same)
        .note(format!(
            "card for card: the app's first frame above against the baseline building as many cards as the app built ({} cards); script until the frame: app {}, baseline {}",
            median(&app_built).unwrap_or_default(),
            ms(median(&app_script)),
            ms(median(&js_script)),
        )),
        Row::new(
            "scroll 1,000 app cards: p95 frame",
            Unit::Ms,
            p95,
            Budget::AtMost(20.0),
        )
        .note(format!(
            "window.scrollBy(0, 120) every animation frame for 3 s, rAF deltas ({frames_seen} frames in all; scrolled {} px per run, median)",
            median(&scrolled).unwrap_or_default().round()
        )),
        Row::new(
            "scroll 1,000 app cards: worst frame",
            Unit::Ms,
            worst,
            Budget::EveryAtMost(32.0),
        )
        .note(format!(
            "the longest frame of each run; the budget holds for every run; frames over 20 ms in each run: {late:?}"
        )),
    ])
}

/// The large demo dataset's 100,000 alerts: 10 pages of 10,000 loaded with "Load more", then the whole list
/// scrolled top to bottom in 600 frames, so every frame lands on cards that are not built yet (a scrollbar
/// drag, the hardest case for a windowed list).
async fn scroll_large(b: &Browser, app: &str, runs: usize) -> Result<Vec<Row>> {
    let (mut p95, mut worst, mut frames_seen, mut loads) = (Vec::new(), Vec::new(), 0, Vec::new());
    let (mut heights, mut late) = (Vec::new(), Vec::new());
    for _ in 0..runs.clamp(1, 3) {
        b.goto(&format!("{app}{LARGE}")).await?;
        b.wait_for("the first 10,000 of 100,000 alerts", PAINTED, PATIENCE)
            .await?;
        let load = format!(
            "{PRELUDE}
            const shows = (n) => [' ' + n + ' results', ' ' + n + ' of '].some((t) => document.body.textContent.includes(t));
            const t0 = performance.now();
            for (let page = 2; page <= 10; page++) {{
                const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Load more');
                if (!button) throw new Error('no Load more button for page ' + page);
                button.click();
                const asked = performance.now();
                while (!shows(page * 10000)) {{
                    if (performance.now() - asked > 60000) throw new Error('page ' + page + ' did not arrive');
                    await painted();
                }}
            }}
            done({{ ms: performance.now() - t0 }});"
        );
        let seen = b.run("load 10 pages of 10,000 alerts", &load).await?;
        loads.push(number(&seen, "ms")?);
        let scroll = format!(
            "{PRELUDE}
            window.scrollTo(0, 0);
            await painted(); await painted();
            const end = () => document.documentElement.scrollHeight - innerHeight;
            const {{ deltas, late }} = await frames(60000, (i) => {{
                window.scrollTo(0, end() * Math.min(1, (i + 1) / 600));
                return i < 600;
            }});
            await painted(); await painted();
            const cards = document.querySelectorAll('[role=feed] article');
            const last = cards.length ? Number(cards[cards.length - 1].getAttribute('aria-posinset')) : 0;
            done({{ deltas, late, last, height: document.documentElement.scrollHeight }});"
        );
        let seen = b.run("scroll through 100,000 alerts", &scroll).await?;
        if number(&seen, "last")? < 100_000.0 {
            return Err(format!(
                "scrolling to the end did not reach the 100,000th card: {}",
                seen.get("last").cloned().unwrap_or_default()
            ));
        }
        let deltas = numbers(&seen, "deltas");
        frames_seen += deltas.len();
        p95.extend(percentile(&deltas, 95.0));
        worst.extend(deltas.iter().copied().reduce(f64::max));
        late.push(late_frames(&seen));
        heights.push(number(&seen, "height")?);
    }
    let what = format!(
        "the large demo dataset (dataset=large): 10 pages of 10,000 loaded with Load more ({} for the 9 more pages, median), then scrollTo across the whole {:.1} Mpx list in 600 frames, every frame on cards not built yet; rAF deltas, {frames_seen} frames in all",
        ms(median(&loads)),
        median(&heights).unwrap_or_default() / 1e6,
    );
    Ok(vec![
        Row::new(
            "scroll through 100,000 alerts: p95 frame",
            Unit::Ms,
            p95,
            Budget::AtMost(20.0),
        )
        .note(what),
        Row::new(
            "scroll through 100,000 alerts: worst frame",
            Unit::Ms,
            worst,
            Budget::EveryAtMost(32.0),
        )
        .note(format!(
            "the longest frame of each run; the budget holds for every run; frames over 20 ms (of 600, by index) in each run: {late:?}"
        )),
    ])
}

/// The demo engine's filter + orderby + top=100 over 100,000 alerts, wasm against the same code native.
async fn engine(
    b: &Browser,
    bench: &str,
    runs: usize,
    native: &Value,
    opt_level: &str,
) -> Result<Row> {
    b.goto(&format!("{bench}/kernel.html")).await?;
    b.wait_for("the kernels page", "window.__benchReady", PATIENCE)
        .await?;
    let n = (runs * 6).max(30);
    let seen = b
        .run(
            "the engine query",
            &format!("done(await window.__bench.engine(100000, {n}));"),
        )
        .await?;
    let native_ms = numbers(native, "engine_ms");
    Ok(Row::new(
        "demo engine: $filter + $orderby + $top=100 over 100,000 alerts (wasm)",
        Unit::Ms,
        numbers(&seen, "samples"),
        Budget::RatioAndAtMost(2.0, 20.0),
    )
    .baseline(native_ms)
    .note(format!(
        "core/benches/demo.rs's query, {n} calls after a first call (cold: wasm {}, native {}), 10 warm-up calls and a 300 ms pause; baseline = the same code (bench/wasm at opt-level {opt_level:?} + LTO; the app's is \"z\") native on this machine; generating the tenant: wasm {}, native {}",
        ms(seen.get("cold").and_then(Value::as_f64)),
        ms(native.get("engine_cold_ms").and_then(Value::as_f64)),
        ms(seen.get("setup").and_then(Value::as_f64)),
        ms(native.get("generate_ms").and_then(Value::as_f64)),
    )))
}

/// The app's graph view with `?graph-synthetic=1000`: data in hand to the first painted frame (its marks),
/// then panning it by real pointer drags (CDP mouse events) once the layout is at rest.
async fn graph(b: &Browser, app: &str, runs: usize, native: &Value) -> Result<Vec<Row>> {
    let (mut first, mut built, mut rest) = (Vec::new(), Vec::new(), Vec::new());
    let (mut fps, mut p95, mut worst, mut moves) = (Vec::new(), Vec::new(), Vec::new(), 0usize);
    let mut all_fps = Vec::new();
    let (mut shape, mut spent) = (String::new(), Vec::new());
    for _ in 0..runs {
        // `q=none` is no query: nothing runs beside the graph, so its marks time it alone.
        b.goto(&format!("{app}/?graph-synthetic=1000&q=none"))
            .await?;
        b.wait_for(
            "the graph's at-rest mark",
            "performance.getEntriesByName('atp-graph-at-rest').length > 0",
            PATIENCE * 2,
        )
        .await?;
        let seen = b
            .run(
                "read the graph's marks",
                "const marks = {};
                 for (const m of performance.getEntriesByType('mark')) if (m.name.startsWith('atp-graph-')) marks[m.name.slice(10)] = m.startTime;
                 const status = document.querySelector('.graph-status').textContent;
                 const counts = /(\\d+) nodes and (\\d+) edges/.exec(status) || [];
                 done({ marks, nodes: Number(counts[1]), edges: Number(counts[2]),
                        buttons: document.querySelectorAll('.graph-canvas [role=button]').length,
                        elements: document.querySelector('.graph-canvas').getElementsByTagName('*').length,
                        layout: document.querySelector('.graph-canvas').getAttribute('data-layout') });",
            )
            .await?;
        let mark = |name: &str| {
            seen.get("marks")
                .and_then(|m| m.get(name))
                .and_then(Value::as_f64)
                .ok_or_else(|| format!("the app set no atp-graph-{name} mark: {seen}"))
        };
        first.push(mark("painted")? - mark("built")?);
        built.push(mark("built")? - mark("start")?);
        rest.push(mark("at-rest")? - mark("built")?);
        if number(&seen, "buttons")? < 1000.0 {
            return Err(format!("the graph view showed too few nodes: {seen}"));
        }
        shape = format!(
            "{} nodes, {} edges, {} SVG elements",
            number(&seen, "nodes")?,
            number(&seen, "edges")?,
            number(&seen, "elements")?
        );
        spent.extend(
            seen.get("layout")
                .and_then(Value::as_str)
                .map(str::to_string),
        );

        // A spot of the canvas with no node under it, for the drag to grab the background.
        let spot = b
            .run(
                "find the canvas's background",
                &format!(
                    "{PRELUDE}
                    const canvas = document.querySelector('.graph-canvas');
                    canvas.scrollIntoView({{ block: 'center' }});
                    await painted(); await painted();
                    const r = canvas.getBoundingClientRect();
                    for (let fy = 0.5; fy < 0.8; fy += 0.03) for (let fx = 0.5; fx < 0.8; fx += 0.03) {{
                        const x = Math.round(r.left + r.width * fx), y = Math.round(r.top + r.height * fy);
                        const e = document.elementFromPoint(x, y);
                        if (e && canvas.contains(e) && !e.closest('[role=button]'))
                            return done({{ x, y, view: canvas.querySelector(':scope > g').getAttribute('transform') }});
                    }}
                    throw new Error('no background spot on the canvas');"
                ),
            )
            .await?;
        let (x, y) = (number(&spot, "x")?, number(&spot, "y")?);
        b.run(
            "start counting frames",
            // A frame's time is the delta to the next rAF; frames that handled a pointer move are the
            // ones panning costs (the CDP events arrive about every other frame).
            "window.__frames = { deltas: [], moved: [], on: true, pending: false };
             addEventListener('pointermove', () => { window.__frames.pending = true; }, true);
             let last = null, moved = false;
             const frame = (t) => {
                 const f = window.__frames;
                 if (!f.on) return;
                 if (last !== null) { f.deltas.push(t - last); f.moved.push(moved); }
                 last = t; moved = f.pending; f.pending = false;
                 requestAnimationFrame(frame);
             };
             requestAnimationFrame(frame);
             done(true);",
        )
        .await?;
        let mouse = |kind: &str, x: f64, y: f64| {
            b.cdp(
                "Input.dispatchMouseEvent",
                serde_json::json!({
                    "type": kind, "x": x, "y": y, "button": "left",
                    "buttons": if kind == "mouseReleased" { 0 } else { 1 }, "clickCount": 1,
                }),
            )
        };
        mouse("mouseMoved", x, y)?;
        mouse("mousePressed", x, y)?;
        // Two seconds of dragging in loops of ±150 px, one event per few milliseconds (each waits for
        // the page to take it), then let go 80 px right and 40 px down of where it started.
        let started = std::time::Instant::now();
        while started.elapsed() < Duration::from_secs(2) {
            let t = started.elapsed().as_secs_f64();
            let (dx, dy) = (
                150.0 * (std::f64::consts::PI * t).sin(),
                100.0 * (2.0 * std::f64::consts::PI * t).sin(),
            );
            mouse("mouseMoved", x + dx, y + dy)?;
            moves += 1;
            tokio::time::sleep(Duration::from_millis(4)).await;
        }
        mouse("mouseMoved", x + 80.0, y + 40.0)?;
        mouse("mouseReleased", x + 80.0, y + 40.0)?;
        let seen = b
            .run(
                "stop counting frames",
                &format!(
                    "{PRELUDE}
                    await painted();
                    window.__frames.on = false;
                    done({{ deltas: window.__frames.deltas.filter((_, i) => window.__frames.moved[i]),
                            all: window.__frames.deltas,
                            view: document.querySelector('.graph-canvas > g').getAttribute('transform') }});"
                ),
            )
            .await?;
        if seen.get("view") == spot.get("view") {
            return Err(format!(
                "the drag did not pan the graph (its transform stayed {})",
                seen.get("view").unwrap_or(&Value::Null)
            ));
        }
        let deltas = numbers(&seen, "deltas");
        all_fps.extend(median(&numbers(&seen, "all")).map(|m| 1000.0 / m));
        fps.extend(median(&deltas).map(|m| 1000.0 / m));
        p95.extend(percentile(&deltas, 95.0));
        worst.extend(deltas.iter().copied().reduce(f64::max));
    }
    Ok(vec![
        Row::new(
            "graph: 1,000 nodes / 3,000 edges, layout + first paint",
            Unit::Ms,
            first,
            Budget::AtMost(500.0),
        )
        .note(format!(
            "the app's ?graph-synthetic=1000 ({shape}): performance marks from the graph in hand (atp-graph-built) to the first frame painted with it (atp-graph-painted), layout iterations before it included; making the graph up took {} (not counted); the layout then settles in later frames, at rest {} after the graph was in hand (median; {}); core's layout to rest natively: {}",
            ms(median(&built)),
            ms(median(&rest)),
            spent.first().map_or("—", String::as_str),
            ms(median(&numbers(native, "graph_layout_ms"))),
        )),
        Row::new(
            "graph: panning at 1,000 nodes (pointer drag)",
            Unit::Fps,
            fps,
            Budget::AtLeast(50.0),
        )
        .note(format!(
            "a 2 s drag of the canvas's background by CDP mouse events ({moves} moves in all) once the layout is at rest; 1000 / the median time of the frames that handled a move (rAF to next rAF), per run; those frames' p95 {}, worst {}; all frames of the drag: {} fps (medians over runs)",
            ms(median(&p95)),
            ms(median(&worst)),
            median(&all_fps).map_or_else(|| "—".to_string(), |f| format!("{f:.1}")),
        )),
    ])
}

#[cfg(test)]
mod tests {
    use super::late_frames;
    use serde_json::json;

    #[test]
    fn late_frames_say_where_the_time_went_when_the_page_saw_it() {
        let seen = json!({ "late": [
            { "frame": 271, "ms": 183.4, "long": 1, "script": 0, "frameCallbacks": 1, "styleToPaint": 0, "tasks": 209 },
            { "frame": 40, "ms": 24.9, "long": 0, "script": 0, "frameCallbacks": 0, "styleToPaint": 0, "tasks": 0 },
        ] });
        assert_eq!(
            late_frames(&seen),
            [
                "183 ms at 271 (tasks 209 ms, of them script 0; frame callbacks 1; style to paint 0)",
                "25 ms at 40 (no long animation frame seen)",
            ]
        );
        assert!(late_frames(&json!({ "deltas": [16.7] })).is_empty());
    }
}
