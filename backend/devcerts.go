package backend

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// DevCerts names the files WriteDevCerts makes: a throw-away CA, a server
// certificate for localhost and 127.0.0.1, a client certificate for each
// of DevStations (the first is ClientCert) and a supervisor's client
// certificate that reads every station's results. They are for demos and
// tests only.
type DevCerts struct {
	CA, ServerCert, ServerKey, ClientCert, ClientKey string
	SupervisorCert, SupervisorKey                    string
}

// DevStations are the stations dev client certificates are made for: the
// default station first. A booth certificate names its station in its
// subject's common name; the back end binds results to it.
var DevStations = []string{"booth-1", "booth-2"}

// StationCert is where WriteDevCerts puts the client certificate and key
// of one of DevStations.
func (d DevCerts) StationCert(station string) (cert, key string) {
	if station == DevStations[0] {
		return d.ClientCert, d.ClientKey
	}
	dir := filepath.Dir(d.CA)
	return filepath.Join(dir, "client-"+station+".pem"), filepath.Join(dir, "client-"+station+".key")
}

// DevCertFiles is where WriteDevCerts puts its files in dir.
func DevCertFiles(dir string) DevCerts {
	j := func(n string) string { return filepath.Join(dir, n) }
	return DevCerts{CA: j("ca.pem"), ServerCert: j("server.pem"), ServerKey: j("server.key"),
		ClientCert: j("client.pem"), ClientKey: j("client.key"),
		SupervisorCert: j("supervisor.pem"), SupervisorKey: j("supervisor.key")}
}

// WriteDevCerts makes a CA and signs a server and a client certificate with
// it (ECDSA P-256, valid for validity), writing them into dir. The CA's
// private key is not kept.
func WriteDevCerts(dir string, validity time.Duration) (DevCerts, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return DevCerts{}, err
	}
	files := DevCertFiles(dir)
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return DevCerts{}, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: "Veriport demo gallery CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(validity), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return DevCerts{}, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return DevCerts{}, err
	}
	if err := writePEM(files.CA, "CERTIFICATE", caDER, 0o644); err != nil {
		return DevCerts{}, err
	}
	type leaf struct {
		cert, key string
		name      pkix.Name
		usage     x509.ExtKeyUsage
	}
	leaves := []leaf{{files.ServerCert, files.ServerKey, pkix.Name{CommonName: "localhost"}, x509.ExtKeyUsageServerAuth},
		{files.SupervisorCert, files.SupervisorKey, pkix.Name{CommonName: "Demo supervisor",
			OrganizationalUnit: []string{"supervisor"}}, x509.ExtKeyUsageClientAuth}}
	for _, st := range DevStations {
		c, k := files.StationCert(st)
		leaves = append(leaves, leaf{c, k, pkix.Name{CommonName: st}, x509.ExtKeyUsageClientAuth})
	}
	for _, l := range leaves {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return DevCerts{}, err
		}
		tmpl := &x509.Certificate{
			SerialNumber: serial(), Subject: l.name,
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(validity), KeyUsage: x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{l.usage},
		}
		if l.usage == x509.ExtKeyUsageServerAuth {
			tmpl.DNSNames = []string{"localhost"}
			tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			return DevCerts{}, err
		}
		kder, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return DevCerts{}, err
		}
		if err := writePEM(l.cert, "CERTIFICATE", der, 0o644); err != nil {
			return DevCerts{}, err
		}
		if err := writePEM(l.key, "PRIVATE KEY", kder, 0o600); err != nil {
			return DevCerts{}, err
		}
	}
	return files, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}

func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	if err := writeFileAtomic(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// writeFileAtomic writes through a temporary file and a rename, so a
// certificate or key is never seen half written.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".devcert-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
