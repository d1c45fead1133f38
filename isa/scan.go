package isa

import (
	"bufio"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os/exec"
	"sort"
	"strconv"
	"strings"
)

// Finding is one instruction beyond the baseline.
type Finding struct {
	Addr      uint64
	Func      string // the symbol objdump names it under ("" when stripped)
	Insn      string // objdump's text, e.g. "vmovups %zmm0,(%rax)"
	Extension string // e.g. "AVX-512", "FMA", "BMI2"
}

// Report is what Scan found in one executable.
type Report struct {
	GOAMD64  string // the Go compiler's target level (v1 when unset)
	GoFuncs  int    // Go functions left to the Go toolchain (see Scan)
	Scanned  int    // instructions checked: every one outside Go's functions
	Findings []Finding
}

// Portable says whether the executable runs on the baseline.
func (r *Report) Portable() bool { return len(r.Findings) == 0 && goLevelOK(r.GOAMD64) }

// ByExtension counts the findings per extension.
func (r *Report) ByExtension() map[string]int {
	m := map[string]int{}
	for _, f := range r.Findings {
		m[f.Extension]++
	}
	return m
}

// Functions counts the findings per function, most first ("" is unnamed).
func (r *Report) Functions() []string {
	n := map[string]int{}
	for _, f := range r.Findings {
		n[f.Func]++
	}
	out := make([]string, 0, len(n))
	for k := range n {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if n[out[i]] != n[out[j]] {
			return n[out[i]] > n[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

// Summary is one line for a log: the verdict, the counts per extension and
// the functions with the most findings.
func (r *Report) Summary() string {
	if r.Portable() {
		return fmt.Sprintf("portable (%s): %d instructions of C/C++ code checked, none beyond the baseline; Go code GOAMD64=%s, %d Go functions left to Go's run-time CPU checks",
			Baseline, r.Scanned, r.GOAMD64, r.GoFuncs)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "NOT portable (%s): ", Baseline)
	if !goLevelOK(r.GOAMD64) {
		fmt.Fprintf(&b, "Go code built for GOAMD64=%s; ", r.GOAMD64)
	}
	exts := r.ByExtension()
	keys := make([]string, 0, len(exts))
	for k := range exts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(&b, "%d of %d instructions beyond the baseline (", len(r.Findings), r.Scanned)
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", k, exts[k])
	}
	all := r.Functions()
	if len(all) == 1 && all[0] == "" {
		fmt.Fprintf(&b, "), the first at %#x (stripped: no function names)", r.Findings[0].Addr)
		return b.String()
	}
	fmt.Fprintf(&b, ") in %d functions", len(all))
	var fns []string
	seen := map[string]bool{}
	for _, f := range all {
		if n := shortName(f); !seen[n] && len(fns) < 5 {
			seen[n] = true
			fns = append(fns, n)
		}
	}
	if len(fns) > 0 {
		fmt.Fprintf(&b, ", e.g. %s", strings.Join(fns, "; "))
	}
	return b.String()
}

// shortName is a demangled C++ name without its template arguments,
// parameters and return type: "void dlib::f<T>(int)" is "dlib::f".
func shortName(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '<' || r == '(' || r == '[':
			depth++
		case (r == '>' || r == ')' || r == ']') && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	f := strings.Fields(b.String())
	if len(f) == 0 {
		return s
	}
	return f[len(f)-1]
}

func goLevelOK(level string) bool { return level == "v1" || level == "v2" }

// Scan disassembles the executable at path (objdump) and checks every
// instruction outside the Go toolchain's own functions against the
// baseline. Go's functions are left out because the Go compiler emits
// nothing beyond GOAMD64 (checked: v1 or v2) and Go's assembly (memmove,
// crypto) picks its AVX2 or AVX-512 path at run time from the CPU's flags;
// what remains is the code the C and C++ compilers made, which has no such
// check. Works on stripped and position-independent binaries.
func Scan(ctx context.Context, path string) (*Report, error) {
	r := &Report{GOAMD64: "v1"}
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("isa scan %s: build info: %w", path, err)
	}
	for _, s := range bi.Settings {
		if s.Key == "GOAMD64" && s.Value != "" {
			r.GOAMD64 = s.Value
		}
	}
	goFuncs, named, err := goFunctions(path)
	if err != nil {
		return nil, fmt.Errorf("isa scan %s: %w", path, err)
	}
	r.GoFuncs = len(goFuncs)
	cmd := exec.CommandContext(ctx, "objdump", "-d", "-C", "--no-show-raw-insn", path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("isa scan %s: %w", path, err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("isa scan %s: objdump (binutils): %w", path, err)
	}
	fn := ""
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		addr, insn, sym, ok := parseLine(line)
		if !ok {
			continue
		}
		if sym != "" {
			// A stripped binary has only the dynamic symbols: objdump
			// names unrelated code after the nearest; say nothing.
			if named {
				fn = sym
			}
			continue
		}
		if goFuncs.contains(addr) {
			continue
		}
		r.Scanned++
		if ext := Beyond(insn); ext != "" {
			r.Findings = append(r.Findings, Finding{Addr: addr, Func: fn, Insn: insn, Extension: ext})
		}
	}
	scanErr := sc.Err()
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("isa scan %s: objdump: %w: %s", path, err, strings.TrimSpace(stderr.String()))
	}
	if scanErr != nil {
		return nil, fmt.Errorf("isa scan %s: reading objdump: %w", path, scanErr)
	}
	if r.Scanned == 0 {
		return nil, fmt.Errorf("isa scan %s: objdump printed no instruction outside Go's functions", path)
	}
	return r, nil
}

// parseLine reads one line of objdump -d: an instruction ("  4010a0:\tmov ...")
// or a symbol header ("00000000004010a0 <main>:").
func parseLine(line string) (addr uint64, insn, sym string, ok bool) {
	if strings.HasSuffix(line, ">:") {
		if i := strings.Index(line, " <"); i > 0 {
			return 0, "", line[i+2 : len(line)-2], true
		}
		return 0, "", "", false
	}
	colon := strings.IndexByte(line, ':')
	if colon < 0 || colon+1 >= len(line) || line[colon+1] != '\t' {
		return 0, "", "", false
	}
	a, err := strconv.ParseUint(strings.TrimSpace(line[:colon]), 16, 64)
	if err != nil {
		return 0, "", "", false
	}
	insn = strings.TrimSpace(line[colon+2:])
	if insn == "" || strings.HasPrefix(insn, "(bad)") {
		return 0, "", "", false
	}
	return a, insn, "", true
}

// ranges are sorted, non-overlapping [start, end) address ranges.
type ranges [][2]uint64

func (r ranges) contains(a uint64) bool {
	i := sort.Search(len(r), func(i int) bool { return r[i][1] > a })
	return i < len(r) && r[i][0] <= a
}

// goFunctions reads the Go functions' address ranges from the pclntab (kept
// in stripped binaries: the runtime needs it). Its entries are offsets from
// runtime.text, which the Go 1.26 header no longer holds: it is read from
// the runtime's module data, found by its first word (a pointer to the
// pclntab).
func goFunctions(path string) (_ ranges, named bool, err error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	named = f.Section(".symtab") != nil
	if f.Machine != elf.EM_X86_64 {
		return nil, false, fmt.Errorf("not an x86-64 executable (%v)", f.Machine)
	}
	sec := f.Section(".gopclntab")
	if sec == nil {
		return nil, false, errors.New("no .gopclntab section: not a Go executable")
	}
	tab, err := sec.Data()
	if err != nil {
		return nil, false, fmt.Errorf("read .gopclntab: %w", err)
	}
	// Go 1.20+ header: magic, 2 pad bytes, min instruction size, pointer
	// size, then nfunc, nfiles, an unused word, and the tables' offsets.
	if len(tab) < 8+8*8 || binary.LittleEndian.Uint32(tab) != 0xfffffff1 || tab[7] != 8 {
		return nil, false, errors.New(".gopclntab: not the Go 1.20+ layout")
	}
	hdr := func(i int) uint64 { return binary.LittleEndian.Uint64(tab[8+8*i:]) }
	nfunc, funcnameOff, pclnOff := hdr(0), hdr(3), hdr(7)
	m, err := newMemory(f)
	if err != nil {
		return nil, false, err
	}
	text, err := m.runtimeText(sec.Addr, sec.Addr+funcnameOff)
	if err != nil {
		return nil, false, err
	}
	ft := tab[pclnOff:]
	if uint64(len(ft)) < (2*nfunc+1)*4 {
		return nil, false, errors.New(".gopclntab: function table truncated")
	}
	// functab: nfunc pairs (entry offset from runtime.text, func data
	// offset), then the end offset of the last function.
	out := make(ranges, 0, nfunc)
	for i := uint64(0); i < nfunc; i++ {
		start := uint64(binary.LittleEndian.Uint32(ft[8*i:]))
		end := uint64(binary.LittleEndian.Uint32(ft[8*(i+1):]))
		out = append(out, [2]uint64{text + start, text + end})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out, named, nil
}

// memory reads 8-byte words of the executable's data as the loader leaves
// them: the file's bytes, or the addend of a relative relocation
// (position-independent executables).
type memory struct {
	f   *elf.File
	rel map[uint64]uint64 // address -> value of R_X86_64_RELATIVE relocations
}

func newMemory(f *elf.File) (*memory, error) {
	m := &memory{f: f, rel: map[uint64]uint64{}}
	for _, s := range f.Sections {
		if s.Type != elf.SHT_RELA {
			continue
		}
		data, err := s.Data()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", s.Name, err)
		}
		for i := 0; i+24 <= len(data); i += 24 {
			info := binary.LittleEndian.Uint64(data[i+8:])
			if elf.R_X86_64(info&0xffffffff) == elf.R_X86_64_RELATIVE {
				m.rel[binary.LittleEndian.Uint64(data[i:])] = binary.LittleEndian.Uint64(data[i+16:])
			}
		}
	}
	return m, nil
}

// word is the 8-byte value at addr once loaded.
func (m *memory) word(addr uint64) (uint64, bool) {
	if v, ok := m.rel[addr]; ok {
		return v, true
	}
	for _, s := range m.f.Sections {
		if s.Type != elf.SHT_PROGBITS || s.Flags&elf.SHF_ALLOC == 0 || addr < s.Addr || addr+8 > s.Addr+s.Size {
			continue
		}
		var b [8]byte
		if _, err := s.ReadAt(b[:], int64(addr-s.Addr)); err != nil {
			return 0, false
		}
		return binary.LittleEndian.Uint64(b[:]), true
	}
	return 0, false
}

// runtimeText finds the runtime's module data (its pcHeader field points
// at pclntab, the next at funcnametab) and returns its text field.
func (m *memory) runtimeText(pclntab, funcnametab uint64) (uint64, error) {
	const textField = 176 // offset of moduledata.text (Go 1.26)
	var cands []uint64
	for a, v := range m.rel {
		if v == pclntab {
			cands = append(cands, a)
		}
	}
	for _, name := range []string{".go.module", ".noptrdata", ".data"} {
		s := m.f.Section(name)
		if s == nil {
			continue
		}
		data, err := s.Data()
		if err != nil {
			return 0, fmt.Errorf("read %s: %w", name, err)
		}
		for i := 0; i+8 <= len(data); i += 8 {
			if binary.LittleEndian.Uint64(data[i:]) == pclntab {
				cands = append(cands, s.Addr+uint64(i))
			}
		}
	}
	for _, a := range cands {
		if v, ok := m.word(a + 8); !ok || v != funcnametab {
			continue
		}
		minpc, ok1 := m.word(a + 160)
		text, ok2 := m.word(a + textField)
		if ok1 && ok2 && text != 0 && minpc >= text {
			return text, nil
		}
	}
	return 0, errors.New("the runtime's module data (runtime.text) was not found")
}
