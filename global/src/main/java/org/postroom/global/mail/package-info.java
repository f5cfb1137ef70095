/** Package mail holds message-level helpers: the mail date format and address quoting (Postfix mail_date.c, quote_822_local.c). */
package org.postroom.global.mail;
