package traveler

import (
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"veriport/encounter"
	"veriport/quality"
	"veriport/retention"
)

// The twelve languages the booth must speak.
var wantLanguages = []string{"en", "es", "fr", "de", "zh", "ja", "ko", "ar", "hi", "pt", "ru", "vi"}

// TestEveryLanguageFileHasEveryKey reads every file of traveler/lang and
// checks each has a text for every message key, and no other key.
func TestEveryLanguageFileHasEveryKey(t *testing.T) {
	c := Default()
	if len(c) != len(wantLanguages) {
		t.Fatalf("%d languages, want %d", len(c), len(wantLanguages))
	}
	for _, code := range wantLanguages {
		l := c.ByCode(code)
		if l == nil {
			t.Fatalf("no language file for %s", code)
		}
		for _, k := range Keys {
			if strings.TrimSpace(l.Messages[k]) == "" {
				t.Errorf("%s: no text for %s", code, k)
			}
		}
		if len(l.Messages) != len(Keys) {
			t.Errorf("%s: %d messages, want %d", code, len(l.Messages), len(Keys))
		}
		if got := l.Countdown(3); !strings.Contains(got, "3") || strings.Contains(got, "{n}") {
			t.Errorf("%s: countdown %q", code, got)
		}
	}
	if !c.ByCode("ar").RTL() || c.ByCode("en").RTL() || c.ByCode("zh").RTL() {
		t.Error("only Arabic is right to left")
	}
}

// A file that lacks a key, or names an unknown one, is refused.
func TestLanguageFileMissingKeyRefused(t *testing.T) {
	sub, err := fs.Sub(embedded, "lang")
	if err != nil {
		t.Fatal(err)
	}
	en, err := fs.ReadFile(sub, "en.toml")
	if err != nil {
		t.Fatal(err)
	}
	missing := strings.Replace(string(en), `"guide.closer" = "Step closer"`, "", 1)
	if missing == string(en) {
		t.Fatal("test data: guide.closer not found in en.toml")
	}
	if _, err := Load(fstest.MapFS{"en.toml": {Data: []byte(missing)}}); err == nil || !strings.Contains(err.Error(), "guide.closer") {
		t.Fatalf("missing key accepted: %v", err)
	}
	extra := strings.Replace(string(en), "[messages]", "[messages]\n\"guide.fly\" = \"Fly\"", 1)
	if _, err := Load(fstest.MapFS{"en.toml": {Data: []byte(extra)}}); err == nil {
		t.Fatal("unknown key accepted")
	}
	if _, err := Load(fstest.MapFS{"en.toml": {Data: en}}); err != nil {
		t.Fatalf("the English file alone: %v", err)
	}
}

// TestNoticeNamesRuleSetAndRetention: every language has a notice for
// every rule set of encounter/rules.toml, stating the U.S. citizens'
// retention of the retention schedule in force for it, in hours, in its
// text.
func TestNoticeNamesRuleSetAndRetention(t *testing.T) {
	sched := retention.DefaultSchedule()
	for _, rs := range encounter.DefaultRules() {
		hours := 0
		for _, r := range sched.For(rs.EffectiveFrom).Rules {
			if r.Category == retention.CategoryUSCitizen {
				hours = int(r.Keep.Hours())
			}
		}
		if hours != 12 {
			t.Fatalf("rule set %s: U.S. citizens' retention %d h, the seed says 12", rs.ID, hours)
		}
		for _, l := range Default() {
			n, ok := l.Notice(rs.ID)
			if !ok {
				t.Errorf("%s: no notice for rule set %s", l.Code, rs.ID)
				continue
			}
			if n.RetentionHours != hours {
				t.Errorf("%s: notice for %s says %d h, the schedule %d h", l.Code, rs.ID, n.RetentionHours, hours)
			}
			if !strings.Contains(n.Text, strconv.Itoa(hours)) {
				t.Errorf("%s: notice for %s does not state %d hours: %q", l.Code, rs.ID, hours, n.Text)
			}
			if !rs.CitizensMayOptOut {
				t.Errorf("rule set %s: citizens may not opt out, but the notice says they may decline", rs.ID)
			}
		}
	}
	if _, ok := Default().English().Notice("no-such-rules"); ok {
		t.Error("a notice for an unknown rule set")
	}
}

// Translations not written by a native speaker say so in their file.
func TestTranslationsMarked(t *testing.T) {
	for _, l := range Default() {
		if l.Code == "en" {
			if !l.NativeSpeaker {
				t.Error("English is the source text")
			}
			continue
		}
		if l.NativeSpeaker || !strings.Contains(l.Translation, "not by a native speaker") {
			t.Errorf("%s: translation not marked: native_speaker=%v translation=%q", l.Code, l.NativeSpeaker, l.Translation)
		}
	}
}

func TestLanguageForNationality(t *testing.T) {
	c := Default()
	for nat, want := range map[string]string{"DEU": "de", "D<<": "de", "sau": "ar", "CHN": "zh", "JPN": "ja",
		"KOR": "ko", "BRA": "pt", "MEX": "es", "FRA": "fr", "IND": "hi", "RUS": "ru", "VNM": "vi", "USA": "en", "XXX": "en", "": "en"} {
		if got := c.ForNationality(nat).Code; got != want {
			t.Errorf("%q: %s, want %s", nat, got, want)
		}
	}
	if c.After(c.English()) == c.English() || c.After(c[len(c)-1]) != c.English() {
		t.Error("the language key does not step through every language and back")
	}
}

// Every capture guidance sentence has its own traveler message.
func TestGuidanceKeys(t *testing.T) {
	for _, say := range []string{quality.SayStepIn, quality.SayOnePerson, quality.SayCloser, quality.SayBack,
		quality.SayCentre, quality.SayMoreLight, quality.SayLessLight, quality.SayEvenLight, quality.SayFaceCamera,
		quality.SayChinLevel, quality.SayHeadLevel, quality.SayHoldStill, quality.SayEyesOpen} {
		if _, ok := guidanceKeys[say]; !ok {
			t.Errorf("no traveler message for %q", say)
		}
	}
	if GuidanceKey(quality.SayCloser) != KeyCloser || GuidanceKey(quality.SayBack) != KeyFurther || GuidanceKey("") != KeyLook {
		t.Error("guidance keys")
	}
}
