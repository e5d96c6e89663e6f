#!/usr/bin/env node
// A long-running bridge to dsteem for Stoa's client tests (tests/clients.py drives it).
//
// Reads one JSON request per line on stdin and writes exactly one JSON response per line on stdout,
// in order. Every response carries the request's "id" (when given); a failure is {"error": "..."}
// and never ends the process. Requests:
//
//   {"cmd": "serialize_operation", "op": ["vote", {...}]}            -> {"hex": "..."}
//   {"cmd": "serialize_transaction", "tx": {...}}                     -> {"hex": "..."}  (no signatures)
//   {"cmd": "transaction_digest", "tx": {...}, "chain_id": "hex"}     -> {"hex": "..."}
//   {"cmd": "sign_transaction", "tx": {...}, "keys": ["5K..."], "chain_id": "hex"}
//                                                                     -> {"tx": {...signed...}}
//   {"cmd": "recover", "signature": "hex", "digest": "hex"}           -> {"key": "STM..."}
//   {"cmd": "public_key", "wif": "5K..."}                             -> {"key": "STM..."}
//   {"cmd": "login_key", "account": "...", "role": "...", "password": "..."} -> {"wif": "5K..."}
//   {"cmd": "version"}                                                -> {"version": "0.11.3"}
//
// Serialization follows dsteem's own transactionDigest (src/crypto.ts): a little-endian ByteBuffer
// fed to dsteem's Types serializers, flipped, and copied out.
'use strict';

const path = require('path');
const readline = require('readline');
const ByteBuffer = require('bytebuffer');
const dsteem = require('dsteem');

const { Types, PrivateKey, Signature, cryptoUtils } = dsteem;

function hexBuffer(value, what) {
  if (typeof value !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(value)) {
    throw new Error(`${what} must be a hex string`);
  }
  return Buffer.from(value, 'hex');
}

function chainId(value) {
  const buffer = hexBuffer(value, 'chain_id');
  if (buffer.length !== 32) {
    throw new Error(`chain_id must be 32 bytes, got ${buffer.length}`);
  }
  return buffer;
}

function serialize(serializer, value) {
  const buffer = new ByteBuffer(ByteBuffer.DEFAULT_CAPACITY, ByteBuffer.LITTLE_ENDIAN);
  serializer(buffer, value);
  buffer.flip();
  return Buffer.from(buffer.toBuffer()).toString('hex');
}

function unsigned(tx) {
  if (tx === null || typeof tx !== 'object') {
    throw new Error('tx must be an object');
  }
  const copy = Object.assign({}, tx);
  delete copy.signatures;
  return copy;
}

const COMMANDS = {
  version() {
    return { version: require(path.join(path.dirname(require.resolve('dsteem')), '..', 'package.json')).version };
  },
  serialize_operation(request) {
    return { hex: serialize(Types.Operation, request.op) };
  },
  serialize_transaction(request) {
    return { hex: serialize(Types.Transaction, unsigned(request.tx)) };
  },
  transaction_digest(request) {
    return { hex: cryptoUtils.transactionDigest(unsigned(request.tx), chainId(request.chain_id)).toString('hex') };
  },
  sign_transaction(request) {
    if (!Array.isArray(request.keys) || request.keys.length === 0) {
      throw new Error('keys must be a non-empty list of WIF strings');
    }
    const keys = request.keys.map((wif) => PrivateKey.fromString(wif));
    return { tx: cryptoUtils.signTransaction(request.tx, keys, chainId(request.chain_id)) };
  },
  recover(request) {
    const digest = hexBuffer(request.digest, 'digest');
    if (digest.length !== 32) {
      throw new Error(`digest must be 32 bytes, got ${digest.length}`);
    }
    return { key: Signature.fromString(request.signature).recover(digest).toString() };
  },
  public_key(request) {
    return { key: PrivateKey.fromString(request.wif).createPublic().toString() };
  },
  login_key(request) {
    return { wif: PrivateKey.fromLogin(request.account, request.password, request.role).toString() };
  },
};

function handle(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (error) {
    return { error: `invalid JSON request: ${error.message}` };
  }
  const id = request !== null && typeof request === 'object' ? request.id : undefined;
  const response = {};
  if (id !== undefined) {
    response.id = id;
  }
  try {
    const command = request !== null && typeof request === 'object' ? COMMANDS[request.cmd] : undefined;
    if (typeof command !== 'function' || !Object.prototype.hasOwnProperty.call(COMMANDS, request.cmd)) {
      throw new Error(`unknown command ${JSON.stringify(request && request.cmd)}`);
    }
    return Object.assign(response, command(request));
  } catch (error) {
    response.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return response;
  }
}

function write(response) {
  let text;
  try {
    text = JSON.stringify(response);
  } catch (error) {
    text = JSON.stringify({ id: response.id, error: `unserializable response: ${error.message}` });
  }
  process.stdout.write(text + '\n');
}

// Requests are handled synchronously inside try/catch, so nothing should escape; if something does,
// report it on stderr rather than print an unrequested line that would put responses out of step.
process.on('uncaughtException', (error) => {
  process.stderr.write(`dsteem_bridge: uncaught ${(error && (error.stack || error.message)) || error}\n`);
});

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
lines.on('line', (line) => {
  if (line.trim() !== '') {
    write(handle(line));
  }
});
lines.on('close', () => process.exit(0));
