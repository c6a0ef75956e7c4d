// Package config holds smokeproof's one configuration struct. Every field names its
// environment variable in a struct tag; Load reads them once (before RunSpecs, never at
// package top level) and Validate turns a bad value into one sentence saying what is
// wrong and how to fix it.
package config
