// Package verify is Veriport's face analysis: detection, landmarks and
// 128-D templates through go-face (dlib) and, for live captures, the same
// dlib pipeline on a crop around the tracked face (the live describer);
// distances, 1:N search, the decision policy and evaluation. It knows
// nothing of the GUI or of storage.
package verify
