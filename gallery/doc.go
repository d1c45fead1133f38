// Package gallery is the flight gallery: its signed bundle format, download,
// local cache and expiry, and the reference back end used by demos and tests.
package gallery
