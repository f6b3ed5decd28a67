package testext

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Answer is one HTTP answer of the store, kept for the test's report.
type Answer struct {
	Step   string // what the call was for, e.g. "api/cart/add"
	URL    string
	Status int
	// Location is the redirect target, if the answer is a redirect.
	Location string
	Body     string
}

// PHPMessages returns the PHP messages in the answer.
func (a Answer) PHPMessages() []string { return PHPMessages(a.Body) }

// JSON decodes the answer's body. OpenCart answers JSON after any PHP
// message it printed, so the decoder starts at the first '{' or '[' on a line
// of its own or after the messages' HTML.
func (a Answer) JSON(v any) error {
	body := strings.TrimSpace(a.Body)
	if body == "[]" {
		// PHP's json_encode of an empty array: OpenCart's "no error".
		body = "{}"
	}
	if err := json.Unmarshal([]byte(body), v); err == nil {
		return nil
	}
	for i := range body {
		if body[i] != '{' && body[i] != '[' {
			continue
		}
		if err := json.Unmarshal([]byte(body[i:]), v); err == nil {
			return nil
		}
	}
	return fmt.Errorf("%s: HTTP %d, not JSON: %.300q", a.Step, a.Status, a.Body)
}

// client is a browser-like HTTP client: one cookie jar, redirects not
// followed (the admin login answers with one that carries the token).
type client struct {
	http    *http.Client
	answers *[]Answer
}

func newClient(answers *[]Answer) *client {
	jar, _ := cookiejar.New(nil)
	return &client{
		http: &http.Client{
			Jar:     jar,
			Timeout: 60 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		answers: answers,
	}
}

func (c *client) do(ctx context.Context, step, method, u string, body io.Reader, contentType string) (Answer, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return Answer{}, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return Answer{}, fmt.Errorf("%s: %w", step, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	a := Answer{Step: step, URL: u, Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: string(b)}
	if c.answers != nil {
		*c.answers = append(*c.answers, a)
	}
	if err != nil {
		return a, fmt.Errorf("%s: %w", step, err)
	}
	return a, nil
}

func (c *client) get(ctx context.Context, step, u string) (Answer, error) {
	return c.do(ctx, step, http.MethodGet, u, nil, "")
}

func (c *client) post(ctx context.Context, step, u string, form url.Values) (Answer, error) {
	return c.do(ctx, step, http.MethodPost, u, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

// upload posts a file as the multipart field "file", as the admin's
// extension installer page does.
func (c *client) upload(ctx context.Context, step, u, file string) (Answer, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return Answer{}, err
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, err := mw.CreateFormFile("file", filepath.Base(file))
	if err != nil {
		return Answer{}, err
	}
	if _, err := w.Write(data); err != nil {
		return Answer{}, err
	}
	if err := mw.Close(); err != nil {
		return Answer{}, err
	}
	return c.do(ctx, step, http.MethodPost, u, &buf, mw.FormDataContentType())
}
