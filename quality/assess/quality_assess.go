package assess

import (
	"fmt"
	"image"
	"math"
	"sync"
	"time"

	"gocv.io/x/gocv"

	"veriport/config"

	"veriport/quality"
)

// Assessor judges live frames. Every frame: grey conversion, following the
// traveler's face in a small window (Haar cascade), light and sharpness.
// In two background workers at lower rates: full-frame face scans (face
// count, finding a face to follow, eyes) and dlib's 5 landmarks (pose, exact
// eye positions) on a crop around the followed face; their results are
// moved with the face between updates, so the overlay stays live.
//
// Assess and AssessNow must not be called concurrently; SetFinder and Close
// may be called from any goroutine.
type Assessor struct {
	q     config.Quality
	tr    *Tracker
	sc    *Scanner
	crop  gocv.Mat
	scans chan scanJob
	lms   chan landmarkJob
	done  chan struct{}
	wg    sync.WaitGroup
	now   func() time.Time
	once  sync.Once

	// Owned by the Assess goroutine.
	follow      image.Rectangle // followed face, empty when none
	lastScanned time.Time       // when the newest scan used was taken
	sentScan    time.Time
	sentLM      time.Time

	mu       sync.Mutex
	finder   quality.LandmarkFinder
	lastLM   landmarks
	lastScan scanResult
	scanBusy bool
	lmBusy   bool
}

type scanJob struct {
	grey  gocv.Mat // a clone the worker closes
	focus image.Rectangle
	taken time.Time
	reply chan scanResult // nil: store as lastScan
}

type scanResult struct {
	Scan
	focus image.Rectangle // the face followed when the scan was taken
	taken time.Time
	// confirmed are the faces also found by the scan before (a face seen
	// once may be a cascade false positive on a patterned background).
	confirmed []image.Rectangle
}

// NewAssessor loads the cascades from q.Cascades and starts the workers.
// finder may be nil until the face models are loaded (SetFinder); until
// then pose is unknown and auto-capture cannot fire. It makes OpenCV
// single-threaded for the whole process (see SetOpenCVThreads).
func NewAssessor(q config.Quality, finder quality.LandmarkFinder) (*Assessor, error) {
	SetOpenCVThreads(1)
	tr, err := NewTracker(q.Cascades)
	if err != nil {
		return nil, err
	}
	sc, err := NewScanner(q.Cascades)
	if err != nil {
		tr.Close()
		return nil, err
	}
	a := &Assessor{q: q, tr: tr, sc: sc, crop: gocv.NewMat(), scans: make(chan scanJob, 1),
		lms: make(chan landmarkJob, 1), done: make(chan struct{}), now: time.Now, finder: finder}
	a.wg.Add(2)
	go a.scanWorker()
	go a.landmarkWorker()
	return a, nil
}

// SetFinder installs the landmark finder once the face models are loaded.
func (a *Assessor) SetFinder(f quality.LandmarkFinder) {
	a.mu.Lock()
	a.finder = f
	a.mu.Unlock()
}

// Close stops the workers and frees the cascades and buffers.
func (a *Assessor) Close() {
	a.once.Do(func() {
		close(a.done)
		a.wg.Wait()
		select {
		case j := <-a.scans:
			j.grey.Close()
		default:
		}
		a.tr.Close()
		a.sc.Close()
		a.crop.Close()
	})
}

func (a *Assessor) scanWorker() {
	defer a.wg.Done()
	backgroundThread()
	var prev []image.Rectangle
	for {
		select {
		case <-a.done:
			return
		case j := <-a.scans:
			r := scanResult{Scan: a.sc.Scan(j.grey, j.focus), focus: j.focus, taken: j.taken}
			j.grey.Close()
			if j.reply != nil {
				r.confirmed = r.Faces // one still image: nothing to confirm against
				j.reply <- r
				continue
			}
			for _, f := range r.Faces {
				for _, p := range prev {
					if overlaps(f, p) {
						r.confirmed = append(r.confirmed, f)
						break
					}
				}
			}
			prev = r.Faces
			a.mu.Lock()
			a.lastScan, a.scanBusy = r, false
			a.mu.Unlock()
		}
	}
}

func (a *Assessor) landmarkWorker() {
	defer a.wg.Done()
	backgroundThread()
	for {
		select {
		case <-a.done:
			return
		case j := <-a.lms:
			a.mu.Lock()
			f := a.finder
			a.mu.Unlock()
			var l landmarks
			ok := false
			if f != nil {
				l, ok = j.find(f)
			}
			a.mu.Lock()
			a.lmBusy = false
			if ok {
				a.lastLM = l
			}
			a.mu.Unlock()
		}
	}
}

// Assess judges img with the newest scan and landmarks the workers have,
// and hands each idle worker new work when its interval has passed.
func (a *Assessor) Assess(img *image.RGBA) (quality.QualityReport, error) {
	return a.assess(img, false)
}

// AssessNow judges img with a scan and landmarks made on img itself,
// waiting for them (tests, a final check of a capture).
func (a *Assessor) AssessNow(img *image.RGBA) (quality.QualityReport, error) {
	return a.assess(img, true)
}

func (a *Assessor) assess(img *image.RGBA, now bool) (quality.QualityReport, error) {
	start := a.now()
	frameLum, err := a.tr.Grey(img)
	if err != nil {
		return quality.QualityReport{}, fmt.Errorf("assess frame: %w", err)
	}
	var sc scanResult
	if now {
		reply := make(chan scanResult, 1)
		a.scans <- scanJob{grey: a.tr.grey.Clone(), taken: start, reply: reply}
		sc = <-reply
		a.follow = image.Rectangle{}
	} else {
		sc = a.requestScan(start)
	}
	a.track(sc, start)
	s := faceStats{size: img.Rect.Size(), frameLuminance: frameLum, eyesFound: -1}
	if !a.follow.Empty() {
		// The scan is older than this frame and faces move: the traveler is
		// the scanned face at the place followed when the scan was taken.
		s.faces = 1 + others(sc.confirmed, sc.traveler())
		s.box = a.follow
		// Until landmarks arrive the face box gives the inter-eye distance.
		s.interEye = float64(s.box.Dx()) / quality.FaceWidthPerInterEye
		p := a.tr.Photometry(s.box)
		s.sharpness, s.luminance, s.under, s.over = p.Sharpness, p.Luminance, p.Under, p.Over
		s.dynamicRange, s.uniformity = p.DynamicRange, p.Uniformity
		if start.Sub(sc.taken) < time.Second && len(sc.Faces) > 0 {
			s.eyesFound = len(sc.Eyes)
		}
	}
	var lm landmarks
	fresh := false
	if !s.box.Empty() {
		lm, fresh = a.landmarks(s.box, start, now)
	}
	var pts []image.Point
	var pose quality.Pose
	if fresh {
		pts = lm.follow(s.box)
		pose, fresh = quality.PoseFromLandmarks(pts)
	}
	if fresh {
		s.yaw, s.pitch, s.roll, s.interEye = pose.Yaw, pose.Pitch, pose.Roll, pose.InterEye
	} else {
		s.yaw, s.pitch, s.roll = math.NaN(), math.NaN(), math.NaN()
	}
	if s.box.Empty() {
		s.interEye = math.NaN()
	}
	r := judge(a.q, s)
	switch {
	case fresh:
		r.Landmarks, r.LandmarkAge = pts, start.Sub(lm.taken)
		r.Eyes = [2]image.Point{point(pose.Eyes[0]), point(pose.Eyes[1])}
		r.EyesKnown = true
	case s.eyesFound == 2:
		e0, e1 := centre(sc.Eyes[0]), centre(sc.Eyes[1])
		if e0.X > e1.X {
			e0, e1 = e1, e0
		}
		// Eyes were found where the face was at the scan; move them with it.
		d := centre(s.box).Sub(centre(sc.traveler()))
		r.Eyes, r.EyesKnown = [2]image.Point{e0.Add(d), e1.Add(d)}, true
	}
	r.Elapsed = a.now().Sub(start)
	return r, nil
}

// requestScan hands the scan worker the current frame when it is idle and
// the interval has passed, and returns the newest finished scan.
func (a *Assessor) requestScan(now time.Time) scanResult {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.scanBusy && now.Sub(a.sentScan) >= time.Duration(a.q.ScanIntervalMS)*time.Millisecond {
		a.scanBusy, a.sentScan = true, now
		a.scans <- scanJob{grey: a.tr.grey.Clone(), focus: a.follow, taken: now}
	}
	return a.lastScan
}

// track updates the followed face: follow it in a window around its last
// place; when it is lost, or a newer scan shows a clearly larger face
// elsewhere (the next traveler stepped in), start from the scan's largest.
func (a *Assessor) track(sc scanResult, now time.Time) {
	if !a.follow.Empty() {
		if b, ok := a.tr.Follow(a.follow); ok {
			a.follow = b
		} else {
			a.follow = image.Rectangle{}
		}
	}
	newScan := sc.taken.After(a.lastScanned)
	if !newScan || len(sc.Faces) == 0 || now.Sub(sc.taken) > time.Second {
		return
	}
	a.lastScanned = sc.taken
	big := sc.Faces[0]
	if !a.follow.Empty() && (overlaps(big, a.follow) || 10*big.Dx() < 13*a.follow.Dx()) {
		return
	}
	if b, ok := a.tr.Follow(big); ok {
		a.follow = b
	}
}

// traveler is the scanned face taken as the traveler's: the one at the
// followed place, else the largest.
func (sc scanResult) traveler() image.Rectangle {
	if !sc.focus.Empty() {
		return sc.focus
	}
	if len(sc.Faces) > 0 {
		return sc.Faces[0]
	}
	return image.Rectangle{}
}

// others counts the scanned faces other than the followed one that are big
// enough to be a second person at the booth (faces much smaller are far
// behind and not counted).
func others(faces []image.Rectangle, main image.Rectangle) int {
	n := 0
	for _, f := range faces {
		if !overlaps(f, main) && 10*f.Dx() >= 4*main.Dx() {
			n++
		}
	}
	return n
}

// overlaps reports whether a's centre lies inside b or b's inside a.
func overlaps(a, b image.Rectangle) bool {
	return centre(a).In(b) || centre(b).In(a)
}

// landmarks returns the newest landmarks for the face at box, fresh when
// they are younger than the configured age. In sync mode it finds them now.
func (a *Assessor) landmarks(box image.Rectangle, now time.Time, sync bool) (landmarks, bool) {
	a.mu.Lock()
	f := a.finder
	due := !a.lmBusy && now.Sub(a.sentLM) >= time.Duration(a.q.LandmarkIntervalMS)*time.Millisecond
	a.mu.Unlock()
	if sync {
		job, ok := cropFor(a.tr.grey, box, &a.crop)
		if !ok || f == nil {
			return landmarks{}, false
		}
		job.taken = now
		return job.find(f)
	}
	if f != nil && due {
		if job, ok := cropFor(a.tr.grey, box, &a.crop); ok {
			job.taken = now
			a.mu.Lock()
			a.lmBusy, a.sentLM = true, now
			a.mu.Unlock()
			a.lms <- job // the worker is idle, so the slot is free
		}
	}
	a.mu.Lock()
	l := a.lastLM
	a.mu.Unlock()
	fresh := l.pts != nil && now.Sub(l.taken) <= time.Duration(a.q.LandmarkMaxAgeMS)*time.Millisecond
	return l, fresh
}

// point rounds p to the nearest pixel.
func point(p quality.GuidePoint) image.Point {
	return image.Pt(int(math.Round(p.X)), int(math.Round(p.Y)))
}
