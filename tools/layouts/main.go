// Command layouts prints, as JSON, the field layouts of the Go runtime structures that rt0's
// narrator reads (runtime.g, m, p, stack, gobuf, ...), taken from the DWARF of a Go binary.
// tools/gen-layouts.sh runs it on a binary built by each toolchain; the output is committed
// as src/goruntime/layouts.generated.ts.
package main

import (
	"debug/dwarf"
	"debug/elf"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

type field struct {
	Name   string `json:"name"`
	Offset int64  `json:"offset"`
	Size   int64  `json:"size"`
	Type   string `json:"type"`
}

type layout struct {
	Size   int64   `json:"size"`
	Fields []field `json:"fields"`
}

var wanted = map[string]bool{
	"runtime.g": true, "runtime.m": true, "runtime.p": true, "runtime.stack": true,
	"runtime.gobuf": true, "runtime.schedt": true, "runtime.moduledata": true,
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: layouts BINARY")
		os.Exit(2)
	}
	f, err := elf.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	d, err := f.DWARF()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := map[string]layout{}
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if e == nil {
			break
		}
		if e.Tag != dwarf.TagStructType {
			continue
		}
		name, _ := e.Val(dwarf.AttrName).(string)
		if !wanted[name] {
			continue
		}
		if _, done := out[name]; done {
			continue
		}
		t, err := d.Type(e.Offset)
		if err != nil {
			continue
		}
		st, ok := t.(*dwarf.StructType)
		if !ok {
			continue
		}
		l := layout{Size: st.ByteSize}
		for _, fl := range st.Field {
			l.Fields = append(l.Fields, field{fl.Name, fl.ByteOffset, fl.Type.Size(), fl.Type.String()})
		}
		out[name] = l
	}
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// One field per line, indented to sit in layouts.generated.ts, so a release's change is a
	// readable diff.
	w := os.Stdout
	fmt.Fprintln(w, "[")
	for i, k := range keys {
		l := out[k]
		name, _ := json.Marshal(k)
		fmt.Fprintf(w, "    {\"name\":%s,\"size\":%d,\"fields\":[\n", name, l.Size)
		for j, fl := range l.Fields {
			b, _ := json.Marshal(fl)
			fmt.Fprintf(w, "      %s%s\n", b, sep(j, len(l.Fields)))
		}
		fmt.Fprintf(w, "    ]}%s\n", sep(i, len(keys)))
	}
	fmt.Fprint(w, "  ]")
	fmt.Println()
}

// sep is the comma after element i of n (none after the last).
func sep(i, n int) string {
	if i == n-1 {
		return ""
	}
	return ","
}
