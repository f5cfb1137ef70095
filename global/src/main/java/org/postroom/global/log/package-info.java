/** Package log writes Postfix-format log lines to maillog_file (Postfix msg.c, maillog_client.c). */
package org.postroom.global.log;
