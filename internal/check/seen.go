package check

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/antchfx/xpath"
)

var (
	namespaceOf = xpath.MustCompile("namespace-uri()")
	nameOf      = xpath.MustCompile("name()")
	textOf      = xpath.MustCompile("string(.)")
	childCount  = xpath.MustCompile("count(*)")
)

// seen says what an assertion's context node is, for a message that
// says what was expected and what was found: its namespace where the
// assertion is about namespaces, else its text when it holds text only.
func seen(nav xpath.NodeNavigator, assert string) string {
	el := "<" + evalString(nameOf, nav.Copy()) + ">"
	if strings.Contains(assert, "namespace-uri()") {
		if ns := evalString(namespaceOf, nav.Copy()); ns != "" {
			return fmt.Sprintf("%s is in the namespace %q", el, ns)
		}
		return el + " is in no namespace"
	}
	if n, _ := childCount.Evaluate(nav.Copy()).(float64); n > 0 {
		return fmt.Sprintf("%s has %d child element(s)", el, int(n))
	}
	if text := evalString(textOf, nav.Copy()); text != "" {
		return fmt.Sprintf("%s holds %s", el, strconv.Quote(clip(text)))
	}
	return el + " is empty"
}

func evalString(expr *xpath.Expr, nav xpath.NodeNavigator) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	s, _ = expr.Evaluate(nav).(string)
	return s
}
