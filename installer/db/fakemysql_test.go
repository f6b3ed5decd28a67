package db

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"
)

// fakeMySQL is a hostile MySQL server on loopback: it greets like MySQL
// 5.7, optionally offers TLS with its own self-signed certificate, and
// then asks for the password in the way mode names. It records whether
// the password reached it, in clear or RSA-wrapped (it holds the RSA
// private key, so it decrypts what the client sends, as an attacker
// would).
type fakeMySQL struct {
	t        testing.TB
	ln       net.Listener
	cert     *tls.Certificate // nil: TLS is not offered
	mode     string           // "sha256_password", "caching_sha2_full", "mysql_clear_password", "native"
	key      *rsa.PrivateKey
	password string

	mu          sync.Mutex
	gotPassword bool
	clientBytes int // bytes of client packets after the greeting
}

func newFakeMySQL(t testing.TB, mode, password string, cert *tls.Certificate) *fakeMySQL {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeMySQL{t: t, ln: ln, cert: cert, mode: mode, key: key, password: password}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return f
}

func (f *fakeMySQL) port() int { return f.ln.Addr().(*net.TCPAddr).Port }

func (f *fakeMySQL) received() (password bool, bytes int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gotPassword, f.clientBytes
}

// check looks for the password in a client packet: in clear, or as the
// RSA-OAEP ciphertext of password^scramble the driver sends.
func (f *fakeMySQL) check(payload, scramble []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clientBytes += len(payload)
	if bytes.Contains(payload, []byte(f.password)) {
		f.gotPassword = true
	}
	for i := 0; i+256 <= len(payload); i++ {
		plain, err := rsa.DecryptOAEP(sha1.New(), nil, f.key, payload[i:i+256], nil)
		if err != nil {
			continue
		}
		for j := range plain {
			plain[j] ^= scramble[j%len(scramble)]
		}
		if bytes.HasPrefix(plain, []byte(f.password)) {
			f.gotPassword = true
		}
	}
}

type mysqlWire struct {
	rw  io.ReadWriter
	seq byte
}

func (w *mysqlWire) read() ([]byte, error) {
	var h [4]byte
	if _, err := io.ReadFull(w.rw, h[:]); err != nil {
		return nil, err
	}
	n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
	w.seq = h[3] + 1
	p := make([]byte, n)
	_, err := io.ReadFull(w.rw, p)
	return p, err
}

func (w *mysqlWire) write(p []byte) error {
	h := []byte{byte(len(p)), byte(len(p) >> 8), byte(len(p) >> 16), w.seq}
	w.seq++
	_, err := w.rw.Write(append(h, p...))
	return err
}

var okPacket = []byte{0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00}

func (f *fakeMySQL) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	scramble := []byte("abcdefghijklmnopqrst")
	caps := uint32(0x1 | 0x8 | 0x200 | 0x8000 | 0x80000)
	if f.cert != nil {
		caps |= 0x800
	}
	g := []byte{10}
	g = append(g, "5.7.99-hostile\x00"...)
	g = append(g, 1, 0, 0, 0)
	g = append(g, scramble[:8]...)
	g = append(g, 0)
	g = binary.LittleEndian.AppendUint16(g, uint16(caps))
	g = append(g, 0x21, 2, 0)
	g = binary.LittleEndian.AppendUint16(g, uint16(caps>>16))
	g = append(g, 21)
	g = append(g, make([]byte, 10)...)
	g = append(g, scramble[8:]...)
	g = append(g, 0)
	g = append(g, "mysql_native_password\x00"...)
	w := &mysqlWire{rw: c}
	if err := w.write(g); err != nil {
		return
	}
	p, err := w.read()
	if err != nil {
		return
	}
	if f.cert != nil && len(p) == 32 {
		tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{*f.cert}})
		if err := tc.Handshake(); err != nil {
			return
		}
		w.rw = tc
		if p, err = w.read(); err != nil {
			return
		}
	}
	f.check(p, scramble)
	pem := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: mustPKIX(f.key)})
	switch f.mode {
	case "native":
	case "sha256_password", "mysql_clear_password", "caching_sha2_full":
		plugin := f.mode
		if plugin == "caching_sha2_full" {
			plugin = "caching_sha2_password"
		}
		if err := w.write(append(append([]byte{0xfe}, plugin+"\x00"...), append(scramble, 0)...)); err != nil {
			return
		}
		for step := 0; step < 4; step++ {
			if p, err = w.read(); err != nil {
				return
			}
			f.check(p, scramble)
			switch {
			case f.mode == "caching_sha2_full" && len(p) == 32:
				err = w.write([]byte{0x01, 0x04}) // perform full authentication
			case len(p) == 1 && (p[0] == 1 || p[0] == 2): // the client asks for the RSA key
				err = w.write(append([]byte{0x01}, pem...))
			default:
				step = 4 // the answer came: whatever it was, accept it
			}
			if err != nil {
				return
			}
		}
	}
	if err := w.write(okPacket); err != nil {
		return
	}
	for {
		p, err := w.read()
		if err != nil || len(p) == 0 || p[0] == 0x01 { // COM_QUIT
			return
		}
		f.check(p, scramble)
		if err := w.write(okPacket); err != nil {
			return
		}
	}
}

func mustPKIX(k *rsa.PrivateKey) []byte {
	b, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		panic(err)
	}
	return b
}

// selfSigned is a certificate for 127.0.0.1 that no authority signed.
func selfSigned(t testing.TB) *tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
