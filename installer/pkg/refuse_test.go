package pkg

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"strings"
	"testing"
)

// good is a valid base that each bad case adds one entry to, so the
// refusal can only come from that entry.
func good() []zent {
	return []zent{file("upload/admin/controller/extension/payment/foo.php", phpBody)}
}

func TestRefusals(t *testing.T) {
	cases := []struct {
		name string
		ents []zent
		lim  Limits
		want Reason
	}{
		{"dot-dot", []zent{file("upload/../../index.php", "x")}, Limits{}, ReasonTraversal},
		{"dot-dot at top", []zent{file("../evil.php", "x")}, Limits{}, ReasonTraversal},
		{"dot-dot folder", []zent{{name: "upload/admin/../../"}}, Limits{}, ReasonTraversal},
		{"absolute", []zent{file("/etc/cron.d/evil", "x")}, Limits{}, ReasonAbsolute},
		{"drive letter", []zent{file("C:/inetpub/wwwroot/evil.php", "x")}, Limits{}, ReasonDriveLetter},
		{"drive letter relative", []zent{file("c:evil.php", "x")}, Limits{}, ReasonDriveLetter},
		{"backslash", []zent{file(`upload\admin\evil.php`, "x")}, Limits{}, ReasonBackslash},
		{"backslash dot-dot", []zent{file(`upload/..\..\evil.php`, "x")}, Limits{}, ReasonBackslash},
		{"invalid UTF-8", []zent{file("upload/admin/\xff\xfe.php", "x")}, Limits{}, ReasonInvalidUTF8},
		{"control character", []zent{file("upload/admin/a\nb.php", "x")}, Limits{}, ReasonBadName},
		{"NTFS stream", []zent{file("upload/admin/a.php::$DATA", "x")}, Limits{}, ReasonBadName},
		{"empty segment", []zent{file("upload//admin/a.php", "x")}, Limits{}, ReasonBadName},
		{"dot segment", []zent{file("upload/./admin/a.php", "x")}, Limits{}, ReasonBadName},
		{"trailing dot", []zent{file("upload/admin/a.php.", "x")}, Limits{}, ReasonBadName},
		{"trailing space", []zent{file("upload/admin /a.php", "x")}, Limits{}, ReasonBadName},
		{"long segment", []zent{file("upload/"+strings.Repeat("a", 256)+".php", "x")}, Limits{}, ReasonBadName},
		{"long name", []zent{file("upload/"+strings.Repeat("abcdefgh/", 120)+"a.php", "x")}, Limits{}, ReasonBadName},
		{"too deep", []zent{file("upload/"+strings.Repeat("a/", 64)+"a.php", "x")}, Limits{}, ReasonBadName},
		{"symlink", []zent{{name: "upload/admin/config.php", body: "../../config.php", mode: fs.ModeSymlink | 0o777}}, Limits{}, ReasonSymlink},
		{"symlink in junk", []zent{{name: "__MACOSX/link", body: "/etc/passwd", mode: fs.ModeSymlink | 0o777}}, Limits{}, ReasonSymlink},
		{"named pipe", []zent{{name: "upload/fifo", mode: fs.ModeNamedPipe | 0o644}}, Limits{}, ReasonSpecialFile},
		{"duplicate", []zent{file("upload/admin/controller/extension/payment/foo.php", "second")}, Limits{}, ReasonDuplicate},
		{"file and folder", []zent{file("upload/admin/controller/extension", "x")}, Limits{}, ReasonDuplicate},
		{"case", []zent{file("upload/admin/controller/extension/payment/FOO.php", "x")}, Limits{}, ReasonCaseCollision},
		{"case in folder", []zent{file("upload/Admin/x.php", "x")}, Limits{}, ReasonCaseCollision},
		{"case unicode", []zent{file("upload/image/catalog/É.png", "x"), file("upload/image/catalog/é.png", "y")}, Limits{}, ReasonCaseCollision},
		{"too many entries", []zent{file("upload/a.php", "1"), file("upload/b.php", "2"), file("upload/c.php", "3")}, Limits{MaxEntries: 3}, ReasonTooManyEntries},
		{"too large", []zent{{name: "upload/big.bin", body: strings.Repeat("x", 5000), store: true}}, Limits{MaxTotalSize: 4096}, ReasonTooLarge},
		{"ratio", []zent{file("upload/pad.bin", strings.Repeat("\x00", 2<<20))}, Limits{}, ReasonRatio},
		{"encrypted", []zent{{name: "upload/secret.php", body: "x", flags: 0x1}}, Limits{}, ReasonUnsupported},
		{"unknown method", []zent{{raw: rawStored("upload/x.php", "x", 99)}}, Limits{}, ReasonUnsupported},
		{"bad checksum", []zent{{raw: func() *zip.FileHeader { h := rawStored("upload/x.php", "hello", zip.Store); h.CRC32++; return h }(), body: "hello"}}, Limits{}, ReasonCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := makeZip(t, append(good(), c.ents...)...)
			p, err := openBytes(t, "foo.ocmod.zip", b, c.lim)
			if p != nil {
				t.Fatal("a package was returned with the refusal")
			}
			if !errors.Is(err, ErrRefused) || ReasonOf(err) != c.want {
				t.Fatalf("got %v (reason %q), want reason %q", err, ReasonOf(err), c.want)
			}
			if !errors.Is(err, &RefusedError{Reason: c.want}) {
				t.Errorf("errors.Is with a reason template fails for %v", err)
			}
		})
	}
	// The base alone is fine, so each refusal above came from its entry.
	if _, err := openBytes(t, "foo.ocmod.zip", makeZip(t, good()...), Limits{}); err != nil {
		t.Fatalf("base package refused: %v", err)
	}
}

func TestRefusalMessage(t *testing.T) {
	_, err := openBytes(t, "x.zip", makeZip(t, append(good(), file("upload/../../index.php", "x"))...), Limits{})
	msg := err.Error()
	if !strings.Contains(msg, `"upload/../../index.php"`) || !strings.Contains(msg, "..") {
		t.Errorf("message %q does not name the entry", msg)
	}
}

func TestRefuseNotAZip(t *testing.T) {
	_, err := openBytes(t, "x.zip", []byte("this is not a zip file at all"), Limits{})
	if ReasonOf(err) != ReasonCorrupt {
		t.Errorf("got %v", err)
	}
}

// TestRefuseOverlap patches the central directory so that a second entry
// points at the first one's data, the trick of "non-recursive" zip bombs.
func TestRefuseOverlap(t *testing.T) {
	b := makeZip(t,
		zent{name: "upload/a.php", body: "<?php // a", store: true},
		zent{name: "upload/b.php", body: "<?php // b", store: true},
	)
	sig := []byte("PK\x01\x02")
	first := bytes.Index(b, sig)
	second := first + 1 + bytes.Index(b[first+1:], sig)
	if first < 0 || second <= first {
		t.Fatal("central directory not found")
	}
	// The local header offset is at byte 42 of a central directory record.
	copy(b[second+42:second+46], b[first+42:first+46])
	if off := binary.LittleEndian.Uint32(b[second+42:]); off != 0 {
		t.Fatalf("patched offset %d", off)
	}
	_, err := openBytes(t, "x.zip", b, Limits{})
	if ReasonOf(err) != ReasonOverlap {
		t.Errorf("got %v", err)
	}
}
