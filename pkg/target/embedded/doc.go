// Package embedded is the zero-setup target: an in-process MySQL-protocol server
// (fixtures/embeddb), the reference shop (fixtures/shop) on a loopback port, and an
// SMTP sink (pkg/mailbox) that the shop mails through. Everything starts in well under
// a second and listens on 127.0.0.1 only.
//
// Other Ginkgo processes reach the sink's messages through a small read-only HTTP view
// (mail spec "sink:<url>"), so `ginkgo -p` shares one target.
//
// This is the one pkg that imports fixtures: the embedded target is the reference shop.
package embedded
