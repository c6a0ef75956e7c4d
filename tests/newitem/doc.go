// Package newitem proves that a new DoD item is one folder: it writes a throwaway item
// (item.json, the suite file and one spec) into a temporary folder under suites/, runs
// it, and finds its document rendered — without a change to pkg/ or cmd/.
package newitem
