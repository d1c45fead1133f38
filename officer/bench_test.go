package officer

import (
	"testing"
	"time"
)

// BenchmarkVerifyPIN is the argon2id cost an officer waits for at login.
func BenchmarkVerifyPIN(b *testing.B) {
	h, err := HashPIN(goodPIN, DefaultHashParams)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, err := VerifyPIN(goodPIN, h); !ok || err != nil {
			b.Fatal("right PIN refused", err)
		}
	}
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(time.Millisecond), "ms/verify")
}
