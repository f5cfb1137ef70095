/** Package service is the daemon skeleton every Postroom service runs on (Postfix single_server.c, trigger_server.c, mail_server.h). */
package org.postroom.service;
