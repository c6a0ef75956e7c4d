// Package market is a typed client of the marketplace contract (auth, products, the
// producer dashboard, cart, orders, health). Every exchange is timed and handed to an
// optional Recorder as evidence, so a spec's document shows exactly what was sent and
// received (bodies are redacted by the recorder before anything is written).
//
// Calls return the decoded body together with a *Response holding the status; a non-2xx
// status is not an error (specs assert on it), a transport failure is.
package market
