// Shared by the bench pages: a paint barrier and frame-time recording. Benchmark-only (never in dist/).

/** Resolves after the next frame has been rendered: rAF runs before style, layout and paint, and a task
 *  queued from it runs after them. Resolves to the time the frame began (script work done). */
export function painted() {
  return new Promise((resolve) => requestAnimationFrame(() => {
    const frame = performance.now();
    setTimeout(() => resolve(frame), 0);
  }));
}

/** Calls `step(i)` once per animation frame for `ms` milliseconds; the frame-to-frame deltas seen. */
export function frames(ms, step) {
  return new Promise((resolve) => {
    const deltas = [];
    let last = null;
    let start = null;
    let i = 0;
    function frame(t) {
      if (start === null) start = t;
      if (last !== null) deltas.push(t - last);
      last = t;
      if (t - start >= ms || step(i++) === false) {
        resolve(deltas);
        return;
      }
      requestAnimationFrame(frame);
    }
    requestAnimationFrame(frame);
  });
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}
