package evidence_test

import (
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

func TestRedactorMasksKnownAndPatternSecrets(t *testing.T) {
	var r evidence.Redactor
	r.Add("consumer-1-pass-7702", "s3cr3t-dsn-pw")
	cases := map[string]string{
		`{"email":"a@b","password":"consumer-1-pass-7702"}`:                            "consumer-1-pass-7702",
		`{"password":"never-told-password"}`:                                           "never-told-password",
		`Authorization: Bearer 12|abcdefghijABCDEFGHIJabcdefghijABCDEFGHIJ`:            "abcdefghijABCDEFGHIJ",
		`{"token":"7|abcdefghijABCDEFGHIJabcdefghijABCDEFGHIJ","token_type":"Bearer"}`: "abcdefghij",
		`root:s3cr3t-dsn-pw@tcp(127.0.0.1:3306)/db`:                                    "s3cr3t-dsn-pw",
		`app:other-pw@tcp(db:3306)/shop`:                                               "other-pw",
		`Set-Cookie: shop_session=abc123def; HttpOnly`:                                 "abc123def",
		`shop_session=zzzyyyxxx`:                                                       "zzzyyyxxx",
	}
	for in, secret := range cases {
		out := r.String(in)
		if strings.Contains(out, secret) {
			t.Errorf("secret %q survived: %s", secret, out)
		}
		if !strings.Contains(out, evidence.Mask) {
			t.Errorf("no mask in %q", out)
		}
	}
	for _, plain := range []string{
		`{"name":"Organic Tomatoes","price":"3.50"}`,
		"registers a consumer and answers 201 with a bearer token and no password hash",
		`"token_type":"Bearer"`,
	} {
		if got := r.String(plain); got != plain {
			t.Errorf("ordinary text changed: %s", got)
		}
	}
}

func TestRecordRedactsEveryTextField(t *testing.T) {
	var r evidence.Redactor
	r.Add("hunter22")
	rec := r.Record(evidence.Record{Kind: evidence.KindHTTP, Note: "pw hunter22", HTTP: &evidence.HTTP{
		Method: "POST", Path: "/x?password=hunter22", RequestBody: `{"p":"hunter22"}`, ResponseBody: "hunter22"}})
	for _, s := range []string{rec.Note, rec.HTTP.Path, rec.HTTP.RequestBody, rec.HTTP.ResponseBody} {
		if strings.Contains(s, "hunter22") {
			t.Errorf("secret survived in %q", s)
		}
	}
}

func TestShorten(t *testing.T) {
	if got := evidence.Shorten("héllo world", 3); got != "hé… (9 more bytes)" {
		t.Errorf("got %q", got)
	}
	if got := evidence.Shorten("abc", 3); got != "abc" {
		t.Errorf("got %q", got)
	}
}
