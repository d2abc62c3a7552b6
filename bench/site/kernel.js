// Drives the bench-only wasm module (bench/wasm): alert decoding against JSON.parse and the demo engine's
// query. `cargo xtask bench` calls window.__bench.*.
import init, * as kernel from './atp_bench.js';

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

window.__bench = { decode, engine };
init().then(() => { window.__benchReady = true; }, (e) => { window.__benchError = String(e); });
