// Package isa checks that an x86-64 executable runs on the CPU baseline
// Veriport is built for, x86-64-v2 (SSE4.2, SSSE3, POPCNT, CMPXCHG16B: every
// x86-64 CPU since 2009, Atom-class and Pentium/Celeron included). It
// disassembles the machine code the C and C++ compilers made (cgo: dlib's
// templates through go-face and verify, the distance kernel) and reports each
// instruction such a CPU lacks (AVX, AVX2, AVX-512, FMA, BMI...): a booth
// whose CPU lacks one dies with SIGILL the first time it runs.
package isa

import "strings"

// Baseline is the target every part of the binary must run on.
const Baseline = "x86-64-v2"

// prefixes are the tokens objdump prints before a mnemonic.
var prefixes = map[string]bool{
	"rep": true, "repz": true, "repe": true, "repnz": true, "repne": true,
	"lock": true, "notrack": true, "bnd": true, "data16": true, "addr32": true,
	"cs": true, "ds": true, "es": true, "fs": true, "gs": true, "ss": true,
	"xacquire": true, "xrelease": true, "{vex}": true, "{vex3}": true, "{evex}": true,
}

// notVector are mnemonics that begin with "v" and are not VEX/EVEX-encoded
// (segment checks, virtualisation): never AVX.
var notVector = map[string]bool{
	"verr": true, "verw": true, "vmcall": true, "vmlaunch": true, "vmresume": true,
	"vmxoff": true, "vmxon": true, "vmread": true, "vmwrite": true, "vmptrld": true,
	"vmptrst": true, "vmclear": true, "vmfunc": true, "vmrun": true, "vmload": true,
	"vmsave": true, "vmmcall": true,
}

// scalarBeyond names the general-purpose and special instructions outside
// x86-64-v2, by the extension that brings them.
var scalarBeyond = map[string]string{
	// BMI1, BMI2 (x86-64-v3)
	"andn": "BMI1", "bextr": "BMI1", "blsi": "BMI1", "blsmsk": "BMI1", "blsr": "BMI1",
	"bzhi": "BMI2", "mulx": "BMI2", "pdep": "BMI2", "pext": "BMI2", "rorx": "BMI2",
	"sarx": "BMI2", "shlx": "BMI2", "shrx": "BMI2",
	// LZCNT and MOVBE (x86-64-v3); TZCNT is left out: it is REP BSF, which
	// a CPU without BMI1 runs as BSF, and compilers emit it only where both
	// give the same result.
	"lzcnt": "LZCNT", "movbe": "MOVBE",
	// AMD-only (TBM, SSE4a)
	"blcfill": "TBM", "blci": "TBM", "blcic": "TBM", "blcmsk": "TBM", "blcs": "TBM",
	"blsfill": "TBM", "blsic": "TBM", "t1mskc": "TBM", "tzmsk": "TBM",
	"extrq": "SSE4a", "insertq": "SSE4a", "movntss": "SSE4a", "movntsd": "SSE4a",
	// not part of any x86-64 level
	"adcx": "ADX", "adox": "ADX",
	"sha1rnds4": "SHA", "sha1nexte": "SHA", "sha1msg1": "SHA", "sha1msg2": "SHA",
	"sha256rnds2": "SHA", "sha256msg1": "SHA", "sha256msg2": "SHA",
	"aesenc": "AES-NI", "aesenclast": "AES-NI", "aesdec": "AES-NI", "aesdeclast": "AES-NI",
	"aesimc": "AES-NI", "aeskeygenassist": "AES-NI", "pclmulqdq": "PCLMULQDQ",
	"rdrand": "RDRAND", "rdseed": "RDSEED",
}

// Beyond says which extension beyond x86-64-v2 one disassembled instruction
// (objdump's AT&T text after the address, e.g. "vaddps %ymm1,%ymm2,%ymm0")
// needs, or "" when an x86-64-v2 CPU runs it.
func Beyond(insn string) string {
	fields := strings.Fields(insn)
	i := 0
	for i < len(fields) && prefixes[fields[i]] {
		i++
	}
	if i == len(fields) {
		return ""
	}
	mn := fields[i]
	ops := strings.Join(fields[i+1:], " ")
	// Comments (objdump's "# 0x..." and "<symbol>") name no register.
	if j := strings.IndexAny(ops, "#<"); j >= 0 {
		ops = ops[:j]
	}
	switch {
	case strings.Contains(ops, "%zmm") || strings.Contains(ops, "{%k") || hasMaskRegister(ops):
		return "AVX-512"
	case strings.HasPrefix(mn, "vfm") || strings.HasPrefix(mn, "vfnm"):
		return "FMA"
	case strings.Contains(ops, "%ymm"):
		return "AVX/AVX2"
	case strings.HasPrefix(mn, "v") && !notVector[mn]:
		return "AVX"
	case strings.HasPrefix(mn, "k") && hasMaskRegister(ops):
		return "AVX-512"
	}
	return scalarBeyond[mn]
}

// hasMaskRegister says whether the operands name an AVX-512 mask register
// (%k0-%k7).
func hasMaskRegister(ops string) bool {
	for i := 0; i+3 <= len(ops); i++ {
		if ops[i] == '%' && ops[i+1] == 'k' && ops[i+2] >= '0' && ops[i+2] <= '7' {
			return true
		}
	}
	return false
}
