// Package mailbox finds the e-mails a target sent, whatever it sent them through.
//
// One [Source] interface covers every place a message can land: the harness's own
// SMTP sink ([StartSink]), a Mailpit server ([NewMailpit]), the file that Laravel's
// MAIL_MAILER=log writes ([NewLaravelLog]) and, as a last resort, the
// order_notifications table ([NewNotificationsTable]). [Find] polls a source until a
// message matching a [Query] arrives, waits a moment more so that a duplicate sent
// right after is seen too, and returns every match; [Message.Evidence] turns a match
// into an evidence record.
//
// [ParseSpec] reads the mail-source setting ("mailpit:<url>", "laravel-log:<path>",
// "notifications-table", "none").
package mailbox
