package capture

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/getservice-conformance/gsc/internal/jsonlenient"
)

// harFile is what an HTTP Archive 1.2 holds that the import needs. The
// exporters' own fields (Chrome's _initiator, mitmproxy's _timings...)
// start with "_" and are ignored.
type harFile struct {
	Log struct {
		Entries []harEntry `json:"entries"`
	} `json:"log"`
}

type harEntry struct {
	Request struct {
		Method   string      `json:"method"`
		URL      string      `json:"url"`
		Headers  []harHeader `json:"headers"`
		PostData *struct {
			Text string `json:"text"`
		} `json:"postData"`
	} `json:"request"`
	Response *struct {
		Status     int         `json:"status"`
		StatusText string      `json:"statusText"`
		Headers    []harHeader `json:"headers"`
		Content    struct {
			Size     int64   `json:"size"`
			Text     *string `json:"text"`
			Encoding string  `json:"encoding"`
		} `json:"content"`
	} `json:"response"`
}

type harHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// readHAR reads the entries of a HAR file with the place of each value.
func (imp *Import) readHAR() ([]*entry, error) {
	var h harFile
	if err := json.Unmarshal(imp.Src, &h); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := imp.lines.position(int(se.Offset))
			return nil, fmt.Errorf("%s:%d:%d: not a HAR file: %v", imp.File, line, col, err)
		}
		return nil, fmt.Errorf("%s: not a HAR file: %v", imp.File, err)
	}
	x := jsonlenient.NewIndex(imp.Src)
	str := func(ptr, value string) text {
		off := x.Locate(ptr)
		if t, ok := jsonString(imp.Src, off); ok {
			return t
		}
		return from([]byte(value), max(off, 0))
	}
	var entries []*entry
	for i, he := range h.Log.Entries {
		p := "/log/entries/" + strconv.Itoa(i)
		e := &entry{label: fmt.Sprintf("entries[%d]", i), num: i + 1, pos: max(x.Locate(p), 0), decoded: true}
		entries = append(entries, e)
		rq := he.Request
		e.req = &message{
			method:  str(p+"/request/method", rq.Method),
			url:     str(p+"/request/url", rq.URL),
			line:    max(x.Locate(p+"/request"), 0),
			headers: harHeaders(rq.Headers, p+"/request/headers", str),
		}
		if rq.PostData != nil {
			e.req.body = str(p+"/request/postData/text", rq.PostData.Text)
		}
		rs := he.Response
		if rs == nil || rs.Status == 0 {
			e.unreadable = "no response was captured (status 0: blocked, failed or cancelled)"
			continue
		}
		e.resp = &message{
			status:  rs.Status,
			reason:  rs.StatusText,
			line:    max(x.Locate(p+"/response/status"), 0),
			headers: harHeaders(rs.Headers, p+"/response/headers", str),
		}
		c := rs.Content
		textAt := x.Locate(p + "/response/content/text")
		switch {
		case c.Text == nil && e.resp.get("Content-Length") == "0":
			e.resp.body = from(nil, max(x.Locate(p+"/response/content"), 0)) // truly empty
		case c.Text == nil:
			// Exporters leave text out when they did not keep the body
			// (some with size 0 or -1): nothing to judge, not an empty body.
			e.resp.noBody = "the response body was not captured (no content.text)"
		case c.Encoding == "base64":
			data, err := base64.StdEncoding.DecodeString(*c.Text)
			if err != nil {
				e.unreadable = "content.text is not valid base64: " + err.Error()
				continue
			}
			e.resp.body = from(data, textAt)
		case c.Encoding != "":
			e.unreadable = fmt.Sprintf("content.encoding %q is not one HAR 1.2 defines (base64)", c.Encoding)
		default:
			e.resp.body = str(p+"/response/content/text", *c.Text)
		}
	}
	return entries, nil
}

func harHeaders(hs []harHeader, ptr string, str func(ptr, value string) text) []field {
	var fs []field
	for k, h := range hs {
		at := ptr + "/" + strconv.Itoa(k)
		fs = append(fs, field{name: str(at+"/name", h.Name), value: str(at+"/value", h.Value)})
	}
	return fs
}
