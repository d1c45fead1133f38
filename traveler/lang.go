package traveler

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Message keys: every language file has every one.
const (
	KeyIdleTitle      = "idle.title"
	KeyIdleStep1      = "idle.step1"
	KeyIdleStep2      = "idle.step2"
	KeyIdleStep3      = "idle.step3"
	KeyStepIn         = "guide.step_in"
	KeyLook           = "guide.look"
	KeyCloser         = "guide.closer"
	KeyFurther        = "guide.further"
	KeyCentre         = "guide.centre"
	KeyGlassesHat     = "guide.glasses_hat"
	KeyHoldStill      = "guide.hold_still"
	KeyOnePerson      = "guide.one_person"
	KeyLight          = "guide.light"
	KeyHeadLevel      = "guide.head_level"
	KeyCountdown      = "countdown" // {n}: the number counted down
	KeyChecking       = "checking"
	KeyProceed        = "outcome.proceed"
	KeySeeOfficer     = "outcome.officer"
	KeyOptOut         = "optout.text"
	KeyLanguageHint   = "language.hint"
	countdownNumber   = "{n}"
	defaultLanguageID = "en"
)

// Keys is every message key, in the order of the files.
var Keys = []string{KeyIdleTitle, KeyIdleStep1, KeyIdleStep2, KeyIdleStep3,
	KeyStepIn, KeyLook, KeyCloser, KeyFurther, KeyCentre, KeyGlassesHat, KeyHoldStill,
	KeyOnePerson, KeyLight, KeyHeadLevel, KeyCountdown, KeyChecking,
	KeyProceed, KeySeeOfficer, KeyOptOut, KeyLanguageHint}

// ErrLanguage reports a language file that cannot be used.
var ErrLanguage = errors.New("traveler language file is invalid")

//go:embed lang/*.toml
var embedded embed.FS

// Notice is the notice of the right to decline as one language states it
// for the rule sets it names.
type Notice struct {
	RuleSets []string `toml:"rule_sets"` // encounter rule-set ids
	// RetentionHours is the U.S. citizens' photo retention the text
	// states, in hours.
	RetentionHours int    `toml:"retention_hours"`
	Title          string `toml:"title"`
	Text           string `toml:"text"`
}

// Language is one language file.
type Language struct {
	Code        string `toml:"code"` // ISO 639-1
	Name        string `toml:"name"` // in the language itself
	EnglishName string `toml:"english_name"`
	Direction   string `toml:"direction"` // "ltr" or "rtl"
	// NativeSpeaker is false for a translation not written (or not yet
	// reviewed) by a native speaker; Translation says how it was made.
	NativeSpeaker bool              `toml:"native_speaker"`
	Translation   string            `toml:"translation"`
	Messages      map[string]string `toml:"messages"`
	Notices       []Notice          `toml:"notice"`
}

// RTL reports whether the language is written right to left.
func (l *Language) RTL() bool { return l.Direction == "rtl" }

// Text is the message for key, or the key itself when it is missing (the
// tests prove none is).
func (l *Language) Text(key string) string {
	if s, ok := l.Messages[key]; ok {
		return s
	}
	return key
}

// Countdown is the countdown message with its number.
func (l *Language) Countdown(n int) string {
	return strings.ReplaceAll(l.Text(KeyCountdown), countdownNumber, strconv.Itoa(n))
}

// Notice returns the notice written for the rule set with that id.
func (l *Language) Notice(ruleSet string) (Notice, bool) {
	for _, n := range l.Notices {
		if slices.Contains(n.RuleSets, ruleSet) {
			return n, true
		}
	}
	return Notice{}, false
}

func (l *Language) validate(file string) error {
	switch {
	case l.Code == "" || l.Code+".toml" != file:
		return fmt.Errorf("%w: %s: code %q does not name the file", ErrLanguage, file, l.Code)
	case l.Name == "" || l.EnglishName == "":
		return fmt.Errorf("%w: %s: name and english_name are needed", ErrLanguage, file)
	case l.Direction != "ltr" && l.Direction != "rtl":
		return fmt.Errorf("%w: %s: direction %q is not ltr or rtl", ErrLanguage, file, l.Direction)
	case !l.NativeSpeaker && l.Translation == "":
		return fmt.Errorf("%w: %s: a translation not by a native speaker says so in translation", ErrLanguage, file)
	case len(l.Notices) == 0:
		return fmt.Errorf("%w: %s: no notice of the right to decline", ErrLanguage, file)
	}
	for _, k := range Keys {
		if strings.TrimSpace(l.Messages[k]) == "" {
			return fmt.Errorf("%w: %s: message %q missing", ErrLanguage, file, k)
		}
	}
	for k := range l.Messages {
		if !slices.Contains(Keys, k) {
			return fmt.Errorf("%w: %s: unknown message %q", ErrLanguage, file, k)
		}
	}
	if !strings.Contains(l.Messages[KeyCountdown], countdownNumber) {
		return fmt.Errorf("%w: %s: countdown has no %s", ErrLanguage, file, countdownNumber)
	}
	for i, n := range l.Notices {
		if len(n.RuleSets) == 0 || n.Title == "" || n.Text == "" || n.RetentionHours <= 0 {
			return fmt.Errorf("%w: %s: notice %d needs rule_sets, retention_hours, title and text", ErrLanguage, file, i+1)
		}
	}
	return nil
}

// Catalogue is every language, English first, then by code.
type Catalogue []*Language

// Load reads every language file of fsys (*.toml at its root).
func Load(fsys fs.FS) (Catalogue, error) {
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, fmt.Errorf("list language files: %w", err)
	}
	var c Catalogue
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read language file %s: %w", name, err)
		}
		l := &Language{}
		md, err := toml.Decode(string(data), l)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrLanguage, name, err)
		}
		if und := md.Undecoded(); len(und) > 0 {
			return nil, fmt.Errorf("%w: %s: unknown key %s", ErrLanguage, name, und[0])
		}
		if err := l.validate(path.Base(name)); err != nil {
			return nil, err
		}
		c = append(c, l)
	}
	if c.ByCode(defaultLanguageID) == nil {
		return nil, fmt.Errorf("%w: no English file", ErrLanguage)
	}
	sort.SliceStable(c, func(i, j int) bool {
		if (c[i].Code == defaultLanguageID) != (c[j].Code == defaultLanguageID) {
			return c[i].Code == defaultLanguageID
		}
		return c[i].Code < c[j].Code
	})
	return c, nil
}

// Default is the catalogue built into the binary (traveler/lang).
func Default() Catalogue {
	sub, err := fs.Sub(embedded, "lang")
	if err == nil {
		var c Catalogue
		if c, err = Load(sub); err == nil {
			return c
		}
	}
	panic(fmt.Sprintf("embedded traveler languages: %v", err)) // a build defect, caught by the tests
}

// ByCode returns the language with that code, nil when there is none.
func (c Catalogue) ByCode(code string) *Language {
	for _, l := range c {
		if l.Code == code {
			return l
		}
	}
	return nil
}

// English is the default language.
func (c Catalogue) English() *Language { return c.ByCode(defaultLanguageID) }

// After is the language after l, wrapping round: the traveler's language
// key steps through them.
func (c Catalogue) After(l *Language) *Language {
	i := slices.Index(c, l)
	return c[(i+1)%len(c)]
}
