package app

import (
	"context"
	"flag"
	"fmt"
	"math"

	"github.com/ocsetup/ocsetup/installer/keygen"
)

func (c *CLI) addKeygen() {
	var length int
	var entropy bool
	c.add(&command{name: "keygen", summary: "cli.keygen.summary",
		details: "cli.keygen.details",
		run: func(_ context.Context, x *cmdContext) error {
			if len(x.args) != 0 {
				return usage("cli.no_arguments", "Command", "keygen")
			}
			if length < keygen.MinLength || length > keygen.MaxLength {
				return usage("cli.keygen.length", "Min", keygen.MinLength, "Max", keygen.MaxLength)
			}
			key, err := keygen.Generate(length)
			if err != nil {
				return err
			}
			fmt.Fprintln(x.Out, key)
			if entropy {
				fmt.Fprintln(x.Err, x.T("cli.keygen.entropy", "Count", int(math.Round(keygen.EntropyBits(length)))))
			}
			return nil
		}})
	c.flagSets["keygen"] = func(fs *flag.FlagSet) {
		fs.IntVar(&length, "length", keygen.DefaultLength, "cli.keygen.flag.length")
		fs.BoolVar(&entropy, "entropy", false, "cli.keygen.flag.entropy")
	}
}
