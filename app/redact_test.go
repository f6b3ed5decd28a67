package app

import (
	"bufio"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/ocsetup/ocsetup/installer/check"
)

// echoingFTP is a hostile FTP server on loopback that refuses TLS and
// answers PASS with a 530 that quotes the password, URL-encoded and as
// it came, as some servers and proxies do in their error text.
func echoingFTP(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				fmt.Fprintf(c, "220 hostile\r\n")
				sc := bufio.NewScanner(c)
				for sc.Scan() {
					cmd, arg, _ := strings.Cut(sc.Text(), " ")
					switch strings.ToUpper(cmd) {
					case "USER":
						fmt.Fprintf(c, "331 password please\r\n")
					case "PASS":
						fmt.Fprintf(c, "530 login %s (%s) rejected\r\n", arg, url.QueryEscape(arg))
					case "QUIT":
						fmt.Fprintf(c, "221 bye\r\n")
						return
					default:
						fmt.Fprintf(c, "500 no\r\n")
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// The CLI's live output (here the login error that quotes the server's
// reply) hides the password in every form the server may echo it.
func TestLiveOutputHidesSecrets(t *testing.T) {
	addr := echoingFTP(t)
	password := "pa ss@w/ord&<x>"
	vars := map[string]string{PasswordVar: password, DataDirVar: t.TempDir()}
	code, out, errOut := run(t, vars, "detect", "ftp://shop@"+addr+"/", "--allow-plain")
	if code == 0 {
		t.Fatalf("exit 0 against a server that refuses the login:\n%s\n%s", out, errOut)
	}
	if !strings.Contains(errOut, "[hidden]") {
		t.Fatalf("the server's reply did not reach stderr, the test proves nothing:\n%s", errOut)
	}
	for _, f := range check.SecretForms(password) {
		if strings.Contains(out+errOut, f) {
			t.Fatalf("the output holds the password as %q:\n%s\n%s", f, out, errOut)
		}
	}
}
