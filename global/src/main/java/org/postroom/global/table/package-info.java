/** Package table is Postroom's lookup-table library: Postfix's type:name tables and their lookup rules (Postfix dict_*.c, maps.c, mail_addr_find.c). */
package org.postroom.global.table;
