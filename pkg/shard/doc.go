// Package shard splits a run's specs into n stable shares (`smokeproof run --shard i/n`)
// and merges the shards' Ginkgo reports back into the reports a single run would have
// written. It depends on Ginkgo's types only, so the CLI can merge without the DSL.
package shard
