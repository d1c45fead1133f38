// Package assess measures capture quality on camera frames with OpenCV: a
// Haar-cascade tracker and background scanner, dlib landmarks through a
// quality.LandmarkFinder, light and sharpness, judged into a
// quality.QualityReport. It knows nothing of face matching or the GUI.
package assess
