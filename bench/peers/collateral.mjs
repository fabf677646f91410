// Shared loader for bench/peers: turns an entry of dcap-vectors.json into
// (quote bytes, QuoteCollateralV3 object, verification time) for the npm peers
// @phala/dcap-qvl (pure JS) and @phala/dcap-qvl-web (Rust -> WASM), and sets
// both peers up so that they run offline.
//
// QuoteCollateralV3 shape (identical for both peers, as accepted by
// dcap-qvl's serde/JSON form):
//   pck_crl_issuer_chain     PEM text (issuer cert(s) first, root last)
//   root_ca_crl              hex string of the DER CRL
//   pck_crl                  hex string of the DER CRL
//   tcb_info_issuer_chain    PEM text
//   tcb_info                 EXACT signed JSON text of the tcbInfo object
//   tcb_info_signature       hex string (raw r||s, 64 bytes)
//   qe_identity_issuer_chain PEM text
//   qe_identity              EXACT signed JSON text of the enclaveIdentity object
//   qe_identity_signature    hex string
// Hex strings are what dcap-qvl's own *_collateral.json files carry; the JS
// peer accepts hex strings or bytes, the WASM peer (serde-wasm-bindgen) wants
// hex strings (see README.md, "Peer APIs").

import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import net from 'node:net';
import tls from 'node:tls';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Repository root of this worktree (bench/peers/../..). */
export const REPO_ROOT = resolve(here, '..', '..');

/** Test-vector directory: $MSE_TESTVECTORS, else ../shared/testvectors beside the clone. */
export const TESTVECTORS = resolve(process.env.MSE_TESTVECTORS ?? join(REPO_ROOT, '..', 'shared', 'testvectors'));

/** The vector -> collateral mapping shared with the Java tests. */
export const VECTORS_JSON = join(
  REPO_ROOT,
  'attestation/src/test/resources/dev/mse/attestation/vectors/dcap-vectors.json',
);

export function loadVectorList(file = VECTORS_JSON) {
  return JSON.parse(readFileSync(file, 'utf8')).vectors;
}

export function loadExpected() {
  const f = join(TESTVECTORS, 'EXPECTED.json');
  if (!existsSync(f)) return new Map();
  return new Map(JSON.parse(readFileSync(f, 'utf8')).dcap.map((e) => [e.id, e]));
}

const tv = (p) => join(TESTVECTORS, p);

/** Raw quote bytes; `.hex` files are ASCII hex, optionally 0x-prefixed. */
export function loadQuote(relPath) {
  const raw = readFileSync(tv(relPath));
  if (!relPath.endsWith('.hex')) return new Uint8Array(raw);
  const text = raw.toString('latin1').replace(/\s+/g, '').replace(/^0x/i, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new Error(`${relPath}: not a hex file`);
  return new Uint8Array(Buffer.from(text, 'hex'));
}

// ---------------------------------------------------------------------------
// Exact byte range of a top-level member value in a JSON text.
// Intel signs the bytes of the tcbInfo / enclaveIdentity value exactly as they
// appear in the PCS response body, so we must cut them out rather than
// re-serialise.

function skipWs(s, i) {
  while (i < s.length && ' \t\r\n'.includes(s[i])) i++;
  return i;
}

function skipString(s, i) {
  if (s[i] !== '"') throw new Error(`expected string at ${i}`);
  for (i++; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i + 1;
  }
  throw new Error('unterminated string');
}

/** Returns the index just past the JSON value starting at i. */
function skipValue(s, i) {
  i = skipWs(s, i);
  const c = s[i];
  if (c === '"') return skipString(s, i);
  if (c === '{' || c === '[') {
    const close = c === '{' ? '}' : ']';
    i = skipWs(s, i + 1);
    if (s[i] === close) return i + 1;
    for (;;) {
      if (c === '{') {
        i = skipString(s, skipWs(s, i));
        i = skipWs(s, i);
        if (s[i] !== ':') throw new Error(`expected ':' at ${i}`);
        i++;
      }
      i = skipWs(s, skipValue(s, i));
      if (s[i] === ',') { i++; continue; }
      if (s[i] === close) return i + 1;
      throw new Error(`expected ',' or '${close}' at ${i}`);
    }
  }
  const m = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(s.slice(i, i + 64));
  if (!m) throw new Error(`bad JSON value at ${i}`);
  return i + m[0].length;
}

/**
 * Exact text of the value of top-level member `key` in the JSON object text
 * `s`. Checked: the cut-out text parses to the same value as JSON.parse(s)[key].
 */
export function exactMemberText(s, key) {
  let i = skipWs(s, 0);
  if (s[i] !== '{') throw new Error('top level is not an object');
  i = skipWs(s, i + 1);
  while (s[i] !== '}') {
    const kEnd = skipString(s, i);
    const k = JSON.parse(s.slice(i, kEnd));
    i = skipWs(s, kEnd);
    if (s[i] !== ':') throw new Error(`expected ':' at ${i}`);
    const vStart = skipWs(s, i + 1);
    const vEnd = skipValue(s, vStart);
    if (k === key) {
      const text = s.slice(vStart, vEnd);
      if (!isDeepStrictEqual(JSON.parse(text), JSON.parse(s)[key])) {
        throw new Error(`cut-out ${key} does not round-trip`);
      }
      return text;
    }
    i = skipWs(s, vEnd);
    if (s[i] === ',') i = skipWs(s, i + 1);
  }
  throw new Error(`member ${key} not found`);
}

/** {text, signatureHex} from an Intel PCS body {"<key>":{...},"signature":"hex"}. */
export function loadPcsBody(relPath, key) {
  // PCS bodies are ASCII JSON; read as UTF-8 (a BOM would be a surprise: reject it).
  const s = readFileSync(tv(relPath), 'utf8');
  if (s.charCodeAt(0) === 0xfeff) throw new Error(`${relPath}: unexpected BOM`);
  const sig = JSON.parse(s).signature;
  if (typeof sig !== 'string' || !/^[0-9a-fA-F]{128}$/.test(sig)) {
    throw new Error(`${relPath}: signature is not 64 bytes of hex`);
  }
  return { text: exactMemberText(s, key), signatureHex: sig.toLowerCase() };
}

// ---------------------------------------------------------------------------
// Certificates / CRLs

export function derToPem(der, label = 'CERTIFICATE') {
  const b64 = Buffer.from(der).toString('base64').match(/.{1,64}/g).join('\n');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** One issuer-chain file (DER or PEM, possibly several certs) -> PEM text. */
function certFileToPem(relPath) {
  const buf = readFileSync(tv(relPath));
  const text = buf.toString('latin1');
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
    return blocks.map((b) => b.replace(/\r\n/g, '\n') + '\n').join('');
  }
  if (buf[0] !== 0x30) throw new Error(`${relPath}: neither PEM nor DER`);
  return derToPem(buf);
}

export function chainToPem(relPaths) {
  return relPaths.map(certFileToPem).join('');
}

function derFileHex(relPath) {
  const buf = readFileSync(tv(relPath));
  if (buf[0] !== 0x30) throw new Error(`${relPath}: not DER`);
  return buf.toString('hex');
}

// ---------------------------------------------------------------------------

/** QuoteCollateralV3 object (hex strings for binary fields) for one vector. */
export function loadCollateral(vector) {
  const c = vector.collateral;
  if (c.format === 'dcap-qvl') {
    // Already QuoteCollateralV3 JSON; pass the fields through unchanged.
    const j = JSON.parse(readFileSync(tv(c.file), 'utf8'));
    const fields = [
      'pck_crl_issuer_chain', 'root_ca_crl', 'pck_crl', 'tcb_info_issuer_chain', 'tcb_info',
      'tcb_info_signature', 'qe_identity_issuer_chain', 'qe_identity', 'qe_identity_signature',
    ];
    const out = {};
    for (const f of fields) {
      if (typeof j[f] !== 'string') throw new Error(`${c.file}: field ${f} missing`);
      out[f] = j[f];
    }
    return out;
  }
  if (c.format === 'pcs') {
    const tcb = loadPcsBody(c.tcb_info, 'tcbInfo');
    const qe = loadPcsBody(c.qe_identity, 'enclaveIdentity');
    return {
      pck_crl_issuer_chain: chainToPem(c.pck_crl_issuer_chain),
      root_ca_crl: derFileHex(c.root_ca_crl),
      pck_crl: derFileHex(c.pck_crl),
      tcb_info_issuer_chain: chainToPem(c.tcb_info_issuer_chain),
      tcb_info: tcb.text,
      tcb_info_signature: tcb.signatureHex,
      qe_identity_issuer_chain: chainToPem(c.qe_identity_issuer_chain),
      qe_identity: qe.text,
      qe_identity_signature: qe.signatureHex,
    };
  }
  throw new Error(`unknown collateral format ${c.format}`);
}

/** Everything a peer needs for one vector. */
export function loadCase(vector) {
  return {
    id: vector.id,
    quote: loadQuote(vector.quote),
    collateral: loadCollateral(vector),
    at: vector.at,
    timeConsistent: vector.time_consistent !== false,
  };
}

// ---------------------------------------------------------------------------
// Offline guard: any attempt to open a socket or call fetch throws. Both peers
// ship PCCS fetch helpers (getCollateral / js_get_collateral); we never call
// them, and this makes sure nothing reaches the network behind our back.

let offline = false;
export function enforceOffline() {
  if (offline) return;
  offline = true;
  const deny = (what) => function () { throw new Error(`bench/peers is offline: ${what} blocked`); };
  net.Socket.prototype.connect = deny('net.Socket.connect');
  tls.connect = deny('tls.connect');
  globalThis.fetch = deny('fetch');
}

// ---------------------------------------------------------------------------
// Peers. Each has {name, version, verify(quote, collateral, atSeconds)} that
// returns {status, advisory_ids} or throws the peer's own error.

function pkgVersion(name) {
  return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
}

export async function loadPeers() {
  enforceOffline();

  // Pure JS: CommonJS, verify(rawQuote, collateral, nowSecs) -> VerifiedReport, throws on reject.
  const js = require('@phala/dcap-qvl');

  // WASM (wasm-bindgen "web" target): instantiate synchronously from the .wasm
  // bytes on disk (the default init would fetch() a file: URL, which Node's fetch can't do).
  const wasmMod = await import('@phala/dcap-qvl-web');
  const wasmPath = join(dirname(require.resolve('@phala/dcap-qvl-web/package.json')), 'dcap-qvl-web_bg.wasm');
  wasmMod.initSync({ module: readFileSync(wasmPath) });

  return [
    {
      name: '@phala/dcap-qvl',
      short: 'js',
      version: pkgVersion('@phala/dcap-qvl'),
      verify(quote, collateral, at) {
        const r = js.verify(quote, collateral, at);
        return { status: r.status, advisory_ids: r.advisory_ids };
      },
    },
    {
      name: '@phala/dcap-qvl-web',
      short: 'wasm',
      version: pkgVersion('@phala/dcap-qvl-web'),
      verify(quote, collateral, at) {
        // js_verify(raw_quote: Uint8Array, collateral: QuoteCollateralV3, now: bigint seconds)
        const r = wasmMod.js_verify(quote, collateral, BigInt(at));
        return { status: r.status, advisory_ids: r.advisory_ids };
      },
    },
  ];
}

/** Error -> one-line string including the `cause` chain (the JS peer wraps errors). */
export function errorText(e) {
  if (e === null || e === undefined) return String(e);
  let s = typeof e === 'string' ? e : (e.message ?? String(e));
  let c = e.cause;
  for (let depth = 0; c && depth < 5; depth++, c = c.cause) s += ` (cause: ${c.message ?? String(c)})`;
  return s;
}
