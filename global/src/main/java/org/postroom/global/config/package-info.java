/** Package config reads main.cf and master.cf into typed, immutable values (Postfix mail_conf*.c, master_ent.c). */
package org.postroom.global.config;
