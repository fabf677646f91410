#!/usr/bin/env node
// Single-mutation probes of what each peer actually checks, on the S1 vector
// (sgx/dcap-qvl/sgx_quote, a quote both peers accept). Each line: mutation,
// then per peer "OK <status>" (accepted) or "ERR <message>" (rejected).
// Every mutation here must be rejected by a complete verifier.
//
//   node bench/peers/probes.mjs [--json]

import { loadVectorList, loadCase, loadPeers, errorText } from './collateral.mjs';

const peers = await loadPeers();
const v = loadVectorList().find((x) => x.id === 'sgx/dcap-qvl/sgx_quote');
const base = loadCase(v);
const flipHex = (h, i) => h.slice(0, i) + (parseInt(h[i], 16) ^ 1).toString(16) + h.slice(i + 1);
const iso = (s) => Date.parse(s) / 1000;

// Collateral windows of S1 (testvectors README §3): TCB info 2025-06-19T10:56:11Z..2025-07-19T10:56:11Z,
// QE identity ..2025-07-19T10:01:18Z, PCK CRL nextUpdate 2025-07-19T10:23:18Z.
const probes = [
  ['baseline (must be accepted)', (c) => c, base.at],
  ['qe_identity_signature: one bit flipped', (c) => ({ ...c, qe_identity_signature: flipHex(c.qe_identity_signature, 10) }), base.at],
  ['qe_identity: whitespace added to signed text', (c) => ({ ...c, qe_identity: c.qe_identity.replace('{"id"', '{ "id"') }), base.at],
  ['qe_identity: isvprodid 1 -> 7 (signed text)', (c) => ({ ...c, qe_identity: c.qe_identity.replace('"isvprodid":1', '"isvprodid":7') }), base.at],
  ['tcb_info_signature: one bit flipped', (c) => ({ ...c, tcb_info_signature: flipHex(c.tcb_info_signature, 10) }), base.at],
  ['tcb_info: whitespace added to signed text', (c) => ({ ...c, tcb_info: c.tcb_info.replace('{"id"', '{ "id"') }), base.at],
  ['pck_crl := root_ca_crl (wrong issuer)', (c) => ({ ...c, pck_crl: c.root_ca_crl }), base.at],
  ['pck_crl: bit flipped in CRL signature', (c) => ({ ...c, pck_crl: flipHex(c.pck_crl, c.pck_crl.length - 10) }), base.at],
  ['root_ca_crl: bit flipped in CRL signature', (c) => ({ ...c, root_ca_crl: flipHex(c.root_ca_crl, c.root_ca_crl.length - 10) }), base.at],
  ['pck_crl := 3000 (empty SEQUENCE, not a CRL)', (c) => ({ ...c, pck_crl: '3000' }), base.at],
  ['time = TCB info issueDate - 1 s', (c) => c, iso('2025-06-19T10:56:11Z') - 1],
  ['time = QE identity nextUpdate + 1 s', (c) => c, iso('2025-07-19T10:01:18Z') + 1],
  ['time = PCK CRL nextUpdate + 1 s', (c) => c, iso('2025-07-19T10:23:18Z') + 1],
];

const json = process.argv.includes('--json');
for (const [name, mutate, at] of probes) {
  const col = mutate(base.collateral);
  const res = {};
  for (const p of peers) {
    try { res[p.name] = `OK ${p.verify(base.quote, col, at).status}`; } catch (e) { res[p.name] = `ERR ${errorText(e)}`; }
  }
  if (json) console.log(JSON.stringify({ probe: name, at, ...res }));
  else console.log(`${name.padEnd(46)} ${peers.map((p) => `${p.short}: ${res[p.name]}`).join(' | ')}`);
}
