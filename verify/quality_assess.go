package verify

import (
	"fmt"
	"image"
	"math"
	"sync"
	"time"

	"gocv.io/x/gocv"

	"veriport/config"
)

// Assessor judges live frames: the fast tracker runs on every frame it is
// given, and dlib's landmarks (pose, exact eye positions) come from a
// background worker at a lower rate on a crop around the tracked face, moved
// with the face between updates. Assess and AssessNow are not safe for
// concurrent use with each other; SetFinder and Close may be called from any
// goroutine.
type Assessor struct {
	q     config.Quality
	tr    *Tracker
	crop  gocv.Mat
	jobs  chan landmarkJob
	done  chan struct{}
	wg    sync.WaitGroup
	now   func() time.Time
	sent  time.Time
	close sync.Once

	mu     sync.Mutex
	finder LandmarkFinder
	last   landmarks
	busy   bool
}

// NewAssessor loads the tracker's cascades from q.Cascades and starts the
// landmark worker. finder may be nil until the face models are loaded
// (SetFinder); until then pose is unknown and auto-capture cannot fire.
func NewAssessor(q config.Quality, finder LandmarkFinder) (*Assessor, error) {
	tr, err := NewTracker(q.Cascades)
	if err != nil {
		return nil, err
	}
	a := &Assessor{q: q, tr: tr, crop: gocv.NewMat(), jobs: make(chan landmarkJob, 1),
		done: make(chan struct{}), now: time.Now, finder: finder}
	a.wg.Add(1)
	go a.work()
	return a, nil
}

// SetFinder installs the landmark finder once the face models are loaded.
func (a *Assessor) SetFinder(f LandmarkFinder) {
	a.mu.Lock()
	a.finder = f
	a.mu.Unlock()
}

// Close stops the worker and frees the tracker.
func (a *Assessor) Close() {
	a.close.Do(func() {
		close(a.done)
		a.wg.Wait()
		a.tr.Close()
		a.crop.Close()
	})
}

func (a *Assessor) work() {
	defer a.wg.Done()
	for {
		select {
		case <-a.done:
			return
		case j := <-a.jobs:
			a.mu.Lock()
			f := a.finder
			a.mu.Unlock()
			var l landmarks
			ok := false
			if f != nil {
				l, ok = j.find(f)
			}
			a.mu.Lock()
			a.busy = false
			if ok {
				a.last = l
			}
			a.mu.Unlock()
		}
	}
}

// Assess judges img with the newest landmarks the worker has, and hands the
// worker a new crop when it is idle and the interval has passed.
func (a *Assessor) Assess(img *image.RGBA) (QualityReport, error) {
	return a.assess(img, false)
}

// AssessNow judges img with landmarks found on img itself, waiting for them
// (tests, the benchmark of the slow path, a final check of a capture).
func (a *Assessor) AssessNow(img *image.RGBA) (QualityReport, error) {
	return a.assess(img, true)
}

func (a *Assessor) assess(img *image.RGBA, now bool) (QualityReport, error) {
	start := a.now()
	tr, err := a.tr.Track(img)
	if err != nil {
		return QualityReport{}, fmt.Errorf("assess frame: %w", err)
	}
	var lm landmarks
	fresh := false
	if len(tr.Faces) > 0 {
		lm, fresh = a.landmarks(tr.Faces[0], start, now)
	}
	s := statsOf(img.Rect.Size(), tr, a.q)
	var pts []image.Point
	if fresh {
		pts = lm.follow(tr.Faces[0])
		if p, ok := PoseFromLandmarks(pts); ok {
			s.yaw, s.pitch, s.roll, s.interEye = p.Yaw, p.Pitch, p.Roll, p.InterEye
		}
	}
	r := judge(a.q, s)
	if fresh {
		r.Landmarks = pts
		r.LandmarkAge = start.Sub(lm.taken)
		if p, ok := PoseFromLandmarks(pts); ok {
			r.Eyes = [2]image.Point{image.Pt(int(p.Eyes[0].X), int(p.Eyes[0].Y)), image.Pt(int(p.Eyes[1].X), int(p.Eyes[1].Y))}
			r.EyesKnown = true
		}
	} else if len(tr.Eyes) == 2 {
		e0, e1 := centre(tr.Eyes[0]), centre(tr.Eyes[1])
		if e0.X > e1.X {
			e0, e1 = e1, e0
		}
		r.Eyes, r.EyesKnown = [2]image.Point{e0, e1}, true
	}
	r.Elapsed = a.now().Sub(start)
	return r, nil
}

// landmarks returns the newest landmarks for the face at box, fresh when
// they are younger than the configured age. In sync mode it finds them now.
func (a *Assessor) landmarks(box image.Rectangle, now time.Time, sync bool) (landmarks, bool) {
	job, ok := cropFor(a.tr.grey, box, &a.crop)
	job.taken = now
	a.mu.Lock()
	f := a.finder
	a.mu.Unlock()
	if sync {
		if !ok || f == nil {
			return landmarks{}, false
		}
		return job.find(f)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	interval := time.Duration(a.q.LandmarkIntervalMS) * time.Millisecond
	if ok && f != nil && !a.busy && now.Sub(a.sent) >= interval {
		a.busy, a.sent = true, now
		a.jobs <- job // the worker is idle, so the slot is free
	}
	l := a.last
	fresh := l.pts != nil && now.Sub(l.taken) <= time.Duration(a.q.LandmarkMaxAgeMS)*time.Millisecond
	return l, fresh
}

// statsOf turns a track into the measurements judge needs; pose and the
// exact inter-eye distance are filled in by the caller from landmarks.
func statsOf(size image.Point, tr Track, q config.Quality) faceStats {
	nan := math.NaN()
	s := faceStats{size: size, yaw: nan, pitch: nan, roll: nan, interEye: nan, eyesFound: -1}
	if len(tr.Faces) == 0 {
		return s
	}
	main := tr.Faces[0]
	for _, f := range tr.Faces {
		// Faces much smaller than the traveler's are far behind: not counted.
		if 10*f.Dx() >= 4*main.Dx() {
			s.faces++
		}
	}
	s.box = main
	// Until landmarks arrive the face box gives the inter-eye distance.
	s.interEye = float64(main.Dx()) / faceWidthPerInterEye
	p := tr.Photo
	s.sharpness, s.luminance, s.under, s.over = p.Sharpness, p.Luminance, p.Under, p.Over
	s.dynamicRange, s.uniformity = p.DynamicRange, p.Uniformity
	s.eyesFound = len(tr.Eyes)
	return s
}

func centre(r image.Rectangle) image.Point { return r.Min.Add(r.Max).Div(2) }
