#!/usr/bin/env node
// Differential run of the npm DCAP peers over every vector of dcap-vectors.json.
//
//   node bench/peers/differential.mjs [--json-out FILE] [--vectors FILE]
//
// stdout: one JSON object per (vector, peer):
//   {"id","peer","ok":bool,"status":string|null,"advisory_ids":[...],"error":string|null}
// ok = the peer returned a report (did not throw) at the vector's `at` time.
// A rejection is data, not a failure: the exit code is 0 unless the harness
// itself breaks (bad arguments, unreadable vector/collateral files).
// --json-out FILE writes [ {header}, ...the same objects ] (header = peer
// versions, node version, date, inputs).

import { writeFileSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import {
  loadVectorList, loadCase, loadPeers, errorText, VECTORS_JSON, TESTVECTORS, REPO_ROOT,
} from './collateral.mjs';

function parseArgs(argv) {
  const opts = { jsonOut: null, vectors: VECTORS_JSON };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json-out') opts.jsonOut = argv[++i];
    else if (a === '--vectors') opts.vectors = argv[++i];
    else if (a === '-h' || a === '--help') {
      console.log('usage: node differential.mjs [--json-out FILE] [--vectors FILE]');
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
    if (argv[i] === undefined) { console.error(`${a} needs a value`); process.exit(2); }
  }
  return opts;
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

export function runPeer(peer, c) {
  try {
    const r = peer.verify(c.quote, c.collateral, c.at);
    return {
      id: c.id, peer: peer.name, ok: true,
      status: r.status ?? null,
      advisory_ids: Array.isArray(r.advisory_ids) ? [...r.advisory_ids] : [],
      error: null,
    };
  } catch (e) {
    return { id: c.id, peer: peer.name, ok: false, status: null, advisory_ids: [], error: errorText(e) };
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const peers = await loadPeers();
  const vectors = loadVectorList(opts.vectors);

  const results = [];
  for (const v of vectors) {
    const c = loadCase(v); // throws (exit 1) if our own collateral conversion fails
    for (const p of peers) {
      const r = runPeer(p, c);
      results.push(r);
      process.stdout.write(JSON.stringify(r) + '\n');
    }
  }

  if (opts.jsonOut) {
    const header = {
      header: {
        tool: 'bench/peers/differential.mjs',
        date: new Date().toISOString(),
        node: process.version,
        peers: Object.fromEntries(peers.map((p) => [p.name, p.version])),
        vectors_file: relative(REPO_ROOT, opts.vectors),
        vectors_file_sha256: sha256(opts.vectors),
        expected_json_sha256: sha256(join(TESTVECTORS, 'EXPECTED.json')),
        vector_count: vectors.length,
        semantics: 'ok = peer returned a report at the vector time `at` (offline, given collateral); ' +
          'ok=false means the peer threw, error = its message (with cause chain).',
      },
    };
    writeFileSync(opts.jsonOut, JSON.stringify([header, ...results], null, 1) + '\n');
  }
}

main().catch((e) => {
  console.error(`differential.mjs: harness error: ${e.stack ?? e}`);
  process.exit(1);
});
