package integrations

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"sort"
	"strings"
)

// APSSignature signs an Amazon Payment Services request the way the
// plugins do (payfort/opencart3-payfort
// upload/system/library/amazonpspaymentservices.php calculateSignature,
// and the official description at
// https://paymentservices.amazon.com/docs/developer-resources/signature):
// the parameters sorted by name (without "signature"), each as
// name=value with nothing between, wrapped in the phrase on both sides,
// hashed and written as lower-case hex. sha1/sha256/sha512 hash the
// string; hmac256/hmac512 take the HMAC of the string with the phrase as
// key. The legacy payfort_fort plugin offers sha1 too.
func APSSignature(params map[string]string, phrase, algorithm string) (string, error) {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(phrase)
	for _, k := range keys {
		b.WriteString(k + "=" + params[k])
	}
	b.WriteString(phrase)
	var h hash.Hash
	switch algorithm {
	case "sha1":
		h = sha1.New()
	case "sha256":
		h = sha256.New()
	case "sha512":
		h = sha512.New()
	case "hmac256":
		h = hmac.New(sha256.New, []byte(phrase))
	case "hmac512":
		h = hmac.New(sha512.New, []byte(phrase))
	default:
		return "", fmt.Errorf("unknown signature algorithm %q", algorithm)
	}
	h.Write([]byte(b.String()))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// apsVector is the official example (phrase "PASS"), as reproduced in
// bhaskarndas/payfortdoc docs/incommon.md and docs/integrations.md §1.6.
var apsVector = map[string]string{
	"access_code":         "SILgpo7pWbmzuURp2qri",
	"amount":              "1000",
	"command":             "PURCHASE",
	"currency":            "USD",
	"customer_email":      "test@gmail.com",
	"language":            "en",
	"merchant_identifier": "MxvOupuG",
	"merchant_reference":  "Test010",
}

// APSVectorSHA256 is the official SHA-256 signature of the example.
const APSVectorSHA256 = "94c38afc7bdae0114fc8c740edf12416f22998241ce4b4ea70d5521233a2c882"

// APSSelfTest signs the official example and compares the result with
// the published signature, so that a wrong signature can be told from
// wrong credentials: if this passes and the gateway still answers
// "Signature mismatch", the SHA phrases or the hash type in the portal
// differ from those in the store.
func APSSelfTest() error {
	got, err := APSSignature(apsVector, "PASS", "sha256")
	if err != nil {
		return err
	}
	if got != APSVectorSHA256 {
		return errors.New("the request signature does not reproduce Amazon Payment Services' published example: " + got)
	}
	return nil
}
