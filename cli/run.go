package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"veriport/camera"
	"veriport/record"
	"veriport/ui"
	"veriport/verify"
)

func init() {
	register(func(env *Env) *cobra.Command {
		return &cobra.Command{
			Use:   "run",
			Short: "Open the workstation window (the default without a subcommand)",
			Args:  cobra.NoArgs,
			RunE:  func(cmd *cobra.Command, _ []string) error { return runGUI(cmd.Context(), env) },
		}
	})
}

// runGUI builds the components from the settings and opens the window.
func runGUI(ctx context.Context, env *Env) error {
	cfg, err := env.Config()
	if err != nil {
		return err
	}
	if err := cfg.Paths.EnsureDataDir(); err != nil {
		return err
	}
	store, err := record.Open(ctx, cfg.Paths.Database)
	if err != nil {
		return err
	}
	defer store.Close()
	keeper, stopPurge, err := startPurgeJob(ctx, env, store, cfg)
	if err != nil {
		return err
	}
	defer stopPurge()
	env.Log.Info("retention", "mode", keeper.Mode(), "vault", keeper.Vault().Dir())
	sender, stopSender, err := startSender(ctx, env, store, keeper, cfg)
	if err != nil {
		return err
	}
	defer stopSender()
	_ = sender

	choice, err := camera.Open(cfg.Camera.Source, cfg.Paths.DemoVideo(), cfg.Camera.Width, cfg.Camera.Height)
	if err != nil {
		return err
	}
	defer choice.Source.Close()
	env.Log.Info("workstation starting", "source", choice.Source.Name(), "demo", choice.Demo,
		"database", cfg.Paths.Database)

	var engine *verify.Engine
	slot := &engineSlot{}
	defer func() {
		if engine != nil {
			engine.Close()
		}
	}()
	loadModels := func() (string, error) {
		e, err := verify.Open(cfg.Paths.ModelsDir)
		if err != nil {
			return "", err
		}
		engine = e
		slot.set(e)
		return fmt.Sprintf("loaded (%d files) from %s", len(verify.ModelFiles), cfg.Paths.ModelsDir), nil
	}
	wf, err := buildWorkflow(ctx, env, cfg, store, keeper, slot, choice.Demo || cfg.Demo)
	if err != nil {
		return err
	}
	return ui.Run(ctx, ui.Deps{
		Workflow:   wf,
		Source:     choice.Source,
		Demo:       choice.Demo || cfg.Demo,
		Database:   cfg.Paths.Database,
		LoadModels: loadModels,
		Log:        env.Log,
	})
}
