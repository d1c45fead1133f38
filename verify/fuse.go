package verify

import "math"

// FuseTemplates fuses several templates of one capture run (consecutive
// frames of the same traveler) into one probe: their mean, rescaled to the
// mean length of the inputs so distances keep dlib's scale. One template is
// returned as it is; none gives the zero template and false.
func FuseTemplates(ts []Template) (Template, bool) {
	var out Template
	switch len(ts) {
	case 0:
		return out, false
	case 1:
		return ts[0], true
	}
	var sum [TemplateLen]float64
	var norms float64
	for i := range ts {
		var n float64
		for k, v := range ts[i] {
			sum[k] += float64(v)
			n += float64(v) * float64(v)
		}
		norms += math.Sqrt(n)
	}
	var n float64
	for k := range sum {
		sum[k] /= float64(len(ts))
		n += sum[k] * sum[k]
	}
	scale := 1.0
	if n > 0 {
		scale = norms / float64(len(ts)) / math.Sqrt(n)
	}
	for k := range out {
		out[k] = float32(sum[k] * scale)
	}
	return out, true
}
