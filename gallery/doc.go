// Package gallery is the flight gallery: its signed bundle format, download,
// local cache and expiry. The reference service that offers bundles is in
// package backend/galleryservice.
package gallery
