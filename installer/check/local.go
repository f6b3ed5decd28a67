package check

import "github.com/ocsetup/ocsetup/installer/msg"

// TitleMsg is the result's title as a message: its check's title key, or
// its own English for a check that has none (an integration's own).
// integration names the integration in the titles of its service and
// settings checks.
func (r Result) TitleMsg(integration string) msg.Msg {
	switch r.ID {
	case "service", "settings":
		return msg.New("check."+r.ID+".title_of", "Integration", integration)
	}
	return msg.Msg{Key: "check." + r.ID + ".title", Own: r.Title}
}

// CauseIn and FixIn are the result's cause and fix rendered by render (a
// language's); a result whose text has no key keeps its own.
func (r Result) CauseIn(render func(msg.Msg) string) string {
	return textIn(r.Cause, r.CauseMsg, render)
}

// FixIn: see CauseIn.
func (r Result) FixIn(render func(msg.Msg) string) string { return textIn(r.Fix, r.FixMsg, render) }

func textIn(own string, m msg.Msg, render func(msg.Msg) string) string {
	if m.IsZero() {
		return own
	}
	return render(m)
}

// In is the report in a language: its headings, result marks and every
// check's title, cause and fix rendered by render, and lang (BCP 47) in
// its Language. The window and the command line both write reports in
// the user's language with it; the JSON report's machine fields (ids,
// statuses) stay as they are.
func (r Report) In(lang, integration string, render func(msg.Msg) string) Report {
	marks := map[Status]string{}
	for _, st := range []Status{Pass, Warn, Fail, Skipped} {
		marks[st] = render(msg.New("report.mark." + string(st)))
	}
	t := func(key string) string { return render(msg.New(key)) }
	out := r
	out.Language = lang
	out.Words = &Words{
		Heading: render(msg.New("report.heading", "Integration", integration, "Result", marks[r.Overall])),
		Store:   t("report.store"), ProductLink: t("report.product_link"), OpenCart: t("report.opencart"),
		OpenCartValue: render(msg.New("report.opencart_value", "Version", r.Version, "Line", r.Line)),
		PHP:           t("report.php"), Generated: t("report.generated"),
		Checks: t("report.checks"), Check: t("report.check"), Result: t("report.result"), Time: t("report.time"),
		Cause: t("report.cause"), Fix: t("report.fix"),
		Marks: marks,
	}
	out.Results = make([]Result, len(r.Results))
	for i, res := range r.Results {
		res.Title, res.Cause, res.Fix = render(res.TitleMsg(integration)), res.CauseIn(render), res.FixIn(render)
		out.Results[i] = res
	}
	return out
}
