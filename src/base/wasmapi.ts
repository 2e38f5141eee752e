// The part of the WebAssembly JavaScript API rt0 uses, typed here: Node's type package for
// Node 20 does not declare it, and the DOM library (which does) is not part of the Node build.
// Both Node and browsers provide the global object at run time.

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export type WasmFunction = (...args: number[]) => number;

export interface WasmTable {
  readonly length: number;
  get(i: number): WasmFunction | null;
  set(i: number, f: WasmFunction | null): void;
  grow(n: number): number;
}

export type WasmImports = Record<string, Record<string, WasmMemory | WasmTable | WasmFunction>>;

export interface WasmInstance {
  readonly exports: Record<string, WasmFunction>;
}

interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number }) => WasmMemory;
  Table: new (d: { element: "anyfunc"; initial: number }) => WasmTable;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: WasmImports) => WasmInstance;
  validate(bytes: Uint8Array): boolean;
}

/** The global WebAssembly object. */
export const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
