// Drives the bench-only wasm module (bench/wasm): alert decoding against JSON.parse, the demo engine's
// query, and a graph proxy (core's layout and SVG export). `cargo xtask bench` calls window.__bench.*.
import init, * as kernel from './atp_bench.js';
import { painted, frames, median } from './common.js';

const t = () => performance.now();

async function decode(warmRuns) {
  const response = await fetch('alerts-10000.json');
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  // Cold: the first call of each in this page.
  let t0 = t();
  const parsed = JSON.parse(text);
  const jsonCold = t() - t0;
  t0 = t();
  const decoded = kernel.decode_alerts(bytes);
  const wasmCold = t() - t0;
  if (parsed.value.length !== decoded) {
    throw new Error(`JSON.parse saw ${parsed.value.length} alerts, the wasm decoder ${decoded}`);
  }
  // Warm-up, then a pause: V8 tiers hot wasm up to TurboFan on a background thread.
  for (let i = 0; i < 3; i++) { JSON.parse(text); kernel.decode_alerts(bytes); }
  await new Promise((r) => setTimeout(r, 300));
  const jsonWarm = [];
  const wasmWarm = [];
  const typed = [];
  for (let i = 0; i < warmRuns; i++) {
    t0 = t();
    JSON.parse(text);
    jsonWarm.push(t() - t0);
    t0 = t();
    kernel.decode_alerts(bytes);
    wasmWarm.push(t() - t0);
  }
  // For context: the app's current path (Value, then each item into an Alert), a few warm calls.
  kernel.decode_alerts_typed(bytes);
  for (let i = 0; i < 3; i++) {
    t0 = t();
    kernel.decode_alerts_typed(bytes);
    typed.push(t() - t0);
  }
  return { bytes: bytes.length, alerts: decoded, jsonCold, wasmCold, jsonWarm, wasmWarm, typed };
}

async function engine(scale, runs) {
  let t0 = t();
  const alerts = kernel.engine_setup(scale);
  const setup = t() - t0;
  t0 = t();
  kernel.engine_run();
  const cold = t() - t0;
  // Warm-up, then a pause: V8 tiers hot wasm up to TurboFan on a background thread.
  for (let i = 0; i < 10; i++) kernel.engine_run();
  await new Promise((r) => setTimeout(r, 300));
  const samples = [];
  for (let i = 0; i < runs; i++) {
    t0 = t();
    kernel.engine_run();
    samples.push(t() - t0);
  }
  return { alerts, setup, cold, samples };
}

async function graph(nodes, edgesPerNode, panMs) {
  const holder = document.getElementById('graph');
  const [n, e] = kernel.graph_setup(nodes, edgesPerNode);
  holder.replaceChildren();
  await painted();
  const t0 = t();
  const iterations = kernel.graph_layout(10000);
  const t1 = t();
  const svg = kernel.graph_svg();
  const t2 = t();
  holder.innerHTML = svg;
  await painted();
  const t3 = t();
  // Panning, two ways a drag can move the picture: a new viewBox every frame (the SVG is laid out and
  // repainted each frame), or a CSS transform on the <svg> (the compositor moves a painted layer).
  const el = holder.querySelector('svg');
  const box = (el.getAttribute('viewBox') || '0 0 1000 1000').split(/[ ,]+/).map(Number);
  const viewBox = await frames(panMs, (i) => {
    const dx = Math.sin(i / 20) * box[2] * 0.2;
    const dy = Math.cos(i / 25) * box[3] * 0.2;
    el.setAttribute('viewBox', `${box[0] + dx} ${box[1] + dy} ${box[2]} ${box[3]}`);
  });
  el.setAttribute('viewBox', box.join(' '));
  el.style.willChange = 'transform';
  await painted();
  const transform = await frames(panMs, (i) => {
    el.style.transform = `translate(${Math.sin(i / 20) * 200}px, ${Math.cos(i / 25) * 150}px)`;
  });
  return {
    nodes: n, edges: e, iterations, svgBytes: svg.length,
    layout: t1 - t0, svg: t2 - t1, paint: t3 - t2, total: t3 - t0,
    viewBoxFrame: median(viewBox), transformFrame: median(transform),
  };
}

window.__bench = { decode, engine, graph };
init().then(() => { window.__benchReady = true; }, (e) => { window.__benchError = String(e); });
