package gallery

// ServiceConfigured reports whether a gallery service is configured; without
// one the manager lists and uses cached galleries only.
func (m *Manager) ServiceConfigured() bool { return m.Client != nil }
