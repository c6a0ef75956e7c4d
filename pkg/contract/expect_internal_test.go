package contract

import (
	"strings"
	"testing"
)

func TestParseExpectRefusesMalformedLinesWithOneSentence(t *testing.T) {
	cases := []struct {
		in    string
		owned bool
		want  string
	}{
		{"anonymous=401 consumer", false, `"consumer" is not caller=status`},
		{"anonymous=401 consumer=abc", false, `"abc" is not an HTTP status`},
		{"anonymous=401 consumer=42", false, `"42" is not an HTTP status`},
		{"anonymous=401 robot=200", false, `unknown caller "robot"`},
		{"anonymous=401 consumer-other=404", false, "acts on no user-owned row"},
		{"anonymous=401 any-other=404", false, "acts on no user-owned row"},
		{"anonymous=401 anonymous=200", false, "given twice"},
		{"consumer=200", false, "no expectation for the anonymous caller"},
	}
	for _, tc := range cases {
		_, err := parseExpect(tc.in, tc.owned)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseExpect(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
	got, err := parseExpect("anonymous=401 consumer=200|201,404 any=200 any-other=404", true)
	if err != nil {
		t.Fatal(err)
	}
	if e := got[Consumer]; e.String() != "200|201, 404 allowed" || e.Optional {
		t.Errorf("consumer = %+v", e)
	}
	if e := got[Admin]; e.String() != "200" || !e.Optional {
		t.Errorf("any did not fill admin: %+v", e)
	}
	if e := got[ProducerOther]; e.String() != "404" || !e.Optional {
		t.Errorf("any-other did not fill producer-other: %+v", e)
	}
}

func TestTablesBuild(t *testing.T) {
	routes, err := buildRoutes()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := buildRules(routes); err != nil {
		t.Fatal(err)
	}
}
