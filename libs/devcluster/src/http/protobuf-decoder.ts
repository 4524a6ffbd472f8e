import { ApiError } from '../domain/errors';
import { JsonObject } from '../domain/json';

/*
 * kubectl's typed clients (`kubectl create namespace|configmap|secret|serviceaccount`) send protobuf bodies
 * with no fallback to JSON. This decodes the Kubernetes protobuf envelope (`k8s\0` + runtime.Unknown) for the
 * handful of simple kinds those generators produce, using the field numbers of the k8s.io/api types.
 */

type Field =
  | { name: string; type: 'string' | 'bytes' | 'bool' | 'int' }
  | { name: string; type: 'message'; schema: Schema }
  | { name: string; type: 'map'; bytesValue?: boolean }
  | { name: string; type: 'repeated-string' }
  | { name: string; type: 'repeated-message'; schema: Schema };
type Schema = Record<number, Field>;

const OWNER_REFERENCE: Schema = {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};
const OBJECT_META: Schema = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  11: { name: 'labels', type: 'map' },
  12: { name: 'annotations', type: 'map' },
  13: { name: 'ownerReferences', type: 'repeated-message', schema: OWNER_REFERENCE },
  14: { name: 'finalizers', type: 'repeated-string' },
};
const meta: Field = { name: 'metadata', type: 'message', schema: OBJECT_META };
const KINDS: Record<string, Schema> = {
  Namespace: { 1: meta, 2: { name: 'spec', type: 'message', schema: { 1: { name: 'finalizers', type: 'repeated-string' } } } },
  ConfigMap: { 1: meta, 2: { name: 'data', type: 'map' }, 3: { name: 'binaryData', type: 'map', bytesValue: true }, 4: { name: 'immutable', type: 'bool' } },
  Secret: {
    1: meta,
    2: { name: 'data', type: 'map', bytesValue: true },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: 'map' },
    5: { name: 'immutable', type: 'bool' },
  },
  ServiceAccount: {
    1: meta,
    3: { name: 'imagePullSecrets', type: 'repeated-message', schema: { 1: { name: 'name', type: 'string' } } },
    4: { name: 'automountServiceAccountToken', type: 'bool' },
  },
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new Error('truncated varint');
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  }
  bytes(): Buffer {
    const len = this.varint();
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function fields(buf: Buffer, each: (num: number, wire: number, r: Reader) => void): void {
  const r = new Reader(buf);
  while (!r.done) {
    const tag = r.varint();
    each(Math.floor(tag / 8), tag % 8, r);
  }
}

function decode(buf: Buffer, schema: Schema): JsonObject {
  const out: JsonObject = {};
  fields(buf, (num, wire, r) => {
    const f = schema[num];
    if (!f) return r.skip(wire);
    switch (f.type) {
      case 'string': {
        // gogo-protobuf writes empty optional strings; JSON omits them.
        const v = r.bytes().toString('utf8');
        if (v) out[f.name] = v;
        break;
      }
      case 'bytes':
        out[f.name] = r.bytes().toString('base64');
        break;
      case 'bool':
        out[f.name] = r.varint() !== 0;
        break;
      case 'int':
        out[f.name] = r.varint();
        break;
      case 'message':
        out[f.name] = decode(r.bytes(), f.schema);
        break;
      case 'repeated-string':
        ((out[f.name] ??= []) as string[]).push(r.bytes().toString('utf8'));
        break;
      case 'repeated-message':
        ((out[f.name] ??= []) as JsonObject[]).push(decode(r.bytes(), f.schema));
        break;
      case 'map': {
        let key = '';
        let value: Buffer = Buffer.alloc(0);
        fields(r.bytes(), (n, w, er) => {
          if (n === 1) key = er.bytes().toString('utf8');
          else if (n === 2) value = er.bytes();
          else er.skip(w);
        });
        ((out[f.name] ??= {}) as JsonObject)[key] = f.bytesValue ? value.toString('base64') : value.toString('utf8');
        break;
      }
    }
  });
  return out;
}

/** Decodes a protobuf request body for one of the supported kinds; 415 for anything else. */
export function decodeProtobufObject(body: Buffer, kind: string): JsonObject {
  const schema = KINDS[kind];
  if (!schema || !body.subarray(0, 4).equals(MAGIC)) {
    // 415 tells the client which formats to use instead.
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (protobuf only for ${Object.keys(KINDS).join(', ')})`,
    );
  }
  try {
    let raw: Buffer | undefined;
    fields(body.subarray(4), (num, wire, r) => {
      if (num === 2 && wire === 2) raw = r.bytes();
      else r.skip(wire);
    });
    if (!raw) throw new Error('empty runtime.Unknown');
    return decode(raw, schema);
  } catch (e) {
    throw new ApiError(400, 'BadRequest', `the protobuf body could not be decoded: ${(e as Error).message}`);
  }
}
