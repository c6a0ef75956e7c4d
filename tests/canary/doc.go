// Package canary is the redaction canary (architecture rule 5: no secret reaches
// disk). Its test starts a real MariaDB and the reference shop, puts a capturing
// reverse proxy (Proxy) in front of the shop, runs every suite against the proxy as a
// live site with writes allowed, and then reads every byte of every file the run wrote
// (Scan): any account password, database password, bearer token or session cookie
// found there fails the test, naming the file and the kind of secret, never the
// secret itself.
package canary
