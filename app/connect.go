package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/ocsetup/ocsetup/installer/remote"
)

// PasswordVar is where scripts put the site's password.
const PasswordVar = "OCSETUP_PASSWORD"

// KeyPassphraseVar holds the passphrase of --key.
const KeyPassphraseVar = "OCSETUP_KEY_PASSPHRASE"

// connectFlags are shared by every command that takes a site URL.
type connectFlags struct {
	fingerprint string
	trustNew    bool
	allowPlain  bool
	key         string
	agent       bool
	connections int
	json        bool
}

func (f *connectFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.fingerprint, "fingerprint", "", "the SHA256:… fingerprint of the host key or certificate you expect (pins it on first contact)")
	fs.BoolVar(&f.trustNew, "trust-new", false, "accept and remember an unknown host key or certificate; a changed one is always refused")
	fs.BoolVar(&f.allowPlain, "allow-plain", false, "for ftp://, fall back to unencrypted FTP when the server offers no TLS")
	fs.StringVar(&f.key, "key", "", "SFTP private key file (its passphrase in $"+KeyPassphraseVar+")")
	fs.BoolVar(&f.agent, "agent", false, "SFTP: use the keys of the running ssh-agent")
	fs.IntVar(&f.connections, "connections", remote.DefaultConnections, fmt.Sprintf("parallel connections, 1 to %d (shared hosts allow about 2)", remote.MaxConnections))
	fs.BoolVar(&f.json, "json", false, "print the result as JSON")
}

// connect opens the site named by rawURL: the password from the
// environment or a prompt, the host key or certificate checked, asking the
// user on a terminal when it is new.
func (f *connectFlags) connect(ctx context.Context, x *cmdContext, rawURL string) (*remote.Pool, error) {
	site, err := remote.ParseURL(rawURL)
	if err != nil {
		return nil, usageText(err.Error())
	}
	site.AllowPlain = f.allowPlain
	site.KeyFile, site.Agent = f.key, f.agent
	if f.key != "" {
		site.KeyPassphrase = x.Getenv(KeyPassphraseVar)
	}
	if f.key == "" && !f.agent {
		site.Password = x.Getenv(PasswordVar)
		if site.Password == "" {
			if x.ReadPassword == nil {
				return nil, fmt.Errorf("no password: set %s (there is no terminal to ask)", PasswordVar)
			}
			site.Password, err = x.ReadPassword(fmt.Sprintf("Password for %s: ", site))
			if err != nil {
				return nil, err
			}
		}
	}
	if f.fingerprint != "" && !strings.HasPrefix(f.fingerprint, "SHA256:") {
		return nil, usageText("--fingerprint takes the SHA256:… form that ssh-keygen -l and ocsetup print")
	}
	dir, err := DataDir(x.Getenv)
	if err != nil {
		return nil, err
	}
	trust := remote.NewTrust(dir)
	trust.Accept, trust.TrustNew = f.fingerprint, f.trustNew
	pool, err := remote.Open(ctx, site, trust, f.connections)
	var re *remote.Error
	if errors.As(err, &re) && re.Kind == remote.KindUnknownKey {
		if !x.Terminal {
			return nil, fmt.Errorf("%s\nAfter checking it, run again with --fingerprint %s (or --trust-new to accept it as it is)", re.Message(), re.Fingerprint)
		}
		fmt.Fprintln(x.Err, re.Message())
		if !confirm(x, "Trust it and connect? [y/N] ") {
			return nil, errors.New("not connected: the " + re.KeyType + " was not trusted")
		}
		trust.Accept = re.Fingerprint
		pool, err = remote.Open(ctx, site, trust, f.connections)
	}
	if errors.As(err, &re) && re.Kind == remote.KindTLSNotOffered && site.Protocol == remote.FTP && !f.allowPlain {
		return nil, fmt.Errorf("%s\nTo connect anyway, add --allow-plain", re.Message())
	}
	return pool, err
}

func confirm(x *cmdContext, question string) bool {
	fmt.Fprint(x.Err, question)
	line, _ := bufio.NewReader(x.In).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes"
}
