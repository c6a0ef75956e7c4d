package target

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
)

// AccountKind is one smoke account the suites know: its variables' prefix, how the
// documents name it and the role the site must report for it.
type AccountKind struct {
	Prefix string // SMOKE_ADMIN → SMOKE_ADMIN_EMAIL, SMOKE_ADMIN_PASSWORD
	Name   string
	Role   string
	Field  func(*Accounts) *Account
}

var accountKinds = []AccountKind{
	{"SMOKE_ADMIN", "admin", "admin", func(a *Accounts) *Account { return &a.Admin }},
	{"SMOKE_PRODUCER_A", "producer A", "producer", func(a *Accounts) *Account { return &a.ProducerA }},
	{"SMOKE_PRODUCER_B", "producer B", "producer", func(a *Accounts) *Account { return &a.ProducerB }},
	{"SMOKE_PRODUCER_NOPROFILE", "producer without profile", "producer", func(a *Accounts) *Account { return &a.ProducerNoProfile }},
	{"SMOKE_CONSUMER", "consumer", "consumer", func(a *Accounts) *Account { return &a.Consumer }},
}

// AccountVars returns the names of every account variable, in a stable order
// (SMOKE_ADMIN_EMAIL, SMOKE_ADMIN_PASSWORD, SMOKE_PRODUCER_A_EMAIL, ...).
func AccountVars() []string {
	var out []string
	for _, k := range accountKinds {
		out = append(out, k.Prefix+"_EMAIL", k.Prefix+"_PASSWORD")
	}
	return out
}

// LoadAccounts reads the smoke accounts from file (the SMOKE_ACCOUNTS file: KEY=VALUE
// lines, blank lines and # comments ignored, an optional "export " prefix and quotes
// around the value allowed; "" for no file) and then from getenv, whose non-empty
// values win. An account given without its e-mail or without its password, an unknown
// key in the file, an unreadable file or two kinds naming the same e-mail is an error
// naming the variable; a missing account is not (specs needing it are reported as not
// run).
func LoadAccounts(getenv func(string) string, file string) (Accounts, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	vals := map[string]string{}
	if file != "" {
		fromFile, err := readAccountsFile(file)
		if err != nil {
			return Accounts{}, err
		}
		vals = fromFile
	}
	for _, v := range AccountVars() {
		if s := strings.TrimSpace(getenv(v)); s != "" {
			vals[v] = s
		}
	}
	var out Accounts
	seen := map[string]string{}
	for _, k := range accountKinds {
		email, password := vals[k.Prefix+"_EMAIL"], vals[k.Prefix+"_PASSWORD"]
		switch {
		case email == "" && password == "":
			continue
		case email == "":
			return Accounts{}, fmt.Errorf("%s_PASSWORD is set but %s_EMAIL is not: give the %s smoke account's e-mail too, or neither", k.Prefix, k.Prefix, k.Name)
		case password == "":
			return Accounts{}, fmt.Errorf("%s_EMAIL is set but %s_PASSWORD is not: give the %s smoke account's password too, or neither", k.Prefix, k.Prefix, k.Name)
		}
		if other, dup := seen[strings.ToLower(email)]; dup {
			return Accounts{}, fmt.Errorf("%s_EMAIL and %s_EMAIL name the same account %s: each smoke account must be a different user", other, k.Prefix, email)
		}
		seen[strings.ToLower(email)] = k.Prefix
		*k.Field(&out) = Account{Email: email, Password: password}
	}
	return out, nil
}

// readAccountsFile parses a SMOKE_ACCOUNTS file into its KEY=VALUE pairs.
func readAccountsFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the SMOKE_ACCOUNTS file %s (%v): point SMOKE_ACCOUNTS at a readable file of KEY=VALUE lines", path, errors.Unwrap(err))
	}
	return parseAccounts(path, data)
}

// ParseAccounts reads smoke accounts from data in the SMOKE_ACCOUNTS file format;
// name says where data came from, for errors.
func ParseAccounts(name string, data []byte) (Accounts, error) {
	vals, err := parseAccounts(name, data)
	if err != nil {
		return Accounts{}, err
	}
	return LoadAccounts(func(k string) string { return vals[k] }, "")
}

// IsZero reports whether no account is set.
func (a Accounts) IsZero() bool { return a == Accounts{} }

func parseAccounts(path string, data []byte) (map[string]string, error) {
	known := map[string]bool{}
	for _, v := range AccountVars() {
		known[v] = true
	}
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, value, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return nil, fmt.Errorf("the SMOKE_ACCOUNTS file %s, line %d, is not KEY=VALUE: write each account variable as e.g. SMOKE_ADMIN_EMAIL=admin@example.org", path, n)
		}
		if !known[key] {
			return nil, fmt.Errorf("the SMOKE_ACCOUNTS file %s, line %d, sets %s, which is not an account variable: use %s", path, n, key, strings.Join(AccountVars(), ", "))
		}
		out[key] = unquote(strings.TrimSpace(value))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cannot read the SMOKE_ACCOUNTS file %s (%v): check the file", path, err)
	}
	return out, nil
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// AccountKinds returns the smoke accounts the suites know, in a stable order.
func AccountKinds() []AccountKind { return append([]AccountKind(nil), accountKinds...) }
