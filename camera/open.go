package camera

import (
	"fmt"
	"os"
	"strconv"
)

// Choice is the source Open picked and why.
type Choice struct {
	Source Source
	Demo   bool // the demo video stands in for a camera
	// Reopen opens the same source again (after a failure).
	Reopen Opener
}

// Resilient wraps the choice's source so that it reconnects with backoff.
// Without a source (a named device that did not open) it starts offline
// and keeps trying.
func (c Choice) Resilient(name string) *Reconnecting {
	if c.Source != nil {
		name = c.Source.Name()
	}
	return NewReconnecting(name, c.Source, c.Reopen)
}

// Open chooses a source from a spec: a device index ("0"), a video file
// path, or "" for device 0 with the demo video as fallback. When a device
// does not open (and for "" when there is no demo video either) the error
// wraps ErrOffline and the Choice keeps a reopener for the device; so for
// a video file that is missing or does not open (a wrong path, a disk not
// mounted yet): the workstation opens offline and keeps trying.
func Open(spec, demoVideo string, width, height int) (Choice, error) {
	if spec != "" {
		if idx, err := strconv.Atoi(spec); err == nil {
			d, err := OpenDevice(idx, width, height)
			if err != nil {
				// Keep the reopener: the caller may start offline and retry.
				return Choice{Reopen: reopenDevice(idx, width, height)}, err
			}
			return Choice{Source: d, Reopen: reopenDevice(idx, width, height)}, nil
		}
		if _, err := os.Stat(spec); err != nil {
			return Choice{Reopen: reopenFile(spec)},
				fmt.Errorf("camera %q is neither a device index nor a readable video file (%w): %w", spec, err, ErrOffline)
		}
		f, err := OpenFile(spec, true)
		if err != nil {
			return Choice{Reopen: reopenFile(spec)}, fmt.Errorf("camera %q: %w: %w", spec, err, ErrOffline)
		}
		return Choice{Source: f, Demo: sameFile(spec, demoVideo), Reopen: reopenFile(spec)}, nil
	}
	if _, err := os.Stat("/dev/video0"); err == nil {
		if d, err := OpenDevice(0, width, height); err == nil {
			return Choice{Source: d, Reopen: reopenDevice(0, width, height)}, nil
		}
	}
	if _, err := os.Stat(demoVideo); err != nil {
		// Start offline and keep watching device 0: a camera plugged in
		// later is picked up, and the manual route stays open meanwhile.
		return Choice{Reopen: reopenDevice(0, width, height)},
			fmt.Errorf("no camera at device 0 and no demo video at %s: %w", demoVideo, ErrOffline)
	}
	f, err := OpenFile(demoVideo, true)
	if err != nil {
		return Choice{}, err
	}
	return Choice{Source: f, Demo: true, Reopen: reopenFile(demoVideo)}, nil
}

func reopenDevice(idx, w, h int) Opener {
	return func() (Source, error) { return OpenDevice(idx, w, h) }
}

func reopenFile(path string) Opener {
	return func() (Source, error) { return OpenFile(path, true) }
}

func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}
