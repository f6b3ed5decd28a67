package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"
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
	fs.StringVar(&f.fingerprint, "fingerprint", "", "cli.flag.fingerprint")
	fs.BoolVar(&f.trustNew, "trust-new", false, "cli.flag.trust_new")
	fs.BoolVar(&f.allowPlain, "allow-plain", false, "cli.flag.allow_plain")
	fs.StringVar(&f.key, "key", "", "cli.flag.key")
	fs.BoolVar(&f.agent, "agent", false, "cli.flag.agent")
	fs.IntVar(&f.connections, "connections", remote.DefaultConnections, "cli.flag.connections")
	fs.BoolVar(&f.json, "json", false, "cli.flag.json")
}

// connect opens the site named by rawURL: the password from the
// environment or a prompt, the host key or certificate checked, asking the
// user on a terminal when it is new.
func (f *connectFlags) connect(ctx context.Context, x *cmdContext, rawURL string) (*remote.Pool, error) {
	site, err := remote.ParseURL(rawURL)
	if err != nil {
		return nil, badURL(err)
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
				return nil, msg.NewError("error.cli.no_password", "Var", PasswordVar)
			}
			site.Password, err = x.ReadPassword(x.T("cli.password_prompt", "Site", site.String()))
			if err != nil {
				return nil, err
			}
		}
	}
	if f.fingerprint != "" && !strings.HasPrefix(f.fingerprint, "SHA256:") {
		return nil, usage("cli.fingerprint_form")
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
			return nil, msg.NewError("error.cli.unknown_key", "Problem", re.Msg(), "Fingerprint", re.Fingerprint)
		}
		fmt.Fprintln(x.Err, x.Msg(re.Msg()))
		if !confirm(x, x.T("cli.trust_prompt")) {
			return nil, msg.NewError("error.cli.not_trusted", "KeyType", re.KeyTypeMsg())
		}
		trust.Accept = re.Fingerprint
		pool, err = remote.Open(ctx, site, trust, f.connections)
	}
	if errors.As(err, &re) && re.Kind == remote.KindTLSNotOffered && site.Protocol == remote.FTP && !f.allowPlain {
		return nil, msg.NewError("error.cli.tls_not_offered", "Problem", re.Msg())
	}
	return pool, err
}

func confirm(x *cmdContext, question string) bool {
	fmt.Fprint(x.Err, question)
	line, _ := bufio.NewReader(x.In).ReadString('\n')
	// "y" is what the prompt shows in every language; a reply in the
	// user's own words counts too.
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes" || a == "д" || a == "да"
}
