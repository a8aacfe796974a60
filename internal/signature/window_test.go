package signature

import (
	"net/http"
	"reflect"
	"testing"
	"time"
)

func TestCOS(t *testing.T) {
	auth := "q-sign-algorithm=sha1&q-ak=AK&q-sign-time=1704164645;1704168245&q-key-time=1704164645;1704168245&q-header-list=host&q-url-param-list=prefix;tag;tag&q-signature=x"
	names, ok := COSParamList(auth)
	if !ok || !reflect.DeepEqual(names, []string{"prefix", "tag"}) {
		t.Errorf("COSParamList = %q, %v; want [prefix tag] (a name once per value, read once)", names, ok)
	}
	if _, ok := COSParamList("AWS AK:sig"); ok {
		t.Error("COSParamList read a list from a non-COS value")
	}
	h := http.Header{"Authorization": {auth}}
	w, ok := SignWindow(FromCOSWindow, "", h)
	if !ok || w.From != time.Unix(1704164645, 0).UTC() || w.To != time.Unix(1704168245, 0).UTC() {
		t.Errorf("SignWindow = %+v, %v", w, ok)
	}
	for _, bad := range []string{"1;", "x;y", "5;4", "5"} {
		if _, _, ok := COSTimes(bad); ok {
			t.Errorf("COSTimes(%q) accepted", bad)
		}
	}
}

func TestSignWindow(t *testing.T) {
	tests := []struct {
		source, dateHeader string
		h                  http.Header
		from               string
		ok                 bool
	}{
		{FromDate, "x-amz-date", http.Header{"X-Amz-Date": {"20240102T030405Z"}}, "2024-01-02T03:04:05Z", true},
		{FromDate, "x-amz-date", http.Header{"Date": {"Tue, 02 Jan 2024 03:04:05 GMT"}}, "2024-01-02T03:04:05Z", true},
		{FromDate, "", http.Header{"Date": {"GMT Date"}}, "", false},
		{FromBCE, "", http.Header{"Authorization": {"bce-auth-v1/AK/2024-01-02T03:04:05Z/1800/host/sig"}}, "2024-01-02T03:04:05Z", true},
		{FromBCE, "", http.Header{"Authorization": {"bce-auth-v1/AK/yesterday/1800/host/sig"}}, "", false},
		{FromCOSWindow, "", http.Header{"Authorization": {"Auth String"}}, "", false},
	}
	for _, tt := range tests {
		w, ok := SignWindow(tt.source, tt.dateHeader, tt.h)
		if ok != tt.ok || ok && w.From.UTC().Format(time.RFC3339) != tt.from {
			t.Errorf("SignWindow(%s, %v) = %v, %v; want %s, %v", tt.source, tt.h, w.From, ok, tt.from, tt.ok)
		}
	}
}
