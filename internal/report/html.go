package report

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

//go:embed template
var templates embed.FS

var (
	reportTmpl = template.Must(template.New("report.html").
			Funcs(template.FuncMap{"inc": func(n int) int { return n + 1 }}).
			ParseFS(templates, "template/report.html"))
	reportCSS = mustRead("template/report.css")
	reportJS  = mustRead("template/report.js")
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
	{"accepted", "≈", "accepted", "it deviates as the baseline accepts; open the cell for the reason and expiry"},
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
	Title, Total string
	Facts        []Fact
	// Error is why the run as a whole could not judge, if it could not.
	Error   string
	Legend  []htmlStatus
	Filters []htmlFilter
	Vendors []htmlVendor
	Groups  []htmlGroup
	CSS     template.CSS
	JS      template.JS
	CSP     string
}

// htmlFilter is a status the reader may show or hide, with its count.
type htmlFilter struct {
	htmlStatus
	Count int
}

// htmlVendor is an entry of the page's table of contents.
type htmlVendor struct {
	Name, Anchor, Short string
}

type htmlGroup struct {
	ID, Vendor, Title, Short, Tally, Corner string
	// ByArea: the columns are areas of one target's recordings; a cell
	// shows its status alone (its summary opens with it).
	ByArea  bool
	Columns []string
	Rows    []htmlRow
}

type htmlRow struct {
	// Heading, when set, is an area's name: a row that heads the rows
	// of that area.
	Heading string
	Area    int
	// Label is what the row shows; Name the spec in full, for search and
	// the tooltip.
	Label, Name, Search, Statuses string
	Cells                         []htmlCell
}

type htmlCell struct {
	htmlStatus
	ID, Title, Summary string
	// Results, when the cell opens to them: a failure, a spec that could
	// not run, an accepted deviation or an unsupported capability.
	Results []htmlResult
}

type htmlResult struct {
	*outcome.Result
	// FullMessage is the message when it says more than the deviations
	// and the summary do.
	FullMessage string
}

// HTML writes a run as one self-contained page: the run's facts, a
// search box and status filters, and a table per vendor and set of
// targets (groups), coloured by status, where a failed, accepted,
// unsupported or could-not-run cell opens to its deviations, exchanges,
// curl lines, the baseline's reason, or why.
// It loads nothing, so it reads the same from file:// or a CI artifact.
func HTML(w io.Writer, run *outcome.Run) error {
	gs := groups(run)
	page := htmlPage{
		Title:  title(run),
		Facts:  Metadata(run),
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
		page.Filters = append(page.Filters, htmlFilter{statusView(s), n[i]})
	}
	page.Total = fmt.Sprintf("%d results in %d tables: %s", len(run.Results), len(gs), tallyText(n))

	vendorTally := map[string][]int{}
	for gi, g := range gs {
		hg := htmlGroup{
			ID: fmt.Sprintf("g%d", gi+1), Vendor: g.Vendor, Title: g.Title, Columns: g.Columns,
			Short: shortTally(g.Tally), Tally: tallyText(g.Tally), Corner: "spec", ByArea: g.ByArea,
		}
		if g.ByArea {
			hg.Corner = "recording"
		}
		if _, ok := vendorTally[g.Vendor]; !ok {
			vendorTally[g.Vendor] = make([]int, len(outcome.Statuses))
			page.Vendors = append(page.Vendors, htmlVendor{Name: g.Vendor, Anchor: hg.ID})
		}
		for i, k := range g.Tally {
			vendorTally[g.Vendor][i] += k
		}
		area := -1
		var areas []string
		for ri, row := range g.Rows {
			hr := htmlRow{Label: row.Label, Name: row.name(g)}
			if !g.ByArea && (row.Area != "" && (len(areas) == 0 || areas[len(areas)-1] != row.Area)) {
				areas = append(areas, row.Area)
				area++
				hr.Heading = row.Area
			}
			hr.Area = max(area, 0)
			hr.Search = strings.ToLower(g.Vendor + " " + g.Title + " " + hr.Name)
			var statuses []string
			for ci, c := range row.Cells {
				hc := htmlCell{htmlStatus: statusView(c.status), ID: fmt.Sprintf("c%d-%d-%d", gi+1, ri+1, ci+1), Summary: c.summary()}
				hc.Title = hc.Summary
				if why := c.why(); why != "" {
					hc.Title += "; " + why
				}
				if c.status != "" && !slices.Contains(statuses, string(c.status)) {
					statuses = append(statuses, string(c.status))
				}
				switch c.status {
				case outcome.Fail, outcome.Error, outcome.Unsupported, outcome.Accepted:
					for _, r := range c.results {
						res := htmlResult{Result: r}
						if len(r.Deviations) > 0 && r.Message != r.Summary {
							res.FullMessage = r.Message
						}
						hc.Results = append(hc.Results, res)
					}
				case outcome.Pass, "":
					hc.Summary = ""
				}
				hr.Cells = append(hr.Cells, hc)
			}
			hr.Statuses = strings.Join(statuses, " ")
			hg.Rows = append(hg.Rows, hr)
		}
		page.Groups = append(page.Groups, hg)
	}
	for i := range page.Vendors {
		page.Vendors[i].Short = shortTally(vendorTally[page.Vendors[i].Name])
	}

	var b bytes.Buffer
	if err := reportTmpl.Execute(&b, page); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// shortTally reads "3✓ 1✗", statuses with none left out.
func shortTally(n []int) string {
	var short []string
	for i, s := range outcome.Statuses {
		if n[i] > 0 {
			short = append(short, fmt.Sprintf("%d%s", n[i], statusView(s).Symbol))
		}
	}
	return strings.Join(short, " ")
}
