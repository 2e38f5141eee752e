// The standard-library packages whose `go test -c` binaries the conformance harness runs with
// -test.short in their source directories (GO-ON-LINUX-AMD64.md section 6).

export interface PkgTest {
  pkg: string;
  /** Build tags for `go test -c`. */
  tags: string[];
}

export const PKG_TESTS: PkgTest[] = [
  // CPU only.
  ..."strings sort math math/bits bytes bufio unicode/utf8 math/big crypto/sha256 crypto/aes hash/crc32 encoding/base64 container/heap errors fmt io sync/atomic"
    .split(" ").map((pkg) => ({ pkg, tags: [] })),
  // Need testdata.
  ..."strconv regexp compress/flate".split(" ").map((pkg) => ({ pkg, tags: [] })),
  // Loopback TCP; exec.
  ..."encoding/json sync os path/filepath".split(" ").map((pkg) => ({ pkg, tags: [] })),
  // tzdata.
  { pkg: "time", tags: ["timetzdata"] },
];
