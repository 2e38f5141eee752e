// A small WebAssembly binary writer for the compiled tier: LEB128, the opcodes rt0 emits, a
// function body builder that tracks its label stack (so branches name labels, not depths), and a
// module builder (types, imports, functions, element segments, exports). Hand-written because a
// JIT must produce bytes in microseconds; the libraries on npm are text assemblers or optimizer
// frameworks of megabytes (see the README's dependency table).

/** Value types. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export const FUNCREF = 0x70;
/** Block type "no result". */
export const VOID = 0x40;

export type ValType = typeof I32 | typeof I64 | typeof F32 | typeof F64 | typeof V128;

/** A growable byte buffer with the LEB128 encodings. */
export class Bytes {
  buf = new Uint8Array(256);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  u8(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
  }

  /** Unsigned LEB128 of a non-negative integer below 2^53. */
  uleb(v: number): void {
    this.room(8);
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      this.buf[this.len++] = b;
    } while (v !== 0);
  }

  /** Signed LEB128 of an int32. */
  sleb32(v: number): void {
    this.room(5);
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.buf[this.len++] = b;
        return;
      }
      this.buf[this.len++] = b | 0x80;
    }
  }

  /** Signed LEB128 of the 64-bit value (lo, hi) (int32 halves, two's complement). */
  sleb64(lo: number, hi: number): void {
    this.room(10);
    lo |= 0;
    hi |= 0;
    for (;;) {
      const b = lo & 0x7f;
      lo = (lo >>> 7) | (hi << 25);
      hi >>= 7;
      if ((lo === 0 && hi === 0 && (b & 0x40) === 0) || (lo === -1 && hi === -1 && (b & 0x40) !== 0)) {
        this.buf[this.len++] = b;
        return;
      }
      this.buf[this.len++] = b | 0x80;
    }
  }

  bytes(b: ArrayLike<number>): void {
    this.room(b.length);
    for (let i = 0; i < b.length; i++) this.buf[this.len++] = b[i];
  }

  /** A vector: length then bytes. */
  section(id: number, body: Bytes): void {
    this.u8(id);
    this.uleb(body.len);
    this.bytes(body.buf.subarray(0, body.len));
  }

  name(s: string): void {
    this.uleb(s.length);
    for (let i = 0; i < s.length; i++) this.u8(s.charCodeAt(i));
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Opcodes (the core set, then 0xFC and 0xFD prefixed ones as [prefix, op]). */
export const OP = {
  unreachable: 0x00, nop: 0x01, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b,
  br: 0x0c, br_if: 0x0d, br_table: 0x0e, return: 0x0f, call: 0x10, call_indirect: 0x11,
  return_call: 0x12, return_call_indirect: 0x13,
  drop: 0x1a, select: 0x1b,
  local_get: 0x20, local_set: 0x21, local_tee: 0x22, global_get: 0x23, global_set: 0x24,
  i32_load: 0x28, i64_load: 0x29, f32_load: 0x2a, f64_load: 0x2b,
  i32_load8_s: 0x2c, i32_load8_u: 0x2d, i32_load16_s: 0x2e, i32_load16_u: 0x2f,
  i64_load8_s: 0x30, i64_load8_u: 0x31, i64_load16_s: 0x32, i64_load16_u: 0x33, i64_load32_s: 0x34, i64_load32_u: 0x35,
  i32_store: 0x36, i64_store: 0x37, f32_store: 0x38, f64_store: 0x39,
  i32_store8: 0x3a, i32_store16: 0x3b, i64_store8: 0x3c, i64_store16: 0x3d, i64_store32: 0x3e,
  i32_const: 0x41, i64_const: 0x42, f32_const: 0x43, f64_const: 0x44,
  i32_eqz: 0x45, i32_eq: 0x46, i32_ne: 0x47, i32_lt_s: 0x48, i32_lt_u: 0x49, i32_gt_s: 0x4a, i32_gt_u: 0x4b,
  i32_le_s: 0x4c, i32_le_u: 0x4d, i32_ge_s: 0x4e, i32_ge_u: 0x4f,
  i64_eqz: 0x50, i64_eq: 0x51, i64_ne: 0x52, i64_lt_s: 0x53, i64_lt_u: 0x54, i64_gt_s: 0x55, i64_gt_u: 0x56,
  i64_le_s: 0x57, i64_le_u: 0x58, i64_ge_s: 0x59, i64_ge_u: 0x5a,
  f32_eq: 0x5b, f32_ne: 0x5c, f32_lt: 0x5d, f32_gt: 0x5e, f32_le: 0x5f, f32_ge: 0x60,
  f64_eq: 0x61, f64_ne: 0x62, f64_lt: 0x63, f64_gt: 0x64, f64_le: 0x65, f64_ge: 0x66,
  i32_clz: 0x67, i32_ctz: 0x68, i32_popcnt: 0x69, i32_add: 0x6a, i32_sub: 0x6b, i32_mul: 0x6c,
  i32_div_s: 0x6d, i32_div_u: 0x6e, i32_rem_s: 0x6f, i32_rem_u: 0x70, i32_and: 0x71, i32_or: 0x72, i32_xor: 0x73,
  i32_shl: 0x74, i32_shr_s: 0x75, i32_shr_u: 0x76, i32_rotl: 0x77, i32_rotr: 0x78,
  i64_clz: 0x79, i64_ctz: 0x7a, i64_popcnt: 0x7b, i64_add: 0x7c, i64_sub: 0x7d, i64_mul: 0x7e,
  i64_div_s: 0x7f, i64_div_u: 0x80, i64_rem_s: 0x81, i64_rem_u: 0x82, i64_and: 0x83, i64_or: 0x84, i64_xor: 0x85,
  i64_shl: 0x86, i64_shr_s: 0x87, i64_shr_u: 0x88, i64_rotl: 0x89, i64_rotr: 0x8a,
  f32_abs: 0x8b, f32_neg: 0x8c, f32_sqrt: 0x91, f32_add: 0x92, f32_sub: 0x93, f32_mul: 0x94, f32_div: 0x95,
  f64_abs: 0x99, f64_neg: 0x9a, f64_sqrt: 0x9f, f64_add: 0xa0, f64_sub: 0xa1, f64_mul: 0xa2, f64_div: 0xa3,
  i32_wrap_i64: 0xa7, i32_trunc_f32_s: 0xa8, i32_trunc_f64_s: 0xaa, i64_trunc_f32_s: 0xae, i64_trunc_f64_s: 0xb0,
  i64_trunc_f64_u: 0xb1,
  i64_extend_i32_s: 0xac, i64_extend_i32_u: 0xad,
  f32_convert_i32_s: 0xb2, f32_convert_i64_s: 0xb4, f32_demote_f64: 0xb6,
  f64_convert_i32_s: 0xb7, f64_convert_i64_s: 0xb9, f64_convert_i64_u: 0xba, f64_promote_f32: 0xbb,
  i32_reinterpret_f32: 0xbc, i64_reinterpret_f64: 0xbd, f32_reinterpret_i32: 0xbe, f64_reinterpret_i64: 0xbf,
  i32_extend8_s: 0xc0, i32_extend16_s: 0xc1, i64_extend8_s: 0xc2, i64_extend16_s: 0xc3, i64_extend32_s: 0xc4,
} as const;

/** 0xFC-prefixed: saturating truncations. */
export const FC = { i64_trunc_sat_f64_u: 7, i64_trunc_sat_f64_s: 6 } as const;

/** 0xFD-prefixed SIMD opcodes (uleb after the prefix). */
export const SIMD = {
  v128_load: 0x00, v128_load64_zero: 0x5d, v128_load32_zero: 0x5c, v128_store: 0x0b, v128_const: 0x0c,
  i8x16_shuffle: 0x0d, i8x16_swizzle: 0x0e,
  i8x16_splat: 0x0f, i16x8_splat: 0x10, i32x4_splat: 0x11, i64x2_splat: 0x12,
  i8x16_extract_lane_u: 0x16, i8x16_replace_lane: 0x17, i16x8_extract_lane_u: 0x19, i16x8_replace_lane: 0x1a,
  i32x4_extract_lane: 0x1b, i32x4_replace_lane: 0x1c, i64x2_extract_lane: 0x1d, i64x2_replace_lane: 0x1e,
  f64x2_extract_lane: 0x21, f64x2_replace_lane: 0x22,
  i8x16_eq: 0x23, i8x16_gt_s: 0x27, i16x8_eq: 0x2d, i16x8_gt_s: 0x31, i32x4_eq: 0x37, i32x4_gt_s: 0x3b,
  v128_not: 0x4d, v128_and: 0x4e, v128_andnot: 0x4f, v128_or: 0x50, v128_xor: 0x51, v128_bitselect: 0x52,
  v128_any_true: 0x53,
  i8x16_bitmask: 0x64, i8x16_add: 0x6e, i8x16_sub: 0x71, i8x16_min_u: 0x77, i8x16_max_u: 0x79,
  i16x8_add: 0x8e, i16x8_sub: 0x91, i16x8_mul: 0x95,
  i16x8_shl: 0x8b, i16x8_shr_s: 0x8c, i16x8_shr_u: 0x8d,
  i32x4_shl: 0xab, i32x4_shr_s: 0xac, i32x4_shr_u: 0xad, i32x4_add: 0xae, i32x4_sub: 0xb1, i32x4_mul: 0xb5,
  i64x2_shl: 0xcb, i64x2_shr_s: 0xcc, i64x2_shr_u: 0xcd, i64x2_add: 0xce, i64x2_sub: 0xd1,
  i8x16_add_sat_u: 0x70, i8x16_sub_sat_u: 0x73,
} as const;

/** A function body under construction. Labels are symbolic: block()/loop()/if_() push one and
 *  return it; br(label) turns it into a depth. */
export class Body {
  readonly code = new Bytes();
  private labels: number[] = [];
  private nextLabel = 0;
  /** Locals after the parameters, in declaration order. */
  readonly localTypes: ValType[] = [];

  constructor(readonly nParams: number) {}

  /** Where the code ended when the i64 on top of the stack was last known to be below 2^32
   *  (i64.extend_i32_u, or a mask): a zero-extension right after it is not emitted. */
  private zx32At = -1;
  /** Locals holding a value below 2^32, as far as straight-line code since the last control
   *  instruction shows (cleared at every block, branch and end: paths may differ there). */
  private zxLocals = new Set<number>();
  /** The i64 just pushed is below 2^32. */
  markZx32(): this {
    this.zx32At = this.code.len;
    return this;
  }
  /** Whether nothing has been emitted since markZx32 (or i64.extend_i32_u). */
  isZx32(): boolean {
    return this.zx32At === this.code.len;
  }

  /** A new local of a type; returns its index. */
  local(t: ValType): number {
    this.localTypes.push(t);
    return this.nParams + this.localTypes.length - 1;
  }

  op(o: number): this {
    this.code.u8(o);
    if (o === OP.i64_extend_i32_u) this.zx32At = this.code.len;
    return this;
  }

  private open(o: number, bt: number): number {
    this.zxLocals.clear();
    this.code.u8(o);
    this.code.u8(bt);
    const l = this.nextLabel++;
    this.labels.push(l);
    return l;
  }
  block(bt: number = VOID): number {
    return this.open(OP.block, bt);
  }
  loop(bt: number = VOID): number {
    return this.open(OP.loop, bt);
  }
  if_(bt: number = VOID): number {
    return this.open(OP.if, bt);
  }
  else_(): this {
    this.zxLocals.clear();
    this.code.u8(OP.else);
    return this;
  }
  end(): this {
    this.zxLocals.clear();
    this.labels.pop();
    this.code.u8(OP.end);
    return this;
  }

  private depth(label: number): number {
    for (let i = this.labels.length - 1; i >= 0; i--) if (this.labels[i] === label) return this.labels.length - 1 - i;
    throw new Error(`wasm: label ${label} is not open`);
  }
  br(label: number): this {
    this.zxLocals.clear();
    this.code.u8(OP.br);
    this.code.uleb(this.depth(label));
    return this;
  }
  brIf(label: number): this {
    this.zxLocals.clear();
    this.code.u8(OP.br_if);
    this.code.uleb(this.depth(label));
    return this;
  }
  brTable(targets: number[], dflt: number): this {
    this.zxLocals.clear();
    this.code.u8(OP.br_table);
    this.code.uleb(targets.length);
    for (const t of targets) this.code.uleb(this.depth(t));
    this.code.uleb(this.depth(dflt));
    return this;
  }

  get(i: number): this {
    this.code.u8(OP.local_get);
    this.code.uleb(i);
    if (this.zxLocals.has(i)) this.zx32At = this.code.len;
    return this;
  }
  set(i: number): this {
    if (this.isZx32()) this.zxLocals.add(i);
    else this.zxLocals.delete(i);
    this.code.u8(OP.local_set);
    this.code.uleb(i);
    return this;
  }
  tee(i: number): this {
    const zx = this.isZx32();
    if (zx) this.zxLocals.add(i);
    else this.zxLocals.delete(i);
    this.code.u8(OP.local_tee);
    this.code.uleb(i);
    if (zx) this.zx32At = this.code.len;
    return this;
  }
  i32(v: number): this {
    this.code.u8(OP.i32_const);
    this.code.sleb32(v);
    return this;
  }
  /** i64.const of the 64-bit value (lo, hi) (int32 halves). */
  i64(lo: number, hi: number): this {
    this.code.u8(OP.i64_const);
    this.code.sleb64(lo, hi);
    return this;
  }
  /** i64.const of an integer number in (-2^63, 2^64), exact below 2^53. */
  i64n(v: number): this {
    const lo = v % 4294967296;
    const hi = Math.floor(v / 4294967296);
    return this.i64(lo | 0, hi | 0);
  }
  f64c(v: number): this {
    this.code.u8(OP.f64_const);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.code.bytes(b);
    return this;
  }
  /** A load or store with its memarg (alignment log2, static offset). */
  mem(o: number, offset: number, align = 0): this {
    this.code.u8(o);
    this.code.uleb(align);
    this.code.uleb(offset);
    return this;
  }
  call(f: number): this {
    this.code.u8(OP.call);
    this.code.uleb(f);
    return this;
  }
  callIndirect(type: number, table = 0): this {
    this.code.u8(OP.call_indirect);
    this.code.uleb(type);
    this.code.uleb(table);
    return this;
  }
  returnCall(f: number): this {
    this.code.u8(OP.return_call);
    this.code.uleb(f);
    return this;
  }
  returnCallIndirect(type: number, table = 0): this {
    this.code.u8(OP.return_call_indirect);
    this.code.uleb(type);
    this.code.uleb(table);
    return this;
  }
  fc(o: number): this {
    this.code.u8(0xfc);
    this.code.uleb(o);
    return this;
  }
  simd(o: number): this {
    this.code.u8(0xfd);
    this.code.uleb(o);
    return this;
  }
  /** A SIMD load/store with memarg. */
  simdMem(o: number, offset: number, align = 0): this {
    this.code.u8(0xfd);
    this.code.uleb(o);
    this.code.uleb(align);
    this.code.uleb(offset);
    return this;
  }
  /** A SIMD op with a lane index immediate. */
  lane(o: number, idx: number): this {
    this.code.u8(0xfd);
    this.code.uleb(o);
    this.code.u8(idx);
    return this;
  }
  shuffle(lanes: ArrayLike<number>): this {
    this.code.u8(0xfd);
    this.code.uleb(SIMD.i8x16_shuffle);
    this.code.bytes(lanes);
    return this;
  }
  v128const(bytes: ArrayLike<number>): this {
    this.code.u8(0xfd);
    this.code.uleb(SIMD.v128_const);
    this.code.bytes(bytes);
    return this;
  }

  /** Whether every opened construct is closed. */
  get balanced(): boolean {
    return this.labels.length === 0;
  }

  /** The encoded body: local declarations (runs of one type), code, end. */
  encode(out: Bytes): void {
    const decl = new Bytes();
    const runs: Array<[number, ValType]> = [];
    for (const t of this.localTypes) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    decl.uleb(runs.length);
    for (const [n, t] of runs) {
      decl.uleb(n);
      decl.u8(t);
    }
    const size = decl.len + this.code.len + 1;
    out.uleb(size);
    out.bytes(decl.buf.subarray(0, decl.len));
    out.bytes(this.code.buf.subarray(0, this.code.len));
    out.u8(OP.end);
  }
}

interface FuncImport {
  module: string;
  name: string;
  type: number;
}

/** A module under construction. Imported functions take the first function indices. */
export class ModuleBuilder {
  private types: string[] = [];
  private typeSigs: Array<[ValType[], ValType[]]> = [];
  private funcImports: FuncImport[] = [];
  private memImport: { module: string; name: string; min: number } | null = null;
  private tableImport: { module: string; name: string; min: number } | null = null;
  private funcs: Array<{ type: number; body: Body }> = [];
  private exports: Array<{ name: string; func: number }> = [];
  /** Function names for the "name" custom section (profilers and stack traces show them). */
  private names = new Map<number, string>();
  /** Active element segments into table 0: [offset, function indices]. */
  private elems: Array<[number, number[]]> = [];

  /** The index of a function type (deduplicated). */
  type(params: ValType[], results: ValType[]): number {
    const key = params.join(",") + ">" + results.join(",");
    let i = this.types.indexOf(key);
    if (i < 0) {
      i = this.types.length;
      this.types.push(key);
      this.typeSigs.push([params, results]);
    }
    return i;
  }

  importFunc(module: string, name: string, params: ValType[], results: ValType[]): number {
    if (this.funcs.length !== 0) throw new Error("wasm: imports must come before functions");
    this.funcImports.push({ module, name, type: this.type(params, results) });
    return this.funcImports.length - 1;
  }

  importMemory(module: string, name: string, minPages: number): void {
    this.memImport = { module, name, min: minPages };
  }

  importTable(module: string, name: string, min: number): void {
    this.tableImport = { module, name, min };
  }

  /** Declare a function; returns its index and its body. */
  func(params: ValType[], results: ValType[]): [number, Body] {
    const body = new Body(params.length);
    this.funcs.push({ type: this.type(params, results), body });
    return [this.funcImports.length + this.funcs.length - 1, body];
  }

  /** Add a function whose body was built separately; returns its index. */
  addFunc(params: ValType[], results: ValType[], body: Body): number {
    this.funcs.push({ type: this.type(params, results), body });
    return this.funcImports.length + this.funcs.length - 1;
  }

  /** Name a function (shown by V8's profiler instead of wasm-function[N]). */
  nameFunc(func: number, name: string): void {
    this.names.set(func, name);
  }

  export(name: string, func: number): void {
    this.exports.push({ name, func });
  }

  /** Put functions into table 0 from `offset` on when the module is instantiated. */
  elem(offset: number, funcs: number[]): void {
    this.elems.push([offset, funcs]);
  }

  encode(): Uint8Array {
    const out = new Bytes();
    out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const s = new Bytes();
    s.uleb(this.typeSigs.length);
    for (const [p, r] of this.typeSigs) {
      s.u8(0x60);
      s.uleb(p.length);
      s.bytes(p);
      s.uleb(r.length);
      s.bytes(r);
    }
    out.section(1, s);

    const im = new Bytes();
    const nImports = this.funcImports.length + (this.memImport ? 1 : 0) + (this.tableImport ? 1 : 0);
    im.uleb(nImports);
    for (const f of this.funcImports) {
      im.name(f.module);
      im.name(f.name);
      im.u8(0x00);
      im.uleb(f.type);
    }
    if (this.tableImport) {
      im.name(this.tableImport.module);
      im.name(this.tableImport.name);
      im.u8(0x01);
      im.u8(FUNCREF);
      im.u8(0x00);
      im.uleb(this.tableImport.min);
    }
    if (this.memImport) {
      im.name(this.memImport.module);
      im.name(this.memImport.name);
      im.u8(0x02);
      im.u8(0x00);
      im.uleb(this.memImport.min);
    }
    if (nImports > 0) out.section(2, im);

    const fs = new Bytes();
    fs.uleb(this.funcs.length);
    for (const f of this.funcs) fs.uleb(f.type);
    out.section(3, fs);

    if (this.exports.length > 0) {
      const ex = new Bytes();
      ex.uleb(this.exports.length);
      for (const e of this.exports) {
        ex.name(e.name);
        ex.u8(0x00);
        ex.uleb(e.func);
      }
      out.section(7, ex);
    }

    if (this.elems.length > 0) {
      const el = new Bytes();
      el.uleb(this.elems.length);
      for (const [offset, funcs] of this.elems) {
        el.uleb(0);
        el.u8(OP.i32_const);
        el.sleb32(offset);
        el.u8(OP.end);
        el.uleb(funcs.length);
        for (const f of funcs) el.uleb(f);
      }
      out.section(9, el);
    }

    const cs = new Bytes();
    cs.uleb(this.funcs.length);
    for (const f of this.funcs) {
      if (!f.body.balanced) throw new Error("wasm: unbalanced function body");
      f.body.encode(cs);
    }
    out.section(10, cs);

    if (this.names.size > 0) {
      // The name section: subsection 1, function names (a name map, ascending indices).
      const fnNames = new Bytes();
      const sorted = [...this.names].sort((a, b) => a[0] - b[0]);
      fnNames.uleb(sorted.length);
      const utf8 = new TextEncoder();
      for (const [i, n] of sorted) {
        fnNames.uleb(i);
        const b = utf8.encode(n);
        fnNames.uleb(b.length);
        fnNames.bytes(b);
      }
      const ns = new Bytes();
      ns.name("name");
      ns.u8(1);
      ns.uleb(fnNames.len);
      ns.bytes(fnNames.buf.subarray(0, fnNames.len));
      out.section(0, ns);
    }
    return out.done();
  }
}
