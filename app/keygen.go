package app

import (
	"context"
	"flag"
	"fmt"

	"github.com/ocsetup/ocsetup/installer/keygen"
)

func (c *CLI) addKeygen() {
	var length int
	var entropy bool
	c.add(&command{name: "keygen", summary: "print a new random API key",
		details: fmt.Sprintf(`Prints one key on its own line: %d to %d characters (default %d) of letters,
digits and - _ . ~, drawn from the operating system's random source without
bias. The store's own API users need %d or more. Use --entropy to see its strength.`,
			keygen.MinLength, keygen.MaxLength, keygen.DefaultLength, keygen.MinStoreAPI),
		run: func(_ context.Context, x *cmdContext) error {
			if len(x.args) != 0 {
				return usageText("keygen takes no arguments")
			}
			if length < keygen.MinLength || length > keygen.MaxLength {
				return usageText(fmt.Sprintf("--length must be %d to %d", keygen.MinLength, keygen.MaxLength))
			}
			key, err := keygen.Generate(length)
			if err != nil {
				return err
			}
			fmt.Fprintln(x.Out, key)
			if entropy {
				fmt.Fprintf(x.Err, "%.0f bits of entropy\n", keygen.EntropyBits(length))
			}
			return nil
		}})
	c.flagSets["keygen"] = func(fs *flag.FlagSet) {
		fs.IntVar(&length, "length", keygen.DefaultLength, "number of characters")
		fs.BoolVar(&entropy, "entropy", false, "also print the key's entropy in bits (on standard error)")
	}
}
