package isa

import "testing"

// TestBeyond classifies objdump lines: what x86-64-v2 has passes, each
// extension beyond it is named.
func TestBeyond(t *testing.T) {
	for _, c := range []struct{ insn, want string }{
		{"mov    %rdi,%rax", ""},
		{"addps  %xmm1,%xmm0", ""},
		{"pshufb %xmm2,%xmm1", ""},                            // SSSE3
		{"pmulld %xmm2,%xmm1", ""},                            // SSE4.1
		{"crc32q %rax,%rcx", ""},                              // SSE4.2
		{"popcnt %rdi,%rax", ""},                              // POPCNT
		{"lock cmpxchg16b (%rdi)", ""},                        // CX16
		{"rep stos %rax,%es:(%rdi)", ""},                      // a prefix is not the mnemonic
		{"tzcnt  %eax,%eax", ""},                              // REP BSF: BSF on older CPUs
		{"call   4010a0 <vfoo>", ""},                          // a symbol is not an operand
		{"lea    0x0(%rip),%rax        # 4010a0 <x%ymm>", ""}, // nor a comment
		{"verw   (%rax)", ""},
		{"vaddss %xmm1,%xmm0,%xmm0", "AVX"},
		{"vmovups (%rdi,%rax,1),%ymm4", "AVX/AVX2"},
		{"vpaddd %ymm1,%ymm2,%ymm3", "AVX/AVX2"},
		{"vfmadd231ps %ymm1,%ymm2,%ymm0", "FMA"},
		{"vfnmadd132ss %xmm1,%xmm2,%xmm0", "FMA"},
		{"vmovups %zmm0,(%rax)", "AVX-512"},
		{"vpaddd %xmm1,%xmm2,%xmm3{%k1}{z}", "AVX-512"},
		{"kmovw  %k1,%eax", "AVX-512"},
		{"vpternlogd $0xff,%xmm0,%xmm0,%xmm0", "AVX"},
		{"shlx   %rax,%rdx,%rcx", "BMI2"},
		{"andn   %rax,%rdx,%rcx", "BMI1"},
		{"lzcnt  %rdi,%rax", "LZCNT"},
		{"movbe  (%rdi),%eax", "MOVBE"},
		{"aesenc %xmm1,%xmm0", "AES-NI"},
	} {
		if got := Beyond(c.insn); got != c.want {
			t.Errorf("Beyond(%q) = %q, want %q", c.insn, got, c.want)
		}
	}
}

// TestShortName shortens demangled C++ names for the summary line.
func TestShortName(t *testing.T) {
	for in, want := range map[string]string{
		"dot": "dot",
		"void dlib::impl_fhog::impl_extract_fhog_features_cell_size_1<dlib::array2d<unsigned char> >(dlib::array2d<unsigned char> const&, int)": "dlib::impl_fhog::impl_extract_fhog_features_cell_size_1",
		"FaceRec::Recognize(unsigned char const*, int, int, int) [clone .isra.0]":                                                               "FaceRec::Recognize",
	} {
		if got := shortName(in); got != want {
			t.Errorf("shortName(%q) = %q, want %q", in, got, want)
		}
	}
}
