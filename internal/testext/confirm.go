package testext

import (
	"encoding/json"
	"fmt"
)

// ConfirmAnswer is ocpay's answer to its confirm step.
type ConfirmAnswer struct {
	Success       string `json:"success"`
	TransactionID int    `json:"transaction_id"`
	Redirect      string `json:"redirect"`
	Error         any    `json:"error"`
}

// ParseConfirm reads ocpay's confirm answer and says why it is not a
// clean success: not HTTP 200, a PHP message, not JSON, an error, or no
// transaction.
func ParseConfirm(a Answer) (ConfirmAnswer, error) {
	var c ConfirmAnswer
	if msgs := a.PHPMessages(); msgs != nil {
		return c, fmt.Errorf("confirm printed PHP messages: %q", msgs)
	}
	if a.Status != 200 {
		return c, fmt.Errorf("confirm: HTTP %d: %.300q", a.Status, a.Body)
	}
	if err := json.Unmarshal([]byte(a.Body), &c); err != nil {
		return c, fmt.Errorf("confirm: not JSON: %.300q", a.Body)
	}
	if c.Error != nil || c.Success == "" || c.TransactionID <= 0 {
		return c, fmt.Errorf("confirm did not record a payment: %.300q", a.Body)
	}
	return c, nil
}
