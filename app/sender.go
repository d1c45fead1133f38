package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"veriport/config"
	"veriport/gallery"
	"veriport/record"
	"veriport/retention"
	"veriport/transmit"
)

// StartSender runs the result sender in the background when a back end is
// configured (gallery.service with a client certificate): results are
// delivered over the same mutual-TLS trust setup as gallery downloads, and
// each acknowledgment is recorded on the encounter (a partner deployment
// purges the photo then). Without a back end results stay in the outbox.
// The returned Sender may be nil; stop waits for it to end.
func StartSender(ctx context.Context, log *slog.Logger, store *record.Store, keeper *retention.Keeper,
	cfg config.Config) (*transmit.Sender, func(), error) {
	g := cfg.Gallery
	if g.Service == "" || g.ClientCert == "" || g.CA == "" {
		log.Info("result transmittal off: no back end configured; results wait in the outbox")
		return nil, func() {}, nil
	}
	tlsCfg, err := gallery.ClientTLS(g.ClientCert, g.ClientKey, g.CA)
	if err != nil {
		return nil, nil, err
	}
	s := &transmit.Sender{Store: store, BaseURL: g.Service, Client: transmit.HTTPClient(tlsCfg, 30*time.Second),
		MaxBackoff: 2 * time.Minute, Acknowledge: keeper.Acknowledge, Log: log}
	if keeper.Mode() == retention.ModePartner {
		s.OnDead = keeper.EndTransmittal // a partner keeps no photo once transmittal is over
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.Run(ctx)
	}()
	return s, func() { cancel(); wg.Wait() }, nil
}
