#!/usr/bin/env node
// Times full DCAP quote verification per vector for each npm peer.
//
//   taskset -c 0 node bench/peers/bench.mjs [options]
//
//   --iterations N   measured calls per (vector, peer)            default 2000
//   --warmup W       unmeasured calls before measuring             default 200
//   --peer NAME      only this peer (js | wasm | full npm name)    default both
//   --filter TEXT    only vectors whose id contains TEXT
//   --include-policy-rejects
//                    also time vectors a peer rejects on a policy check that
//                    runs after all crypto and TCB matching (debug enclave/TD,
//                    SEPT_VE_DISABLE, MRSERVICETD != 0)
//   --json-out FILE  also write all JSON records to FILE (array)
//
// Vector selection (decided per vector by one untimed call of each peer):
//   * "ok"          the peer returned a report;
//   * "tcb-reject"  the peer threw "No matching TCB level found" / "TCB status is
//                   invalid", or returned status "Unknown" (dcap-qvl-web 0.3.3 does
//                   that instead of throwing) - every signature, chain, CRL and
//                   identity check ran before, so this is the full path;
//   * "policy-reject" attribute policy at the very end (see above) - full path too;
//   * "early-reject" anything else (parse failure, expired cert, ...): never timed.
// A vector is timed (for both peers) when both peers are ok/tcb-reject, or with
// --include-policy-rejects when both are ok/tcb-reject/policy-reject.
//
// stdout: JSON lines, one per (vector, peer) {"type":"vector",...} and one per peer
// {"type":"summary",...}; stderr: a readable table.
// Timing = wall-clock (process.hrtime.bigint) around each single verify call (mean,
// p50, p99 nearest-rank), plus process CPU time per op over the measured loop; the
// call includes the peer's own parsing of the serialized collateral (hex CRLs,
// PEM chains, JSON TCB info) because that is the peers' API.

import os from 'node:os';
import { writeFileSync } from 'node:fs';
import { loadVectorList, loadCase, loadPeers, errorText } from './collateral.mjs';

function parseArgs(argv) {
  const o = { iterations: 2000, warmup: 200, peer: null, filter: null, policy: false, jsonOut: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) { console.error(`${a} needs a value`); process.exit(2); }
      return v;
    };
    if (a === '--iterations' || a === '-n') o.iterations = Number(val());
    else if (a === '--warmup' || a === '-w') o.warmup = Number(val());
    else if (a === '--peer') o.peer = val();
    else if (a === '--filter') o.filter = val();
    else if (a === '--include-policy-rejects') o.policy = true;
    else if (a === '--json-out') o.jsonOut = val();
    else if (a === '-h' || a === '--help') {
      console.log('usage: node bench.mjs [--iterations N] [--warmup W] [--peer js|wasm] [--filter TEXT] ' +
        '[--include-policy-rejects] [--json-out FILE]');
      process.exit(0);
    } else { console.error(`unknown argument: ${a}`); process.exit(2); }
  }
  if (!(Number.isInteger(o.iterations) && o.iterations > 0) || !(Number.isInteger(o.warmup) && o.warmup >= 0)) {
    console.error('--iterations must be > 0 and --warmup >= 0 (integers)');
    process.exit(2);
  }
  return o;
}

const TCB_REJECT = /No matching TCB level|TCB status is invalid/;
const POLICY_REJECT = /Debug mode is enabled|SEPT_VE_DISABLE is not enabled|Invalid mr service td|Reserved bits in TD attributes/;

function classify(peer, c) {
  try {
    const r = peer.verify(c.quote, c.collateral, c.at);
    if (r.status === 'Unknown') return { kind: 'tcb-reject', outcome: 'returned status Unknown' };
    return { kind: 'ok', outcome: r.status };
  } catch (e) {
    const msg = errorText(e);
    if (TCB_REJECT.test(msg)) return { kind: 'tcb-reject', outcome: msg };
    if (POLICY_REJECT.test(msg)) return { kind: 'policy-reject', outcome: msg };
    return { kind: 'early-reject', outcome: msg };
  }
}

function timeOne(peer, c, warmup, iterations) {
  const call = () => {
    try { peer.verify(c.quote, c.collateral, c.at); } catch { /* rejection path is what we time */ }
  };
  for (let i = 0; i < warmup; i++) call();
  const ns = new Float64Array(iterations);
  const busy0 = machineBusyMs();
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    call();
    ns[i] = Number(process.hrtime.bigint() - t0);
  }
  const wallUs = Number(process.hrtime.bigint() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const busyMs = machineBusyMs() - busy0;
  const cpuUs = cpu.user + cpu.system;
  // CPU time of this process per op: insensitive to being preempted by other
  // processes on the same core (wall-clock is not). cpu_share = CPU / wall over
  // the measured loop; well below 1 means something else ran on our core.
  return {
    ns,
    cpu: {
      cpu_us_per_op: Math.round(cpuUs / iterations * 100) / 100,
      cpu_share: Math.round(cpuUs / wallUs * 1000) / 1000,
      // CPU time used by everything else on the machine during the loop, in
      // cores (0 = quiet; 1 = another core fully busy). On this 2-vCPU VM a busy
      // neighbour slows us down even on the other vCPU (shared core/cache), which
      // cpu_share cannot see.
      others_busy_cores: Math.round(Math.max(0, busyMs * 1000 - cpuUs) / wallUs * 100) / 100,
    },
  };
}

/** Sum of non-idle CPU time over all CPUs, ms (os.cpus() tick counters). */
function machineBusyMs() {
  let t = 0;
  for (const c of os.cpus()) t += c.times.user + c.times.nice + c.times.sys + c.times.irq;
  return t;
}

function stats(ns) {
  const s = Float64Array.from(ns).sort();
  const n = s.length;
  const pct = (p) => s[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]; // nearest-rank
  let sum = 0;
  for (const x of s) sum += x;
  const mean = sum / n;
  let sq = 0;
  for (const x of s) sq += (x - mean) ** 2;
  const us = (x) => Math.round(x / 10) / 100; // ns -> us, 2 decimals
  return {
    n, mean_us: us(mean), p50_us: us(pct(0.5)), p99_us: us(pct(0.99)),
    min_us: us(s[0]), max_us: us(s[n - 1]), stddev_us: us(Math.sqrt(sq / n)),
  };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const allPeers = await loadPeers(); // vector selection always consults both peers
  let peers = allPeers;
  if (o.peer) {
    peers = allPeers.filter((p) => p.short === o.peer || p.name === o.peer);
    if (peers.length === 0) { console.error(`no peer ${o.peer}`); process.exit(2); }
  }
  let vectors = loadVectorList();
  if (o.filter) vectors = vectors.filter((v) => v.id.includes(o.filter));

  const cpus = os.cpus();
  const env = {
    type: 'env',
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    cpu: cpus[0]?.model ?? 'unknown',
    cpus_online: cpus.length,
    cpus_usable: os.availableParallelism ? os.availableParallelism() : null, // honours taskset
    peers: Object.fromEntries(allPeers.map((p) => [p.name, p.version])),
    iterations: o.iterations,
    warmup: o.warmup,
    include_policy_rejects: o.policy,
    loadavg_start: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
  const records = [env];
  process.stdout.write(JSON.stringify(env) + '\n');
  if (env.cpus_usable !== 1) {
    console.error(`note: ${env.cpus_usable} CPUs usable; run under "taskset -c 0" to pin to one core`);
  }

  const timedKinds = new Set(o.policy ? ['ok', 'tcb-reject', 'policy-reject'] : ['ok', 'tcb-reject']);
  const rows = [];
  const skipped = [];
  for (const v of vectors) {
    const c = loadCase(v);
    const cls = Object.fromEntries(allPeers.map((p) => [p.short, classify(p, c)]));
    const eligible = Object.values(cls).every((x) => timedKinds.has(x.kind));
    if (!eligible) {
      const s = { type: 'skipped', id: v.id, reason: Object.fromEntries(Object.entries(cls).map(([k, x]) => [k, `${x.kind}: ${x.outcome}`])) };
      skipped.push(s);
      records.push(s);
      process.stdout.write(JSON.stringify(s) + '\n');
      continue;
    }
    for (const p of peers) {
      const t = timeOne(p, c, o.warmup, o.iterations);
      const rec = {
        type: 'vector', id: v.id, peer: p.name, path: cls[p.short].kind, outcome: cls[p.short].outcome,
        ...stats(t.ns), ...t.cpu,
      };
      rows.push(rec);
      records.push(rec);
      process.stdout.write(JSON.stringify(rec) + '\n');
      console.error(`  ${p.short.padEnd(4)} ${rec.mean_us.toFixed(0).padStart(7)} us/op wall, ` +
        `${rec.cpu_us_per_op.toFixed(0).padStart(7)} us/op cpu (share ${rec.cpu_share})  ${v.id}`);
    }
  }

  const loadEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const summaries = [];
  for (const p of peers) {
    const mine = rows.filter((r) => r.peer === p.name);
    if (mine.length === 0) continue;
    const avg = (k) => Math.round(mine.reduce((a, r) => a + r[k], 0) / mine.length * 100) / 100;
    const s = {
      type: 'summary', peer: p.name, version: p.version, vectors: mine.length, loadavg_end: loadEnd,
      avg_mean_us: avg('mean_us'), avg_p50_us: avg('p50_us'), avg_p99_us: avg('p99_us'),
      avg_cpu_us_per_op: avg('cpu_us_per_op'), min_cpu_share: Math.min(...mine.map((r) => r.cpu_share)),
      max_others_busy_cores: Math.max(...mine.map((r) => r.others_busy_cores)),
      avg_mean_us_ok_only: (() => {
        const ok = mine.filter((r) => r.path === 'ok');
        return ok.length ? Math.round(ok.reduce((a, r) => a + r.mean_us, 0) / ok.length * 100) / 100 : null;
      })(),
    };
    summaries.push(s);
    records.push(s);
    process.stdout.write(JSON.stringify(s) + '\n');
  }

  // Readable table on stderr.
  const out = [];
  out.push('');
  out.push(`node ${env.node}, ${env.cpu}, usable CPUs ${env.cpus_usable}, warmup ${o.warmup}, iterations ${o.iterations}, ` +
    `loadavg start ${env.loadavg_start.join('/')} end ${loadEnd.join('/')}`);
  out.push('peer                  mean µs    p50 µs    p99 µs   cpu µs/op  cpu share  others busy  path           vector');
  for (const r of rows) {
    out.push(`${r.peer.padEnd(20)} ${r.mean_us.toFixed(1).padStart(9)} ${r.p50_us.toFixed(1).padStart(9)} ` +
      `${r.p99_us.toFixed(1).padStart(9)} ${r.cpu_us_per_op.toFixed(1).padStart(11)} ${r.cpu_share.toFixed(3).padStart(10)} ${r.others_busy_cores.toFixed(2).padStart(12)}  ` +
      `${r.path.padEnd(13)}  ${r.id}`);
  }
  out.push('');
  for (const s of summaries) {
    out.push(`${s.peer.padEnd(20)} avg over ${s.vectors} vectors: mean ${s.avg_mean_us.toFixed(1)} µs, ` +
      `p50 ${s.avg_p50_us.toFixed(1)} µs, p99 ${s.avg_p99_us.toFixed(1)} µs, cpu ${s.avg_cpu_us_per_op.toFixed(1)} µs/op ` +
      `(min cpu share ${s.min_cpu_share}, max others busy ${s.max_others_busy_cores} cores)` +
      (s.avg_mean_us_ok_only !== null ? ` (accepted vectors only: mean ${s.avg_mean_us_ok_only.toFixed(1)} µs)` : ''));
  }
  if (summaries.some((s) => s.min_cpu_share < 0.9 || s.max_others_busy_cores > 0.1)) {
    out.push('WARNING: the machine was not quiet (cpu share < 0.9 or other processes busy > 0.1 core during ' +
      'some measurement); numbers are inflated - re-run on a quiet machine.');
  }
  if (skipped.length) {
    out.push('');
    out.push('not timed:');
    for (const s of skipped) out.push(`  ${s.id}: ${Object.entries(s.reason).map(([k, x]) => `${k}=${x}`).join('; ')}`);
  }
  console.error(out.join('\n'));

  if (o.jsonOut) writeFileSync(o.jsonOut, JSON.stringify(records, null, 1) + '\n');
}

main().catch((e) => {
  console.error(`bench.mjs: harness error: ${e.stack ?? e}`);
  process.exit(1);
});
