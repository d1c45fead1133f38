package config

import "path/filepath"

// DemoDirName is the demo profile's data folder inside the data folder.
const DemoDirName = "demo"

// DemoProfile is c for the demo profile (the demo video standing in for a
// camera, the demo officer, the demo gallery): the same settings on a data
// folder of its own, <data>/demo, with its own database, vault, master key
// and gallery cache, so that demo credentials and demo encounters never
// reach the operational store.
func (c Config) DemoProfile() Config {
	d := c
	d.Demo = true
	d.Paths.DataDir = filepath.Join(c.Paths.DataDir, DemoDirName)
	d.Paths.Database = filepath.Join(d.Paths.DataDir, filepath.Base(c.Paths.Database))
	d.Retention.MasterKeyFile = "" // master.key in the demo folder, never the operational key
	return d
}
