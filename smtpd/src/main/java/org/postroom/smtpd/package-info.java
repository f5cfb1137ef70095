/**
 * Package smtpd is the Postfix-compatible SMTP server (smtpd.c, smtpd_chat.c, smtpd_check.c): the pure
 * protocol engine {@link org.postroom.smtpd.SmtpSession}, the network loop {@link org.postroom.smtpd.Chat}
 * and the restriction engine {@link org.postroom.smtpd.Restrictions}.
 */
package org.postroom.smtpd;
