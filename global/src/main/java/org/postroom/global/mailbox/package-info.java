/**
 * Package mailbox is the mailbox delivery code that local(8) and virtual(8) share: copying a queued message
 * into an mbox file or a Maildir, with locking, size limits and ownership (Postfix mail_copy.c,
 * dot_lockfile.c, deliver_flock.c, mbox_open.c, local/maildir.c, virtual/maildir.c).
 */
package org.postroom.global.mailbox;
