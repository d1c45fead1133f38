package cli

import (
	"context"
	"fmt"
	"image"
	"time"

	"github.com/spf13/cobra"

	"veriport/app"
	"veriport/verify"
)

// Decisions identify prints besides the policy's outcomes.
const (
	decisionNoFace    = "no-face"
	decisionManyFaces = "many-faces"
)

// identifyReport is what identify prints. Subject is set for a match or an
// ambiguous result; distance and margin are null when undefined.
type identifyReport struct {
	Engine   verify.EngineName `json:"engine"` // the gallery file's, which made the probe's template
	Decision string            `json:"decision"`
	Subject  string            `json:"subject"`
	Distance *float64          `json:"distance"`
	Margin   *float64          `json:"margin"`
	// Threshold is the one decided with: the gallery's calibrated one, or
	// the configured one (ThresholdCalibrated false).
	Threshold           float64 `json:"threshold"`
	ThresholdCalibrated bool    `json:"threshold_calibrated"`
	Ms                  float64 `json:"ms"`
	Faces               int     `json:"-"`
}

// identifyCmd is `veriport identify`: one photo searched against a
// template file.
func identifyCmd(env *Env) *cobra.Command {
	var galleryPath, imagePath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "identify --gallery G.jsonl --image IMG",
		Short: "Search one photo against a template file and decide: match, no-match or ambiguous",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := env.Config()
			if err != nil {
				return err
			}
			es, err := verifyReadTemplates(galleryPath, "gallery")
			if err != nil {
				return err
			}
			img, err := verifyLoadImage(imagePath)
			if err != nil {
				return err
			}
			name, err := templatesEngine(es, galleryPath)
			if err != nil {
				return err
			}
			engine, err := verify.OpenEngine(name, cfg.Paths.ModelsDir)
			if err != nil {
				return err
			}
			defer engine.Close()
			ix := verifyIndex(es)
			p := app.PolicyFor(cfg, name)
			o := app.CalibrationOptions(cfg)
			o.DuplicateBelow = name.DuplicateBelow()
			cal := verify.CalibrateGallery(ix, verify.EnrolledTemplates(es), p, o)
			cal.Engine = name
			app.LogCalibration(env.Log, "gallery file", cal)
			p.Threshold, p.Linked = cal.Threshold, cal.LinkedTravelers()
			rep, err := identify(cmd.Context(), engine, ix, p, img)
			if err != nil {
				return err
			}
			rep.Threshold, rep.ThresholdCalibrated = cal.Threshold, cal.Calibrated
			if asJSON {
				return env.PrintJSON(rep)
			}
			fmt.Fprintf(env.Stdout, "%s %s (distance %s, margin %s) in %.0f ms\n", rep.Decision, rep.Subject,
				fmtOpt(rep.Distance), fmtOpt(rep.Margin), rep.Ms)
			return nil
		},
	}
	cmd.Flags().StringVar(&galleryPath, "gallery", "", "template file to search (JSONL)")
	cmd.Flags().StringVar(&imagePath, "image", "", "photo of the traveler (JPEG or PNG)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// identify is template + search + decision on one image, timed.
func identify(ctx context.Context, e verify.FaceEngine, ix *verify.Index, p verify.Policy, img image.Image) (identifyReport, error) {
	start := time.Now()
	faces, err := e.FacesAt(ctx, img, verify.Live)
	if err != nil {
		return identifyReport{}, err
	}
	rep := identifyReport{Faces: len(faces), Engine: e.Name()}
	switch len(faces) {
	case 0:
		rep.Decision = decisionNoFace
	case 1:
		d := p.Decide(ix.Search(&faces[0].Template, 2))
		rep.Decision, rep.Subject = string(d.Outcome), d.Subject
		rep.Distance, rep.Margin = verify.Finite(d.Distance), verify.Finite(d.Margin)
	default:
		rep.Decision = decisionManyFaces
	}
	rep.Ms = float64(time.Since(start).Microseconds()) / 1000
	return rep, nil
}

func fmtOpt(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.4f", *v)
}
