// An OTLP/HTTP traces receiver on loopback, as a collector would be: it accepts what xin's exporter posts
// (`application/x-protobuf` ExportTraceServiceRequest) and decodes the spans with a minimal protobuf
// reader (the fields a test looks at: ids, parent, name, kind, status, string/int attributes,
// service.name), so the test reads what went over the wire, not what the SDK meant to send.

export type ReceivedSpan = {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  attributes: Record<string, string | number | boolean>;
  service: string;
};

export type OtlpReceiver = {
  url: string;
  spans: ReceivedSpan[];
  /** Requests seen, with their content type (the exporter's format). */
  posts: { contentType: string; bytes: number }[];
  stop(): Promise<void>;
};

type Field = { no: number; wire: number; varint?: bigint; bytes?: Uint8Array };

const readVarint = (buf: Uint8Array, at: number): [bigint, number] => {
  let value = 0n;
  let shift = 0n;
  for (;;) {
    const b = buf[at++];
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [value, at];
    shift += 7n;
  }
};

/** The top-level fields of one message (wire types 0, 1, 2 and 5). */
const fields = (buf: Uint8Array): Field[] => {
  const out: Field[] = [];
  let at = 0;
  while (at < buf.length) {
    const [tag, next] = readVarint(buf, at);
    at = next;
    const no = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, n] = readVarint(buf, at);
      out.push({ no, wire, varint: v });
      at = n;
    } else if (wire === 2) {
      const [len, n] = readVarint(buf, at);
      out.push({ no, wire, bytes: buf.subarray(n, n + Number(len)) });
      at = n + Number(len);
    } else if (wire === 1) {
      out.push({ no, wire, bytes: buf.subarray(at, at + 8) });
      at += 8;
    } else if (wire === 5) {
      out.push({ no, wire, bytes: buf.subarray(at, at + 4) });
      at += 4;
    } else throw new Error(`protobuf wire type ${wire} not handled`);
  }
  return out;
};

const hex = (b?: Uint8Array) => (b ? Buffer.from(b).toString("hex") : "");
const text = (b?: Uint8Array) => (b ? new TextDecoder().decode(b) : "");
const sub = (buf: Uint8Array, no: number) =>
  fields(buf)
    .filter((f) => f.no === no && f.bytes)
    .map((f) => f.bytes!);

/** KeyValue{1 key, 2 AnyValue{1 string, 2 bool, 3 int, 4 double}}. */
const attributesOf = (kvs: Uint8Array[]): Record<string, string | number | boolean> => {
  const out: Record<string, string | number | boolean> = {};
  for (const kv of kvs) {
    const f = fields(kv);
    const key = text(f.find((x) => x.no === 1)?.bytes);
    const any = f.find((x) => x.no === 2)?.bytes;
    if (!any) continue;
    const v = fields(any)[0];
    if (!v) continue;
    if (v.no === 1) out[key] = text(v.bytes);
    else if (v.no === 2) out[key] = v.varint === 1n;
    else if (v.no === 3) out[key] = Number(BigInt.asIntN(64, v.varint ?? 0n));
    else if (v.no === 4 && v.bytes) out[key] = new DataView(v.bytes.buffer, v.bytes.byteOffset, 8).getFloat64(0, true);
  }
  return out;
};

/** ExportTraceServiceRequest{1 ResourceSpans{1 Resource{1 attrs}, 2 ScopeSpans{2 Span}}}. */
export const decodeTraces = (body: Uint8Array): ReceivedSpan[] => {
  const spans: ReceivedSpan[] = [];
  for (const rs of sub(body, 1)) {
    const resource = sub(rs, 1)[0];
    const service = String(resource ? (attributesOf(sub(resource, 1))["service.name"] ?? "") : "");
    for (const ss of sub(rs, 2)) {
      for (const s of sub(ss, 2)) {
        const f = fields(s);
        const get = (no: number) => f.find((x) => x.no === no);
        const status = get(15)?.bytes;
        spans.push({
          traceId: hex(get(1)?.bytes),
          spanId: hex(get(2)?.bytes),
          parentSpanId: hex(get(4)?.bytes),
          name: text(get(5)?.bytes),
          kind: Number(get(6)?.varint ?? 0n),
          statusCode: status ? Number(fields(status).find((x) => x.no === 3)?.varint ?? 0n) : 0,
          attributes: attributesOf(f.filter((x) => x.no === 9 && x.bytes).map((x) => x.bytes!)),
          service,
        });
      }
    }
  }
  return spans;
};

export const startOtlpReceiver = (): OtlpReceiver => {
  const spans: ReceivedSpan[] = [];
  const posts: OtlpReceiver["posts"] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (req) => {
      if (req.method !== "POST" || new URL(req.url).pathname !== "/v1/traces")
        return new Response("not found", { status: 404 });
      const body = new Uint8Array(await req.arrayBuffer());
      posts.push({ contentType: req.headers.get("content-type") ?? "", bytes: body.length });
      spans.push(...decodeTraces(body));
      // An empty ExportTraceServiceResponse: zero bytes of protobuf.
      return new Response(new Uint8Array(), { headers: { "content-type": "application/x-protobuf" } });
    },
  });
  return { url: `http://127.0.0.1:${server.port}/v1/traces`, spans, posts, stop: () => server.stop(true) };
};
