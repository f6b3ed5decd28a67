package remote

import "testing"

func TestLooksLikeFTP(t *testing.T) {
	if !looksLikeFTP([]byte("220 (vsFTPd 3.0.3)\r\n")) {
		t.Fatal("vsftpd greeting not recognised")
	}
	if looksLikeFTP([]byte("SSH-2.0-OpenSSH_9.2\r\n")) || looksLikeFTP([]byte("220 partial")) {
		t.Fatal("false positive")
	}
}
