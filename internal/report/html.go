package report

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

//go:embed template
var templates embed.FS

var (
	reportTmpl = template.Must(template.ParseFS(templates, "template/report.html"))
	reportCSS  = mustRead("template/report.css")
	reportJS   = mustRead("template/report.js")
	// The page may load nothing and run only its own style and script:
	// even if a server's text escaped into markup, it could neither run
	// nor call out.
	reportCSP = fmt.Sprintf("default-src 'none'; style-src '%s'; script-src '%s'; base-uri 'none'; form-action 'none'",
		cspHash(reportCSS), cspHash(reportJS))
)

func mustRead(name string) string {
	b, err := templates.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// htmlStatus is how the page shows a status: a colour (the class), and a
// symbol and word, so colour is not the only signal.
type htmlStatus struct {
	Class, Symbol, Word, Meaning string
}

var htmlStatuses = []htmlStatus{
	{"pass", "✓", "pass", "the target does what its contract says"},
	{"fail", "✗", "fail", "it does not; open the cell for the finding"},
	{"error", "⊘", "error", "could not run; open the cell for why"},
	{"unsupported", "⚠", "unsupported", "an optional capability it does not implement"},
	{"skipped", "↷", "skipped", "the spec does not apply"},
	{"none", "–", "", "not run against this target"},
}

func statusView(s outcome.Status) htmlStatus {
	if s == "" {
		s = "none"
	}
	for _, v := range htmlStatuses {
		if v.Class == string(s) {
			return v
		}
	}
	return htmlStatus{Class: "unknown", Word: string(s)}
}

type htmlPage struct {
	Title, Total, When string
	// Error is why the run as a whole could not judge, if it could not.
	Error   string
	Legend  []htmlStatus
	Targets []htmlTarget
	Rows    []htmlRow
	CSS     template.CSS
	JS      template.JS
	CSP     string
}

type htmlTarget struct {
	Name, Tally, Short string
}

type htmlRow struct {
	Spec  string
	Cells []htmlCell
}

type htmlCell struct {
	htmlStatus
	ID, Title, Summary string
	// Results, when the cell opens to them: a failure or an unsupported
	// capability.
	Results []htmlResult
}

type htmlResult struct {
	*outcome.Result
	// FullMessage is the message when it says more than the deviations
	// and the summary do.
	FullMessage string
}

// HTML writes a run as one self-contained page: a summary line, a legend,
// and the matrix of specs by targets, coloured by status, where a failed
// or unsupported cell opens to its deviations, exchanges and curl lines,
// and a cell that could not run to why.
// It loads nothing, so it reads the same from file:// or a CI artifact.
func HTML(w io.Writer, run *outcome.Run) error {
	m := newMatrix(run)
	page := htmlPage{
		Title:  title(run),
		When:   header(run),
		Error:  run.Error,
		Legend: htmlStatuses,
		CSS:    template.CSS(reportCSS),
		JS:     template.JS(reportJS),
		CSP:    reportCSP,
	}
	counts := run.Counts()
	n := make([]int, len(outcome.Statuses))
	for i, s := range outcome.Statuses {
		n[i] = counts[s]
	}
	page.Total = fmt.Sprintf("%d results, %d specs × %d targets: %s", len(run.Results), len(m.specs), len(m.targets), tallyText(n))

	for _, t := range m.targets {
		n := tally(run, t)
		var short []string
		for i, s := range outcome.Statuses {
			if n[i] > 0 {
				short = append(short, fmt.Sprintf("%d%s", n[i], statusView(s).Symbol))
			}
		}
		page.Targets = append(page.Targets, htmlTarget{Name: t, Tally: tallyText(n), Short: strings.Join(short, " ")})
	}

	for i, spec := range m.specs {
		row := htmlRow{Spec: spec}
		for j, c := range m.cells[i] {
			hc := htmlCell{htmlStatus: statusView(c.status), ID: fmt.Sprintf("c%d-%d", i+1, j+1), Summary: c.summary()}
			hc.Title = hc.Summary
			switch c.status {
			case outcome.Fail, outcome.Error, outcome.Unsupported:
				for _, r := range c.results {
					hr := htmlResult{Result: r}
					if len(r.Deviations) > 0 && r.Message != r.Summary {
						hr.FullMessage = r.Message
					}
					hc.Results = append(hc.Results, hr)
				}
			case outcome.Pass, "":
				hc.Summary = ""
			}
			row.Cells = append(row.Cells, hc)
		}
		page.Rows = append(page.Rows, row)
	}

	var b bytes.Buffer
	if err := reportTmpl.Execute(&b, page); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}
