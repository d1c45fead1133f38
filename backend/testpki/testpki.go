// Package testpki is a throw-away certificate authority for tests of the
// booth and the reference back end over mutual TLS: a CA, a server
// certificate for 127.0.0.1, and client certificates for stations and roles.
// Tests only: nothing it makes outlives the test.
package testpki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// PKI is a throwaway CA with a server and a client certificate.
type PKI struct {
	t      testing.TB
	CA     *x509.Certificate
	CAKey  *ecdsa.PrivateKey
	Pool   *x509.CertPool // holds CA
	CADER  []byte         // CA's certificate, DER
	Server tls.Certificate
	Client tls.Certificate // station "booth-1"
}

// New makes a CA, a server certificate for 127.0.0.1 and a client
// certificate for station "booth-1".
func New(t testing.TB) *PKI {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTpl, caTpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leaf := func(serial int64, usage x509.ExtKeyUsage) tls.Certificate {
		name := pkix.Name{CommonName: "localhost"}
		if usage == x509.ExtKeyUsageClientAuth {
			name.CommonName = "booth-1" // the station of the tests' results
		}
		return IssueLeaf(t, ca, caKey, serial, usage, name)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &PKI{t: t, CA: ca, CAKey: caKey, Pool: pool, CADER: caDER, Server: leaf(2, x509.ExtKeyUsageServerAuth),
		Client: leaf(3, x509.ExtKeyUsageClientAuth)}
}

var leafSerial atomic.Int64

// ClientFor is a client certificate for a station (ou "") or a role
// (ou "supervisor", "auditor").
func (p *PKI) ClientFor(cn, ou string) tls.Certificate {
	name := pkix.Name{CommonName: cn}
	if ou != "" {
		name.OrganizationalUnit = []string{ou}
	}
	return IssueLeaf(p.t, p.CA, p.CAKey, 100+leafSerial.Add(1), x509.ExtKeyUsageClientAuth, name)
}

// ClientWith trusts p's CA and presents cert.
func (p *PKI) ClientWith(cert tls.Certificate) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs: p.Pool, Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12,
	}}}
}

// IssueLeaf signs a certificate for name with ca (valid for an hour either
// side of now, for 127.0.0.1).
func IssueLeaf(t testing.TB, ca *x509.Certificate, caKey *ecdsa.PrivateKey, serial int64, usage x509.ExtKeyUsage, name pkix.Name) tls.Certificate {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: name,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// Serve starts an HTTPS server on 127.0.0.1 that requires a client
// certificate from p's CA.
func (p *PKI) Serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{p.Server},
		ClientCAs:    p.Pool, ClientAuth: tls.RequireAndVerifyClientCert,
		MinVersion: tls.VersionTLS12,
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// HTTPClient trusts p's CA and presents p's client certificate.
func (p *PKI) HTTPClient() *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs: p.Pool, Certificates: []tls.Certificate{p.Client}, MinVersion: tls.VersionTLS12,
	}}}
}
