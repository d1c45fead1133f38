// Package verify is Veriport's face analysis: detection, landmarks and
// 128-D templates through go-face (dlib), distances, 1:N search, the decision
// policy and evaluation. It knows nothing of the GUI or of storage.
package verify
